import { parseParams } from '../params.ts';
import { BirdcallError } from '../errors.ts';
import { expectedCalibrationError, top1Accuracy } from '../metrics/index.ts';
import { atLeastZero, biasCorrected, containsZero, pairedDifference, percentileInterval, resampleWeights } from './bootstrap.ts';
import { CandidateEvaluator, disagreement, prepareData, recordingMean, type PreparedData } from './criteria.ts';
import { explain } from './explain.ts';
import { byMainThenName } from './tie-break.ts';
import { resolveSliceColumns, sliceColumn, type SliceAssignment } from './slices.ts';
import {
  SelectOptionsSchema,
  type Candidate,
  type CandidateResult,
  type Criterion,
  type Estimate,
  type EvalSet,
  type ResolvedSelectOptions,
  type Rule,
  type RuleStep,
  type SelectOptions,
  type Selection,
} from './types.ts';

/** Full-sample value and bootstrap replicates of one quantity. */
interface Sampled {
  value: number;
  reps: Float64Array;
}

/** A criterion oriented so that higher is better, per tie-set candidate; null where unavailable. */
interface CriterionData {
  criterion: Criterion;
  /** +1 when higher is better in natural units, -1 when lower is (calibration, stability). */
  sign: 1 | -1;
  values: Map<string, Sampled>;
}

function parseOptions(options: SelectOptions | undefined): ResolvedSelectOptions {
  return parseParams(SelectOptionsSchema, options, 'invalid selection options', { usage: true, spell: (name: string) => `option "${name}"` });
}

function validate(evalSet: EvalSet, candidates: Candidate[]): void {
  const classes = new Set(evalSet.classes);
  if (evalSet.classes.length === 0) throw new BirdcallError('SELECT_NO_CLASSES', 'the evaluation set has no classes');
  if (classes.size !== evalSet.classes.length) {
    throw new BirdcallError('SELECT_DUPLICATE_CLASS', 'the evaluation set lists a class twice');
  }
  if (evalSet.rows.length === 0) throw new BirdcallError('SELECT_NO_ROWS', 'the evaluation set has no rows');
  evalSet.rows.forEach((row, i) => {
    if (!classes.has(row.primary)) {
      throw new BirdcallError(
        'SELECT_UNKNOWN_LABEL',
        `row ${i} (recording ${row.recording}) has primary label '${row.primary}', which is not in the class list`,
      );
    }
  });
  if (candidates.length === 0) throw new BirdcallError('SELECT_NO_CANDIDATES', 'no candidate models to select from');
  const names = new Set<string>();
  for (const cand of candidates) {
    if (names.has(cand.name)) throw new BirdcallError('SELECT_DUPLICATE_NAME', `two candidates are named '${cand.name}'`);
    names.add(cand.name);
    if (cand.scores.length !== evalSet.rows.length) {
      throw new BirdcallError(
        'SELECT_SHAPE',
        `candidate '${cand.name}' has ${cand.scores.length} score rows for ${evalSet.rows.length} evaluation rows`,
      );
    }
    cand.scores.forEach((row, i) => {
      if (row.length !== evalSet.classes.length) {
        throw new BirdcallError(
          'SELECT_SHAPE',
          `candidate '${cand.name}' row ${i} has ${row.length} scores for ${evalSet.classes.length} classes`,
        );
      }
      for (const s of row) {
        if (!Number.isFinite(s)) {
          throw new BirdcallError('SELECT_SCORE', `candidate '${cand.name}' row ${i} has a non-finite score (${s})`);
        }
      }
    });
  }
}

function estimate(s: Sampled, confidence: number): Estimate {
  return percentileInterval(s.value, s.reps, confidence);
}

function finiteMin(values: number[]): number {
  let m = Number.NaN;
  for (const v of values) if (!Number.isNaN(v) && !(v >= m)) m = v;
  return m;
}

