import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pcen, pcenLoop, pcenSmoothingCoefficient, type PcenLoopConstants, type PcenParamsInput } from '../../src/dsp/pcen.ts';
import { pcenSqrtNative } from '../../src/dsp/native.ts';
import { melSpectrogram } from '../../src/dsp/mel.ts';
import { maxAbsDiff, maxOf, testSignal } from './reference.ts';
import { pythonHas, runPython } from './python.ts';

const HAVE_SCIPY = pythonHas('numpy', 'scipy.signal', 'scipy.ndimage');

// librosa.pcen's arithmetic on scipy's lfilter / lfilter_zi / maximum_filter1d (librosa itself is not
// installed here): checks the IIR state, the filter's initial condition and the max filter's edges.
const SCIPY_PCEN = `
import sys, json, numpy as np, scipy.signal, scipy.ndimage
inp, shape, jobs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
S = np.fromfile(inp, dtype='<f8').reshape(shape)
for job in jobs:
  p, out = job['params'], job['out']
  b = p['b']
  ref = S if p['max_size'] == 1 else scipy.ndimage.maximum_filter1d(S, p['max_size'], axis=0)
  zi = np.empty((1, 1)); zi[:] = scipy.signal.lfilter_zi([b], [1, b - 1])[:]
  S_smooth, _ = scipy.signal.lfilter([b], [1, b - 1], ref, zi=zi, axis=-1)
  smooth = np.exp(-p['gain'] * (np.log(p['eps']) + np.log1p(S_smooth / p['eps'])))
  if p['power'] == 0: R = np.log1p(S * smooth)
  elif p['bias'] == 0: R = np.exp(p['power'] * (np.log(S) + np.log(smooth)))
  else: R = p['bias'] ** p['power'] * np.expm1(p['power'] * np.log1p(S * smooth / p['bias']))
  R.astype('<f8').tofile(out)
`;

