import { describe, expect, it } from 'vitest';
import { amplitudeToDb, powerToDb } from '../../src/dsp/db.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';

function spectrogram(values: number[], type: 'float32' | 'float64' = 'float64'): Spectrogram {
  return {
    values: type === 'float64' ? Float64Array.from(values) : Float32Array.from(values),
    bins: 1,
    frames: values.length,
    axis: 'mel',
    scale: 'power',
    sampleRate: 32000,
    hopLength: 320,
    params: {},
  };
}

describe('powerToDb', () => {
  it('is 10 log10(S / ref) with librosa’s default ref 1.0 and top_db 80', () => {
    const db = powerToDb(spectrogram([1, 10, 100, 1e-3]));
    expect(Array.from(db.values)).toEqual([0, 10, 20, -30].map((v) => expect.closeTo(v, 12)));
    expect(db.scale).toBe('db');
  });

  it("with ref 'max' puts the loudest cell at 0 dB and floors at -topDb", () => {
    const db = powerToDb(spectrogram([4, 2, 4e-10, 0]), { ref: 'max' });
    expect(db.values[0]).toBe(0);
    expect(db.values[1]).toBeCloseTo(-10 * Math.log10(2), 12);
    expect(db.values[2]).toBe(-80);
    expect(db.values[3]).toBe(-80);
  });

  it('floors power at amin before the log, and keeps everything with topDb null', () => {
    const db = powerToDb(spectrogram([1, 0, 1e-20]), { topDb: null });
    expect(Array.from(db.values)).toEqual([0, -100, -100]);
    const custom = powerToDb(spectrogram([1, 0]), { amin: 1e-5, topDb: null });
    expect(custom.values[1]).toBeCloseTo(-50, 12);
  });

  it('keeps the element type of its input', () => {
    expect(powerToDb(spectrogram([1, 2], 'float32')).values).toBeInstanceOf(Float32Array);
    expect(powerToDb(spectrogram([1, 2], 'float64')).values).toBeInstanceOf(Float64Array);
  });

  it('rejects bad parameters and dB input', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    expect(() => powerToDb(spectrogram([1]), { amin: 0 })).toThrow(code);
    expect(() => powerToDb(spectrogram([1]), { topDb: -1 })).toThrow(code);
    expect(() => powerToDb(powerToDb(spectrogram([1])))).toThrow(code);
  });
});

describe('amplitudeToDb', () => {
  it('is 20 log10(|S| / ref), equal to powerToDb of the squares with squared ref and amin', () => {
    const amp = spectrogram([3, -0.5, 1e-7, 0.02]);
    const squared = spectrogram([9, 0.25, 1e-14, 0.0004]);
    const a = amplitudeToDb(amp, { ref: 'max' });
    const p = powerToDb(squared, { ref: 'max', amin: 1e-10 });
    for (let i = 0; i < 4; i++) expect(a.values[i]).toBeCloseTo(p.values[i], 10);
    expect(amplitudeToDb(spectrogram([10])).values[0]).toBeCloseTo(20, 12);
  });
});
