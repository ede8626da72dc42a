/**
 * Seeded randomness for the demo data. Everything the generator draws comes from here (never Math.random), so
 * a seed fixes every byte of the output.
 */
import { mulberry32 } from "../random.js";
export { mulberry32 };
export function createRng(seed) {
    const next = mulberry32(seed);
    const rng = {
        next,
        uniform: (lo, hi) => lo + (hi - lo) * next(),
        int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
        normal: () => {
            // 1 - next() is in (0, 1], so the log is finite.
            const r = Math.sqrt(-2 * Math.log(1 - next()));
            return r * Math.cos(2 * Math.PI * next());
        },
        chance: (p) => next() < p,
        pick: (items) => items[Math.floor(next() * items.length)],
        weighted: (items, weights) => {
            const total = weights.reduce((a, b) => a + b, 0);
            let u = next() * total;
            for (let i = 0; i < items.length; i++) {
                u -= weights[i];
                if (u < 0)
                    return items[i];
            }
            return items[items.length - 1];
        },
    };
    return rng;
}
/**
 * Fast noise for sample-rate loops (millions of draws per recording): xorshift32, and the sum of its two
 * 16-bit halves, which is triangular with unit variance after scaling. Filters downstream make it Gaussian
 * enough; it is several times cheaper than Box-Muller over mulberry32.
 */
export function noiseSource(seed) {
    // The state lives in a typed array: a 32-bit value in a closure variable would be boxed on every call.
    const state = new Uint32Array([(seed >>> 0) || 0x9e3779b9]);
    return () => {
        let x = state[0];
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        state[0] = x;
        x = state[0];
        return ((x & 0xffff) + (x >>> 16) - 65535) * (2.449489742783178 / 65536);
    };
}
/**
 * Mix a seed with names and numbers into a new 32-bit seed (FNV-1a over the parts, then a murmur finaliser).
 * Each recording draws from its own stream, so recording 3 of a species is the same whatever the dataset size.
 */
export function deriveSeed(seed, ...parts) {
    let h = 0x811c9dc5;
    for (const part of [seed >>> 0, ...parts]) {
        const text = `${part}\u0000`;
        for (let i = 0; i < text.length; i++) {
            h ^= text.charCodeAt(i);
            h = Math.imul(h, 0x01000193) >>> 0;
        }
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    return h >>> 0;
}
//# sourceMappingURL=prng.js.map