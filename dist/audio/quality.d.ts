import { z } from 'zod';
import type { Spectrogram } from '../dsp/types.ts';
import type { Audio } from './types.ts';
/**
 * Quality checks on audio chunks, in the spirit of Hamilton's check_output: each check is a pure function
 * returning { ok, value, message }; `qualityGate` applies the configured action (warn, drop or fail).
 * On a Chunk, the checks look only at its real audio (samples up to endSeconds - startSeconds), so the
 * zero padding of a last chunk does not make it look silent or short.
 */
export declare const QUALITY_CHECKS: readonly ["nearSilent", "clipping", "tooShort", "nonFinite"];
export type QualityCheckName = (typeof QUALITY_CHECKS)[number];
export declare const qualityParams: z.ZodObject<{
    action: z.ZodDefault<z.ZodEnum<{
        drop: "drop";
        warn: "warn";
        fail: "fail";
    }>>;
    checks: z.ZodDefault<z.ZodArray<z.ZodEnum<{
        nearSilent: "nearSilent";
        clipping: "clipping";
        tooShort: "tooShort";
        nonFinite: "nonFinite";
    }>>>;
    silenceDbfs: z.ZodDefault<z.ZodNumber>;
    clipLevel: z.ZodDefault<z.ZodNumber>;
    maxClippingRatio: z.ZodDefault<z.ZodNumber>;
    minSeconds: z.ZodDefault<z.ZodNumber>;
}, z.core.$strip>;
export type QualityParams = z.output<typeof qualityParams>;
export type QualityParamsInput = z.input<typeof qualityParams>;
export interface QualityResult {
    ok: boolean;
    /** The measured quantity (dBFS, a ratio, seconds, or a count; see each check). */
    value: number;
    /** One line for the warnings summary, e.g. 'RMS -72.4 dBFS is below -60 dBFS (near silent)'. */
    message: string;
}
/**
 * RMS level of the real samples in dBFS, 20 log10(rms), where a full-scale sine reads -3 dBFS. Non-finite
 * samples are left out (nonFinite reports them). value: dBFS, -200 for digital silence.
 */
export declare function nearSilent(audio: Audio, params?: {
    silenceDbfs?: number;
}): QualityResult;
/** Fraction of real samples with |x| >= clipLevel. value: ratio in [0, 1]. */
export declare function clippingRatio(audio: Audio, params?: {
    clipLevel?: number;
    maxClippingRatio?: number;
}): QualityResult;
/** Seconds of real, unpadded audio. value: seconds. */
export declare function tooShort(audio: Audio, params?: {
    minSeconds?: number;
}): QualityResult;
/** Count of NaN and ±Inf in an audio's samples or a spectrogram's values. value: count. */
export declare function nonFinite(item: Audio | Spectrogram): QualityResult;
/** Runs the configured checks on one audio chunk. */
export declare function runQualityChecks(audio: Audio, params?: QualityParamsInput): Record<QualityCheckName, QualityResult | undefined>;
export declare function parseQualityParams(params: QualityParamsInput): QualityParams;
/**
 * Runs the checks and applies the action: returns whether to keep the chunk and the messages of failed
 * checks (for 'warn' and 'drop' the caller records them); with 'fail', a failed check throws a
 * BirdcallError 'QUALITY_FAILED' naming the source and chunk.
 */
export declare function qualityGate(audio: Audio, params?: QualityParamsInput): {
    keep: boolean;
    failures: string[];
};