/**
 * Choose among candidate models scored on one evaluation set.
 *  1. Main metric on primary labels with a paired bootstrap over recordings; the tie set is every candidate
 *     whose difference to the best has an interval containing 0, or is smaller than `epsilon`.
 *  2. Within the tie set, the rule (default: lexicographic over worst slice, secondary labels, calibration,
 *     stability; see DEFAULT_ORDER for why) picks the winner; repeating it on the rest ranks the tie set.
 * Every figure comes with its percentile interval (the calibration error: bias-corrected, basic interval),
 * and `explanation` says in words why the winner won. What `birdcall select` runs.
 *
 * @param evalSet - the classes and one row per evaluated chunk: its recording (the bootstrap resamples
 *   recordings, so chunks of one recording stay together), primary and secondary labels, and metadata
 *   (type, rating, latitude/longitude, recordist… define the slices).
 * @param candidates - each model's name and scores (probabilities, one Float32Array per row, in class order).
 * @param options - `mainMetric` ('macroRocAuc'), `bootstrap` (resamples, 1000), `seed` (42), `confidence`
 *   (0.95), `epsilon` (main-metric units, 0.005), `rule` (default lexicographic: calibration, worstSlice,
 *   secondary, stability) and more: every option with its default and unit is in
 *   [SelectOptionsSchema](../parameters.md#selectoptionsschema).
 * @returns the choice, runner-up, tie set, ranking, the rule's steps, every candidate's estimates and the explanation.
 * @throws UsageError for invalid options; BirdcallError SELECT_* for inconsistent inputs (naming the candidate and row).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { selectModels, summarize } from 'birdcall';
 *
 * // 40 one-chunk recordings of two species. Both models get the same 4 wrong: they rank every chunk alike and
 * // tie on macro ROC-AUC, but 'unsure' says 0.6 where 'sure' says 0.9 (right 90% of the time, so calibrated).
 * const rows = Array.from({ length: 40 }, (_, i) => ({ recording: `XC${i}`, primary: i % 2 ? 'wren' : 'robin', secondary: [], metadata: {} }));
 * const model = (name: string, p: number) => ({
 *   name,
 *   scores: rows.map((_, i) => ((i % 2 === 1) !== (i % 10 === 0) ? Float32Array.of(1 - p, p) : Float32Array.of(p, 1 - p))),
 * });
 * const selection = selectModels({ classes: ['robin', 'wren'], rows }, [model('unsure', 0.6), model('sure', 0.9)]);
 * assert.deepEqual(selection.tieSet, ['sure', 'unsure']);
 * assert.equal(selection.chosen, 'sure');
 * assert.equal(selection.steps[0].criterion, 'calibration'); // the first criterion of the default rule decided
 * assert.ok(summarize(selection).startsWith('Chosen: sure (macro ROC-AUC 0.900 [0.813, 0.976])'));
 * ```
 */
export function selectModels(evalSet: EvalSet, candidates: Candidate[], options?: SelectOptions): Selection {
  return selectUnderRules(evalSet, candidates, options, [])[0];
}

/**
 * `selectModels` under `options.rule` and then under each of `rules`, in that order. The bootstrap, the
 * expensive part, does not depend on the rule, so comparing rules (scripts/selector-study.ts) runs it once.
 */
