/**
 * Kaiser-window FIR design shared by the resampler's two stages: the window, its beta for an attenuation,
 * and the length Kaiser's formula asks for a given transition width.
 */
/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
export function besselI0(x) {
    let sum = 1;
    let term = 1;
    const q = (x * x) / 4;
    for (let k = 1; k < 200; k++) {
        term *= q / (k * k);
        sum += term;
        if (term < sum * 1e-17)
            break;
    }
    return sum;
}
/** Kaiser's beta for a stopband attenuation in dB. */
export function kaiserBeta(attenuationDb) {
    if (attenuationDb > 50)
        return 0.1102 * (attenuationDb - 8.7);
    if (attenuationDb >= 21)
        return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
    return 0;
}
/**
 * Kaiser's estimate of the filter order (taps - 1) that reaches `attenuationDb` over a transition band of
 * `transition` cycles per sample.
 */
export function kaiserOrder(attenuationDb, transition) {
    return (attenuationDb - 7.95) / (14.36 * transition);
}
/**
 * A Kaiser-windowed ideal low-pass: `cutoff` in cycles per sample (0.5 is Nyquist), evaluated at `t`
 * samples from the centre, for a window reaching zero at |t| = `radius`. `i0Beta` is besselI0(beta),
 * passed in because callers evaluate thousands of taps with one beta.
 */
export function kaiserSinc(t, cutoff, radius, beta, i0Beta) {
    const u = t / radius;
    if (Math.abs(u) >= 1)
        return 0;
    const w = besselI0(beta * Math.sqrt(1 - u * u)) / i0Beta;
    const x = 2 * cutoff * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    return 2 * cutoff * sinc * w;
}
//# sourceMappingURL=resample-kaiser.js.map