/**
 * The resampler's first stage when downsampling: a long, sharp, zero-phase low-pass at the input rate,
 * applied by FFT convolution (overlap-save). A sharp filter's cost by FFT grows with log(length) per sample
 * rather than with its length, which is what lets the polyphase stage after it be short (soxr's design).
 */
import FFT from 'fft.js';
import { besselI0, kaiserBeta, kaiserSinc } from "./resample-kaiser.js";
/** Smallest cost per output sample, N log N / (N - taps + 1), over powers of two at least 2x the filter. */
function bestFftSize(taps) {
    let best = 0;
    let bestCost = Infinity;
    for (let n = 256; n <= 1 << 20; n *= 2) {
        if (n < 2 * taps)
            continue;
        const cost = (n * Math.log2(n)) / (n - taps + 1);
        if (cost < bestCost * 0.97) {
            best = n;
            bestCost = cost;
        }
    }
    return best;
}
/**
 * Designs a Kaiser-windowed sinc low-pass of 2 * half + 1 taps, `cutoff` in cycles per sample, normalised
 * to unit DC gain, and its spectrum for overlap-save.
 */
export function designFftLowpass(cutoff, half, attenuationDb) {
    const taps = 2 * half + 1;
    const size = bestFftSize(taps);
    const beta = kaiserBeta(attenuationDb);
    const i0Beta = besselI0(beta);
    const h = new Float64Array(taps);
    let sum = 0;
    // Radius half + 1 keeps the end taps non-zero, so no tap is spent on a window zero.
    for (let i = 0; i < taps; i++)
        sum += h[i] = kaiserSinc(i - half, cutoff, half + 1, beta, i0Beta);
    const fft = new FFT(size);
    const bufA = new Float64Array(2 * size);
    const bufB = new Float64Array(2 * size);
    for (let i = 0; i < taps; i++)
        bufA[2 * i] = h[i] / sum / size;
    const spectrum = new Float64Array(2 * size);
    fft.transform(spectrum, bufA);
    bufA.fill(0);
    return { half, size, step: 2 * (size - 2 * half), spectrum, fft, bufA, bufB };
}
/** Copies x[from .. from + size) (zero outside x) into every other slot of `buf`, starting at `slot`. */
function load(buf, slot, x, from, size) {
    const lo = Math.max(0, -from);
    const hi = Math.min(size, x.length - from);
    let m = 0;
    for (; m < lo && m < size; m++)
        buf[2 * m + slot] = 0;
    for (; m < hi; m++)
        buf[2 * m + slot] = x[from + m];
    for (; m < size; m++)
        buf[2 * m + slot] = 0;
}
/**
 * out[j] = sum_k h[k] x[start + j - k] for every j < out.length (h centred on k = 0, x zero outside its
 * samples), so out may begin before x and run past its end to hold the filter's full tails.
 */
export function applyFftLowpass(f, x, out, start) {
    const { half, size, spectrum, fft, bufA, bufB } = f;
    const block = size - 2 * half;
    const n = out.length;
    // Two real blocks ride in one complex transform (a as the real part, b as the imaginary part): the
    // filter is real, so the product's inverse keeps them apart, and each transform pair yields 2 blocks.
    for (let j = 0; j < n; j += 2 * block) {
        load(bufA, 0, x, start + j - half, size);
        load(bufA, 1, x, start + j + block - half, size);
        fft.transform(bufB, bufA);
        // Hot loop: the spectral product, conjugated so that the next forward transform is the inverse
        // (ifft(Z) = conj(fft(conj(Z))) / size, the 1 / size folded into the spectrum).
        for (let k = 0; k < 2 * size; k += 2) {
            const zr = bufB[k];
            const zi = bufB[k + 1];
            const gr = spectrum[k];
            const gi = spectrum[k + 1];
            bufB[k] = zr * gr - zi * gi;
            bufB[k + 1] = -(zr * gi + zi * gr);
        }
        fft.transform(bufA, bufB);
        // Outputs 2 * half .. size - 1 of the circular convolution are free of wrap-around.
        const endA = Math.min(block, n - j);
        for (let m = 0, s = 4 * half; m < endA; m++, s += 2)
            out[j + m] = bufA[s];
        const endB = Math.min(block, n - j - block);
        for (let m = 0, s = 4 * half + 1; m < endB; m++, s += 2)
            out[j + block + m] = -bufA[s];
    }
}
//# sourceMappingURL=resample-fft.js.map