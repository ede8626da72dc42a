import { parseParams } from '../params.ts';
import { z } from 'zod';
import type { Spectrogram } from './types.ts';

export const normalizeParams = z.object({
  method: z
    .enum(['minmax', 'standardize'])
    .default('minmax')
    .describe("per-chunk scaling: 'minmax' maps to [0, 1] (unitless); 'standardize' to zero mean, unit standard deviation"),
});
export type NormalizeParams = z.output<typeof normalizeParams>;
export type NormalizeParamsInput = z.input<typeof normalizeParams>;

/**
 * What normalization did, stored in the output's `params.normalize` so it can be undone and so image
 * encoding knows the values are no longer dB.
 */
export type NormalizeRecord =
  | { method: 'minmax'; min: number; max: number }
  | { method: 'standardize'; mean: number; std: number };

/**
 * Scales one spectrogram (one chunk) on its own statistics. Statistics use finite values only; NaN and
 * ±Inf pass through unchanged so that downstream checks still see them (the PNG encoder maps them to its
 * minimum and counts them). A constant spectrogram becomes all zeros rather than 0/0 = NaN.
 * `standardize` uses the population standard deviation (ddof = 0), as numpy's `std` and sklearn's
 * StandardScaler do.
 *
 * @param spec - any spectrogram (dB, power or PCEN).
 * @param params - `method`: 'minmax' (to [0, 1], the default) or 'standardize' (mean 0, standard deviation 1).
 * @returns the same shape with the scaled values.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { normalizeSpectrogram } from 'birdcall';
 *
 * const spec = { values: Float32Array.of(-80, -40, 0, -20), bins: 2, frames: 2, axis: 'mel', scale: 'db', sampleRate: 22050, hopLength: 512, params: {} } as const;
 * assert.deepEqual(Array.from(normalizeSpectrogram(spec).values), [0, 0.5, 1, 0.75]);
 * ```
 */
export function normalizeSpectrogram(spec: Spectrogram, params: NormalizeParamsInput = {}): Spectrogram {
  const { method } = parseParams(normalizeParams, params, 'normalize');
  const x = spec.values;
  const out = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length);

  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  // Constant (or empty, or all non-finite) input: exact comparison, because a computed std of identical
  // float32 values can come out as a tiny non-zero rounding residue and blow noise up to unit scale.
  const constant = count === 0 || max === min;

  let record: NormalizeRecord;
  if (method === 'minmax') {
    const lo = count === 0 ? 0 : min;
    const hi = count === 0 ? 0 : max;
    const scale = constant ? 0 : 1 / (hi - lo);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = Number.isFinite(v) ? (v - lo) * scale : v;
    }
    record = { method, min: lo, max: hi };
  } else {
    const mean = count === 0 ? 0 : sum / count;
    let sq = 0;
    // Two passes (mean, then squared deviations) rather than sum of squares: no cancellation for dB values
    // sitting far from zero.
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (Number.isFinite(v)) sq += (v - mean) * (v - mean);
    }
    const std = constant ? 0 : Math.sqrt(sq / count);
    const scale = constant ? 0 : 1 / std;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      out[i] = Number.isFinite(v) ? (v - mean) * scale : v;
    }
    record = { method, mean, std };
  }

  return { ...spec, values: out, params: { ...spec.params, normalize: record } };
}

/** The normalization recorded on a spectrogram by `normalizeSpectrogram`, if any. */
export function normalizationOf(spec: Spectrogram): NormalizeRecord | undefined {
  const r = spec.params.normalize;
  if (typeof r !== 'object' || r === null) return undefined;
  const m = (r as { method?: unknown }).method;
  return m === 'minmax' || m === 'standardize' ? (r as NormalizeRecord) : undefined;
}
