export declare const resampleBlock: import("../block.ts").Block<"audio", "audio", import("zod").ZodObject<{
    sampleRate: import("zod").ZodDefault<import("zod").ZodNumber>;
    quality: import("zod").ZodDefault<import("zod").ZodEnum<{
        best: "best";
        fast: "fast";
    }>>;
}, import("zod/v4/core").$strip>>;
