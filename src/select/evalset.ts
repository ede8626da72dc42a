import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { readOutputManifest } from '../store/manifest.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { loadModel } from '../train/artifacts.ts';
import { initBackend, type BackendInfo } from '../train/backend.ts';
import { chooseInputColumn, SpectrogramDataset } from '../train/dataset.ts';
import { predictRows } from '../train/train.ts';
import { dataHash, modelHash, PredictionCache } from './cache.ts';
import { agreeOnClasses, evalSetFromRows } from './rows.ts';

export { agreeOnClasses, evalSetFromRows };
import type { Candidate, EvalSet } from './types.ts';

/**
 * From a `convert` output manifest and trained model folders to what `selectModels` takes: the EvalSet
 * (one row per chunk; chunks of a recording share its source path, which the bootstrap resamples as one
 * unit) and each model's scores on the same chunks, read from the images or .npy files exactly as the
 * trainer's dataset reads them.
 */

/** What `select` needs from a model folder without loading its weights (a cache hit never loads them). */
export interface ModelEntry {
  /** Candidate name: the folder's name, or the path as given when two folders share a name. */
  name: string;
  dir: string;
  classes: string[];
  /** The artifact column it was trained on. */
  input: string | undefined;
  trainConfig: Record<string, unknown>;
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new BirdcallError('MODEL_UNREADABLE', `cannot read ${what} (${code ?? String(error)})`, path);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BirdcallError('MODEL_INVALID', `${what} is not valid JSON: ${(error as Error).message}`, path);
  }
}

/** Read each model folder's class list and training config; names are unique. */
export async function readModelEntries(dirs: readonly string[]): Promise<ModelEntry[]> {
  if (dirs.length === 0) throw new BirdcallError('USAGE', 'give at least one model folder (--models models/A models/B …)');
  const base = dirs.map((d) => basename(d.replace(/[\\/]+$/, '')) || d);
  const entries: ModelEntry[] = [];
  for (const [i, dir] of dirs.entries()) {
    const classes = await readJson(join(dir, 'classes.json'), 'classes.json');
    if (classes === undefined) throw new BirdcallError('MODEL_NOT_FOUND', 'not a model folder (no classes.json); train one with `birdcall train`', dir);
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
      throw new BirdcallError('MODEL_INVALID', 'classes.json is not a list of class names', join(dir, 'classes.json'));
    }
    const config = ((await readJson(join(dir, 'train-config.json'), 'train-config.json')) ?? {}) as Record<string, unknown>;
    const name = base.filter((b) => b === base[i]).length > 1 ? dir : base[i];
    entries.push({ name, dir, classes: classes as string[], input: typeof config.input === 'string' ? config.input : undefined, trainConfig: config });
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.dir)) throw new BirdcallError('USAGE', `model folder ${e.dir} is given twice`);
    seen.add(e.dir);
  }
  return entries;
}

export interface EvaluateModelsOptions {
  /** Model folders (models/NAME). */
  models: readonly string[];
  /** A `convert` output manifest; its image/npy paths are relative to its folder. */
  manifest: string;
  /** Folder of the prediction cache; null turns the cache off. */
  cacheDir: string | null;
  batchSize?: number;
  /** One line per model (scored or cached) and the backend. */
  log?: (line: string) => void;
}

export interface EvaluatedModels {
  evalSet: EvalSet;
  candidates: Candidate[];
  models: ModelEntry[];
  /** Models whose scores came from the cache. */
  cacheHits: number;
  /** Manifest rows left out for lack of a primary label (unlabelled soundscape chunks). */
  unlabelledRows: number;
  /** The backend that scored the models (undefined when every model was cached). */
  backend: BackendInfo | undefined;
}

/** Scores of `model` on `rows`, columns reordered from the model's class order to `classes`. */
async function scoreModel(entry: ModelEntry, rows: readonly OutputRow[], root: string, column: string, classes: readonly string[], batchSize: number): Promise<Float32Array[]> {
  const loaded = await loadModel(entry.dir);
  try {
    const dataset = new SpectrogramDataset(rows, { root, classes: loaded.classes, input: column });
    const shape = await dataset.inputShape();
    if (shape.some((d, i) => d !== loaded.inputShape[i])) {
      throw new BirdcallError(
        'INPUT_SHAPE_MISMATCH',
        `model '${entry.name}' takes inputs of shape [${loaded.inputShape.join(', ')}] but the manifest's ${column} inputs are [${shape.join(', ')}]; ` +
          'evaluate on data converted with the model\'s pipeline',
        entry.dir,
      );
    }
    const raw = await predictRows(loaded.model, dataset, rows.map((_, i) => i), batchSize);
    const order = classes.map((c) => loaded.classes.indexOf(c));
    return raw.map((r) => Float32Array.from(order, (k) => r[k]));
  } finally {
    loaded.model.dispose();
  }
}

/**
 * Build the EvalSet from the manifest's labelled rows and score every model on it, each score read from
 * the cache when this model has already scored these exact inputs.
 */
export async function evaluateModels(options: EvaluateModelsOptions): Promise<EvaluatedModels> {
  const log = options.log ?? (() => undefined);
  const models = await readModelEntries(options.models);
  const classes = agreeOnClasses(models);
  const all = await readOutputManifest(options.manifest);
  const rows = all.filter((r) => r.primaryLabel !== '');
  if (rows.length === 0) throw new BirdcallError('SELECT_NO_ROWS', 'the manifest has no labelled rows to evaluate on', options.manifest);
  const evalSet = evalSetFromRows(rows, classes, options.manifest);
  const root = dirname(options.manifest);
  const cache = options.cacheDir === null ? undefined : new PredictionCache(options.cacheDir);
  const dataHashes = new Map<string, string>();
  const candidates: Candidate[] = [];
  let cacheHits = 0;
  let backend: BackendInfo | undefined;
  for (const entry of models) {
    const column = chooseInputColumn(rows, entry.input);
    const started = performance.now();
    const modelKey = cache ? await modelHash(entry.dir) : '';
    let dataKey = dataHashes.get(column);
    if (cache && dataKey === undefined) {
      dataKey = await dataHash(rows, column, root);
      dataHashes.set(column, dataKey);
    }
    let scores = cache && dataKey !== undefined ? await cache.get(modelKey, dataKey, classes) : undefined;
    if (scores !== undefined) {
      cacheHits++;
      log(`${entry.name}: scores from the cache (${rows.length} chunks)`);
    } else {
      if (backend === undefined) {
        backend = await initBackend();
        log(`backend: ${backend.description}`);
      }
      scores = await scoreModel(entry, rows, root, column, classes, options.batchSize ?? 64);
      if (cache && dataKey !== undefined) await cache.set(modelKey, dataKey, classes, scores);
      log(`${entry.name}: scored ${rows.length} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const info: Record<string, unknown> = { path: entry.dir };
    for (const key of ['model', 'seed', 'epochs'] as const) if (entry.trainConfig[key] !== undefined) info[key] = entry.trainConfig[key];
    candidates.push({ name: entry.name, scores, info });
  }
  return { evalSet, candidates, models, cacheHits, unlabelledRows: all.length - rows.length, backend };
}