export function selectUnderRules(evalSet: EvalSet, candidates: Candidate[], options: SelectOptions | undefined, rules: NonNullable<SelectOptions['rule']>[]): Selection[] {
  const opt = parseOptions(options);
  validate(evalSet, candidates);
  const data = prepareData(evalSet);
  const columns = resolveSliceColumns(evalSet, opt.sliceColumns);
  const sliceAssignments = columns.map((c) => sliceColumn(evalSet, c, opt.minSliceSize, opt.smallSlices, opt.regionCellDegrees));
  const evaluators = candidates.map(
    (c) => new CandidateEvaluator(data, c, opt.mainMetric, { threshold: opt.threshold, padding: opt.padding, calibrationBins: opt.calibrationBins }),
  );
  markUndefinedSlices(evaluators[0], sliceAssignments);
  const sampled = bootstrapAll(data, evaluators, sliceAssignments, opt);
  const names = candidates.map((c) => c.name);
  const tie = findTieSet(sampled, names, opt);
  const stability = tieStability(data, evaluators, tie.members, opt);
  const calibrationTruth = candidateLabels(data);
  const results = candidates.map((cand, k) =>
    candidateResult(cand, k, { data, sampled, sliceAssignments, tie, stability, calibrationTruth, opt }),
  );
  // Criteria per tie-set candidate, oriented higher-is-better.
  const criteria: Record<Criterion, CriterionData> = {
    worstSlice: criterionData('worstSlice', 1, tie.members, names, (k) => (results[k].worstSlice ? sampled.worst[k] : null)),
    secondary: criterionData('secondary', 1, tie.members, names, (k) => (results[k].secondary ? sampled.secondary[k] : null)),
    calibration: criterionData('calibration', -1, tie.members, names, (k) => sampled.calibration[k]),
    stability: criterionData('stability', -1, tie.members, names, (k) => stability.get(k) ?? null),
  };
  const notes = selectionNotes(data, columns.length, sliceAssignments, opt);
  const mainValue = new Map(names.map((n, k) => [n, sampled.main[k].value]));
  const tieNames = tie.members.map((k) => names[k]);
  const outside = [...names.keys()]
    .filter((k) => !tie.inTie[k])
    .sort((a, b) => byMainThenName(sampled.main[a].value, sampled.main[b].value, names[a], names[b]))
    .map((k) => names[k]);
  const finish = (rule: Rule): Selection => {
    const ranked = rankTieSet(tieNames, criteria, mainValue, { ...opt, rule });
    const ranking = [...ranked.order, ...outside];
    const selection: Selection = {
      version: 1,
      mainMetric: opt.mainMetric,
      chosen: ranking[0],
      bestOnMain: names[tie.best],
      runnerUp: ranking[1] ?? null,
      tieSet: tieNames,
      ranking,
      rule,
      steps: ranked.steps,
      undecided: ranked.undecided,
      ...(ranked.weightedScores ? { weightedScores: ranked.weightedScores } : {}),
      candidates: results,
      slices: sliceAssignments.map((a) => a.info),
      data: { rows: data.rows, recordings: data.recordings.length, classes: [...evalSet.classes], secondaryPairs: data.secondaryPairs },
      settings: settingsOf(opt),
      explanation: [],
      notes: [...notes],
    };
    selection.explanation = explain(selection);
    return selection;
  };
  return [opt.rule, ...rules.map((r) => parseOptions({ ...options, rule: r }).rule)].map(finish);
}

/** A slice where the metric is undefined on the full set (e.g. macro AUC with one species) cannot rank. */
function markUndefinedSlices(evaluator: CandidateEvaluator, sliceAssignments: SliceAssignment[]): void {
  for (const a of sliceAssignments) {
    const full = new Float64Array(a.info.slices.length);
    evaluator.mainBySlice(null, a.rowSlice, full);
    a.info.slices.forEach((s, j) => {
      if (s.status === 'ok' && Number.isNaN(full[j])) s.status = 'undefined';
    });
  }
}

interface TieSet {
  /** The best candidate on the main metric. */
  best: number;
  /** Each candidate's paired difference to the best. */
  diffEst: Estimate[];
  inTie: boolean[];
  /** The tie set, best first (main metric, then name): the same whatever order the candidates came in. */
  members: number[];
}

function findTieSet(sampled: SampledAll, names: string[], opt: ResolvedSelectOptions): TieSet {
  const best = argmaxFinite(sampled.main.map((s) => s.value), names);
  if (best < 0) {
    throw new BirdcallError(
      'SELECT_METRIC_UNDEFINED',
      `${opt.mainMetric} is undefined on this evaluation set (it needs at least two classes among the primary labels)`,
    );
  }
  const diffEst = sampled.main.map((s) =>
    estimate({ value: s.value - sampled.main[best].value, reps: pairedDifference(s.reps, sampled.main[best].reps) }, opt.confidence),
  );
  const inTie = diffEst.map((d, k) => k === best || (d.value !== null && (containsZero(d) || Math.abs(d.value) < opt.epsilon)));
  const members = [...names.keys()]
    .filter((k) => inTie[k])
    .sort((a, b) => byMainThenName(sampled.main[a].value, sampled.main[b].value, names[a], names[b]));
  return { best, diffEst, inTie, members };
}

/** Stability within the tie set: a second pass over the same resamples (same seed, same draws). */
function tieStability(data: PreparedData, evaluators: CandidateEvaluator[], members: number[], opt: ResolvedSelectOptions): Map<number, Sampled> {
  const stability = new Map<number, Sampled>();
  if (members.length <= 1) return stability;
  const tops = members.map((k) => evaluators[k].topByRecording);
  const perRecording = members.map((_, j) => disagreement(tops, j));
  members.forEach((k, j) => stability.set(k, { value: recordingMean(perRecording[j], null), reps: new Float64Array(opt.bootstrap) }));
  let b = 0;
  for (const { counts } of resampleWeights(data.rowRecording, data.recordings.length, opt.bootstrap, opt.seed)) {
    members.forEach((k, j) => (stability.get(k)!.reps[b] = recordingMean(perRecording[j], counts)));
    b++;
  }
  return stability;
}

