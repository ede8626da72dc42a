/**
 * A seeded PRNG for everything random in training (shuffles, splits, augmentation), so a seed repeats a run.
 * sfc32 seeded through splitmix32: fast, 128-bit state, good enough for shuffling and augmentation.
 * Not the demo's DemoRng (mulberry32, src/random.ts): a different stream, so one cannot replace the other
 * without changing every seeded training run.
 */
export declare class TrainRng {
    private a;
    private b;
    private c;
    private d;
    constructor(seed: number);
    /** Uniform in [0, 1). */
    next(): number;
    /** Integer in [0, n). */
    int(n: number): number;
    /** Uniform in [lo, hi). */
    uniform(lo: number, hi: number): number;
    /** Standard normal (Box-Muller). */
    normal(): number;
    /** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 through the boost gamma(shape+1) * U^(1/shape). */
    gamma(shape: number): number;
    /** Beta(alpha, beta), the mixup weight distribution. */
    beta(alpha: number, beta: number): number;
    /** Fisher-Yates, in place. */
    shuffle<T>(items: T[]): T[];
    /** A 31-bit seed for tf initialisers and child generators. */
    seed(): number;
}
