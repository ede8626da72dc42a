import { parseParams } from '../params.ts';
import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import type { Spectrogram } from '../dsp/types.ts';
import type { Audio, Chunk } from './types.ts';

/**
 * Quality checks on audio chunks, in the spirit of Hamilton's check_output: each check is a pure function
 * returning { ok, value, message }; `qualityGate` applies the configured action (warn, drop or fail).
 * On a Chunk, the checks look only at its real audio (samples up to endSeconds - startSeconds), so the
 * zero padding of a last chunk does not make it look silent or short.
 */

export const QUALITY_CHECKS = ['nearSilent', 'clipping', 'tooShort', 'nonFinite'] as const;
export type QualityCheckName = (typeof QUALITY_CHECKS)[number];

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
export type QualityParams = z.output<typeof qualityParams>;
export type QualityParamsInput = z.input<typeof qualityParams>;

export interface QualityResult {
  ok: boolean;
  /** The measured quantity (dBFS, a ratio, seconds, or a count; see each check). */
  value: number;
  /** One line for the warnings summary, e.g. 'RMS -72.4 dBFS is below -60 dBFS (near silent)'. */
  message: string;
}

/** Level reported for digital silence: RMS floors at 1e-10 (-200 dBFS) so values stay finite numbers. */
const RMS_FLOOR = 1e-10;

function isChunk(a: Audio): a is Chunk {
  const c = a as Partial<Chunk>;
  return typeof c.startSeconds === 'number' && typeof c.endSeconds === 'number';
}

/** The samples that hold real audio: a chunk's padding is excluded. */
function realSamples(a: Audio): Float32Array {
  if (!isChunk(a)) return a.samples;
  const n = Math.round((a.endSeconds - a.startSeconds) * a.sampleRate);
  return a.samples.subarray(0, Math.max(0, Math.min(a.samples.length, n)));
}

function realSeconds(a: Audio): number {
  if (isChunk(a)) return Math.max(0, a.endSeconds - a.startSeconds);
  return a.sampleRate > 0 ? a.samples.length / a.sampleRate : 0;
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);

/**
 * RMS level of the real samples in dBFS, 20 log10(rms), where a full-scale sine reads -3 dBFS. Non-finite
 * samples are left out (nonFinite reports them). value: dBFS, -200 for digital silence.
 */
export function nearSilent(audio: Audio, params: { silenceDbfs?: number } = {}): QualityResult {
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
export function clippingRatio(
  audio: Audio,
  params: { clipLevel?: number; maxClippingRatio?: number } = {},
): QualityResult {
  const level = params.clipLevel ?? 0.999;
  const max = params.maxClippingRatio ?? 0.01;
  const x = realSamples(audio);
  let clipped = 0;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]) >= level) clipped++;
  const value = x.length === 0 ? 0 : clipped / x.length;
  const ok = value <= max;
  const pct = (r: number) => `${fmt(100 * r, 2)}%`;
  return {
    ok,
    value,
    message: ok
      ? `${pct(value)} of samples clipped`
      : `${pct(value)} of samples at |x| >= ${level} exceeds ${pct(max)} (clipping)`,
  };
}

/** Seconds of real, unpadded audio. value: seconds. */
export function tooShort(audio: Audio, params: { minSeconds?: number } = {}): QualityResult {
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
export function nonFinite(item: Audio | Spectrogram): QualityResult {
  const x = 'samples' in item ? item.samples : item.values;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) inf++;
  }
  const value = nan + inf;
  return {
    ok: value === 0,
    value,
    message: value === 0 ? 'all values finite' : `${nan} NaN and ${inf} infinite value(s) of ${x.length} (non-finite)`,
  };
}

