import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, getRecipe } from '../../src/train/recipes.ts';
import { runCli } from './run-cli.ts';
import { PIPELINE, toneFolder } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

describe('recipes from the command line', () => {
  let dir: string;
  let audio: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-cli-recipes-'));
    audio = await toneFolder(join(dir, 'audio'), 3, 4);
  });

  it('`birdcall recipes` lists each recipe with its version, the default marked', async () => {
    const all = await runCli(['recipes']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`${DEFAULT_RECIPE} v${getRecipe(DEFAULT_RECIPE).version} (default)`);
    const json = await runCli(['recipes', DEFAULT_RECIPE, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([getRecipe(DEFAULT_RECIPE)]);
    const unknown = await runCli(['recipes', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('birdcall: unknown recipe "nope"; recipes: real-clips\n');
  });

  it('convert without flags follows the default recipe and records it; train takes its settings under the flags', async () => {
    const out = join(dir, 'clips');
    const converted = await runCli(['convert', audio, '-o', out, '--jobs', '1', '--no-progress']);
    expect(converted.code).toBe(0);
    expect(converted.stderr).toContain(`recipe ${DEFAULT_RECIPE} v${getRecipe(DEFAULT_RECIPE).version} (recorded in recipe.json`);
    const recorded = JSON.parse(await readFile(join(out, 'recipe.json'), 'utf8')) as { name: string; train: unknown };
    expect(recorded).toEqual(getRecipe(DEFAULT_RECIPE));
    expect(JSON.parse(await readFile(join(out, 'pipeline.json'), 'utf8'))).toMatchObject({ steps: expect.arrayContaining([{ block: 'pcen', params: expect.anything() }]) });

    const model = join(dir, 'model');
    const trained = await runCli(['train', '--data', join(out, 'manifest.csv'), '-o', model, '--epochs', '1', '--no-progress']);
    expect(trained.code).toBe(0);
    expect(trained.stderr).toContain(`recipe ${DEFAULT_RECIPE} v${getRecipe(DEFAULT_RECIPE).version}, with the options given on top`);
    expect(trained.stdout).toMatch(/^epoch 1\/1 /m);
    const config = JSON.parse(await readFile(join(model, 'train-config.json'), 'utf8')) as Record<string, unknown>;
    // From the recipe: the model, the learning rate, mixup off, every recording trained on; from the flag: 1 epoch.
    expect(config).toMatchObject({ model: 'strided', learningRate: 3e-3, mixupAlpha: 0, validationFraction: 0, epochs: 1, recipe: { name: DEFAULT_RECIPE, version: getRecipe(DEFAULT_RECIPE).version } });
  });

  it('a plain pipeline into a folder a recipe made removes the stale recipe record; --recipe with --pipeline is a usage error', async () => {
    const out = join(dir, 'plain');
    const pipeline = join(dir, 'tiny.yaml');
    await writeFile(pipeline, PIPELINE);
    expect((await runCli(['convert', audio, '-o', out, '--recipe', DEFAULT_RECIPE, '--jobs', '1', '--no-progress'])).code).toBe(0);
    expect(existsSync(join(out, 'recipe.json'))).toBe(true);
    expect((await runCli(['convert', audio, '-o', out, '--pipeline', pipeline, '--jobs', '1', '--no-progress'])).code).toBe(0);
    expect(existsSync(join(out, 'recipe.json'))).toBe(false);
    const both = await runCli(['convert', audio, '-o', out, '--pipeline', pipeline, '--recipe', DEFAULT_RECIPE]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('birdcall: give one of --pipeline FILE, --preset NAME or --recipe NAME, not --pipeline FILE and --recipe NAME\n');
    expect((await runCli(['convert', audio, '-o', out, '--recipe', 'nope'])).code).toBe(2);
  });

  it('`birdcall cv` cross-validates and writes cv.json, oof.csv and index.html; bad flags exit 2', async () => {
    const out = join(dir, 'plain-cv');
    const pipeline = join(dir, 'tiny.yaml');
    await writeFile(pipeline, PIPELINE);
    expect((await runCli(['convert', audio, '-o', out, '--pipeline', pipeline, '--jobs', '1', '--no-progress'])).code).toBe(0);
    const report = join(dir, 'reports', 'cv');
    const args = ['cv', '--data', join(out, 'manifest.csv'), '--folds', '3', '-o', report, '--model', 'tiny', '--epochs', '1', '--batch-size', '4', '--mixup-alpha', '0'];
    const cv = await runCli([...args, '--tta', '3', '--no-progress']);
    expect(cv.code).toBe(0);
    expect(cv.stdout).toMatch(/^3 folds by recording: recording top-1 \d\.\d{3} ± \d\.\d{3}, ROC-AUC .*; chunk top-1 .* s training per fold$/m);
    expect(cv.stdout).toMatch(/^the same models without TTA: recording top-1 /m);
    for (const file of ['cv.json', 'oof.csv', 'index.html']) expect(existsSync(join(report, file))).toBe(true);
    const json = JSON.parse(await readFile(join(report, 'cv.json'), 'utf8')) as { perFold: { withoutTta?: unknown }[]; tta: number; recordings: unknown[] };
    expect(json.tta).toBe(3);
    expect(json.recordings).toHaveLength(6);
    expect(json.perFold.every((f) => f.withoutTta !== undefined)).toBe(true);

    for (const [flags, message] of [
      [['--folds', '1'], /--folds must be at least 2/],
      [['--pool', 'median'], /--pool must be one of mean, max/],
      [['--only', '4'], /--only names fold 4, but there are 3 folds/],
      [['--tta', '0'], /--tta must be a positive integer/],
    ] as const) {
      const bad = await runCli([...args, ...flags]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });
});
