export declare const decode: (params?: {
    maxSeconds?: number | undefined;
} | undefined) => import("./block.ts").Step<"file", "audio">;
export declare const resample: (params?: {
    sampleRate?: number | undefined;
    quality?: "best" | "fast" | undefined;
} | undefined) => import("./block.ts").Step<"audio", "audio">;
export declare const chunk: (params?: {
    seconds?: number | undefined;
    overlap?: number | undefined;
    last?: "pad" | "drop" | undefined;
    minLastSeconds?: number | undefined;
} | undefined) => import("./block.ts").Step<"audio", "audio">;
export declare const quality: (params?: {
    action?: "drop" | "warn" | "fail" | undefined;
    checks?: ("nearSilent" | "clipping" | "tooShort" | "nonFinite")[] | undefined;
    silenceDbfs?: number | undefined;
    clipLevel?: number | undefined;
    maxClippingRatio?: number | undefined;
    minSeconds?: number | undefined;
} | undefined) => import("./block.ts").Step<"audio", "audio">;
export declare const melspec: (params?: {
    power?: number | undefined;
    window?: "hann" | "hamming" | "blackman" | "rectangular" | "boxcar" | undefined;
    nFft?: number | undefined;
    hopLength?: number | undefined;
    winLength?: number | undefined;
    center?: boolean | undefined;
    padMode?: "constant" | "reflect" | undefined;
    dtype?: "float32" | "float64" | undefined;
    nMels?: number | undefined;
    fmin?: number | undefined;
    fmax?: number | null | undefined;
    htk?: boolean | undefined;
    norm?: "none" | "slaney" | null | undefined;
} | undefined) => import("./block.ts").Step<"audio", "spectrogram">;
export declare const db: (params?: {
    amin?: number | undefined;
    topDb?: number | null | undefined;
    ref?: number | "max" | undefined;
} | undefined) => import("./block.ts").Step<"spectrogram", "spectrogram">;
export declare const pcen: (params?: {
    power?: number | undefined;
    gain?: number | undefined;
    bias?: number | undefined;
    timeConstant?: number | undefined;
    eps?: number | undefined;
    b?: number | null | undefined;
    maxSize?: number | undefined;
} | undefined) => import("./block.ts").Step<"spectrogram", "spectrogram">;
export declare const normalize: (params?: {
    method?: "minmax" | "standardize" | undefined;
} | undefined) => import("./block.ts").Step<"spectrogram", "spectrogram">;
export declare const image: (params?: {
    bitDepth?: 16 | 8 | undefined;
    colormap?: "viridis" | "magma" | "gray" | undefined;
    topDb?: number | undefined;
    dbMin?: number | undefined;
    dbMax?: number | undefined;
} | undefined) => import("./block.ts").Step<"spectrogram", "spectrogram">;
export declare const npy: (params?: {
    dtype?: "float32" | "float64" | undefined;
} | undefined) => import("./block.ts").Step<"spectrogram", "spectrogram">;
