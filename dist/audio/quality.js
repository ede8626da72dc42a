import { parseParams } from "../params.js";
import { z } from 'zod';
import { BirdcallError } from "../errors.js";
/**
 * Quality checks on audio chunks, in the spirit of Hamilton's check_output: each check is a pure function
 * returning { ok, value, message }; `qualityGate` applies the configured action (warn, drop or fail).
 * On a Chunk, the checks look only at its real audio (samples up to endSeconds - startSeconds), so the
 * zero padding of a last chunk does not make it look silent or short.
 */
export const QUALITY_CHECKS = ['nearSilent', 'clipping', 'tooShort', 'nonFinite'];
export const qualityParams = z.object({
    action: z
        .enum(['warn', 'drop', 'fail'])
        .default('warn')
        .describe("on a failed check: 'warn' (keep the chunk, record a warning), 'drop' (skip the chunk), 'fail' (error for the file)"),
    checks: z
        .array(z.enum(QUALITY_CHECKS))
        .default([...QUALITY_CHECKS])
        .describe('which checks to run: nearSilent, clipping, tooShort, nonFinite (default all)'),
    silenceDbfs: z
        .number()
        .max(0)
        .default(-60)
        .describe('nearSilent: RMS level in dBFS (0 dBFS = full-scale square wave) below which a chunk is near silent'),
    clipLevel: z
        .number()
        .positive()
        .max(1)
        .default(0.999)
        .describe('clipping: |sample| at or above this (full scale = 1) counts as clipped'),
    maxClippingRatio: z
        .number()
        .min(0)
        .max(1)
        .default(0.01)
        .describe('clipping: largest acceptable fraction (0-1) of clipped samples'),
    minSeconds: z
        .number()
        .min(0)
        .default(1)
        .describe('tooShort: fewest seconds of real, unpadded audio a chunk must hold'),
});
/** Level reported for digital silence: RMS floors at 1e-10 (-200 dBFS) so values stay finite numbers. */
const RMS_FLOOR = 1e-10;
function isChunk(a) {
    const c = a;
    return typeof c.startSeconds === 'number' && typeof c.endSeconds === 'number';
}
/** The samples that hold real audio: a chunk's padding is excluded. */
function realSamples(a) {
    if (!isChunk(a))
        return a.samples;
    const n = Math.round((a.endSeconds - a.startSeconds) * a.sampleRate);
    return a.samples.subarray(0, Math.max(0, Math.min(a.samples.length, n)));
}
function realSeconds(a) {
    if (isChunk(a))
        return Math.max(0, a.endSeconds - a.startSeconds);
    return a.sampleRate > 0 ? a.samples.length / a.sampleRate : 0;
}
const fmt = (x, digits = 1) => x.toFixed(digits);
/**
 * RMS level of the real samples in dBFS, 20 log10(rms), where a full-scale sine reads -3 dBFS. Non-finite
 * samples are left out (nonFinite reports them). value: dBFS, -200 for digital silence.
 */
export function nearSilent(audio, params = {}) {
    const threshold = params.silenceDbfs ?? -60;
    const x = realSamples(audio);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (Number.isFinite(v)) {
            sum += v * v;
            n++;
        }
    }
    const rms = n === 0 ? 0 : Math.sqrt(sum / n);
    const value = 20 * Math.log10(Math.max(rms, RMS_FLOOR));
    const ok = value >= threshold;
    return {
        ok,
        value,
        message: ok
            ? `RMS ${fmt(value)} dBFS`
            : `RMS ${fmt(value)} dBFS is below ${fmt(threshold)} dBFS (near silent)`,
    };
}
/** Fraction of real samples with |x| >= clipLevel. value: ratio in [0, 1]. */
export function clippingRatio(audio, params = {}) {
    const level = params.clipLevel ?? 0.999;
    const max = params.maxClippingRatio ?? 0.01;
    const x = realSamples(audio);
    let clipped = 0;
    for (let i = 0; i < x.length; i++)
        if (Math.abs(x[i]) >= level)
            clipped++;
    const value = x.length === 0 ? 0 : clipped / x.length;
    const ok = value <= max;
    const pct = (r) => `${fmt(100 * r, 2)}%`;
    return {
        ok,
        value,
        message: ok
            ? `${pct(value)} of samples clipped`
            : `${pct(value)} of samples at |x| >= ${level} exceeds ${pct(max)} (clipping)`,
    };
}
/** Seconds of real, unpadded audio. value: seconds. */
export function tooShort(audio, params = {}) {
    const min = params.minSeconds ?? 1;
    const value = realSeconds(audio);
    const ok = value >= min;
    return {
        ok,
        value,
        message: ok ? `${fmt(value, 3)} s of audio` : `${fmt(value, 3)} s of audio is shorter than ${min} s (too short)`,
    };
}
/** Count of NaN and ±Inf in an audio's samples or a spectrogram's values. value: count. */
export function nonFinite(item) {
    const x = 'samples' in item ? item.samples : item.values;
    let nan = 0;
    let inf = 0;
    for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (v !== v)
            nan++;
        else if (v === Infinity || v === -Infinity)
            inf++;
    }
    const value = nan + inf;
    return {
        ok: value === 0,
        value,
        message: value === 0 ? 'all values finite' : `${nan} NaN and ${inf} infinite value(s) of ${x.length} (non-finite)`,
    };
}
/** Runs the configured checks on one audio chunk. */
export function runQualityChecks(audio, params = {}) {
    const p = parseQualityParams(params);
    const want = new Set(p.checks);
    return {
        nearSilent: want.has('nearSilent') ? nearSilent(audio, p) : undefined,
        clipping: want.has('clipping') ? clippingRatio(audio, p) : undefined,
        tooShort: want.has('tooShort') ? tooShort(audio, p) : undefined,
        nonFinite: want.has('nonFinite') ? nonFinite(audio) : undefined,
    };
}
export function parseQualityParams(params) {
    return parseParams(qualityParams, params, 'quality');
}
/**
 * Runs the checks and applies the action: returns whether to keep the chunk and the messages of failed
 * checks (for 'warn' and 'drop' the caller records them); with 'fail', a failed check throws a
 * BirdcallError 'QUALITY_FAILED' naming the source and chunk.
 */
export function qualityGate(audio, params = {}) {
    const p = parseQualityParams(params);
    const results = runQualityChecks(audio, p);
    const where = isChunk(audio) ? `chunk ${audio.index} (${fmt(audio.startSeconds, 2)} s)` : 'audio';
    const failures = Object.entries(results)
        .filter((entry) => entry[1] !== undefined && !entry[1].ok)
        .map(([name, r]) => `${where}: ${name}: ${r.message}`);
    if (failures.length === 0)
        return { keep: true, failures };
    if (p.action === 'fail')
        throw new BirdcallError('QUALITY_FAILED', failures.join('; '), audio.source);
    return { keep: p.action === 'warn', failures };
}
//# sourceMappingURL=quality.js.map