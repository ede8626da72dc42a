export declare const imageBlock: import("../block.ts").Block<"spectrogram", "spectrogram", import("zod").ZodObject<{
    bitDepth: import("zod").ZodDefault<import("zod").ZodUnion<readonly [import("zod").ZodLiteral<8>, import("zod").ZodLiteral<16>]>>;
    colormap: import("zod").ZodDefault<import("zod").ZodEnum<{
        viridis: "viridis";
        magma: "magma";
        gray: "gray";
    }>>;
    topDb: import("zod").ZodDefault<import("zod").ZodNumber>;
    dbMin: import("zod").ZodOptional<import("zod").ZodNumber>;
    dbMax: import("zod").ZodOptional<import("zod").ZodNumber>;
}, import("zod/v4/core").$strip>>;
