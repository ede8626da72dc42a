/**
 * Does the selector pick better models? (issue 18)
 *   npx tsx scripts/selector-study.ts [--trials 20] [--dir out/selector-study] [--doc docs/selector-study.md]
 *
 * Each trial is independent: its own training set (demo data, 8 species x 10 recordings), validation set
 * (same world, another seed) and shifted test set (soundscapes: 2-3 species overlapping, unseen regions and
 * recorders, low ratings), all generated with trial-specific seeds. K = 6 candidates are trained on the
 * training set (architectures, seeds, augmentation, secondary-label weights), and each writes its
 * predictions on the validation and shifted sets as predictions CSVs (the `birdcall predict` layout).
 * The selector sees only the validation CSVs (`select --predictions`); the shifted set scores the picks:
 *   selector (the default rule), best on the main metric, a random tie-set member (the mean over the tie
 *   set: the expected value of a random pick), the oracle (best on the shifted set), and each criterion alone.
 * The shifted-set metric is macro ROC-AUC against every species singing in the chunk (the soundscape truth).
 * Differences to "best on main" are paired by trial; intervals are percentile bootstraps over trials.
 *
 * Resumable: a trial's data, conversions and each candidate's predictions are kept under --dir and skipped
 * when present, so a killed run continues, and `--score-only` re-scores every finished trial (a changed
 * selector rule) without training anything.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { generateDemoDataset, type DemoDatasetOptions } from '../src/demo/index.ts';
import { macroRocAuc } from '../src/metrics/index.ts';
import { convert } from '../src/pipeline/convert.ts';
import { loadPipelineFile } from '../src/pipeline/pipeline.ts';
import { writeFileAtomic } from '../src/pipeline/atomic.ts';
import { readOutputManifest } from '../src/pipeline/manifest.ts';
import { evaluateModels } from '../src/select/evalset.ts';
import { evaluatePredictions, manifestRowIds } from '../src/select/predictions-csv.ts';
import { mulberry32, selectModels, type Criterion, type EvalSet, type SelectOptions } from '../src/select/index.ts';
import { trainFromManifest } from '../src/train/run.ts';
import type { TrainParamsInput } from '../src/train/train.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PIPELINE_FILE = join(ROOT, 'examples', 'demo-pipeline.yaml');

/** Shared by every candidate: the demo's settings (scripts/demo.ts says why), fewer epochs to stay cheap. */
const COMMON: TrainParamsInput = {
  epochs: 12,
  learningRate: 3e-3,
  batchSize: 16,
  mixupAlpha: 0,
  timeMasks: 1,
  freqMasks: 1,
  validationFraction: 0.1,
  monitor: 'last',
};

/** K = 6 candidates: two architectures, three secondary weights, with and without mixup, several seeds. */
export const STUDY_CANDIDATES: { name: string; params: (trial: number) => TrainParamsInput }[] = [
  { name: 'compact-sw1', params: (t) => ({ ...COMMON, model: 'compact', secondaryWeight: 1, seed: 10 * t + 1 }) },
  { name: 'compact-sw0', params: (t) => ({ ...COMMON, model: 'compact', secondaryWeight: 0, seed: 10 * t + 2 }) },
  { name: 'compact-sw05', params: (t) => ({ ...COMMON, model: 'compact', secondaryWeight: 0.5, seed: 10 * t + 3 }) },
  { name: 'compact-mixup', params: (t) => ({ ...COMMON, model: 'compact', secondaryWeight: 1, mixupAlpha: 0.4, mixupProbability: 0.5, seed: 10 * t + 4 }) },
  { name: 'strided-sw1', params: (t) => ({ ...COMMON, model: 'strided', secondaryWeight: 1, seed: 10 * t + 5 }) },
  { name: 'strided-sw0', params: (t) => ({ ...COMMON, model: 'strided', secondaryWeight: 0, seed: 10 * t + 6 }) },
];

const SETS = ['train', 'val', 'shifted'] as const;
type SetName = (typeof SETS)[number];

