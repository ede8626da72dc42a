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
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { generateDemoDataset, type DemoDatasetOptions } from '../src/demo/index.ts';
import { macroRocAuc } from '../src/metrics/index.ts';
import { convert } from '../src/batch/convert.ts';
import { loadPipelineFile } from '../src/pipeline/pipeline.ts';
import { writeFileAtomic } from '../src/store/atomic.ts';
import { readOutputManifest } from '../src/store/manifest.ts';
import { evaluateModels } from '../src/select/evalset.ts';
import { evaluatePredictions, manifestRowIds } from '../src/select/predictions-csv.ts';
import { mulberry32, selectUnderRules, type Criterion, type EvalSet, type SelectOptions } from '../src/select/index.ts';
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

type Rule = NonNullable<SelectOptions['rule']>;
const lex = (...order: Criterion[]): Rule => ({ kind: 'lexicographic', order });

/**
 * Rules scored besides the default, to find the one the study supports: orders of criteria (a criterion
 * decides only on a clear difference), and weights (point estimates scaled within the tie set, no test).
 */
export const ALTERNATIVE_RULES: Record<string, Rule> = {
  'lexicographic: worstSlice, secondary, calibration, stability': lex('worstSlice', 'secondary', 'calibration', 'stability'),
  'lexicographic: calibration, worstSlice, secondary, stability': lex('calibration', 'worstSlice', 'secondary', 'stability'),
  'lexicographic: calibration, secondary, worstSlice, stability': lex('calibration', 'secondary', 'worstSlice', 'stability'),
  'lexicographic: secondary, worstSlice, calibration, stability': lex('secondary', 'worstSlice', 'calibration', 'stability'),
  'lexicographic: worstSlice, secondary': lex('worstSlice', 'secondary'),
  'lexicographic: worstSlice, secondary, stability': lex('worstSlice', 'secondary', 'stability'),
  'lexicographic: secondary, worstSlice, stability': lex('secondary', 'worstSlice', 'stability'),
  'lexicographic: stability': lex('stability'),
  'weights: calibration 1': { kind: 'weights', weights: { calibration: 1 } },
  'weights: secondary 1': { kind: 'weights', weights: { secondary: 1 } },
  'weights: worstSlice 1': { kind: 'weights', weights: { worstSlice: 1 } },
  'weights: calibration 1, secondary 1, worstSlice 1': { kind: 'weights', weights: { calibration: 1, secondary: 1, worstSlice: 1 } },
};

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
  /** Pick and shifted-set value of each alternative order of criteria. */
  rules: Record<string, { pick: string; value: number }>;
}