interface ResultContext {
  data: PreparedData;
  sampled: SampledAll;
  sliceAssignments: SliceAssignment[];
  tie: TieSet;
  stability: Map<number, Sampled>;
  calibrationTruth: Float64Array[];
  opt: ResolvedSelectOptions;
}

/** What the report shows of candidate `k`: every estimate with its interval. */
function candidateResult(cand: Candidate, k: number, ctx: ResultContext): CandidateResult {
  const { data, sampled, opt } = ctx;
  const ece = expectedCalibrationError(ctx.calibrationTruth, cand.scores, opt.calibrationBins);
  const slices: Record<string, Record<string, Estimate>> = {};
  const worstByColumn: CandidateResult['worstSliceByColumn'] = {};
  ctx.sliceAssignments.forEach((a, ci) => {
    slices[a.info.column] = {};
    a.info.slices.forEach((s, j) => (slices[a.info.column][s.name] = estimate(sampled.slices[k][ci][j], opt.confidence)));
    const w = sampled.worstByColumn[k][ci];
    if (w.slice !== null) worstByColumn[a.info.column] = { ...slices[a.info.column][w.slice], slice: w.slice };
  });
  // The worst slice is reported with that slice's own interval. The minimum's bootstrap interval (what the
  // rule compares, paired, per resample) runs low: each resample's minimum also picks the slice the noise
  // pushed lowest, so with several similar slices it sat below the estimate it belongs to.
  const worst = sampled.worst[k];
  return {
    name: cand.name,
    ...(cand.info !== undefined ? { info: cand.info } : {}),
    inTieSet: ctx.tie.inTie[k],
    main: estimate(sampled.main[k], opt.confidence),
    diffToBest: ctx.tie.diffEst[k],
    top1Accuracy: top1Accuracy(data.primaryIndex, cand.scores),
    secondary: data.secondaryClasses.length > 0 ? estimate(sampled.secondary[k], opt.confidence) : null,
    worstSlice:
      worst.slice !== null && worst.column !== null ? { ...slices[worst.column][worst.slice], column: worst.column, slice: worst.slice } : null,
    worstSliceByColumn: worstByColumn,
    slices,
    calibration: atLeastZero(estimate(sampled.calibration[k], opt.confidence)),
    reliability: ece.reliability,
    stability: ctx.stability.has(k) ? estimate(ctx.stability.get(k)!, opt.confidence) : null,
  };
}

/** What the selection could not assess, or assessed only in part. */
function selectionNotes(data: PreparedData, columns: number, sliceAssignments: SliceAssignment[], opt: ResolvedSelectOptions): string[] {
  const notes: string[] = [];
  if (data.unknownSecondary.length > 0) notes.push(`Secondary labels not in the class list were not scored: ${data.unknownSecondary.join(', ')}.`);
  for (const a of sliceAssignments) {
    for (const s of a.info.slices) {
      if (s.status === 'flagged') {
        notes.push(
          `Slice ${a.info.column} = ${s.name} has ${s.recordings} recording(s), under the minimum of ${opt.minSliceSize}: shown, not used for the worst slice.`,
        );
      } else if (s.status === 'undefined') {
        notes.push(`Slice ${a.info.column} = ${s.name}: ${opt.mainMetric} is undefined there (too few classes); not used.`);
      }
    }
  }
  if (columns === 0) notes.push('No metadata column to slice by (type, rating, latitude/longitude, recordist): worst slice not assessed.');
  if (data.secondaryClasses.length === 0) notes.push('No secondary labels in the evaluation set: secondary-label score not assessed.');
  return notes;
}

function settingsOf(opt: ResolvedSelectOptions): Selection['settings'] {
  return {
    bootstrap: opt.bootstrap,
    seed: opt.seed,
    confidence: opt.confidence,
    epsilon: opt.epsilon,
    criterionEpsilon: opt.criterionEpsilon,
    minSliceSize: opt.minSliceSize,
    smallSlices: opt.smallSlices,
    calibrationBins: opt.calibrationBins,
  };
}

