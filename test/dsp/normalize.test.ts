import { describe, it, expect } from 'vitest';
import { normalizeParams, normalizeSpectrogram, normalizationOf } from '../../src/dsp/normalize.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { BirdcallError } from '../../src/errors.ts';

function spec(values: Float32Array | Float64Array, bins = 1): Spectrogram {
  return {
    values,
    bins,
    frames: values.length / bins,
    axis: 'mel',
    scale: 'db',
    sampleRate: 32000,
    hopLength: 512,
    params: { nMels: bins },
  };
}

function noise(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = -80 + 80 * (s / 2147483648);
  }
  return out;
}

describe('normalizeSpectrogram', () => {
  it('minmax maps the finite range onto [0, 1], keeping order', () => {
    const x = noise(4096);
    const { values } = normalizeSpectrogram(spec(x, 64), { method: 'minmax' });
    expect(Math.min(...values)).toBe(0);
    expect(Math.max(...values)).toBe(1);
    let misordered = 0;
    for (let i = 1; i < x.length; i++) if (Math.sign(values[i] - values[i - 1]) !== Math.sign(x[i] - x[i - 1])) misordered++;
    expect(misordered).toBe(0);
  });

  it('standardize gives zero mean and unit population standard deviation', () => {
    const x = noise(4096, 7);
    const { values } = normalizeSpectrogram(spec(x, 64), { method: 'standardize' });
    let mean = 0;
    for (const v of values) mean += v;
    mean /= values.length;
    let variance = 0;
    for (const v of values) variance += (v - mean) ** 2;
    variance /= values.length;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
    expect(Math.abs(variance - 1)).toBeLessThan(1e-5);
  });

  it('standardize keeps unit deviation for values far from zero (two passes: no cancellation)', () => {
    // 1e8 + noise in [-80, 0): a sum-of-squares variance would lose all of it to rounding
    const x = Float64Array.from(noise(4096, 3), (v) => 1e8 + v);
    const { values } = normalizeSpectrogram(spec(x, 64), { method: 'standardize' });
    let variance = 0;
    for (const v of values) variance += v * v;
    expect(variance / values.length).toBeCloseTo(1, 6);
  });

  it('turns a constant chunk into zeros, never NaN', () => {
    // 0.1 is inexact in float32: a float64 mean of many copies differs from it by a rounding residue.
    for (const method of ['minmax', 'standardize'] as const) {
      for (const c of [0, 0.1, -80, 1e30]) {
        const out = normalizeSpectrogram(spec(new Float32Array(10_007).fill(c)), { method });
        expect(out.values.every((v) => v === 0)).toBe(true);
      }
      expect(normalizeSpectrogram(spec(new Float32Array(0)), { method }).values).toHaveLength(0);
    }
  });

  it('computes statistics over finite values and passes NaN/Inf through untouched', () => {
    const x = new Float32Array([NaN, -10, 0, Infinity, 10, -Infinity]);
    const out = normalizeSpectrogram(spec(x), { method: 'minmax' }).values;
    expect(Array.from(out)).toEqual([NaN, 0, 0.5, Infinity, 1, -Infinity]);
    const z = normalizeSpectrogram(spec(x), { method: 'standardize' }).values;
    expect(z[2]).toBe(0);
    expect(Number.isFinite(z[1]) && Number.isFinite(z[4])).toBe(true);
  });

  it('keeps the array type and shape, leaves the input alone, and records what it did', () => {
    const x = new Float64Array([1, 2, 3, 5]);
    const s = spec(x, 2);
    const out = normalizeSpectrogram(s, { method: 'minmax' });
    expect(out.values).toBeInstanceOf(Float64Array);
    expect([out.bins, out.frames, out.scale]).toEqual([2, 2, 'db']);
    expect(Array.from(x)).toEqual([1, 2, 3, 5]);
    expect(normalizationOf(out)).toEqual({ method: 'minmax', min: 1, max: 5 });
    expect(out.params.nMels).toBe(2);
    expect(normalizationOf(s)).toBeUndefined();
  });

  it('records the mean and the population standard deviation it used for standardize', () => {
    const out = normalizeSpectrogram(spec(new Float64Array([1, 2, 3, 5])), { method: 'standardize' });
    expect(normalizationOf(out)).toEqual({ method: 'standardize', mean: 2.75, std: Math.sqrt(8.75 / 4) });
    expect(out.values[0]).toBeCloseTo(-1.75 / Math.sqrt(8.75 / 4), 12);
  });

  it('records zero statistics for a chunk with no finite value, whose values pass through', () => {
    const x = new Float32Array([NaN, Infinity, -Infinity]);
    const minmax = normalizeSpectrogram(spec(x), { method: 'minmax' });
    expect(normalizationOf(minmax)).toEqual({ method: 'minmax', min: 0, max: 0 });
    expect(Array.from(minmax.values)).toEqual([NaN, Infinity, -Infinity]);
    const standardized = normalizeSpectrogram(spec(x), { method: 'standardize' });
    expect(normalizationOf(standardized)).toEqual({ method: 'standardize', mean: 0, std: 0 });
    expect(Array.from(standardized.values)).toEqual([NaN, Infinity, -Infinity]);
  });

  it('finds no normalization in params that are not a record of a known method', () => {
    for (const normalize of [null, 'minmax', 3, { method: 'zscore' }, {}]) {
      expect(normalizationOf({ ...spec(new Float32Array(1)), params: { normalize } })).toBeUndefined();
    }
    const record = { method: 'standardize', mean: 1, std: 2 };
    expect(normalizationOf({ ...spec(new Float32Array(1)), params: { normalize: record } })).toBe(record);
  });

  it('rejects an unknown method as a BirdcallError', () => {
    expect(() => normalizeSpectrogram(spec(new Float32Array(2)), { method: 'zscore' as 'minmax' })).toThrow(BirdcallError);
    expect(() => normalizeSpectrogram(spec(new Float32Array(2)), { method: 'zscore' as 'minmax' })).toThrow(/^normalize: .*method/);
    expect(normalizeParams.parse({})).toEqual({ method: 'minmax' });
  });
});
