/**
 * mulberry32: a tiny seeded 32-bit PRNG, uniform in [0, 1). Seeded randomness that repeats run to run and
 * machine to machine (Math.random cannot be seeded), for every stage that needs some: WAV dither, the demo's
 * synthesis, the selector's bootstrap. Good enough for those, and several times cheaper than anything larger.
 */
export function mulberry32(seed) {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
//# sourceMappingURL=random.js.map