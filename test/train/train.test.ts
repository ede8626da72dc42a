import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModelArtifacts } from '../../src/train/artifacts.ts';
import { initBackend } from '../../src/train/backend.ts';
import { SpectrogramDataset, splitByRecording } from '../../src/train/dataset.ts';
import { buildModel } from '../../src/train/models.ts';
import { predictBatch } from '../../src/train/predict.ts';
import { TrainRng } from '../../src/train/random.ts';
import {
  augmentBatch,
  EarlyStopping,
  evaluate,
  learningRateAt,
  predictRows,
  resolveTrainParams,
  trainModel,
  type EpochReport,
  type Evaluation,
  type TrainParamsInput,
} from '../../src/train/train.ts';
import { syntheticSet, type SyntheticSet } from './synthetic.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

/** Small and fast: a tiny model, no mixup (it slows learning on 36 examples), a few epochs. */
const FAST: TrainParamsInput = { model: 'tiny', epochs: 6, batchSize: 8, learningRate: 0.01, mixupAlpha: 0, patience: 0, schedule: 'constant' };

describe('training', () => {
  let set: SyntheticSet;
  let dataset: SpectrogramDataset;

  beforeAll(async () => {
    await initBackend();
    set = await syntheticSet({ classes: 3, recordings: 6, chunks: 3, h: 16, w: 32 });
    dataset = new SpectrogramDataset(set.rows, { root: set.root, classes: set.classes });
  });

  it('learns three synthetic species well above chance on held-out recordings', async () => {
    const split = splitByRecording(set.rows, { validationFraction: 0.34, seed: 1 });
    const epochs: number[] = [];
    let batches = 0;
    const result = await trainModel({
      dataset,
      split,
      params: { ...FAST, epochs: 8, seed: 3 },
      onEpoch: (e) => epochs.push(e.epoch),
      onBatch: () => batches++,
    });
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batches).toBe(8 * Math.ceil(split.train.length / 8));
    // Chance is 1/3.
    expect(result.best.validation?.top1).toBeGreaterThanOrEqual(0.8);
    expect(result.best.validation?.macroRocAuc).toBeGreaterThan(0.9);
    expect(result.history[result.history.length - 1].loss).toBeLessThan(result.history[0].loss);
    // The kept weights are the best epoch's: predicting again reproduces its top-1.
    const scores = predictBatch(result.model, await Promise.all(split.validation.map(async (i) => (await dataset.get(i)).data)), result.inputShape);
    const primary = dataset.primaryIndex();
    const hits = split.validation.filter((i, r) => scores[r].indexOf(Math.max(...scores[r])) === primary[i]).length;
    expect(hits / split.validation.length).toBeCloseTo(result.best.validation?.top1 ?? -1, 6);
  });

  it('repeats a run exactly with the same seed, and differs with another', async () => {
    const split = splitByRecording(set.rows, { seed: 2 });
    const params: TrainParamsInput = { ...FAST, epochs: 2, mixupAlpha: 0.4, seed: 11 };
    const run = async (seed: number): Promise<{ losses: number[]; weights: Float32Array }> => {
      const result = await trainModel({ dataset, split, params: { ...params, seed } });
      const weights = result.model.getWeights().map((w) => w.dataSync() as Float32Array);
      const flat = new Float32Array(weights.reduce((n, w) => n + w.length, 0));
      let offset = 0;
      for (const w of weights) {
        flat.set(w, offset);
        offset += w.length;
      }
      return { losses: result.history.map((h) => h.loss), weights: flat };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(b.losses).toEqual(a.losses);
    expect(b.weights).toEqual(a.weights);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('saves the standard layers format and loads it back (batchnorm folded) with the same predictions', async () => {
    const split = splitByRecording(set.rows, { seed: 4 });
    const result = await trainModel({ dataset, split, params: { ...FAST, epochs: 1 } });
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-model-'));
    const pipeline = { steps: [{ block: 'melspec', params: { nMels: 16 } }] };
    await saveModelArtifacts(dir, {
      model: result.model,
      classes: result.classes,
      pipeline,
      trainConfig: result.params,
      history: result.history.map((h) => ({ epoch: h.epoch, loss: h.loss })),
      metrics: { top1: result.best.validation?.top1 ?? null },
      backend: result.backend.description,
    });
    const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      format: string;
      modelTopology: unknown;
      weightsManifest: { paths: string[]; weights: { name: string }[] }[];
    };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.weightsManifest[0].weights.length).toBe(result.model.getWeights().length);
    expect((await readFile(join(dir, 'history.csv'), 'utf8')).split('\n')[0]).toBe('epoch,loss');
    expect((await readFile(join(dir, 'backend.txt'), 'utf8')).trim()).toBe(result.backend.description);

    const loaded = await loadModel(dir);
    expect(loaded.classes).toEqual(set.classes);
    expect(loaded.pipeline).toEqual(pipeline);
    expect(loaded.inputShape).toEqual(result.inputShape);
    expect(loaded.trainConfig.seed).toBe(result.params.seed);
    const inputs = await Promise.all(split.validation.map(async (i) => (await dataset.get(i)).data));
    const before = predictBatch(result.model, inputs, result.inputShape);
    const after = predictBatch(loaded.model, inputs, loaded.inputShape);
    // The loaded model is the inference form, batchnorm folded into the convs: equal up to float rounding.
    expect(loaded.model.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(after.length).toBe(before.length);
    after.forEach((row, r) => row.forEach((p, k) => expect(Math.abs(p - before[r][k])).toBeLessThan(1e-5)));
  });

  it('keeps the weights of the best epoch by the monitored metric and logs the backend', async () => {
    const split = splitByRecording(set.rows, { seed: 5 });
    const lines: string[] = [];
    const result = await trainModel({ dataset, split, params: { ...FAST, epochs: 3, monitor: 'loss' }, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^backend: wasm/);
    const losses = result.history.map((h) => h.validation?.loss ?? Infinity);
    expect(result.best.validation?.loss).toBe(Math.min(...losses));
    const again = evaluate(dataset, split.validation, await predictRows(result.model, dataset, split.validation, 32));
    expect(again.loss).toBeCloseTo(result.best.validation?.loss ?? -1, 6);
  });
});

describe('early stopping', () => {
  const epoch = (n: number, validation: Evaluation): EpochReport => ({ epoch: n, loss: 1, validation, learningRate: 0.001, seconds: 1 });

  it('stops after `patience` epochs without improvement and remembers the best', () => {
    const stopper = new EarlyStopping('top1', 2);
    expect(stopper.offer(epoch(1, { loss: 1, top1: 0.5 }))).toEqual({ improved: true, stop: false });
    expect(stopper.offer(epoch(2, { loss: 0.9, top1: 0.7 }))).toEqual({ improved: true, stop: false });
    expect(stopper.offer(epoch(3, { loss: 0.8, top1: 0.6 }))).toEqual({ improved: false, stop: false });
    expect(stopper.offer(epoch(4, { loss: 0.7, top1: 0.65 }))).toEqual({ improved: false, stop: true });
    expect(stopper.best?.epoch).toBe(2);
  });

  it('breaks ties of a saturated metric by validation loss, and treats loss as lower-is-better', () => {
    const auc = new EarlyStopping('macroRocAuc', 0);
    auc.offer(epoch(1, { loss: 0.5, macroRocAuc: 1 }));
    expect(auc.offer(epoch(2, { loss: 0.4, macroRocAuc: 1 })).improved).toBe(true);
    expect(auc.offer(epoch(3, { loss: 0.45, macroRocAuc: 1 })).improved).toBe(false);
    // patience 0 never stops
    for (let e = 4; e < 20; e++) expect(auc.offer(epoch(e, { loss: 0.9, macroRocAuc: 0.5 })).stop).toBe(false);
    const loss = new EarlyStopping('loss', 1);
    loss.offer(epoch(1, { loss: 0.5 }));
    expect(loss.offer(epoch(2, { loss: 0.6 }))).toEqual({ improved: false, stop: true });
  });

  it("keeps the final epoch with 'last', whatever validation says, and never stops early", () => {
    const last = new EarlyStopping('last', 1);
    expect(last.offer(epoch(1, { loss: 0.2, top1: 0.9 }))).toEqual({ improved: true, stop: false });
    expect(last.offer(epoch(2, { loss: 0.9, top1: 0.1 }))).toEqual({ improved: true, stop: false });
    expect(last.best?.epoch).toBe(2);
  });
});

describe('training options', () => {
  it('fills documented defaults and rejects bad values naming the parameter', () => {
    const p = resolveTrainParams({});
    expect(p.model).toBe('compact');
    expect(p.batchSize).toBe(16);
    expect(p.secondaryWeight).toBe(1);
    expect(() => resolveTrainParams({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => resolveTrainParams({ model: 'huge' as 'tiny' })).toThrow(/model/);
  });

  it('decays the learning rate by the schedule', () => {
    const cosine = resolveTrainParams({ epochs: 10, learningRate: 0.1, schedule: 'cosine' });
    expect(learningRateAt(cosine, 0)).toBeCloseTo(0.1, 10);
    expect(learningRateAt(cosine, 5)).toBeCloseTo(0.0505, 10);
    expect(learningRateAt(cosine, 9.99)).toBeLessThan(0.0011);
    const step = resolveTrainParams({ learningRate: 0.1, schedule: 'step', stepEpochs: 3, stepFactor: 0.5 });
    expect([0, 2.9, 3, 6].map((t) => learningRateAt(step, t))).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('augments without changing shapes or leaving [0, 1], and mixup takes the union of labels', () => {
    const shape: [number, number, number] = [8, 16, 1];
    const n = 4;
    const rng = new TrainRng(1);
    const x = Float32Array.from({ length: n * 128 }, () => rng.next());
    const y = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    const params = resolveTrainParams({ mixupAlpha: 1, mixupProbability: 1, gain: 0.2 });
    augmentBatch(x, y, n, shape, 3, params, new TrainRng(2));
    expect(x.every((v) => v >= 0 && v <= 1)).toBe(true);
    for (let b = 0; b < n; b++) {
      const labels = Array.from(y.subarray(b * 3, b * 3 + 3));
      // Each example keeps its own label and gains exactly its partner's.
      expect(labels.filter((v) => v === 1).length).toBeGreaterThanOrEqual(1);
      expect(labels.every((v) => v === 0 || v === 1)).toBe(true);
    }
    expect(Array.from(y)).not.toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('shifts in time circularly', () => {
    const shape: [number, number, number] = [2, 8, 1];
    const x = Float32Array.from({ length: 16 }, (_, i) => (i % 8) / 10);
    const params = resolveTrainParams({ timeShift: 1, gain: 0, timeMasks: 0, freqMasks: 0, mixupAlpha: 0 });
    augmentBatch(x, new Float32Array(1), 1, shape, 1, params, new TrainRng(7));
    const row0 = Array.from(x.subarray(0, 8));
    expect([...row0].sort()).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7].map((v) => Math.fround(v)));
    expect(Array.from(x.subarray(8, 16))).toEqual(row0);
  });

  it('builds every zoo model with sigmoid outputs for any input size', async () => {
    await initBackend();
    for (const name of ['tiny', 'compact', 'wide', 'resnet'] as const) {
      const model = buildModel({ name, inputShape: [32, 48, 1], classes: 5, seed: 1 });
      const out = tf.tidy(() => (model.predict(tf.zeros([2, 32, 48, 1])) as tf.Tensor).dataSync());
      expect(out.length).toBe(10);
      expect(Array.from(out).every((v) => v > 0 && v < 1)).toBe(true);
      model.dispose();
    }
    expect(() => buildModel({ name: 'wide', inputShape: [8, 8, 1], classes: 2, seed: 1 })).toThrow(/too small/);
  });
});
