/** The smoothing time constant is converted to frames with the spectrogram's own rate and hop. */
export declare const pcenBlockParams: import("zod").ZodObject<{
    power: import("zod").ZodDefault<import("zod").ZodNumber>;
    gain: import("zod").ZodDefault<import("zod").ZodNumber>;
    bias: import("zod").ZodDefault<import("zod").ZodNumber>;
    timeConstant: import("zod").ZodDefault<import("zod").ZodNumber>;
    eps: import("zod").ZodDefault<import("zod").ZodNumber>;
    b: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodNumber>>;
    maxSize: import("zod").ZodDefault<import("zod").ZodNumber>;
}, import("zod/v4/core").$strip>;
export declare const pcenBlock: import("../block.ts").Block<"spectrogram", "spectrogram", import("zod").ZodObject<{
    power: import("zod").ZodDefault<import("zod").ZodNumber>;
    gain: import("zod").ZodDefault<import("zod").ZodNumber>;
    bias: import("zod").ZodDefault<import("zod").ZodNumber>;
    timeConstant: import("zod").ZodDefault<import("zod").ZodNumber>;
    eps: import("zod").ZodDefault<import("zod").ZodNumber>;
    b: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodNumber>>;
    maxSize: import("zod").ZodDefault<import("zod").ZodNumber>;
}, import("zod/v4/core").$strip>>;
