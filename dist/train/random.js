/**
 * A seeded PRNG for everything random in training (shuffles, splits, augmentation), so a seed repeats a run.
 * sfc32 seeded through splitmix32: fast, 128-bit state, good enough for shuffling and augmentation.
 * Not the demo's DemoRng (mulberry32, src/random.ts): a different stream, so one cannot replace the other
 * without changing every seeded training run.
 */
export class TrainRng {
    a;
    b;
    c;
    d;
    constructor(seed) {
        let s = seed >>> 0;
        const next = () => {
            s = (s + 0x9e3779b9) | 0;
            let z = s;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.a = next();
        this.b = next();
        this.c = next();
        this.d = next();
        for (let i = 0; i < 12; i++)
            this.next();
    }
    /** Uniform in [0, 1). */
    next() {
        const t = (((this.a + this.b) | 0) + this.d) | 0;
        this.d = (this.d + 1) | 0;
        this.a = this.b ^ (this.b >>> 9);
        this.b = (this.c + (this.c << 3)) | 0;
        this.c = (this.c << 21) | (this.c >>> 11);
        this.c = (this.c + t) | 0;
        return (t >>> 0) / 4294967296;
    }
    /** Integer in [0, n). */
    int(n) {
        return Math.floor(this.next() * n);
    }
    /** Uniform in [lo, hi). */
    uniform(lo, hi) {
        return lo + (hi - lo) * this.next();
    }
    /** Standard normal (Box-Muller). */
    normal() {
        const u = 1 - this.next();
        const v = this.next();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    /** Gamma(shape, 1) by Marsaglia and Tsang; shape < 1 through the boost gamma(shape+1) * U^(1/shape). */
    gamma(shape) {
        if (shape < 1)
            return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
        const d = shape - 1 / 3;
        const c = 1 / Math.sqrt(9 * d);
        for (;;) {
            let x;
            let v;
            do {
                x = this.normal();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            const u = 1 - this.next();
            if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v))
                return d * v;
        }
    }
    /** Beta(alpha, beta), the mixup weight distribution. */
    beta(alpha, beta) {
        const x = this.gamma(alpha);
        const y = this.gamma(beta);
        return x / (x + y);
    }
    /** Fisher-Yates, in place. */
    shuffle(items) {
        for (let i = items.length - 1; i > 0; i--) {
            const j = this.int(i + 1);
            [items[i], items[j]] = [items[j], items[i]];
        }
        return items;
    }
    /** A 31-bit seed for tf initialisers and child generators. */
    seed() {
        return Math.floor(this.next() * 0x7fffffff);
    }
}
//# sourceMappingURL=random.js.map