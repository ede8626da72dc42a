/**
 * Which transform runs underneath: 'fft.js' (the library the design names), 'radix-8' (our own: radix-8
 * stages with a radix-4/2 remainder; for even
 * sizes whose half is a power of two: see docs/decisions/fft.md), 'bluestein' (any other even half, or an
 * odd size, on fft.js).
 */
export type FftAlgorithm = 'fft.js' | 'radix-8' | 'bluestein';
/** Whether our radix-8 kernel can take a real FFT of this size: n even with n / 2 a power of two. */
export declare function radix8Fits(size: number): boolean;
/** Forward DFT of `size` real samples, returning bins 0 .. floor(size / 2) like numpy.fft.rfft. */
export declare class RealFft {
    readonly size: number;
    /** Number of output bins, 1 + floor(size / 2). */
    readonly bins: number;
    /** Which algorithm runs underneath, for benchmarks and messages. */
    readonly algorithm: FftAlgorithm;
    private readonly plan;
    private readonly core;
    private readonly half;
    private readonly spectrum;
    /** Only for odd sizes: the real input with a zero imaginary part. */
    private readonly complexInput;
    /** Split-step twiddles exp(-2 pi i k / n), k < n/2. */
    private readonly twCos;
    private readonly twSin;
    /**
     * `kernel` 'radix-8' asks for our own transform where it fits (`radix8Fits`), falling back to fft.js /
     * Bluestein elsewhere; the default stays fft.js, the reference. `realFft(size)` gives the fastest.
     */
    constructor(size: number, kernel?: 'fft.js' | 'radix-8');
    /** Complex spectrum of `input` (length `size`) as interleaved (re, im) into `out` (length >= 2 * bins). */
    forward(input: Float64Array, out: Float64Array): void;
    /** |X[k]|^2 for each bin into `out` (length >= bins): the STFT's hot path, no complex spectrum stored. */
    power(input: Float64Array, out: Float64Array): void;
    /**
     * The real split step on the radix-8 kernel's output, one pair (k, m - k) per iteration: both bins come from
     * the same two gathered values, X[k] = E + W^k O and X[m - k] = conj(E) - W^k conj(O) in terms of
     * p + iq = W^k O. The 1/2 of E and O is folded into one exact 1/4 on the power.
     */
    private splitPower;
    private splitForward;
    private transformOdd;
}
/**
 * The cached real-FFT plan for `size` (created on first use): the fastest kernel for the size, i.e.
 * our radix-8 kernel where it fits (measured in docs/decisions/fft.md), fft.js or Bluestein elsewhere.
 */
export declare function realFft(size: number): RealFft;
