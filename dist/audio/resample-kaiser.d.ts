/**
 * Kaiser-window FIR design shared by the resampler's two stages: the window, its beta for an attenuation,
 * and the length Kaiser's formula asks for a given transition width.
 */
/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta < 20). */
export declare function besselI0(x: number): number;
/** Kaiser's beta for a stopband attenuation in dB. */
export declare function kaiserBeta(attenuationDb: number): number;
/**
 * Kaiser's estimate of the filter order (taps - 1) that reaches `attenuationDb` over a transition band of
 * `transition` cycles per sample.
 */
export declare function kaiserOrder(attenuationDb: number, transition: number): number;
/**
 * A Kaiser-windowed ideal low-pass: `cutoff` in cycles per sample (0.5 is Nyquist), evaluated at `t`
 * samples from the centre, for a window reaching zero at |t| = `radius`. `i0Beta` is besselI0(beta),
 * passed in because callers evaluate thousands of taps with one beta.
 */
export declare function kaiserSinc(t: number, cutoff: number, radius: number, beta: number, i0Beta: number): number;