/** The calibration truth as rows (primary + secondary), for the point reliability diagram. */
function candidateLabels(data: PreparedData): Float64Array[] {
  return Array.from({ length: data.rows }, (_, i) => Float64Array.from(data.multiHot, (col) => col[i]));
}

function argmaxFinite(values: number[], names: string[]): number {
  let best = -1;
  values.forEach((v, k) => {
    if (!Number.isNaN(v) && (best < 0 || byMainThenName(v, values[best], names[k], names[best]) < 0)) best = k;
  });
  return best;
}

interface SampledAll {
  main: Sampled[];
  secondary: Sampled[];
  calibration: Sampled[];
  /** [candidate][column][slice] */
  slices: Sampled[][][];
  worst: (Sampled & { column: string | null; slice: string | null })[];
  worstByColumn: (Sampled & { slice: string | null })[][];
}

/**
 * One pass over the resamples computing every candidate's main metric, slices, secondary score and
 * calibration; the same draw serves every candidate (paired). The worst slice is taken per resample (the
 * minimum over used slices of that resample), so its interval includes the uncertainty of which slice is worst.
 */
function bootstrapAll(
  data: PreparedData,
  evaluators: CandidateEvaluator[],
  assignments: SliceAssignment[],
  opt: ResolvedSelectOptions,
): SampledAll {
  const B = opt.bootstrap;
  const hasSecondary = data.secondaryClasses.length > 0;
  const fresh = (value: number): Sampled => ({ value, reps: new Float64Array(B) });
  const main = evaluators.map((e) => fresh(e.main(null)));
  const secondary = evaluators.map((e) => fresh(hasSecondary ? e.secondary(null) : Number.NaN));
  const calibration = evaluators.map((e) => fresh(e.calibration(null)));
  // Per column, a reused buffer for the slice values of one resample.
  const sliceOut = assignments.map((a) => new Float64Array(a.info.slices.length));
  const slices = evaluators.map((e) =>
    assignments.map((a, ci) => {
      e.mainBySlice(null, a.rowSlice, sliceOut[ci]);
      return Array.from(sliceOut[ci], (v) => fresh(v));
    }),
  );

  let b = 0;
  for (const { rowWeights } of resampleWeights(data.rowRecording, data.recordings.length, B, opt.seed)) {
    evaluators.forEach((e, k) => {
      main[k].reps[b] = e.main(rowWeights);
      if (hasSecondary) secondary[k].reps[b] = e.secondary(rowWeights);
      calibration[k].reps[b] = e.calibration(rowWeights);
      assignments.forEach((a, ci) => {
        e.mainBySlice(rowWeights, a.rowSlice, sliceOut[ci]);
        sliceOut[ci].forEach((v, j) => (slices[k][ci][j].reps[b] = v));
      });
    });
    b++;
  }

  // Only slices with status 'ok' compete for the worst slice (flagged and undefined ones are reported only).
  const used = assignments.map((a) => a.info.slices.flatMap((s, j) => (s.status === 'ok' ? [j] : [])));
  const worstByColumn = slices.map((cols) =>
    cols.map((col, ci) => {
      const js = used[ci];
      const value = finiteMin(js.map((j) => col[j].value));
      const at = js.find((j) => col[j].value === value);
      const reps = new Float64Array(B).map((_, r) => finiteMin(js.map((j) => col[j].reps[r])));
      return { value, reps, slice: at === undefined ? null : assignments[ci].info.slices[at].name };
    }),
  );
  const worst = worstByColumn.map((cols) => {
    const value = finiteMin(cols.map((c) => c.value));
    const at = cols.findIndex((c) => c.slice !== null && c.value === value);
    const reps = new Float64Array(B).map((_, r) => finiteMin(cols.map((c) => c.reps[r])));
    return {
      value,
      reps,
      column: at >= 0 ? assignments[at].info.column : null,
      slice: at >= 0 ? cols[at].slice : null,
    };
  });
  // The calibration error is biased upwards (see biasCorrected): its estimate and intervals, and the paired
  // differences the rule decides on, are the bias-corrected value and basic intervals.
  const corrected = calibration.map((s) => biasCorrected(s.value, s.reps));
  return { main, secondary, calibration: corrected, slices, worst, worstByColumn };
}

