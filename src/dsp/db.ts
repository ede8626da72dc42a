import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { parseParams, paramError } from './params.ts';

/**
 * power_to_db parameters with librosa's defaults. Note librosa's function default is ref = 1.0 (absolute
 * dB); the birdcall CLI and blocks pass ref: 'max' (0 dB at the loudest cell, librosa's usual
 * `ref=np.max`).
 */
export const dbParams = z.object({
  ref: z
    .union([z.number().nonnegative(), z.literal('max')])
    .default(1.0)
    .describe("reference power for 0 dB: a number (librosa default 1.0), or 'max' for the spectrogram's maximum"),
  amin: z.number().positive().default(1e-10).describe('floor on power (and ref) before the log, in power units; -100 dB'),
  topDb: z
    .number()
    .nonnegative()
    .nullable()
    .default(80)
    .describe('dynamic range kept below the loudest cell, in dB; null keeps everything'),
});
export type DbParamsInput = z.input<typeof dbParams>;

/** amplitude_to_db parameters: librosa's defaults (amin 1e-5 in amplitude units, i.e. 1e-10 in power). */
export const amplitudeDbParams = dbParams.extend({
  amin: z.number().positive().default(1e-5).describe('floor on amplitude before the log, in amplitude units; -100 dB'),
});
export type AmplitudeDbParamsInput = z.input<typeof amplitudeDbParams>;

function maxOf(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/**
 * 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), floored at (max - topDb): librosa.power_to_db on raw
 * values. `refValue` is already resolved (a number). Writes into `out` (may be `values` itself).
 */
export function powerToDbValues(
  values: Float32Array | Float64Array,
  refValue: number,
  amin: number,
  topDb: number | null,
  out: Float32Array | Float64Array = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length),
): Float32Array | Float64Array {
  const offset = 10 * Math.log10(Math.max(amin, Math.abs(refValue)));
  for (let i = 0; i < values.length; i++) out[i] = 10 * Math.log10(Math.max(amin, values[i])) - offset;
  if (topDb !== null) {
    // librosa floors against the maximum of the rounded output array, so use what `out` holds
    const floor = maxOf(out) - topDb;
    for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
  }
  return out;
}

/**
 * librosa.power_to_db: a power spectrogram in dB. ref defaults to 1.0 as librosa's; pass ref: 'max'
 * for ref=np.max. The output keeps the input's element type.
 */
export function powerToDb(spec: Spectrogram, params: DbParamsInput = {}): Spectrogram {
  const p = parseParams(dbParams, params, 'power_to_db');
  if (spec.scale === 'db') paramError('the spectrogram is already in dB');
  const refValue = p.ref === 'max' ? maxOf(spec.values) : p.ref;
  const values = powerToDbValues(spec.values, refValue, p.amin, p.topDb);
  return { ...spec, values, scale: 'db', params: { ...spec.params, db: 'power', ref: p.ref, amin: p.amin, topDb: p.topDb } };
}

/**
 * librosa.amplitude_to_db: 20 log10(S / ref) computed as power_to_db(S^2, ref^2, amin^2, topDb).
 */
export function amplitudeToDb(spec: Spectrogram, params: AmplitudeDbParamsInput = {}): Spectrogram {
  const p = parseParams(amplitudeDbParams, params, 'amplitude_to_db');
  if (spec.scale === 'db') paramError('the spectrogram is already in dB');
  const src = spec.values;
  const power = src instanceof Float64Array ? new Float64Array(src.length) : new Float32Array(src.length);
  let maxAbs = 0;
  for (let i = 0; i < src.length; i++) {
    const a = Math.abs(src[i]);
    power[i] = a * a;
    if (a > maxAbs) maxAbs = a;
  }
  const refValue = p.ref === 'max' ? maxAbs : Math.abs(p.ref);
  const values = powerToDbValues(power, refValue * refValue, p.amin * p.amin, p.topDb, power);
  return { ...spec, values, scale: 'db', params: { ...spec.params, db: 'amplitude', ref: p.ref, amin: p.amin, topDb: p.topDb } };
}