describe('pcen', () => {
  const mel = melSpectrogram(testSignal(16000), { sr: 32000, nFft: 1024, hopLength: 320, nMels: 32, power: 1, dtype: 'float64' });
  // librosa's docs scale a magnitude spectrogram to the int32 range first
  const scaled = { ...mel, values: mel.values.map((v) => v * 2 ** 31) };

  it('derives librosa’s smoothing coefficient from the time constant', () => {
    const b = pcenSmoothingCoefficient(0.4, 22050, 512);
    const t = (0.4 * 22050) / 512;
    // librosa's closed form is the positive root of T^2 b^2 + b - 1 = 0
    expect(b).toBeGreaterThan(0);
    expect(t * t * b * b + b - 1).toBeCloseTo(0, 12);
  });

  it('is non-negative, same shape and type, and compresses the range', () => {
    const out = pcen(scaled, { sr: 32000, hopLength: 320 });
    expect([out.bins, out.frames]).toEqual([mel.bins, mel.frames]);
    expect(out.values).toBeInstanceOf(Float64Array);
    for (const v of out.values) expect(v).toBeGreaterThanOrEqual(0);
    expect(maxOf(out.values)).toBeLessThan(maxOf(scaled.values));
  });

  it('rejects invalid parameters with PARAM_INVALID, naming pcen and the parameter', () => {
    const code = expect.objectContaining({ code: 'PARAM_INVALID' });
    expect(() => pcen(scaled, { eps: 0 })).toThrow(code);
    expect(() => pcen(scaled, { eps: 0 })).toThrow(/^pcen: .*eps/);
    expect(() => pcen(scaled, { b: 1.5 })).toThrow(code);
    expect(() => pcen(scaled, { maxSize: 0 })).toThrow(code);
  });

  it('rejects a dB spectrogram', () => {
    expect(() => pcen({ ...scaled, scale: 'db' })).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
    expect(() => pcen({ ...scaled, scale: 'db' })).toThrow(/not dB/);
  });

  it('labels its output magnitude, keeping float32 input float32', () => {
    const f32 = { ...scaled, values: Float32Array.from(scaled.values), scale: 'power' as const };
    const out = pcen(f32);
    expect(out.scale).toBe('magnitude');
    expect(out.values).toBeInstanceOf(Float32Array);
  });

  it('rejects, as librosa, a derived b outside [0, 1]: NaN for a huge time constant, above 1 by rounding for a tiny one', () => {
    expect(() => pcen(scaled, { timeConstant: 1e300 })).toThrow(/smoothing coefficient b must be in \[0, 1\], got NaN/);
    expect(pcenSmoothingCoefficient(1e-7, 22050, 512)).toBeGreaterThan(1);
    expect(() => pcen(scaled, { timeConstant: 1e-7 })).toThrow(/smoothing coefficient b must be in \[0, 1\]/);
  });

  it('accepts b 0 and 1; with b 1 the smoother is the frame itself', () => {
    expect(() => pcen(scaled, { b: 0 })).not.toThrow();
    const { gain, bias, power, eps } = { gain: 0.98, bias: 2, power: 0.5, eps: 1e-6 };
    const out = pcen(scaled, { b: 1 });
    for (const i of [0, 17, scaled.values.length - 1]) {
      const x = scaled.values[i];
      // librosa's formula with M = S: (S / (eps + S)^gain + bias)^power - bias^power
      const expected = (x / (eps + x) ** gain + bias) ** power - bias ** power;
      expect(out.values[i]).toBeCloseTo(expected, 9);
    }
  });

  describe.skipIf(!HAVE_SCIPY)(`against scipy (${HAVE_SCIPY ? 'present' : 'python3 with numpy+scipy not found: skipped'})`, () => {
    const cases: [string, PcenParamsInput][] = [
      ['librosa defaults', {}],
      ['32 kHz / hop 320, maxSize 3', { sr: 32000, hopLength: 320, maxSize: 3 }],
      ['maxSize 4 (even window)', { maxSize: 4, gain: 0.8 }],
      ['log compression (power 0)', { power: 0, b: 0.1 }],
      ['no bias', { bias: 0, power: 0.25 }],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-pcen-'));
    const expected = new Map<string, Float64Array>();
    // one Python process for every case: importing scipy is the slow part
    beforeAll(() => {
      const input = join(dir, 'S.f64');
      writeFileSync(input, new Uint8Array(scaled.values.buffer));
      const jobs = cases.map(([name, params], i) => {
        const p = pcen(scaled, params).params.pcen as Record<string, number>;
        return {
          name,
          out: join(dir, `out${i}.f64`),
          params: { b: p.b, gain: p.gain, bias: p.bias, power: p.power, eps: p.eps, max_size: p.maxSize },
        };
      });
      runPython(SCIPY_PCEN, [input, JSON.stringify([mel.bins, mel.frames]), JSON.stringify(jobs)]);
      for (const job of jobs) {
        const bytes = readFileSync(job.out);
        expected.set(job.name, new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
      }
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(cases)('matches librosa’s arithmetic: %s', (name, params) => {
      const ours = pcen(scaled, params);
      const ref = expected.get(name) as Float64Array;
      expect(maxAbsDiff(ours.values, ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, maxOf(ref)));
    });
  });
});

/** Indices where a and b differ as numbers (Object.is: NaN equals NaN, 0 and -0 differ). */
function differing(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) out.push(i);
  return out;
}

/** Both paths on the same input: [JS loop, wasm]. */
function bothPaths(S: Float32Array | Float64Array, ref: ArrayLike<number>, c: PcenLoopConstants): [Float32Array | Float64Array, Float32Array | Float64Array] {
  const make = (): Float32Array | Float64Array => (S instanceof Float32Array ? new Float32Array(S.length) : new Float64Array(S.length));
  const [js, native] = [make(), make()];
  pcenLoop(S, ref, js, c);
  pcenSqrtNative(S, ref, native, c);
  return [js, native];
}

describe('pcen in wasm SIMD (power 0.5 with a bias: the default)', () => {
  let seed = 99;
  const rand = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  /** Log-uniform magnitudes over 60 decades, with zeros, subnormals, huge, infinite, NaN and negative values. */
  const wild = (n: number): Float64Array =>
    Float64Array.from({ length: n }, () => {
      const r = rand();
      if (r < 0.02) return 0;
      if (r < 0.03) return 5e-324 * Math.floor(rand() * 1000);
      if (r < 0.035) return 1e300 * rand();
      if (r < 0.04) return [Infinity, Number.NaN, -rand(), -0][Math.floor(rand() * 4)];
      return 10 ** (60 * rand() - 30);
    });

  it.each([
    ['64 bands, librosa defaults', 64, 94, { b: 0.0247, gain: 0.98, eps: 1e-6, bias: 2 }, false],
    ['an odd number of bands, float64', 3, 50, { b: 0.3, gain: 0.8, eps: 1e-3, bias: 3 }, true],
    ['one band, one frame', 1, 1, { b: 0.5, gain: 0.98, eps: 1e-6, bias: 2 }, false],
    ['a max-filtered reference', 9, 40, { b: 0.1, gain: 0.5, eps: 1e-9, bias: 0.7 }, false],
    ['a max-filtered float32 reference, 35 values (not a multiple of 4)', 5, 7, { b: 0.1, gain: 0.5, eps: 1e-9, bias: 0.7 }, false],
  ] as const)('equals the JS loop bit for bit on values of every scale: %s', (_name, bins, frames, params, f64) => {
    const values = wild(bins * frames);
    const S = f64 ? values : Float32Array.from(values);
    const ref = !_name.includes('max') ? S : _name.includes('float32') ? Float32Array.from(wild(bins * frames)) : wild(bins * frames);
    const [js, native] = bothPaths(S, ref, { bins, frames, power: 0.5, ...params });
    expect(differing(js, native)).toEqual([]);
  });

  it('equals Math.exp and Math.log1p bit for bit across their branch boundaries', () => {
    // With b = 1 the smoothed value is ref itself and with eps = 1 the gain is exp(-gain * log1p(ref)): the
    // kernel's log1p sees ref and its exp sees -/+ log1p(ref), so these inputs walk fdlibm's cases: tiny
    // (< 2^-29), k = 0 (below sqrt 2 - 1), the normalisation at sqrt 2, 1 + x a power of two (|f| < 2^-20),
    // 2^53 and beyond, and exp arguments around ln2 / 2, 3 ln2 / 2 and 2^-28.
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const near = (x: number, steps: number): number[] => {
      const out: number[] = [];
      for (let d = -steps; d <= steps; d++) {
        bits[0] = x;
        words[0] += d; // neighbours in the last bits (x is not near a word boundary)
        out.push(bits[0]);
      }
      return out;
    };
    const points = [0, 2 ** -60, 2 ** -29, Math.SQRT2 - 1, 1, 3, 7, 2 ** 20 - 1, 2 ** 53, 2 ** 60, 1e300, 0.4142135, 1.7182818284590453, 0.41503749927884376, 1.5, 2.2];
    // 1 + x whose leading mantissa bits sit at fdlibm's sqrt 2 threshold (0x6A09E), for k = 1 .. 3
    const atSqrt2 = [0x4006a09d, 0x4006a09e, 0x4006a09f, 0x400ea09e, 0x4016a09e].map((high) => {
      words[1] = high;
      words[0] = 0x12345;
      return bits[0] - 1;
    });
    const values = Float64Array.from([...points, ...atSqrt2].flatMap((p) => (p === 0 ? [0] : near(p, 8))));
    for (const gain of [1, -1, 0.98, 3]) {
      const [js, native] = bothPaths(values, values, { bins: 1, frames: values.length, b: 1, gain, eps: 1, bias: 2, power: 0.5 });
      expect(differing(js, native), `gain ${gain}`).toEqual([]);
    }
    // and random arguments over the whole range the vector path takes
    const many = Float64Array.from({ length: 20000 }, () => 10 ** (40 * rand() - 20));
    for (const gain of [1, -1]) {
      const [js, native] = bothPaths(many, many, { bins: 2, frames: 10000, b: 1, gain, eps: 1, bias: 1, power: 0.5 });
      expect(differing(js, native), `gain ${gain}`).toEqual([]);
    }
  });

  it('is what pcen() returns for the default setting', () => {
    const mel = melSpectrogram(testSignal(32000), { sr: 32000, nFft: 1024, hopLength: 1024, nMels: 64, fmin: 1000, fmax: 11000, power: 1 });
    const out = pcen(mel, { sr: 32000, hopLength: 1024, timeConstant: 0.4 });
    const p = out.params.pcen as { b: number; gain: number; eps: number; bias: number };
    const js = new Float32Array(mel.values.length);
    pcenLoop(mel.values, mel.values, js, { bins: mel.bins, frames: mel.frames, b: p.b, gain: p.gain, eps: p.eps, bias: p.bias, power: 0.5 });
    expect(differing(out.values, js)).toEqual([]);
  });
});
