import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/train/backend.ts';
import { buildModel } from '../../src/train/models.ts';
import { predictBatch, predictFlat, predictFlatTta } from '../../src/train/predict.ts';
import { rollTime, ttaShifts } from '../../src/train/tta.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

describe('test-time augmentation', () => {
  it('shifts copies by 0, then +d, -d, +2d, ... up to a quarter of the frames', () => {
    expect(ttaShifts(1, 94)).toEqual([0]);
    expect(ttaShifts(2, 94)).toEqual([0, 24]);
    expect(ttaShifts(3, 94)).toEqual([0, 24, -24]);
    expect(ttaShifts(5, 100)).toEqual([0, 13, -13, 25, -25]);
    expect(() => ttaShifts(0, 10)).toThrow(/positive integer/);
  });

  it('rolls each frequency row of one example in time, wrapping around, and leaves the others alone', () => {
    // Two examples of [2, 4, 1]: rows 0-3 and 4-7, then 8-11 and 12-15.
    const x = Float32Array.from({ length: 16 }, (_, i) => i);
    rollTime(x, 0, [2, 4, 1], 1, new Float32Array(4));
    expect(Array.from(x.subarray(0, 8))).toEqual([3, 0, 1, 2, 7, 4, 5, 6]);
    expect(Array.from(x.subarray(8))).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    rollTime(x, 8, [2, 4, 1], -1, new Float32Array(4));
    expect(Array.from(x.subarray(8))).toEqual([9, 10, 11, 8, 13, 14, 15, 12]);
  });

  it('averages the model over the shifted copies (and is the plain prediction with one copy)', async () => {
    await initBackend();
    const shape = [8, 12, 1];
    const model = buildModel({ name: 'tiny', inputShape: [8, 12, 1], classes: 3, seed: 4 });
    const x = Float32Array.from({ length: 2 * 96 }, (_, i) => ((i * 7919) % 101) / 101);
    expect(Array.from(predictFlatTta(model, x, 2, shape, 1))).toEqual(Array.from(predictFlat(model, x, 2, shape)));
    const expected = new Float64Array(6);
    for (const shift of ttaShifts(3, 12)) {
      const copy = x.slice();
      for (let b = 0; b < 2; b++) rollTime(copy, b * 96, shape, shift, new Float32Array(12));
      predictFlat(model, copy, 2, shape).forEach((p, i) => (expected[i] += p / 3));
    }
    const got = predictFlatTta(model, x, 2, shape, 3);
    got.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 6));
    expect(Array.from(got)).not.toEqual(Array.from(predictFlat(model, x, 2, shape)));
    const batched = predictBatch(model, [x.subarray(0, 96), x.subarray(96)], shape, 1, 3);
    batched.flatMap((r) => Array.from(r)).forEach((p, i) => expect(p).toBeCloseTo(got[i], 6));
    model.dispose();
  });
});