function dataOptions(trial: number, set: SetName, out: string): DemoDatasetOptions {
  if (set === 'train') return { out, perSpecies: 10, seed: 1000 + trial };
  if (set === 'val') return { out, perSpecies: 8, seed: 2000 + trial };
  return { out, perSpecies: 4, seed: 3000 + trial, shifted: true, minSeconds: 8, maxSeconds: 15 };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

interface TrialDirs {
  root: string;
  manifest: Record<SetName, string>;
  predictions: string;
  models: string;
}

function trialDirs(dir: string, trial: number): TrialDirs {
  const root = join(dir, `trial-${String(trial).padStart(2, '0')}`);
  return {
    root,
    manifest: Object.fromEntries(SETS.map((s) => [s, join(root, 'converted', s, 'manifest.csv')])) as Record<SetName, string>,
    predictions: join(root, 'predictions'),
    models: join(root, 'models'),
  };
}

/** Generate and convert a trial's three sets; a finished set (marked by a stamp) is skipped. */
async function prepareTrial(d: TrialDirs, trial: number, log: (line: string) => void): Promise<void> {
  const pipeline = await loadPipelineFile(PIPELINE_FILE);
  for (const set of SETS) {
    const stamp = join(d.root, 'converted', set, 'done.txt');
    if (await exists(stamp)) continue;
    const audio = join(d.root, 'audio', set);
    await generateDemoDataset(dataOptions(trial, set, audio));
    const summary = await convert({ input: join(audio, 'train_metadata.csv'), outDir: join(d.root, 'converted', set), pipeline, jobs: 1 });
    if (summary.failed > 0) throw new Error(`trial ${trial}: ${summary.failed} ${set} recordings failed to convert`);
    await writeFile(stamp, `${summary.chunks} chunks\n`);
    // The WAVs are only needed to convert: the PNGs are what training and scoring read.
    await rm(audio, { recursive: true, force: true });
    log(`trial ${trial}: ${set} set ${summary.files} recordings -> ${summary.chunks} chunks`);
  }
}

/** A predictions CSV in the `birdcall predict` layout for the labelled rows of `manifest`. */
async function writePredictions(path: string, manifest: string, classes: readonly string[], scores: readonly Float32Array[]): Promise<void> {
  const rows = (await readOutputManifest(manifest)).filter((r) => r.primaryLabel !== '');
  const ids = manifestRowIds(rows);
  const body = scores.map((s, i) => [ids[i][0], ...Array.from(s, (x) => String(x))]);
  await writeFileAtomic(path, stringify([['row_id', ...classes], ...body]));
}

function csvPath(d: TrialDirs, name: string, set: 'val' | 'shifted'): string {
  return join(d.predictions, `${name}.${set}.csv`);
}

/** Train one candidate and write its validation and shifted-set predictions (skipped when both exist). */
async function runCandidate(d: TrialDirs, trial: number, candidate: (typeof STUDY_CANDIDATES)[number], log: (line: string) => void): Promise<void> {
  if ((await exists(csvPath(d, candidate.name, 'val'))) && (await exists(csvPath(d, candidate.name, 'shifted')))) return;
  const started = performance.now();
  const model = join(d.models, candidate.name);
  const result = await trainFromManifest({ manifest: d.manifest.train, out: model, pipeline: PIPELINE_FILE, params: candidate.params(trial) });
  result.model.dispose();
  await mkdir(d.predictions, { recursive: true });
  for (const set of ['val', 'shifted'] as const) {
    const evaluated = await evaluateModels({ models: [model], manifest: d.manifest[set], cacheDir: null });
    await writePredictions(csvPath(d, candidate.name, set), d.manifest[set], evaluated.evalSet.classes, evaluated.candidates[0].scores);
  }
  await rm(model, { recursive: true, force: true });
  log(`trial ${trial}: ${candidate.name} trained and scored in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Macro ROC-AUC against every species in the chunk (primary and secondary labels alike). */
export function soundscapeAuc(evalSet: EvalSet, scores: readonly Float32Array[]): number {
  const truth = evalSet.rows.map((r) => evalSet.classes.map((c) => (c === r.primary || r.secondary.includes(c) ? 1 : 0)));
  return macroRocAuc(truth, scores as Float32Array[]).value;
}

/** The picks the study compares; each criterion alone is a lexicographic rule of one criterion. */
export const PICKS = ['selector', 'bestOnMain', 'randomTied', 'oracle', 'secondaryOnly', 'worstSliceOnly', 'calibrationOnly'] as const;
export type Pick = (typeof PICKS)[number];
const SINGLE: Partial<Record<Pick, Criterion>> = { secondaryOnly: 'secondary', worstSliceOnly: 'worstSlice', calibrationOnly: 'calibration' };

export interface TrialResult {
  trial: number;
  candidates: string[];
  /** Validation main metric and shifted-set metric per candidate. */
  validation: Record<string, number>;
  shifted: Record<string, number>;
  tieSet: string[];
  picks: Record<Pick, string | null>;
  /** Shifted-set metric of each pick (randomTied: the tie set's mean). */
  value: Record<Pick, number>;
  /** Validation-set criteria per candidate (secondary-label AUC, worst slice, calibration error). */
  criteria: Record<string, { secondary: number | null; worstSlice: number | null; calibration: number | null }>;
  /** Validation main metric of the best-on-main candidate per metadata slice: column -> slice -> value. */
  slices: Record<string, Record<string, number | null>>;
  /** Words of the default rule's decision. */
  explanation: string[];
}

/** Score one finished trial from its predictions CSVs: no training. */
export async function scoreTrial(d: TrialDirs, trial: number, options: SelectOptions = {}): Promise<TrialResult> {
  const names = STUDY_CANDIDATES.map((c) => c.name);
  const val = await evaluatePredictions(names.map((n) => csvPath(d, n, 'val')), d.manifest.val, names);
  const shiftedSet = await evaluatePredictions(names.map((n) => csvPath(d, n, 'shifted')), d.manifest.shifted, names);
  const shifted = Object.fromEntries(shiftedSet.candidates.map((c) => [c.name, soundscapeAuc(shiftedSet.evalSet, c.scores)]));
  const sel = selectModels(val.evalSet, val.candidates, options);
  const picks = { selector: sel.chosen, bestOnMain: sel.bestOnMain, randomTied: null, oracle: names.reduce((a, b) => (shifted[b] > shifted[a] ? b : a)) } as Record<Pick, string | null>;
  for (const [pick, criterion] of Object.entries(SINGLE) as [Pick, Criterion][]) {
    picks[pick] = selectModels(val.evalSet, val.candidates, { ...options, rule: { kind: 'lexicographic', order: [criterion] } }).chosen;
  }
  const value = Object.fromEntries(PICKS.map((p) => [p, picks[p] === null ? Number.NaN : shifted[picks[p]!]])) as Record<Pick, number>;
  value.randomTied = sel.tieSet.reduce((s, n) => s + shifted[n], 0) / sel.tieSet.length;
  return {
    trial,
    candidates: names,
    validation: Object.fromEntries(sel.candidates.map((c) => [c.name, c.main.value ?? Number.NaN])),
    shifted,
    tieSet: sel.tieSet,
    picks,
    value,
    criteria: Object.fromEntries(
      sel.candidates.map((c) => [c.name, { secondary: c.secondary?.value ?? null, worstSlice: c.worstSlice?.value ?? null, calibration: c.calibration.value }]),
    ),
    slices: Object.fromEntries(
      Object.entries(sel.candidates.find((c) => c.name === sel.bestOnMain)!.slices).map(([col, s]) => [col, Object.fromEntries(Object.entries(s).map(([k, e]) => [k, e.value]))]),
    ),
    explanation: sel.explanation,
  };
}

/** Mean of `values` with a percentile bootstrap interval over its entries (the trials). */
export function meanInterval(values: readonly number[], resamples = 10_000, seed = 7): { mean: number; lo: number; hi: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const rand = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rand() * n)];
    means[b] = s / n;
  }
  means.sort();
  return { mean, lo: means[Math.floor(0.025 * resamples)], hi: means[Math.ceil(0.975 * resamples) - 1] };
}

async function main(argv: string[]): Promise<void> {
  const integer = (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a positive integer');
    return Number(v);
  };
  const program = new Command('selector-study')
    .description('Train K candidates per trial on demo data, select on the validation set, score the picks on a shifted set.')
    .option('--trials <n>', 'independent trials', integer, 20)
    .option('--first <n>', 'first trial number', integer, 1)
    .option('--dir <folder>', 'work folder (data, predictions; resumable)', join(ROOT, 'out', 'selector-study'))
    .option('--score-only', 'score finished trials only; train nothing')
    .option('--results <file>', 'where the per-trial results go (JSON)', '')
    .action(async (flags: { trials: number; first: number; dir: string; scoreOnly?: boolean; results: string }) => {
      const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      const results: TrialResult[] = [];
      for (let trial = flags.first; trial < flags.first + flags.trials; trial++) {
        const d = trialDirs(flags.dir, trial);
        if (!flags.scoreOnly) {
          await prepareTrial(d, trial, log);
          for (const c of STUDY_CANDIDATES) await runCandidate(d, trial, c, log);
        }
        const complete = await Promise.all(STUDY_CANDIDATES.map(async (c) => (await exists(csvPath(d, c.name, 'val'))) && (await exists(csvPath(d, c.name, 'shifted')))));
        if (!complete.every(Boolean)) continue;
        const r = await scoreTrial(d, trial);
        results.push(r);
        log(
          `trial ${trial}: tie set ${r.tieSet.join(', ')}; ` +
            PICKS.map((p) => `${p} ${r.picks[p] ?? '-'} ${r.value[p].toFixed(3)}`).join('; '),
        );
      }
      const out = flags.results || join(flags.dir, 'results.json');
      await writeFileAtomic(out, JSON.stringify(results, null, 1));
      if (results.length > 0) {
        for (const p of PICKS) {
          const d = meanInterval(results.map((r) => r.value[p] - r.value.bestOnMain));
          log(`${p.padEnd(16)} mean ${meanInterval(results.map((r) => r.value[p])).mean.toFixed(4)}  minus best-on-main ${d.mean.toFixed(4)} [${d.lo.toFixed(4)}, ${d.hi.toFixed(4)}]`);
        }
      }
      log(`${results.length} trials scored; results in ${out}`);
    });
  await program.parseAsync(argv);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv);
