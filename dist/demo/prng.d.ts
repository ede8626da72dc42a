/**
 * Seeded randomness for the demo data. Everything the generator draws comes from here (never Math.random), so
 * a seed fixes every byte of the output.
 */
import { mulberry32 } from '../random.ts';
export { mulberry32 };
export interface DemoRng {
    /** Uniform in [0, 1). */
    next(): number;
    /** Uniform in [lo, hi). */
    uniform(lo: number, hi: number): number;
    /** Integer in [lo, hi] inclusive. */
    int(lo: number, hi: number): number;
    /** Standard normal (Box-Muller). */
    normal(): number;
    /** True with probability p. */
    chance(p: number): boolean;
    /** One element of a non-empty array. */
    pick<T>(items: readonly T[]): T;
    /** One element, drawn with the given non-negative weights. */
    weighted<T>(items: readonly T[], weights: readonly number[]): T;
}
export declare function createRng(seed: number): DemoRng;
/**
 * Fast noise for sample-rate loops (millions of draws per recording): xorshift32, and the sum of its two
 * 16-bit halves, which is triangular with unit variance after scaling. Filters downstream make it Gaussian
 * enough; it is several times cheaper than Box-Muller over mulberry32.
 */
export declare function noiseSource(seed: number): () => number;
/**
 * Mix a seed with names and numbers into a new 32-bit seed (FNV-1a over the parts, then a murmur finaliser).
 * Each recording draws from its own stream, so recording 3 of a species is the same whatever the dataset size.
 */
export declare function deriveSeed(seed: number, ...parts: (string | number)[]): number;
