/** The sample rate comes from the audio itself, so it is not a parameter a user could get wrong. */
export declare const melspecParams: import("zod").ZodObject<{
    power: import("zod").ZodDefault<import("zod").ZodNumber>;
    window: import("zod").ZodDefault<import("zod").ZodEnum<{
        hann: "hann";
        hamming: "hamming";
        blackman: "blackman";
        rectangular: "rectangular";
        boxcar: "boxcar";
    }>>;
    nFft: import("zod").ZodDefault<import("zod").ZodNumber>;
    hopLength: import("zod").ZodOptional<import("zod").ZodNumber>;
    winLength: import("zod").ZodOptional<import("zod").ZodNumber>;
    center: import("zod").ZodDefault<import("zod").ZodBoolean>;
    padMode: import("zod").ZodDefault<import("zod").ZodEnum<{
        constant: "constant";
        reflect: "reflect";
    }>>;
    dtype: import("zod").ZodDefault<import("zod").ZodEnum<{
        float32: "float32";
        float64: "float64";
    }>>;
    nMels: import("zod").ZodDefault<import("zod").ZodNumber>;
    fmin: import("zod").ZodDefault<import("zod").ZodNumber>;
    fmax: import("zod").ZodOptional<import("zod").ZodNullable<import("zod").ZodNumber>>;
    htk: import("zod").ZodDefault<import("zod").ZodBoolean>;
    norm: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodEnum<{
        none: "none";
        slaney: "slaney";
    }>>>;
}, import("zod/v4/core").$strip>;
export declare const melspecBlock: import("../block.ts").Block<"audio", "spectrogram", import("zod").ZodObject<{
    power: import("zod").ZodDefault<import("zod").ZodNumber>;
    window: import("zod").ZodDefault<import("zod").ZodEnum<{
        hann: "hann";
        hamming: "hamming";
        blackman: "blackman";
        rectangular: "rectangular";
        boxcar: "boxcar";
    }>>;
    nFft: import("zod").ZodDefault<import("zod").ZodNumber>;
    hopLength: import("zod").ZodOptional<import("zod").ZodNumber>;
    winLength: import("zod").ZodOptional<import("zod").ZodNumber>;
    center: import("zod").ZodDefault<import("zod").ZodBoolean>;
    padMode: import("zod").ZodDefault<import("zod").ZodEnum<{
        constant: "constant";
        reflect: "reflect";
    }>>;
    dtype: import("zod").ZodDefault<import("zod").ZodEnum<{
        float32: "float32";
        float64: "float64";
    }>>;
    nMels: import("zod").ZodDefault<import("zod").ZodNumber>;
    fmin: import("zod").ZodDefault<import("zod").ZodNumber>;
    fmax: import("zod").ZodOptional<import("zod").ZodNullable<import("zod").ZodNumber>>;
    htk: import("zod").ZodDefault<import("zod").ZodBoolean>;
    norm: import("zod").ZodDefault<import("zod").ZodNullable<import("zod").ZodEnum<{
        none: "none";
        slaney: "slaney";
    }>>>;
}, import("zod/v4/core").$strip>>;
