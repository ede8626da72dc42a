import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../../src/pipeline/run.ts';
import { resolveTrainParams } from '../../src/train/params.ts';
import { DEFAULT_RECIPE, describeRecipe, getRecipe, RECIPES, recipeTrainParams, recordedRecipe, recordRecipe } from '../../src/train/recipes.ts';

describe('recipes', () => {
  it('have unique names, a version and training settings the trainer accepts', () => {
    expect(new Set(RECIPES.map((r) => r.name)).size).toBe(RECIPES.length);
    for (const recipe of RECIPES) {
      expect(recipe.version).toBeGreaterThanOrEqual(1);
      expect(recipe.measured).toMatch(/docs\/real-data\.md/);
      expect(() => resolveTrainParams(recipe.train)).not.toThrow();
      expect(() => resolvePipeline(recipe.pipeline)).not.toThrow();
    }
    expect(getRecipe(DEFAULT_RECIPE).name).toBe(DEFAULT_RECIPE);
    expect(() => getRecipe('nope')).toThrow(/unknown recipe "nope"; recipes: real-clips/);
  });

  it('the default turns a 6 s clip at 44.1 kHz into seven 3 s chunks, every 0.5 s, of 64 mel bands x 94 frames, as docs/real-data.md measured', async () => {
    const sr = 44100;
    const x = Float32Array.from({ length: 6 * sr }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 4000 * i) / sr) + 0.01 * Math.sin(i));
    const { items } = await runPipelineOnFile(resolvePipeline(getRecipe(DEFAULT_RECIPE).pipeline), { path: 'a.wav', bytes: encodeWav(x, sr) });
    expect(items.map((i) => i.startSeconds)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3]);
    const spec = items[0].value as Spectrogram;
    expect([spec.bins, spec.frames]).toEqual([64, 94]);
    expect(spec.sampleRate).toBe(32000);
    expect(items[0].artifacts.map((a) => a.name)).toEqual(['png']);
  });

  it('training settings: the recipe recorded beside the manifest, then a named recipe in its place, with options on top', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-recipe-'));
    expect(await recipeTrainParams(dir, { epochs: 3 })).toEqual({ params: { epochs: 3 }, recipe: undefined });
    const recorded = { ...getRecipe(DEFAULT_RECIPE), version: 7, train: { model: 'tiny' as const, epochs: 2, learningRate: 0.01 } };
    await recordRecipe(dir, recorded);
    expect(await recordedRecipe(dir)).toEqual(recorded);
    const fromRecord = await recipeTrainParams(dir, { epochs: 5 });
    expect(fromRecord).toEqual({ params: { model: 'tiny', epochs: 5, learningRate: 0.01 }, recipe: { name: DEFAULT_RECIPE, version: 7 } });
    const named = await recipeTrainParams(dir, {}, DEFAULT_RECIPE);
    expect(named.params).toEqual(getRecipe(DEFAULT_RECIPE).train);
    expect(named.recipe?.version).toBe(getRecipe(DEFAULT_RECIPE).version);
  });

  it('names the file when a recorded recipe is not one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-recipe-'));
    await writeFile(join(dir, 'recipe.json'), '{"name": "x"}');
    await expect(recordedRecipe(dir)).rejects.toThrow(/needs a name, a version and train settings/);
    await writeFile(join(dir, 'recipe.json'), '{');
    await expect(recordedRecipe(dir)).rejects.toMatchObject({ code: 'RECIPE_INVALID', file: join(dir, 'recipe.json') });
  });

  it('describes itself for `birdcall recipes`: name, version, default mark, pipeline, training, where it was measured', () => {
    const text = describeRecipe(getRecipe(DEFAULT_RECIPE));
    expect(text.split('\n')[0]).toBe(`${DEFAULT_RECIPE} v${getRecipe(DEFAULT_RECIPE).version} (default)`);
    expect(text).toMatch(/pipeline: decode -> resample .* -> pcen .* -> image/);
    expect(text).toMatch(/training: model strided, epochs 30/);
    expect(text).toMatch(/measured: docs\/real-data\.md/);
  });
});
