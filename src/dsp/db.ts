import { z } from 'zod';
import type { Spectrogram } from './types.ts';
import { parseParams, paramError } from '../params.ts';

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

// The loops below come in one copy per element type: each pass runs over every cell of a spectrogram
// (millions), and a loop that has seen both Float32Array and Float64Array compiles to slower
// polymorphic element access.

function maxOf(values: Float32Array | Float64Array): number {
  return values instanceof Float32Array ? maxOf32(values) : maxOf64(values);
}

function maxOf32(values: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

function maxOf64(values: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/**
 * Natural log of float32 values from their bits: the exponent, a table over the top LOG_BITS bits of the
 * mantissa (cell centre c, 1 / c and ln c), and a 4-term series for ln(1 + r), r = x / c - 1, |r| <
 * 2^-11 (the series' error, r^5 / 5, is below 1e-17). About 1e-16 relative error, like Math.log's,
 * at a third of Math.log10's time: after rounding to float32 the dB values equal the Math.log10 ones
 * (0 cells differ on the 10-minute benchmark file, both presets; test/dsp/db.test.ts bounds it by one
 * float32 step). dB conversion is one pass over every cell, and the log was 80 % of it.
 */
const LOG_BITS = 10;
const LOG_TABLE = new Float64Array(2 << LOG_BITS);
for (let i = 0; i < 1 << LOG_BITS; i++) {
  const c = 1 + (i + 0.5) / (1 << LOG_BITS);
  LOG_TABLE[2 * i] = 1 / c;
  LOG_TABLE[2 * i + 1] = Math.log(c);
}
const MANTISSA_UNIT = 2 ** -23;
/** 10 / ln 10: dB = 10 log10(x) = DB_PER_NEPER ln(x). */
const DB_PER_NEPER = 10 / Math.LN10;

/** ln(x) for a normal positive float32 x given as its bits (exponent field 1 .. 254). */
function lnFloat32Bits(bits: number): number {
  const e = (bits >>> 23) - 127;
  const mantissa = bits & 0x7fffff;
  const j = (mantissa >>> (23 - LOG_BITS)) << 1;
  const r = (1 + mantissa * MANTISSA_UNIT) * LOG_TABLE[j] - 1;
  return e * Math.LN2 + LOG_TABLE[j + 1] + r * (1 - r * (0.5 - r * (1 / 3 - r * 0.25)));
}

const scratch32 = new Float32Array(1);
const scratchBits = new Uint32Array(scratch32.buffer);

/**
 * ln(x) as the float32 loop computes it: through the table when x is a normal float32 value, else
 * Math.log. Used for the reference and amin, so a cell equal to the reference gets exactly 0 dB.
 */
function lnAsFloat32(x: number): number {
  scratch32[0] = x;
  const bits = scratchBits[0];
  if (scratch32[0] === x && bits >= 0x00800000 && bits < 0x7f800000) return lnFloat32Bits(bits);
  return Math.log(x);
}

/**
 * The float32 dB pass: out[i] = 10 log10(max(amin, values[i])) - 10 log10(max(amin, |ref|)) with the
 * table log above. Returns the largest value written, before rounding to float32 (rounding is
 * monotonic, so the caller rounds the maximum once instead of a second pass over `out`).
 */
function dbInto32(values: Float32Array, out: Float32Array, amin: number, refValue: number): number {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const offset = DB_PER_NEPER * lnAsFloat32(Math.max(amin, Math.abs(refValue)));
  const aminDb = DB_PER_NEPER * lnAsFloat32(amin) - offset;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const b = bits[i];
    let d: number;
    if (v > amin && b >= 0x00800000 && b < 0x7f800000) d = DB_PER_NEPER * lnFloat32Bits(b) - offset;
    else if (v <= amin) d = aminDb;
    else d = DB_PER_NEPER * Math.log(v) - offset; // NaN, Infinity, or a subnormal above a tiny amin
    out[i] = d;
    if (d > max) max = d;
  }
  return max;
}

function dbInto64(values: Float64Array, out: Float64Array, amin: number, offset: number): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const d = 10 * Math.log10(Math.max(amin, values[i])) - offset;
    out[i] = d;
    if (d > max) max = d;
  }
  return max;
}

function floorAt32(out: Float32Array, floor: number): void {
  for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
}

function floorAt64(out: Float64Array, floor: number): void {
  for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
}

