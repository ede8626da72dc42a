import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/train/backend.ts';
import { batchNormalization } from '../../src/train/layers.ts';
import { batchNormTrain } from '../../src/train/kernels/batchnorm-train.ts';
import { setBackpropFilterColLimit, setBackpropInputColLimit } from '../../src/train/kernels/index.ts';
import { buildModel, MODEL_NAMES } from '../../src/train/models.ts';
import { TrainRng } from '../../src/train/random.ts';

// The kernels live on wasm: test them there even on a machine where tfjs-node would load.
process.env.BIRDCALL_BACKEND = 'wasm';

function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new TrainRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(lo, hi));
}

/** Max |a - b| relative to the reference's largest magnitude (at least 1). */
function relativeError(reference: ArrayLike<number>, ours: ArrayLike<number>): number {
  expect(ours.length).toBe(reference.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i] - ours[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff / scale;
}

/** Run f on the stock cpu backend and on wasm (our kernels), returning both flattened results. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (backend: string): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => t.dataSync() as Float32Array);
    tf.dispose(list);
    return values;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

function expectClose(r: { cpu: Float32Array[]; wasm: Float32Array[] }, tolerance = 1e-5): void {
  expect(r.wasm.length).toBe(r.cpu.length);
  r.cpu.forEach((reference, i) => expect(relativeError(reference, r.wasm[i])).toBeLessThan(tolerance));
}

interface ConvCase {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  stride: number | [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

const convCases: ConvCase[] = [
  { n: 2, h: 9, w: 11, ci: 3, co: 4, fh: 3, fw: 3, stride: 1, pad: 'same' },
  { n: 2, h: 8, w: 16, ci: 8, co: 16, fh: 3, fw: 3, stride: 1, pad: 'same' },
  // A first layer (one input channel, 9 taps: two 4-row tiles and one row) with 12 filters (8 + 4 columns).
  { n: 2, h: 6, w: 7, ci: 1, co: 12, fh: 3, fw: 3, stride: 1, pad: 'same' },
  { n: 2, h: 9, w: 11, ci: 3, co: 4, fh: 3, fw: 3, stride: 1, pad: 'valid' },
  { n: 1, h: 8, w: 8, ci: 1, co: 2, fh: 1, fw: 1, stride: 1, pad: 'valid' },
  { n: 2, h: 10, w: 9, ci: 2, co: 3, fh: 4, fw: 2, stride: 1, pad: 'same' },
  { n: 2, h: 9, w: 11, ci: 3, co: 4, fh: 3, fw: 3, stride: 2, pad: 'same' },
  // Strided, 'valid', on odd sizes: the last input row and column are never read (the grid leaves them out).
  { n: 2, h: 10, w: 13, ci: 3, co: 8, fh: 3, fw: 3, stride: 2, pad: 'valid' },
  { n: 2, h: 11, w: 10, ci: 2, co: 12, fh: 3, fw: 3, stride: [2, 1], pad: 'same' },
  // Strided input gradients scattered on the grid: 8 channels (4-pixel tiles and edge pixels), and 12
  // (the last 4 channels alone) on an input whose last row and column no output reads.
  { n: 2, h: 10, w: 11, ci: 8, co: 8, fh: 3, fw: 3, stride: 2, pad: 'same' },
  { n: 1, h: 10, w: 10, ci: 12, co: 4, fh: 3, fw: 3, stride: 2, pad: 'valid' },
  { n: 3, h: 10, w: 12, ci: 2, co: 5, fh: 5, fw: 5, stride: 2, pad: 'valid' },
  { n: 2, h: 7, w: 9, ci: 2, co: 3, fh: 2, fw: 2, stride: 3, pad: 'same' },
  { n: 2, h: 12, w: 7, ci: 4, co: 3, fh: 3, fw: 2, stride: [2, 1], pad: 'valid' },
  { n: 2, h: 8, w: 10, ci: 3, co: 2, fh: 3, fw: 3, stride: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  { n: 2, h: 8, w: 10, ci: 3, co: 2, fh: 3, fw: 3, stride: 1, pad: [[0, 0], [4, 1], [0, 0], [0, 0]] },
  { n: 2, h: 8, w: 10, ci: 3, co: 2, fh: 3, fw: 3, stride: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

function inputGradient(c: ConvCase): tf.Tensor {
  const filter = tf.tensor4d(randomArray(c.fh * c.fw * c.ci * c.co, 3), [c.fh, c.fw, c.ci, c.co]);
  const probe = tf.zeros([c.n, c.h, c.w, c.ci]) as tf.Tensor4D;
  const [ho, wo] = tf.conv2d(probe, filter, c.stride, c.pad).shape.slice(1);
  const dy = tf.tensor4d(randomArray(c.n * ho * wo * c.co, 4), [c.n, ho, wo, c.co]);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] };
  return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

function filterGradient(c: ConvCase): tf.Tensor {
  const x = tf.tensor4d(randomArray(c.n * c.h * c.w * c.ci, 1), [c.n, c.h, c.w, c.ci]);
  const filterShape: [number, number, number, number] = [c.fh, c.fw, c.ci, c.co];
  const [ho, wo] = tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, c.stride, c.pad).shape.slice(1);
  const dy = tf.tensor4d(randomArray(c.n * ho * wo * c.co, 2), [c.n, ho, wo, c.co]);
  const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('training kernels on wasm equal the cpu backend', () => {
  beforeAll(async () => {
    await initBackend();
  });

  describe.each(convCases)('Conv2DBackpropInput and Conv2DBackpropFilter %j', (c) => {
    it('give the input and filter gradients of the cpu backend', async () => {
      expectClose(await onBoth(() => [inputGradient(c), filterGradient(c)]));
    });

    it('give the same gradients when the batch is split to bound memory', async () => {
      const previous = [setBackpropInputColLimit(1), setBackpropFilterColLimit(1)];
      try {
        expectClose(await onBoth(() => [inputGradient(c), filterGradient(c)]));
      } finally {
        setBackpropInputColLimit(previous[0]);
        setBackpropFilterColLimit(previous[1]);
      }
    });
  });

  // Filter counts that are a multiple of 4 run on our conv2d kernel; the others stay on the stock kernel,
  // which (tfjs 4.22) returns zeros for a 2x2 filter at stride 3 'same' (3 filters), a case none of our
  // models has, so that one case is left out.
  describe.each(convCases.filter((c) => c.co % 4 === 0 || c.stride !== 3))('Conv2D and FusedConv2D %j', (c) => {
it('convolves forward like cpu, plain and fused with a bias and ReLU', async () => {
    const x = randomArray(c.n * c.h * c.w * c.ci, 51);
    const filter = randomArray(c.fh * c.fw * c.ci * c.co, 52);
    const bias = randomArray(c.co, 53);
    const r = await onBoth(() => {
      const input = tf.tensor4d(x, [c.n, c.h, c.w, c.ci]);
      const f = tf.tensor4d(filter, [c.fh, c.fw, c.ci, c.co]);
      return [
        tf.conv2d(input, f, c.stride, c.pad),
        tf.fused.conv2d({ x: input, filter: f, strides: c.stride, pad: c.pad, bias: tf.tensor1d(bias), activation: 'relu' }),
        tf.fused.conv2d({ x: input, filter: f, strides: c.stride, pad: c.pad, bias: tf.tensor1d(bias) }),
      ];
    });
    expectClose(r);
  });
  });

  it('back-propagates through a strided conv layer to its input like cpu', async () => {
    const x = randomArray(2 * 12 * 20 * 3, 5);
    const filter = randomArray(3 * 3 * 3 * 4, 7);
    const target = randomArray(2 * 6 * 10 * 4, 6);
    const r = await onBoth(() =>
      tf.grad((input: tf.Tensor) => tf.conv2d(input as tf.Tensor4D, tf.tensor4d(filter, [3, 3, 3, 4]), 2, 'same').sub(tf.tensor4d(target, [2, 6, 10, 4])).square().sum())(
        tf.tensor4d(x, [2, 12, 20, 3]),
      ),
    );
    expectClose(r, 1e-4);
  });

  describe.each([
    { shape: [2, 8, 10, 3], size: 2, stride: 2, pad: 'valid' as const },
    { shape: [2, 9, 11, 4], size: 2, stride: 2, pad: 'same' as const },
    { shape: [2, 9, 11, 4], size: 2, stride: 2, pad: 'valid' as const },
    { shape: [3, 6, 4, 16], size: 2, stride: 2, pad: 'same' as const },
    { shape: [1, 9, 9, 2], size: 3, stride: 2, pad: 'same' as const },
    { shape: [2, 7, 8, 3], size: 3, stride: 1, pad: 'valid' as const },
  ])('MaxPoolGrad %j', ({ shape, size, stride, pad }) => {
    it('routes each gradient to the same input element as cpu, ties included', async () => {
      const n = shape.reduce((a, b) => a * b, 1);
      // Half the inputs clipped to zero, as after a ReLU, so many windows hold tied maxima.
      const x = randomArray(n, 8).map((v) => Math.max(0, v));
      const r = await onBoth(() => {
        const input = tf.tensor4d(x, shape as [number, number, number, number]);
        const y = tf.maxPool(input, size, stride, pad);
        const dy = tf.tensor(randomArray(y.size, 9), y.shape);
        return tf.engine().runKernel('MaxPoolGrad', { dy, input, output: y }, { filterSize: size, strides: stride, pad } as unknown as tf.NamedAttrMap) as tf.Tensor;
      });
      expectClose(r);
    });
  });

  describe.each([
    { shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 6, 5, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [300, 20], axis: [0], keepDims: true },
    { shape: [4, 6, 5, 3], axis: [2, 0, 1], keepDims: true },
    { shape: [4, 6, 5, 3], axis: [0], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [1, 2], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [0, 1, 2, 3], keepDims: false },
    { shape: [7, 3], axis: [-2], keepDims: true },
    { shape: [2, 3, 4, 5], axis: [2, 3], keepDims: false },
    { shape: [2, 3, 4, 5], axis: [1], keepDims: true },
  ])('Sum and Mean %j', ({ shape, axis, keepDims }) => {
    it('reduce like cpu, with the same output shape', async () => {
      const x = randomArray(shape.reduce((a, b) => a * b, 1), 10);
      const shapes: number[][] = [];
      const r = await onBoth(() => {
        const t = tf.tensor(x, shape);
        const out = [tf.sum(t, axis, keepDims), tf.mean(t, axis, keepDims)];
        shapes.push(...out.map((o) => o.shape));
        return out;
      });
      expectClose(r);
      expect(shapes.slice(2)).toEqual(shapes.slice(0, 2));
    });

    it('back-propagate through the mean like cpu', async () => {
      const x = randomArray(shape.reduce((a, b) => a * b, 1), 11);
      const r = await onBoth(() => {
        const t = tf.tensor(x, shape);
        const m = tf.mean(t, axis, keepDims);
        const weights = tf.tensor(randomArray(m.size, 12), m.shape);
        return tf.grad((input: tf.Tensor) => tf.mean(input, axis, keepDims).mul(weights).sum())(t);
      });
      expectClose(r);
    });
  });

  describe.each([
    { shape: [4, 5, 6, 3] },
    { shape: [3, 7, 4, 8] },
    { shape: [6, 5] },
  ])('batchnorm in training mode %j', ({ shape }) => {
    it('has the gradients of cpu for x, scale and offset, through the batch statistics', async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const channels = shape[shape.length - 1];
      const x = randomArray(size, 13, -2, 3);
      const gamma = randomArray(channels, 14, 0.5, 1.5);
      const beta = randomArray(channels, 15);
      const probe = randomArray(size, 16);
      const axes = shape.slice(0, -1).map((_, i) => i);
      const r = await onBoth(() => {
        // As tfjs-layers' BatchNormalization trains: moments over all but the channel axis, then batchNorm.
        const loss = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const { mean, variance } = tf.moments(input, axes);
          return tf.batchNorm(input, mean, variance, b, g, 1e-3).mul(tf.tensor(probe, shape)).sum();
        };
        return tf.grads(loss)([tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor1d(beta)]);
      });
      expectClose(r, 1e-4);
    });
  });

  describe.each([
    { shape: [4, 5, 6, 8] },
    { shape: [2, 9, 7, 3] },
    { shape: [3, 4, 4, 64] },
    { shape: [6, 12] },
  ])('the fused batchnorm layer in training mode %j', ({ shape }) => {
    it('gives the output, gradients and moving statistics of the stock layer on cpu', async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const channels = shape[shape.length - 1];
      const x = randomArray(size, 31, -2, 3);
      const probe = randomArray(size, 32);
      const gamma = randomArray(channels, 33, 0.5, 1.5);
      const beta = randomArray(channels, 34);
      const r = await onBoth(() => {
        // On cpu the layer is tfjs-layers' own graph (tf.moments, batchNorm); on wasm our kernel pair.
        const layer = batchNormalization({ axis: -1, momentum: 0.9 });
        layer.build(shape);
        layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta), tf.zeros([channels]), tf.ones([channels])]);
        const [gammaVar, betaVar] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
        const input = tf.tensor(x, shape);
        const y = layer.apply(input, { training: true }) as tf.Tensor;
        const { grads } = tf.variableGrads(() => (layer.apply(input, { training: true }) as tf.Tensor).mul(tf.tensor(probe, shape)).sum() as tf.Scalar, [
          gammaVar,
          betaVar,
        ]);
        const dx = tf.grad((i: tf.Tensor) => (layer.apply(i, { training: true }) as tf.Tensor).mul(tf.tensor(probe, shape)).sum())(input);
        // Three training calls so far, each moving the averages.
        const moving = layer.getWeights().slice(2).map((t) => t.clone());
        return [y, dx, grads[gammaVar.name], grads[betaVar.name], ...moving];
      });
      expectClose(r, 1e-4);
    });
  });

  it('adds a per-channel bias like cpu, either operand order, and leaves other broadcasts to the stock kernel', async () => {
    const x = randomArray(3 * 5 * 4 * 12, 44);
    const bias = randomArray(12, 45);
    const r = await onBoth(() => {
      const input = tf.tensor4d(x, [3, 5, 4, 12]);
      return [
        tf.add(input, tf.tensor1d(bias)),
        tf.add(tf.tensor4d(bias, [1, 1, 1, 12]), input),
        tf.add(tf.tensor2d(x.subarray(0, 36), [3, 12]), tf.tensor1d(bias)),
        tf.add(input, tf.tensor3d(x.subarray(0, 48), [1, 4, 12])),
        tf.add(input, input),
      ];
    });
    expect(r.wasm.map((values, i) => relativeError(r.cpu[i], values))).toEqual([0, 0, 0, 0, 0]);
  });

  it('back-propagates through ReLU like cpu, zeros and odd lengths included', async () => {
    const x = randomArray(4 * 7 * 3, 42).map((v, i) => (i % 5 === 0 ? 0 : v));
    const dy = randomArray(x.length, 43);
    const r = await onBoth(() => tf.grad((t: tf.Tensor) => tf.relu(t).mul(tf.tensor(dy, [4, 7, 3])).sum())(tf.tensor(x, [4, 7, 3])));
    // Exactly equal, up to the sign of zero (cpu multiplies dy by 0 and keeps dy's sign).
    expect(relativeError(r.cpu[0], r.wasm[0])).toBe(0);
  });

  it('keeps batchnorm statistics exact for activations far from zero (float32 sums would cancel)', async () => {
    await tf.setBackend('wasm');
    const [rows, channels] = [4 * 64 * 32, 8];
    const x = randomArray(rows * channels, 41, -1, 1).map((v, i) => 1000 + (i % channels) + v);
    const [, mean, variance] = batchNormTrain(tf.tensor2d(x, [rows, channels]), tf.ones([channels]), tf.zeros([channels]), 1e-3);
    const [m, v] = [mean.dataSync(), variance.dataSync()];
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += x[r * channels + c];
      const exactMean = sum / rows;
      let sq = 0;
      for (let r = 0; r < rows; r++) sq += (x[r * channels + c] - exactMean) ** 2;
      expect(Math.abs(m[c] - exactMean)).toBeLessThan(1e-4);
      expect(Math.abs(v[c] - sq / rows) / (sq / rows)).toBeLessThan(1e-4);
    }
  });

  it('normalise like cpu in the batchnorm forward pass, for per-channel and broadcast statistics', async () => {
    const shape: [number, number, number, number] = [3, 5, 4, 6];
    const x = randomArray(3 * 5 * 4 * 6, 19, -2, 2);
    const stats = [20, 21, 22, 23].map((seed) => randomArray(6, seed, 0.2, 1.5));
    const r = await onBoth(() => {
      const [mean, variance, offset, scale] = stats.map((v) => tf.tensor1d(v));
      const input = tf.tensor4d(x, shape);
      return [
        tf.batchNorm(input, mean, variance, offset, scale, 1e-3),
        tf.batchNorm(input, mean, variance, undefined, undefined, 1e-2),
        // Statistics of rank 4 are not the per-channel vectors the fast path takes: the stock kernel does.
        tf.batchNorm(input, tf.fill([1, 5, 4, 6], 0.3), tf.fill([1, 5, 4, 6], 0.8), tf.fill([1, 5, 4, 6], 0.1), tf.fill([1, 5, 4, 6], 1.2), 1e-3),
      ];
    });
    expectClose(r);
  });

  it.each(MODEL_NAMES)('give the %s model the same weight gradients as cpu', async (name) => {
    const [n, h, w, classes] = [2, 16, 24, 3];
    const x = randomArray(n * h * w, 17, 0, 1);
    const y = Float32Array.from(randomArray(n * classes, 18), (v) => (v > 0 ? 1 : 0));
    const r = await onBoth(() => {
      const model = buildModel({ name, inputShape: [h, w, 1], classes, seed: 3 });
      const variables = model.trainableWeights.map((v) => v.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => {
        const p = model.apply(tf.tensor4d(x, [n, h, w, 1]), { training: true }) as tf.Tensor;
        return tf.metrics.binaryCrossentropy(tf.tensor2d(y, [n, classes]), p).mean() as tf.Scalar;
      }, variables);
      const out = variables.map((v) => grads[v.name]);
      model.dispose();
      return out;
    });
    expectClose(r, 1e-3);
  });
});
