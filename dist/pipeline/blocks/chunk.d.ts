export declare const chunkBlock: import("../block.ts").Block<"audio", "audio", import("zod").ZodObject<{
    seconds: import("zod").ZodDefault<import("zod").ZodNumber>;
    overlap: import("zod").ZodDefault<import("zod").ZodNumber>;
    last: import("zod").ZodDefault<import("zod").ZodEnum<{
        pad: "pad";
        drop: "drop";
    }>>;
    minLastSeconds: import("zod").ZodOptional<import("zod").ZodNumber>;
}, import("zod/v4/core").$strip>>;
