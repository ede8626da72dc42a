import type { SymbolicTensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/train/models.ts';
import { DEFAULT_RECIPE, getRecipe } from '../../src/train/recipes.ts';
import { planCvReal } from '../../scripts/cv-real.ts';

describe('scripts/cv-real.ts', () => {
  it('by default cross-validates the default recipe on the shared labelled clips, 5 folds by recording', () => {
    const plan = planCvReal([]);
    expect(plan.input).toMatch(/shared\/data\/birdcalls\/manifest\.csv$/);
    expect(plan.convertDir).toMatch(/out\/real-clips$/);
    expect(plan.reportDir).toMatch(/reports\/cv-real$/);
    expect(plan.cv).toMatchObject({ folds: 5, recipe: DEFAULT_RECIPE, where: { subset: 'labelled_clips' }, tta: 1, pool: 'mean', params: {} });
    expect(plan.cv.groupBy).toBeUndefined();
    expect(plan.cv.only).toBeUndefined();
  });

  it('names the convert and report folders after another pipeline and the grouping, so runs never overwrite each other', () => {
    const plan = planCvReal(['--pipeline', 'docs/experiments/real-clips-db.yaml', '--group-by', 'recordist', '--only', '1,3', '--params', '{"epochs":2}', '--tta', '3']);
    expect(plan.convertDir).toMatch(/out\/real-clips-real-clips-db$/);
    expect(plan.reportDir).toMatch(/reports\/cv-real-real-clips-db-by-recordist$/);
    expect(plan.cv).toMatchObject({ groupBy: 'recordist', only: [1, 3], params: { epochs: 2 }, tta: 3 });
    expect(planCvReal(['--name', 'x']).reportDir).toMatch(/reports\/cv-real-x$/);
    expect(() => planCvReal(['--recipe', 'nope'])).toThrow(/unknown recipe/);
  });

  it('the default recipe’s model builds for its 64 x 94 images and gives one probability per species', () => {
    const model = buildModel({ name: getRecipe(DEFAULT_RECIPE).train.model ?? 'compact', inputShape: [64, 94, 1], classes: 10, seed: 0 });
    expect(model.outputs[0].shape).toEqual([null, 10]);
    // Three stride-2 stages: the pooled map is 8 x 12, so the global pool sees the whole clip.
    expect((model.getLayer('pool').input as SymbolicTensor).shape).toEqual([null, 8, 12, 96]);
    model.dispose();
  });
});
