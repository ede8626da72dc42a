/**
 * mulberry32: a tiny seeded 32-bit PRNG, uniform in [0, 1). Seeded randomness that repeats run to run and
 * machine to machine (Math.random cannot be seeded), for every stage that needs some: WAV dither, the demo's
 * synthesis, the selector's bootstrap. Good enough for those, and several times cheaper than anything larger.
 */
export declare function mulberry32(seed: number): () => number;
