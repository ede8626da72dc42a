export declare const normalizeBlock: import("../block.ts").Block<"spectrogram", "spectrogram", import("zod").ZodObject<{
    method: import("zod").ZodDefault<import("zod").ZodEnum<{
        minmax: "minmax";
        standardize: "standardize";
    }>>;
}, import("zod/v4/core").$strip>>;
