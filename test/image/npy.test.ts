import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from '../../src/image/npy.ts';
import { BirdcallError } from '../../src/errors.ts';

const HAVE_NUMPY = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
if (!HAVE_NUMPY) console.warn('python3 with numpy not found: skipping the numpy interoperability tests');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof BirdcallError ? e.code : `not a BirdcallError: ${String(e)}`;
  }
  return undefined;
}

function values(n: number, kind: 'f4' | 'f8'): Float32Array | Float64Array {
  const out = kind === 'f4' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.37) * 100 - i / 7;
  return out;
}

/** A .npy with a hand-written header, for the validation cases. */
function withHeader(header: string, dataBytes: number): Uint8Array {
  const padded = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + padded.length + dataBytes);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  return out;
}

describe('encodeNpy / decodeNpy', () => {
  it('round-trips float32 and float64 of any shape, bit for bit', () => {
    for (const kind of ['f4', 'f8'] as const) {
      for (const shape of [[128, 313], [7], [], [2, 3, 4], [0, 5]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = values(n, kind);
        const back = decodeNpy(encodeNpy(x, shape));
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor).toBe(x.constructor);
        expect(Buffer.from(back.data.buffer).equals(Buffer.from(x.buffer))).toBe(true);
      }
    }
  });

  it('keeps NaN and ±Inf', () => {
    const x = new Float32Array([NaN, Infinity, -Infinity, -0]);
    expect(Array.from(decodeNpy(encodeNpy(x, [4])).data)).toEqual([NaN, Infinity, -Infinity, -0]);
  });

  it('pads the header so data starts on a 64-byte boundary, ending in a newline', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 9 }), { maxLength: 6 }), (shape) => {
        const n = shape.reduce((a, b) => a * b, 1);
        fc.pre(n <= 64);
        const bytes = encodeNpy(new Float32Array(n), shape);
        const headerLength = new DataView(bytes.buffer).getUint16(8, true);
        expect((10 + headerLength) % 64).toBe(0);
        expect(bytes[10 + headerLength - 1]).toBe(0x0a);
        expect(decodeNpy(bytes).shape).toEqual(shape);
      }),
    );
  });

  it('rejects a shape that does not match the values', () => {
    expect(codeOf(() => encodeNpy(new Float32Array(6), [4, 2]))).toBe('NPY_SHAPE');
    expect(codeOf(() => encodeNpy(new Float32Array(6), [-2, -3]))).toBe('NPY_SHAPE');
    expect(codeOf(() => encodeNpy(new Float32Array(6), [2.5, 2.4]))).toBe('NPY_SHAPE');
  });

  it('rejects damaged or unsupported files with BirdcallErrors naming the file', () => {
    const good = encodeNpy(values(12, 'f4'), [3, 4]);
    expect(codeOf(() => decodeNpy(new Uint8Array([1, 2, 3]), 'a.npy'))).toBe('NPY_INVALID');
    expect(codeOf(() => decodeNpy(good.subarray(0, 40)))).toBe('NPY_INVALID'); // header cut
    expect(codeOf(() => decodeNpy(good.subarray(0, good.length - 4)))).toBe('NPY_INVALID'); // data cut
    const version9 = good.slice();
    version9[6] = 9;
    expect(codeOf(() => decodeNpy(version9))).toBe('NPY_INVALID');
    const shape = "'shape': (3, 4), }";
    expect(codeOf(() => decodeNpy(withHeader(`{'descr': '>f4', 'fortran_order': False, ${shape}`, 48)))).toBe('NPY_UNSUPPORTED');
    expect(codeOf(() => decodeNpy(withHeader(`{'descr': '<i2', 'fortran_order': False, ${shape}`, 24)))).toBe('NPY_UNSUPPORTED');
    expect(codeOf(() => decodeNpy(withHeader(`{'descr': '<f4', 'fortran_order': True, ${shape}`, 48)))).toBe('NPY_UNSUPPORTED');
    expect(codeOf(() => decodeNpy(withHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }`, 48)))).toBe('NPY_INVALID');
    expect(codeOf(() => decodeNpy(withHeader(`{'descr': '<f4', ${shape}`, 48)))).toBe('NPY_INVALID');
    expect(codeOf(() => decodeNpy(withHeader(`__import__('os')`, 48)))).toBe('NPY_INVALID');
    expect(() => decodeNpy(new Uint8Array(4), 'spec/XC1_0003.npy')).toThrow(/XC1_0003\.npy/);
  });
});

describe.skipIf(!HAVE_NUMPY)('numpy interoperability (python3 + numpy)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-npy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { name: 'mel_f4', kind: 'f4' as const, shape: [128, 313] },
    { name: 'vec_f8', kind: 'f8' as const, shape: [5] },
    { name: 'cube_f4', kind: 'f4' as const, shape: [2, 3, 4] },
    { name: 'scalar_f8', kind: 'f8' as const, shape: [] as number[] },
  ];

  it('numpy.load reads what we write, and numpy.save writes the same bytes', () => {
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      writeFileSync(join(dir, `${c.name}.npy`), encodeNpy(values(n, c.kind), c.shape));
    }
    // Python recomputes the values independently, checks ours, and re-saves what it read for a byte comparison.
    const script = `
import json, sys, numpy as np
cases = json.loads(sys.argv[2])
for c in cases:
    a = np.load(f"{sys.argv[1]}/{c['name']}.npy")
    n = int(np.prod(c['shape']))
    i = np.arange(n, dtype=np.float64)
    want = (np.sin(i * 0.37) * 100 - i / 7).astype('<' + c['kind']).reshape(c['shape'])
    assert a.dtype == np.dtype('<' + c['kind']), (c['name'], a.dtype)
    assert a.shape == tuple(c['shape']), (c['name'], a.shape)
    # libm's sin and V8's may differ in the last place: compare values with a tolerance, bytes via a re-save.
    assert np.allclose(a, want, rtol=1e-6, atol=0), c['name']
    np.save(f"{sys.argv[1]}/{c['name']}.numpy.npy", a)
print('ok')
`;
    const r = spawnSync('python3', ['-c', script, dir, JSON.stringify(cases)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    for (const c of cases) {
      const ours = readFileSync(join(dir, `${c.name}.npy`));
      const theirs = readFileSync(join(dir, `${c.name}.numpy.npy`));
      expect(ours.equals(theirs)).toBe(true);
      const back = decodeNpy(theirs);
      expect(back.shape).toEqual(c.shape);
    }
  });
});

describe('decodeNpy on a Node Buffer', () => {
  it('decodes bytes that sit at an offset inside a larger pooled buffer', () => {
    const values = new Float32Array([1.5, -2.25, 3, 4]);
    const encoded = encodeNpy(values, [2, 2]);
    // Buffer.from(array) of a small payload lands in Node's shared pool, at a non-zero byteOffset.
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(encoded)]).subarray(3);
    expect(Array.from(decodeNpy(pooled).data)).toEqual(Array.from(values));
  });
});