/**
 * Runs the configured checks on one audio chunk (a chunk's zero padding does not count as audio).
 *
 * @param audio - the audio or chunk, samples at full scale 1.
 * @param params - see qualityParams: `checks` (default all four), `silenceDbfs` (default -60 dBFS),
 *   `clipLevel` (default 0.999) and `maxClippingRatio` (default 0.01), `minSeconds` (default 1 s).
 * @returns each check's result (`ok`, the measured `value`, a one-line `message`), undefined for a check
 *   not asked for.
 * @throws BirdcallError `PARAM_INVALID` for params out of range.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { runQualityChecks } from 'birdcall';
 *
 * // Half a second of a full-scale square wave: loud, all clipped, too short.
 * const samples = Float32Array.from({ length: 8000 }, (_, i) => (i % 2 === 0 ? 1 : -1));
 * const r = runQualityChecks({ samples, sampleRate: 16000, source: 'square' }, { checks: ['nearSilent', 'clipping', 'tooShort'] });
 * assert.deepEqual([r.nearSilent?.ok, r.nearSilent?.value], [true, 0]); // RMS 1 = 0 dBFS
 * assert.deepEqual([r.clipping?.ok, r.clipping?.value], [false, 1]);
 * assert.deepEqual([r.tooShort?.ok, r.tooShort?.value], [false, 0.5]);
 * assert.equal(r.nonFinite, undefined);
 * ```
 */
export function runQualityChecks(audio: Audio, params: QualityParamsInput = {}): Record<QualityCheckName, QualityResult | undefined> {
  const p = parseQualityParams(params);
  const want = new Set(p.checks);
  return {
    nearSilent: want.has('nearSilent') ? nearSilent(audio, p) : undefined,
    clipping: want.has('clipping') ? clippingRatio(audio, p) : undefined,
    tooShort: want.has('tooShort') ? tooShort(audio, p) : undefined,
    nonFinite: want.has('nonFinite') ? nonFinite(audio) : undefined,
  };
}

export function parseQualityParams(params: QualityParamsInput): QualityParams {
  return parseParams(qualityParams, params, 'quality');
}

/**
 * Runs the checks and applies the action: returns whether to keep the chunk and the messages of failed
 * checks (for 'warn' and 'drop' the caller records them); with 'fail', a failed check throws a
 * BirdcallError 'QUALITY_FAILED' naming the source and chunk.
 *
 * @param audio - the audio or chunk.
 * @param params - as runQualityChecks, plus `action`: `'warn'` (default: keep), `'drop'` or `'fail'`.
 * @returns `keep` and the failed checks' messages (empty when all pass).
 * @throws BirdcallError `QUALITY_FAILED` (action 'fail' and a check failed), `PARAM_INVALID` for bad params.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, qualityGate } from 'birdcall';
 *
 * const silence = { samples: new Float32Array(32000), sampleRate: 16000, source: 'XC1.wav' };
 * assert.deepEqual(qualityGate(silence), { keep: true, failures: ['audio: nearSilent: RMS -200.0 dBFS is below -60.0 dBFS (near silent)'] });
 * assert.equal(qualityGate(silence, { action: 'drop' }).keep, false);
 * assert.deepEqual(qualityGate(silence, { checks: ['clipping', 'tooShort'] }), { keep: true, failures: [] });
 * assert.throws(() => qualityGate(silence, { action: 'fail' }), (e: unknown) => e instanceof BirdcallError && e.code === 'QUALITY_FAILED' && e.file === 'XC1.wav');
 * ```
 */
export function qualityGate(audio: Audio, params: QualityParamsInput = {}): { keep: boolean; failures: string[] } {
  const p = parseQualityParams(params);
  const results = runQualityChecks(audio, p);
  const where = isChunk(audio) ? `chunk ${audio.index} (${fmt(audio.startSeconds, 2)} s)` : 'audio';
  const failures = Object.entries(results)
    .filter((entry): entry is [string, QualityResult] => entry[1] !== undefined && !entry[1].ok)
    .map(([name, r]) => `${where}: ${name}: ${r.message}`);
  if (failures.length === 0) return { keep: true, failures };
  if (p.action === 'fail') throw new BirdcallError('QUALITY_FAILED', failures.join('; '), audio.source);
  return { keep: p.action === 'warn', failures };
}
