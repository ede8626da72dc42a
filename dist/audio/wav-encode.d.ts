export interface WavEncodeOptions {
    /** Bits per sample: 16 (default), 24 or 32. Float output is always 32-bit. */
    bitDepth?: 16 | 24 | 32;
    /** Write IEEE float samples (format tag 3) instead of integer PCM. Default false. */
    float?: boolean;
    /**
     * Add triangular (TPDF) dither of +-1 LSB before rounding to integers. Default false, so that a
     * round trip through a decoder is exact for samples already on the integer grid.
     */
    dither?: boolean;
    /** Seed of the dither noise, so dithered output is still reproducible. Default 1. */
    ditherSeed?: number;
}
/**
 * Encode samples as a plain RIFF/WAVE file, little-endian: a `fmt ` chunk and a `data` chunk (plus the
 * `fact` chunk the spec asks for with float data). `samples` is one channel or one array per channel.
 *
 * Integer samples are scaled as libsndfile does (x * 2^(bits-1), rounded, clipped to the integer range), so
 * floats in [-1, 1) map one-to-one onto the integer grid and decoders that divide by 2^(bits-1) give back
 * exactly what was written.
 */
export declare function encodeWav(samples: Float32Array | Float32Array[], sampleRate: number, opts?: WavEncodeOptions): Uint8Array;