function criterionData(
  criterion: Criterion,
  sign: 1 | -1,
  tieIdx: number[],
  names: string[],
  get: (k: number) => Sampled | null,
): CriterionData {
  const values = new Map<string, Sampled>();
  for (const k of tieIdx) {
    const s = get(k);
    if (s !== null && !Number.isNaN(s.value)) values.set(names[k], s);
  }
  return { criterion, sign, values };
}

const CRITERION_UNAVAILABLE: Record<Criterion, string> = {
  worstSlice: 'no usable metadata slice',
  secondary: 'no secondary labels in the evaluation set',
  calibration: 'calibration could not be computed',
  stability: 'stability needs at least two tied candidates',
};

interface Ranked {
  order: string[];
  steps: RuleStep[];
  undecided: string[];
  weightedScores?: Record<string, number>;
}

/** The tie set in rule order: the rule picks a winner, then picks again among the rest, and so on. */
function rankTieSet(
  tie: string[],
  criteria: Record<Criterion, CriterionData>,
  mainValue: Map<string, number>,
  opt: ResolvedSelectOptions,
): Ranked {
  const byMain = (a: string, b: string): number => byMainThenName(mainValue.get(a)!, mainValue.get(b)!, a, b);
  const rule = opt.rule;
  if (rule.kind === 'weights') {
    const scores: Record<string, number> = {};
    for (const n of tie) scores[n] = 0;
    for (const c of Object.keys(rule.weights) as Criterion[]) {
      const w = rule.weights[c];
      const cd = criteria[c];
      if (w === 0 || !tie.every((n) => cd.values.has(n))) continue;
      // Min-max scaling within the tie set puts criteria with different units on one 0..1 scale.
      const oriented = tie.map((n) => cd.sign * cd.values.get(n)!.value);
      const lo = Math.min(...oriented);
      const hi = Math.max(...oriented);
      tie.forEach((n, j) => (scores[n] += w * (hi > lo ? (oriented[j] - lo) / (hi - lo) : 1)));
    }
    const order = [...tie].sort((a, b) => scores[b] - scores[a] || byMain(a, b));
    return { order, steps: [], undecided: [], weightedScores: scores };
  }

  const pick = (alive0: string[]): { winner: string; steps: RuleStep[]; undecided: string[] } => {
    let alive = [...alive0];
    const steps: RuleStep[] = [];
    for (const criterion of rule.order) {
      if (alive.length <= 1) break;
      const cd = criteria[criterion];
      if (!alive.every((n) => cd.values.has(n))) {
        steps.push({ criterion, considered: alive, leader: null, eliminated: [], note: CRITERION_UNAVAILABLE[criterion] });
        continue;
      }
      const val = (n: string): number => cd.sign * cd.values.get(n)!.value;
      const considered = [...alive].sort((a, b) => val(b) - val(a) || byMain(a, b));
      const leader = considered[0];
      const lead = cd.values.get(leader)!;
      const eliminated: RuleStep['eliminated'] = [];
      for (const n of considered.slice(1)) {
        const s = cd.values.get(n)!;
        const diff = percentileInterval(s.value - lead.value, pairedDifference(s.reps, lead.reps), opt.confidence);
        // Clearly worse: the whole interval is on the bad side of 0 and the gap is not negligible.
        const worse = cd.sign === 1 ? diff.hi !== null && diff.hi < 0 : diff.lo !== null && diff.lo > 0;
        if (worse && Math.abs(diff.value ?? 0) >= opt.criterionEpsilon) eliminated.push({ name: n, diff });
      }
      steps.push({ criterion, considered, leader, eliminated });
      const out = new Set(eliminated.map((e) => e.name));
      alive = alive.filter((n) => !out.has(n));
    }
    const sorted = [...alive].sort(byMain);
    return { winner: sorted[0], steps, undecided: alive.length > 1 ? sorted : [] };
  };

  const first = pick(tie);
  const order = [first.winner];
  let rest = tie.filter((n) => n !== first.winner);
  while (rest.length > 0) {
    const w = pick(rest).winner;
    order.push(w);
    rest = rest.filter((n) => n !== w);
  }
  return { order, steps: first.steps, undecided: first.undecided };
}