/** Score one finished trial from its predictions CSVs: no training. */
export async function scoreTrial(d: TrialDirs, trial: number, options: SelectOptions = {}): Promise<TrialResult> {
  const names = STUDY_CANDIDATES.map((c) => c.name);
  const val = await evaluatePredictions(names.map((n) => csvPath(d, n, 'val')), d.manifest.val, names);
  const shiftedSet = await evaluatePredictions(names.map((n) => csvPath(d, n, 'shifted')), d.manifest.shifted, names);
  const shifted = Object.fromEntries(shiftedSet.candidates.map((c) => [c.name, soundscapeAuc(shiftedSet.evalSet, c.scores)]));
  // One bootstrap, every rule: the default, each criterion alone, then the alternative orders.
  const singles = Object.entries(SINGLE) as [Pick, Criterion][];
  const alternatives = Object.entries(ALTERNATIVE_RULES);
  const [sel, ...others] = selectUnderRules(val.evalSet, val.candidates, options, [
    ...singles.map(([, c]) => ({ kind: 'lexicographic' as const, order: [c] })),
    ...alternatives.map(([, rule]) => rule),
  ]);
  const picks = { selector: sel.chosen, bestOnMain: sel.bestOnMain, randomTied: null, oracle: names.reduce((a, b) => (shifted[b] > shifted[a] ? b : a)) } as Record<Pick, string | null>;
  singles.forEach(([pick], i) => (picks[pick] = others[i].chosen));
  const rules: TrialResult['rules'] = {};
  alternatives.forEach(([name], i) => {
    const pick = others[singles.length + i].chosen;
    rules[name] = { pick, value: shifted[pick] };
  });
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
    rules,
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

const PICK_LABEL: Record<Pick, string> = {
  selector: "selector's choice (default rule)",
  bestOnMain: 'best on the main metric',
  randomTied: 'random tie-set member (expected value)',
  oracle: 'oracle (best on the shifted set)',
  secondaryOnly: 'secondary-label AUC alone',
  worstSliceOnly: 'worst slice alone',
  calibrationOnly: 'calibration alone',
};

const f3 = (x: number): string => x.toFixed(3);
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;

/** One table row: mean shifted metric, paired difference to best-on-main with its interval, how often it differs. */
function compareRow(label: string, values: number[], base: number[], picks: (string | null)[], basePicks: (string | null)[]): string {
  const d = meanInterval(values.map((v, i) => v - base[i]));
  const differs = picks.filter((p, i) => p !== basePicks[i]).length;
  const better = values.filter((v, i) => v > base[i] + 1e-12).length;
  const worse = values.filter((v, i) => v < base[i] - 1e-12).length;
  // Halves in trial order: a rule chosen on the first half is confirmed (or not) on the second.
  const half = Math.ceil(values.length / 2);
  const halfMean = (from: number, to: number): string => signed(meanInterval(values.slice(from, to).map((v, i) => v - base[from + i])).mean);
  return `| ${label} | ${f3(meanInterval(values).mean)} | ${signed(d.mean)} [${signed(d.lo)}, ${signed(d.hi)}] | ${halfMean(0, half)} / ${halfMean(half, values.length)} | ${differs} | ${better} / ${worse} |`;
}

/** Spearman rank correlation (average ranks for ties); NaN when either side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const ranks = (v: readonly number[]): number[] => v.map((x) => v.filter((y) => y < x).length + (v.filter((y) => y === x).length - 1) / 2);
  const rx = ranks(xs);
  const ry = ranks(ys);
  const m = (rx.length - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  rx.forEach((r, i) => {
    sxy += (r - m) * (ry[i] - m);
    sxx += (r - m) ** 2;
    syy += (ry[i] - m) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Per validation quantity, its rank correlation with the shifted-set metric over candidates, mean over trials. */
function predictivenessRows(results: readonly TrialResult[]): string[] {
  const quantities: [string, (r: TrialResult, n: string) => number | null][] = [
    ['main metric (macro ROC-AUC, primary labels)', (r, n) => r.validation[n]],
    ['secondary-label AUC', (r, n) => r.criteria[n].secondary],
    ['worst slice', (r, n) => r.criteria[n].worstSlice],
    ['calibration error, negated', (r, n) => (r.criteria[n].calibration === null ? null : -r.criteria[n].calibration)],
  ];
  return quantities.map(([label, get]) => {
    const over = (members: (r: TrialResult) => string[]): string => {
      const rhos = results
        .map((r) => {
          const names = members(r).filter((n) => get(r, n) !== null);
          return names.length >= 3 ? spearman(names.map((n) => get(r, n)!), names.map((n) => r.shifted[n])) : Number.NaN;
        })
        .filter((x) => Number.isFinite(x));
      if (rhos.length === 0) return 'n/a';
      const ci = meanInterval(rhos);
      return `${signed(ci.mean)} [${signed(ci.lo)}, ${signed(ci.hi)}] (${rhos.length} trials)`;
    };
    return `| ${label} | ${over((r) => r.candidates)} | ${over((r) => r.tieSet)} |`;
  });
}

/** The generated part of docs/selector-study.md: the tables, from the per-trial results. */
export function studyTables(results: readonly TrialResult[]): string {
  const base = results.map((r) => r.value.bestOnMain);
  const basePicks = results.map((r) => r.picks.bestOnMain);
  const head =
    '| pick | mean shifted-set macro ROC-AUC | minus best-on-main, mean [95% CI over trials] | first / second half of the trials | trials picking another model | better / worse |\n' +
    '| --- | --- | --- | --- | --- | --- |';
  const picks = PICKS.filter((p) => p !== 'bestOnMain').map((p) => compareRow(PICK_LABEL[p], results.map((r) => r.value[p]), base, results.map((r) => (p === 'randomTied' ? null : r.picks[p])), basePicks));
  const rules = Object.keys(results[0]?.rules ?? {}).map((name) =>
    compareRow(name, results.map((r) => r.rules[name].value), base, results.map((r) => r.rules[name].pick), basePicks),
  );
  const names = results[0]?.candidates ?? [];
  const perCandidate = names.map((n) => {
    const v = meanInterval(results.map((r) => r.validation[n])).mean;
    const sh = meanInterval(results.map((r) => r.shifted[n])).mean;
    const sec = meanInterval(results.map((r) => r.criteria[n].secondary ?? Number.NaN)).mean;
    const tied = results.filter((r) => r.tieSet.includes(n)).length;
    const best = results.filter((r) => r.picks.bestOnMain === n).length;
    const oracle = results.filter((r) => r.picks.oracle === n).length;
    return `| ${n} | ${f3(v)} | ${f3(sec)} | ${f3(sh)} | ${tied} | ${best} | ${oracle} |`;
  });
  const pairs = [['compact-sw1', 'compact-sw0'], ['strided-sw1', 'strided-sw0']].filter(([a, b]) => names.includes(a) && names.includes(b)).map(([a, b]) => {
    const d = meanInterval(results.map((r) => (r.criteria[a].secondary ?? Number.NaN) - (r.criteria[b].secondary ?? Number.NaN)));
    const wins = results.filter((r) => (r.criteria[a].secondary ?? 0) > (r.criteria[b].secondary ?? 0)).length;
    return `| ${a} minus ${b} | ${signed(d.mean)} [${signed(d.lo)}, ${signed(d.hi)}] | ${wins} of ${results.length} |`;
  });
  const sliceRows: string[] = [];
  for (const column of ['rating', 'region', 'type']) {
    const slices = [...new Set(results.flatMap((r) => Object.keys(r.slices[column] ?? {})))].sort();
    for (const slice of slices) {
      const values = results.map((r) => r.slices[column]?.[slice]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length >= 3) sliceRows.push(`| ${column} = ${slice} | ${f3(meanInterval(values).mean)} | ${values.length} |`);
    }
  }
  const tieSizes = results.map((r) => r.tieSet.length);
  return [
    `${results.length} trials, ${names.length} candidates each (${names.join(', ')}).`,
    `Tie-set size on the validation set: mean ${(tieSizes.reduce((a, b) => a + b, 0) / tieSizes.length).toFixed(1)}, ` +
      `at least 2 in ${tieSizes.filter((n) => n >= 2).length} of ${results.length} trials.`,
    '',
    '### The four picks and each criterion alone',
    '',
    head,
    compareRow(PICK_LABEL.bestOnMain, base, base, basePicks, basePicks),
    ...picks,
    '',
    '### Other rules: orders of criteria (lexicographic) and weights',
    '',
    head,
    ...rules,
    '',
    '### Which validation quantity predicts the shifted set? Spearman correlation with the shifted-set metric',
    '',
    '| validation quantity | over all 6 candidates, mean [95% CI over trials] | within the tie set (3 or more members) |',
    '| --- | --- | --- |',
    ...predictivenessRows(results),
    '',
    '### Candidates (means over trials)',
    '',
    '| candidate | validation macro ROC-AUC (primary) | validation secondary-label AUC | shifted-set macro ROC-AUC | in the tie set | best on main | oracle |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...perCandidate,
    '',
    '### Are background species learnable? Secondary-label AUC on the validation set, weight 1 minus weight 0',
    '',
    '| pair (same architecture) | difference, mean [95% CI over trials] | trials where weight 1 is higher |',
    '| --- | --- | --- |',
    ...pairs,
    '',
    '### Do metadata slices differ in difficulty? Validation macro ROC-AUC of the best-on-main model per slice',
    '',
    '| slice | mean over trials | trials with the slice |',
    '| --- | --- | --- |',
    ...sliceRows,
  ].join('\n');
}

/** Dot-and-whisker plot of each pick's difference to best-on-main (mean, 95% CI) with every trial as a dot. */
export function studyPlot(results: readonly TrialResult[]): string {
  const rows: { label: string; diffs: number[] }[] = [
    ...PICKS.filter((p) => p !== 'bestOnMain').map((p) => ({ label: PICK_LABEL[p], diffs: results.map((r) => r.value[p] - r.value.bestOnMain) })),
    ...Object.keys(results[0]?.rules ?? {}).map((name) => ({ label: name, diffs: results.map((r) => r.rules[name].value - r.value.bestOnMain) })),
  ];
  const all = rows.flatMap((r) => r.diffs);
  const lo = Math.min(-0.01, ...all);
  const hi = Math.max(0.01, ...all);
  const left = 430;
  const width = 980;
  const rowH = 26;
  const top = 40;
  const height = top + rows.length * rowH + 40;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * (width - left - 50);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="10" y="20" font-size="14">Shifted-set macro ROC-AUC minus best-on-main, per trial (dots) and mean with 95% CI over ${results.length} trials</text>`,
    `<line x1="${x(0)}" y1="${top - 8}" x2="${x(0)}" y2="${top + rows.length * rowH}" stroke="#888" stroke-dasharray="4 3"/>`,
  ];
  rows.forEach((row, i) => {
    const y = top + i * rowH + rowH / 2;
    const ci = meanInterval(row.diffs);
    parts.push(`<text x="${left - 10}" y="${y + 4}" text-anchor="end">${row.label}</text>`);
    row.diffs.forEach((d, j) => parts.push(`<circle cx="${x(d).toFixed(1)}" cy="${(y - 6 + (j % 5) * 3).toFixed(1)}" r="2" fill="#9bb7d4"/>`));
    const colour = ci.lo > 0 ? '#1a7f37' : ci.hi < 0 ? '#c62828' : '#333';
    parts.push(`<line x1="${x(ci.lo).toFixed(1)}" y1="${y}" x2="${x(ci.hi).toFixed(1)}" y2="${y}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<circle cx="${x(ci.mean).toFixed(1)}" cy="${y}" r="4.5" fill="${colour}"/>`);
  });
  const axisY = top + rows.length * rowH + 14;
  for (const t of [lo, lo / 2, 0, hi / 2, hi]) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY}" text-anchor="middle" fill="#555">${signed(t)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

