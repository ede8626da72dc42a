/**
 * As librosa.power_to_db, except that `ref` defaults to 'max' (librosa's function defaults to 1.0): a
 * pipeline almost always wants 0 dB at the loudest cell of each chunk, as `power_to_db(S, ref=np.max)`.
 */
export declare const dbBlockParams: import("zod").ZodObject<{
    amin: import("zod").ZodDefault<import("zod").ZodNumber>;
    topDb: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodNumber>>;
    ref: import("zod").ZodDefault<import("zod").ZodUnion<readonly [import("zod").ZodNumber, import("zod").ZodLiteral<"max">]>>;
}, import("zod/v4/core").$strip>;
export declare const dbBlock: import("../block.ts").Block<"spectrogram", "spectrogram", import("zod").ZodObject<{
    amin: import("zod").ZodDefault<import("zod").ZodNumber>;
    topDb: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodNumber>>;
    ref: import("zod").ZodDefault<import("zod").ZodUnion<readonly [import("zod").ZodNumber, import("zod").ZodLiteral<"max">]>>;
}, import("zod/v4/core").$strip>>;
