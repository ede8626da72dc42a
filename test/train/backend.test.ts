import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/train/backend.ts';
import { setBackpropFilterColLimit } from '../../src/train/kernels/conv2d-backprop-filter.ts';
import { TrainRng } from '../../src/train/random.ts';

function randomArray(n: number, seed: number): Float32Array {
  const rng = new TrainRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

const cases: Case[] = [
  { n: 2, h: 9, w: 11, ci: 3, co: 4, fh: 3, fw: 3, stride: 1, pad: 'same' },
  { n: 2, h: 9, w: 11, ci: 3, co: 4, fh: 3, fw: 3, stride: 2, pad: 'same' },
  { n: 3, h: 10, w: 12, ci: 2, co: 5, fh: 5, fw: 5, stride: 2, pad: 'valid' },
  { n: 1, h: 8, w: 8, ci: 1, co: 2, fh: 1, fw: 1, stride: 1, pad: 'valid' },
  { n: 2, h: 7, w: 9, ci: 2, co: 3, fh: 2, fw: 2, stride: 3, pad: 'same' },
  { n: 2, h: 12, w: 7, ci: 4, co: 3, fh: 3, fw: 2, stride: [2, 1], pad: 'valid' },
  { n: 2, h: 8, w: 16, ci: 8, co: 16, fh: 3, fw: 3, stride: 1, pad: 'same' },
];

/** Run the filter-gradient kernel itself on one backend, on the same x and dy. */
async function filterGradient(backend: string, c: Case): Promise<Float32Array> {
  await tf.setBackend(backend);
  const x = tf.tensor4d(randomArray(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
  const filterShape: [number, number, number, number] = [c.fh, c.fw, c.ci, c.co];
  const [ho, wo] = tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, c.stride, c.pad).shape.slice(1);
  const dy = tf.tensor4d(randomArray(c.n * ho * wo * c.co, 2), [c.n, ho, wo, c.co]);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape };
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  expect(dw.shape).toEqual(filterShape);
  return dw.dataSync() as Float32Array;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// The custom kernel lives on wasm: test it there even on a machine where tfjs-node would load.
process.env.BIRDCALL_BACKEND = 'wasm';

describe('wasm backend', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('initialises wasm once, names it, and never settles on the stock cpu backend', async () => {
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.description).toMatch(/^wasm/);
    expect(await initBackend()).toBe(info);
  });

  describe.each(cases)('Conv2DBackpropFilter %j', (c) => {
    it('equals the cpu backend', async () => {
      const reference = await filterGradient('cpu', c);
      const ours = await filterGradient('wasm', c);
      const scale = Math.max(...reference.map(Math.abs));
      expect(maxAbsDiff(reference, ours)).toBeLessThan(1e-5 * Math.max(1, scale));
    });

    it('equals the cpu backend when the batch is split to bound memory', async () => {
      const reference = await filterGradient('cpu', c);
      const previous = setBackpropFilterColLimit(1);
      try {
        const ours = await filterGradient('wasm', c);
        expect(maxAbsDiff(reference, ours)).toBeLessThan(1e-5 * Math.max(1, Math.max(...reference.map(Math.abs))));
      } finally {
        setBackpropFilterColLimit(previous);
      }
    });
  });

  it('gives the same filter gradient as cpu through autograd of a conv layer', async () => {
    const grad = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      const x = tf.tensor4d(randomArray(2 * 12 * 20 * 3, 5), [2, 12, 20, 3]);
      const target = tf.tensor4d(randomArray(2 * 6 * 10 * 4, 6), [2, 6, 10, 4]);
      const filter = tf.tensor4d(randomArray(3 * 3 * 3 * 4, 7), [3, 3, 3, 4]);
      const g = tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, 2, 'same').sub(target).square().sum())(filter);
      return g.dataSync() as Float32Array;
    };
    const reference = await grad('cpu');
    const ours = await grad('wasm');
    expect(maxAbsDiff(reference, ours)).toBeLessThan(1e-4 * Math.max(1, Math.max(...reference.map(Math.abs))));
    await tf.setBackend('wasm');
  });
});