/**
 * 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), floored at (max - topDb): librosa.power_to_db on raw
 * values. `refValue` is already resolved (a number). Writes into `out` (may be `values` itself).
 *
 * @param values - power values.
 * @param refValue - the reference power (0 dB).
 * @param amin - the smallest power considered (librosa's 1e-10).
 * @param topDb - dB below the maximum output where values are floored; null for no floor.
 * @param out - where to write, as many cells as `values` (default a new array of the input's type).
 * @returns `out`, in dB.
 * @throws BirdcallError PARAM_INVALID when `out` and `values` differ in length.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * assert.deepEqual([...dsp.powerToDbValues(Float64Array.of(1, 0.1, 1e-12), 1, 1e-10, 80)], [0, -10, -80]);
 * assert.deepEqual([...dsp.powerToDbValues(Float64Array.of(1, 1e-12), 1, 1e-10, null)], [0, -100]); // amin
 * ```
 */
export function powerToDbValues(
  values: Float32Array | Float64Array,
  refValue: number,
  amin: number,
  topDb: number | null,
  out: Float32Array | Float64Array = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length),
): Float32Array | Float64Array {
  // a longer `out` would keep stale cells that the floor, taken over `out`, would count
  if (out.length !== values.length) paramError(`power_to_db: out has ${out.length} cells for ${values.length} values`);
  const offset = 10 * Math.log10(Math.max(amin, Math.abs(refValue)));
  let outMax: number;
  if (values instanceof Float32Array && out instanceof Float32Array) {
    outMax = Math.fround(dbInto32(values, out, amin, refValue));
  } else if (values instanceof Float64Array && out instanceof Float64Array) {
    outMax = dbInto64(values, out, amin, offset);
  } else {
    // mixed element types (float32 in, float64 out or the reverse): rare, so one plain loop
    for (let i = 0; i < values.length; i++) out[i] = 10 * Math.log10(Math.max(amin, values[i])) - offset;
    outMax = maxOf(out);
  }
  if (topDb !== null) {
    // librosa floors against the maximum of the rounded output array, i.e. of what `out` holds
    const floor = outMax - topDb;
    if (out instanceof Float32Array) floorAt32(out, floor);
    else floorAt64(out, floor);
  }
  return out;
}

/**
 * librosa.power_to_db: a power spectrogram in dB. ref defaults to 1.0 as librosa's; pass ref: 'max'
 * for ref=np.max. The output keeps the input's element type. `inPlace` overwrites the input's values
 * instead of allocating a second array as large (an hour-long spectrogram is hundreds of MB).
 *
 * @param spec - a power spectrogram (scale 'power'), e.g. from melSpectrogram or stft.
 * @param params - `ref` (a power, or 'max'; default 1), `amin` (smallest power, default 1e-10),
 *   `topDb` (dynamic range kept below the loudest value in dB, default 80; null keeps everything).
 *   Units and defaults: [dbParams](../parameters.md#dbparams).
 * @returns the same shape, scale 'db': 10 log10(max(amin, S) / ref).
 * @throws BirdcallError PARAM_INVALID when `spec` is already in dB.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { melSpectrogram, powerToDb } from 'birdcall';
 *
 * const sr = 22050;
 * const tone = Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / sr));
 * const db = powerToDb(melSpectrogram(tone, { sr }), { ref: 'max', topDb: 80 });
 * assert.equal(db.scale, 'db');
 * assert.equal(Math.max(...db.values), 0); // ref 'max': the loudest value is 0 dB
 * assert.equal(Math.min(...db.values), -80); // floored topDb below it
 * ```
 */
export function powerToDb(spec: Spectrogram, params: DbParamsInput = {}, options: { inPlace?: boolean } = {}): Spectrogram {
  const p = parseParams(dbParams, params, 'power_to_db');
  if (spec.scale === 'db') paramError('the spectrogram is already in dB');
  const refValue = p.ref === 'max' ? maxOf(spec.values) : p.ref;
  const values = powerToDbValues(spec.values, refValue, p.amin, p.topDb, options.inPlace ? spec.values : undefined);
  return { ...spec, values, scale: 'db', params: { ...spec.params, db: 'power', ref: p.ref, amin: p.amin, topDb: p.topDb } };
}

/**
 * librosa.amplitude_to_db: 20 log10(S / ref) computed as power_to_db(S^2, ref^2, amin^2, topDb).
 *
 * @param spec - a magnitude spectrogram (e.g. stft with power 1).
 * @param params - amplitudeDbParams: ref (default 1, or 'max'), amin (default 1e-5), topDb (default 80 dB).
 * @returns the spectrogram in dB (scale 'db').
 * @throws BirdcallError `PARAM_INVALID` for bad params or a spectrogram already in dB.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * const spec = { values: Float32Array.of(1, 0.1, 0.01), bins: 1, frames: 3, axis: 'linear', scale: 'magnitude', sampleRate: 22050, hopLength: 512, params: {} } as const;
 * const db = dsp.amplitudeToDb(spec);
 * assert.deepEqual([...db.values].map((v) => Math.round(v * 1000) / 1000), [0, -20, -40]);
 * assert.equal(db.scale, 'db');
 * assert.throws(() => dsp.amplitudeToDb(db), /already in dB/);
 * ```
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
