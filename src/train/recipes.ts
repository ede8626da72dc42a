import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BirdcallError, UsageError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import type { PipelineSpec } from '../pipeline/pipeline.ts';
import type { TrainParamsInput } from './params.ts';

/**
 * Recipes: a pipeline and the training settings measured together, under a name and a version. `convert
 * --recipe NAME` runs the pipeline and records the recipe as recipe.json beside manifest.csv; `train` and
 * `cv` then start from the recorded training settings (flags still override them). No TensorFlow.js here:
 * `birdcall recipes` and `convert` read this file.
 */
export interface Recipe {
  name: string;
  /** Bumped whenever the pipeline or the training settings change; recorded with every conversion. */
  version: number;
  /** One line for `birdcall recipes`. */
  summary: string;
  /** Where the settings were measured, and the figure they gave. */
  measured: string;
  pipeline: PipelineSpec;
  train: TrainParamsInput;
}

/**
 * The real-clips recipe. Pipeline: 3 s chunks every 0.5 s (seven per 6 s clip: v2; v1 took one a second, and
 * the extra chunks lifted 5-fold recording-level top-1 by about 0.1 by recording and by recordist), 64 mel bands 1-11 kHz (these
 * songbirds sing between about 2 and 9 kHz; below is wind and traffic, above several source MP3s are
 * low-passed), hop 1024 -> 64 x 94 images, PCEN (each band divided by its own running background, so
 * recordings with different gain and noise floors look alike). Training: the strided model, 30 epochs, Adam
 * 3e-3 with cosine decay, mixup off (with 6-7 recordings per species it was more noise than the model could
 * learn through), no early stopping and no validation split (every recording trains; the epoch with the
 * lowest training loss is kept, the same rule the cross-validation measured).
 */
const REAL_CLIPS: Recipe = {
  name: 'real-clips',
  version: 2,
  summary: 'real recordings of songbirds: 3 s chunks every 0.5 s, 64 PCEN mel bands 1-11 kHz, strided CNN, 30 epochs, mixup off',
  measured: 'docs/real-data.md: 5-fold CV on the 80 real clips (birdcall cv), recording-level top-1 0.775 by recording, 0.676 by recordist (rows J, K)',
  pipeline: {
    version: 1,
    steps: [
      { block: 'decode' },
      { block: 'resample', params: { sampleRate: 32000 } },
      { block: 'chunk', params: { seconds: 3, overlap: 2.5, last: 'drop' } },
      { block: 'melspec', params: { nFft: 1024, hopLength: 1024, nMels: 64, fmin: 1000, fmax: 11000, power: 1 } },
      { block: 'pcen', params: { timeConstant: 0.4 } },
      { block: 'image', params: { bitDepth: 8, colormap: 'gray' } },
    ],
  },
  train: {
    model: 'strided',
    epochs: 30,
    batchSize: 16,
    learningRate: 3e-3,
    schedule: 'cosine',
    mixupAlpha: 0,
    patience: 0,
    validationFraction: 0,
    seed: 0,
  },
};

/** Every recipe, in `birdcall recipes` order. */
export const RECIPES: readonly Recipe[] = [REAL_CLIPS];

/** What `convert` uses when given neither --pipeline, --preset nor --recipe: the best measured on real recordings. */
export const DEFAULT_RECIPE = REAL_CLIPS.name;

/**
 * A recipe by name (`birdcall recipes` lists them).
 *
 * @throws UsageError listing the recipes when the name is unknown.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { DEFAULT_RECIPE, getRecipe } from 'birdcall/train';
 *
 * const recipe = getRecipe(DEFAULT_RECIPE); // 'real-clips'
 * assert.equal(recipe.train.model, 'strided');
 * assert.throws(() => getRecipe('nope'), /unknown recipe/);
 * ```
 */
export function getRecipe(name: string): Recipe {
  const recipe = RECIPES.find((r) => r.name === name);
  if (recipe === undefined) throw new UsageError(`unknown recipe "${name}"; recipes: ${RECIPES.map((r) => r.name).join(', ')}`);
  return recipe;
}

/** The file beside manifest.csv that records which recipe made a conversion. */
export const RECIPE_FILE = 'recipe.json';

/**
 * Record the recipe that made the outputs in `outDir` (a full copy: train uses it even if the registry moves on),
 * as recipe.json, atomically. `convert --recipe` calls it.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { getRecipe, recordRecipe, recordedRecipe } from 'birdcall/train';
 *
 * const dir = await mkdtemp(`${tmpdir()}/birdcall-`);
 * await recordRecipe(dir, getRecipe('real-clips'));
 * assert.equal((await recordedRecipe(dir))?.version, getRecipe('real-clips').version);
 * ```
 */
export async function recordRecipe(outDir: string, recipe: Recipe): Promise<void> {
  await writeFileAtomic(join(outDir, RECIPE_FILE), `${JSON.stringify(recipe, null, 2)}\n`);
}

/**
 * The recipe recorded beside a manifest, or undefined when the conversion used a plain pipeline or preset.
 *
 * @param manifestDir - the convert output folder (where manifest.csv and recipe.json are).
 * @throws BirdcallError RECIPE_INVALID naming recipe.json when it is not a recipe.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { recordedRecipe } from 'birdcall/train';
 *
 * assert.equal(await recordedRecipe(await mkdtemp(`${tmpdir()}/birdcall-`)), undefined); // no recipe.json
 * ```
 */
export async function recordedRecipe(manifestDir: string): Promise<Recipe | undefined> {
  const path = join(manifestDir, RECIPE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: Partial<Recipe>;
  try {
    parsed = JSON.parse(text) as Partial<Recipe>;
  } catch (error) {
    throw new BirdcallError('RECIPE_INVALID', `not JSON (${(error as Error).message})`, path);
  }
  if (typeof parsed.name !== 'string' || typeof parsed.version !== 'number' || typeof parsed.train !== 'object' || parsed.train === null) {
    throw new BirdcallError('RECIPE_INVALID', 'a recipe needs a name, a version and train settings', path);
  }
  return parsed as Recipe;
}

/**
 * The training settings a run starts from: the recipe's (a named one, else the one recorded beside the
 * manifest, else none), then `params` on top. Returns which recipe was used, for the logs and train-config.json.
 */
export async function recipeTrainParams(
  manifestDir: string,
  params: TrainParamsInput | undefined,
  recipeName?: string,
): Promise<{ params: TrainParamsInput; recipe: { name: string; version: number } | undefined }> {
  const recipe = recipeName !== undefined ? getRecipe(recipeName) : await recordedRecipe(manifestDir);
  if (recipe === undefined) return { params: params ?? {}, recipe: undefined };
  return { params: { ...recipe.train, ...params }, recipe: { name: recipe.name, version: recipe.version } };
}

/** `birdcall recipes`: one block per recipe. */
export function describeRecipe(recipe: Recipe): string {
  const train = Object.entries(recipe.train)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  const steps = recipe.pipeline.steps.map((s) => (s.params === undefined ? s.block : `${s.block} ${JSON.stringify(s.params)}`)).join(' -> ');
  return [
    `${recipe.name} v${recipe.version}${recipe.name === DEFAULT_RECIPE ? ' (default)' : ''}`,
    `  ${recipe.summary}`,
    `  pipeline: ${steps}`,
    `  training: ${train}`,
    `  measured: ${recipe.measured}`,
  ].join('\n');
}
