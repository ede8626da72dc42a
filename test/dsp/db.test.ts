import { describe, expect, it } from 'vitest';
import { amplitudeToDb, powerToDb, powerToDbValues } from '../../src/dsp/db.ts';
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

  it('rejects bad parameters and dB input, naming the function and the reason', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    expect(() => powerToDb(spectrogram([1]), { amin: 0 })).toThrow(code);
    expect(() => powerToDb(spectrogram([1]), { amin: 0 })).toThrow(/^power_to_db: .*amin/);
    expect(() => powerToDb(spectrogram([1]), { topDb: -1 })).toThrow(code);
    expect(() => powerToDb(powerToDb(spectrogram([1])))).toThrow(code);
    expect(() => powerToDb(powerToDb(spectrogram([1])))).toThrow(/already in dB/);
  });

  it('records the conversion and its parameters in the spectrogram’s params', () => {
    const spec = { ...spectrogram([1, 2]), params: { nMels: 128 } };
    expect(powerToDb(spec, { ref: 'max', topDb: 60 }).params).toEqual({ nMels: 128, db: 'power', ref: 'max', amin: 1e-10, topDb: 60 });
  });
});

describe('powerToDbValues', () => {
  it('writes float32 values into a float64 array and the reverse, floored at the loudest output minus topDb', () => {
    // 40.5343: its dB value minus 60 rounds to another float32 than its rounded dB value minus 60 does
    const power = [1e-12, 3e-7, 0.02, 5, 40.5343];
    const plain = power.map((v) => 10 * Math.log10(Math.max(1e-10, v)) - 10 * Math.log10(2));
    // as librosa on a float32 output: the floor comes from the rounded output's maximum
    const rounded = plain.map((v) => Math.fround(v));
    const floor32 = Math.max(...rounded) - 60;
    const from64 = powerToDbValues(Float64Array.from(power), 2, 1e-10, 60, new Float32Array(power.length));
    expect(from64).toBeInstanceOf(Float32Array);
    expect(Array.from(from64)).toEqual(rounded.map((v) => Math.fround(Math.max(v, floor32))));
    expect(from64[0]).toBe(Math.fround(floor32));
    const f32 = Float32Array.from(power);
    const from32 = powerToDbValues(f32, 2, 1e-10, 60, new Float64Array(power.length));
    const plain32 = Array.from(f32, (v) => 10 * Math.log10(Math.max(1e-10, v)) - 10 * Math.log10(2));
    expect(Array.from(from32)).toEqual(plain32.map((v) => Math.max(v, Math.max(...plain32) - 60)));
  });

  it('rejects an output array of another length', () => {
    const values = Float32Array.of(1, 0.1);
    for (const out of [new Float32Array(3), new Float32Array(1), new Float64Array(3)]) {
      expect(() => powerToDbValues(values, 1, 1e-10, 80, out)).toThrow(/out has \d cells for 2 values/);
    }
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

  it('floors amplitude at librosa’s amin 1e-5, i.e. -100 dB, by default', () => {
    expect(Array.from(amplitudeToDb(spectrogram([1, 0, 1e-7]), { topDb: null }).values)).toEqual([0, -100, -100]);
  });

  it('rejects dB input and bad parameters, naming the function, and records its parameters', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    const db = amplitudeToDb(spectrogram([1, 0.5]), { ref: 'max' });
    expect(() => amplitudeToDb(db)).toThrow(code);
    expect(() => amplitudeToDb(db)).toThrow(/already in dB/);
    expect(() => amplitudeToDb(spectrogram([1]), { amin: -1 })).toThrow(/^amplitude_to_db: .*amin/);
    expect(db.params).toEqual({ db: 'amplitude', ref: 'max', amin: 1e-5, topDb: 80 });
  });
});

describe('powerToDb floor with a numeric ref', () => {
  // librosa floors at max(output) - top_db, not at -top_db: with ref other than the maximum the loudest cell
  // is not at 0 dB, so a floor computed as if it were would clip the wrong cells.
  it.each([
    { ref: 1, type: 'float64' as const },
    { ref: 1, type: 'float32' as const },
    { ref: 1e-4, type: 'float64' as const },
    { ref: 1e6, type: 'float32' as const },
  ])('floors at the loudest output minus topDb: ref $ref, $type', ({ ref, type }) => {
    const power = [1e-12, 1e-9, 3e-7, 1e-4, 0.02, 5, 40];
    const db = powerToDb(spectrogram(power, type), { ref, topDb: 40 });
    const plain = power.map((v) => 10 * Math.log10(Math.max(1e-10, v)) - 10 * Math.log10(ref));
    const floor = Math.max(...plain) - 40;
    const expected = plain.map((v) => Math.max(v, floor));
    expect(Array.from(db.values)).toEqual(expected.map((v) => expect.closeTo(v, 4)));
    // the floor is really hit by the quiet cells and really spared by the loud ones
    expect(db.values[0]).toBeCloseTo(floor, 4);
    expect(db.values[4]).toBeGreaterThan(floor + 1);
  });
});

describe('powerToDb on float32 values (table log)', () => {
  /** The float32 result of the plain formula, 10 log10 in float64 then rounded. */
  function plainDb(values: Float32Array, ref: number, amin: number): Float32Array {
    const offset = 10 * Math.log10(Math.max(amin, Math.abs(ref)));
    return Float32Array.from(values, (v) => 10 * Math.log10(Math.max(amin, v)) - offset);
  }

  /** Distance to the next float32 above |x|: one float32 step at x. */
  function step32(x: number): number {
    const a = Math.abs(Math.fround(x));
    const bits = new Uint32Array(Float32Array.of(a).buffer)[0];
    return new Float32Array(Uint32Array.of(bits + 1).buffer)[0] - a;
  }

  // float32 powers spread over 40 decades, with every table cell's edges and centre hit
  const values = new Float32Array(100_000);
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < values.length; i++) values[i] = 10 ** (-12 + 40 * random());
  for (let i = 0; i < 3 * 1024; i++) values[i] = 2 ** (i % 7) * (1 + Math.floor(i / 3) / 1024 + ((i % 3) - 1) * 2 ** -23);

  it.each([
    { ref: 1, amin: 1e-10 },
    { ref: 3.5e12, amin: 1e-10 },
    { ref: 0.02, amin: 1e-3 },
  ])('is within one float32 step of 10 log10, and equal to it in all but one cell in 100 000: ref $ref, amin $amin', ({ ref, amin }) => {
    const got = powerToDbValues(values, ref, amin, null);
    const expected = plainDb(values, ref, amin);
    let equal = 0;
    let worst = 0; // largest difference in float32 steps
    for (let i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - expected[i]) / step32(expected[i]));
      if (got[i] === expected[i]) equal++;
    }
    expect(worst).toBeLessThanOrEqual(1);
    // 0 of these 100 000 differ from the plain formula; a 2-term series already makes 2 to 9 differ
    expect(values.length - equal).toBeLessThanOrEqual(1);
  });

  it("puts the loudest cell at exactly 0 dB with ref 'max', in place as well", () => {
    const spec = spectrogram(Array.from(values.subarray(0, 5000), (v) => v * 1e-6), 'float32');
    const db = powerToDb(spec, { ref: 'max', topDb: null });
    const max = Math.max(...spec.values);
    expect(db.values[spec.values.indexOf(max)]).toBe(0);
    const inPlace = Float32Array.from(spec.values);
    powerToDbValues(inPlace, max, 1e-10, null, inPlace);
    expect(inPlace).toEqual(db.values);
  });

  it('treats zero, negative, subnormal, infinite and NaN cells as 10 log10(max(amin, S)) does', () => {
    const odd = Float32Array.from([0, -0, -5, 1e-45, 1e-38, Number.POSITIVE_INFINITY, Number.NaN, 1e-10, 1]);
    // ref 1e-3 moves every cell; 2^-140 is a float32 subnormal amin; ref Infinity is ref 'max' over an infinite cell
    const cases = [1e-10, 1e-46, 2 ** -140].flatMap((amin) => [1, 1e-3, Number.POSITIVE_INFINITY].map((ref) => ({ amin, ref })));
    for (const { amin, ref } of cases) {
      const got = powerToDbValues(odd, ref, amin, null);
      const expected = plainDb(odd, ref, amin);
      for (let i = 0; i < odd.length; i++) {
        if (Number.isNaN(expected[i]) || !Number.isFinite(expected[i])) expect(got[i]).toBe(expected[i]);
        else expect(Math.abs(got[i] - expected[i])).toBeLessThanOrEqual(step32(expected[i]));
      }
    }
  });
});
