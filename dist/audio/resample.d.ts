/**
 * Band-limited sample-rate conversion with Kaiser-windowed sinc filters, in soxr's manner. Output sample k
 * sits at input time k * inRate / outRate (zero phase, no delay), and the output has
 * ceil(n * outRate / inRate) samples, as librosa.resample.
 *
 * Downsampling by a modest ratio (44.1 or 48 -> 32 kHz) runs in two stages: the sharp low-pass at the
 * input rate by FFT convolution (resample-fft.ts), then a short rational-ratio polyphase FIR whose
 * transition band can be wide because the first stage already cleared everything it would alias. Other
 * conversions (upsampling, extreme ratios) run the polyphase FIR alone with the sharp filter in it.
 * docs/decisions/resampler.md has the measurements behind this.
 */
import { z } from 'zod';
import type { Audio } from './types.ts';
export type ResampleQuality = 'best' | 'fast';
export declare const resampleParams: z.ZodObject<{
    sampleRate: z.ZodDefault<z.ZodNumber>;
    quality: z.ZodDefault<z.ZodEnum<{
        best: "best";
        fast: "fast";
    }>>;
}, z.core.$strip>;
export type ResampleParams = z.output<typeof resampleParams>;
/**
 * Resamples to `targetRate` Hz. The same rate returns the input object unchanged. Samples beyond either
 * end count as zero (as soxr and librosa do), so the first and last few milliseconds ramp.
 */
export declare function resample(audio: Audio, targetRate: number, opts?: {
    quality?: ResampleQuality;
}): Audio;