const BEGIN = '<!-- selector-study:begin (generated by scripts/selector-study.ts; do not edit by hand) -->';
const END = '<!-- selector-study:end -->';

/** Replace the generated block of the doc (between the markers) with the tables, and write the plot. */
async function writeDoc(doc: string, plot: string, results: readonly TrialResult[]): Promise<void> {
  const text = await readFile(doc, 'utf8').catch(() => `# Selector study\n\n${BEGIN}\n${END}\n`);
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${doc} has no generated block (${BEGIN} … ${END})`);
  await writeFileAtomic(doc, `${text.slice(0, a + BEGIN.length)}\n${studyTables(results)}\n${text.slice(b)}`);
  await writeFileAtomic(plot, studyPlot(results));
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
    .option('--train-only', 'train and write predictions only; score later with --score-only (parallel runs)')
    .option('--only <list>', 'comma-separated trial numbers instead of --first/--trials (parallel runs)')
    .option('--results <file>', 'where the per-trial results go (JSON)', '')
    .option('--doc <file>', 'update the generated tables of this markdown file (and write --plot)')
    .option('--plot <file>', 'the SVG plot written with --doc', join(ROOT, 'docs', 'img', 'selector-study.svg'))
    .action(async (flags: { trials: number; first: number; dir: string; scoreOnly?: boolean; trainOnly?: boolean; only?: string; results: string; doc?: string; plot: string }) => {
      const log = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
      const results: TrialResult[] = [];
      const trials = flags.only !== undefined ? flags.only.split(',').map(Number) : Array.from({ length: flags.trials }, (_, i) => flags.first + i);
      for (const trial of trials) {
        const d = trialDirs(flags.dir, trial);
        if (!flags.scoreOnly) {
          await prepareTrial(d, trial, log);
          for (const c of STUDY_CANDIDATES) await runCandidate(d, trial, c, log);
        }
        if (flags.trainOnly) continue;
        const complete = await Promise.all(STUDY_CANDIDATES.map(async (c) => (await exists(csvPath(d, c.name, 'val'))) && (await exists(csvPath(d, c.name, 'shifted')))));
        if (!complete.every(Boolean)) continue;
        const r = await scoreTrial(d, trial);
        results.push(r);
        log(
          `trial ${trial}: tie set ${r.tieSet.join(', ')}; ` +
            PICKS.map((p) => `${p} ${r.picks[p] ?? '-'} ${r.value[p].toFixed(3)}`).join('; '),
        );
      }
      if (flags.trainOnly) return;
      results.sort((a, b) => a.trial - b.trial);
      const out = flags.results || join(flags.dir, 'results.json');
      await writeFileAtomic(out, JSON.stringify(results, null, 1));
      if (results.length > 0) {
        for (const p of PICKS) {
          const d = meanInterval(results.map((r) => r.value[p] - r.value.bestOnMain));
          log(`${p.padEnd(16)} mean ${meanInterval(results.map((r) => r.value[p])).mean.toFixed(4)}  minus best-on-main ${d.mean.toFixed(4)} [${d.lo.toFixed(4)}, ${d.hi.toFixed(4)}]`);
        }
      }
      if (flags.doc !== undefined && results.length > 0) {
        await writeDoc(flags.doc, flags.plot, results);
        log(`tables written into ${flags.doc}, plot ${flags.plot}`);
      }
      log(`${results.length} trials scored; results in ${out}`);
    });
  await program.parseAsync(argv);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv);
