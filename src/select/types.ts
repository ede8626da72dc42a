import { z } from 'zod';
import type { Reliability } from '../metrics/index.ts';

/** The evaluation set: one row per evaluated chunk. Chunks of one recording share `recording`. */
export interface EvalSet {
  classes: string[];
  rows: {
    recording: string;
    primary: string;
    secondary: string[];
    metadata: Record<string, string>;
  }[];
}

/** A model's scores on the evaluation set: one Float32Array per row, one column per class. */
export interface Candidate {
  name: string;
  scores: Float32Array[];
  info?: Record<string, unknown>;
}

export const MAIN_METRICS = ['macroRocAuc', 'paddedCmap', 'rowwiseMicroF1'] as const;
export type MainMetric = (typeof MAIN_METRICS)[number];

/** The criteria that rank the tie set. */
export const CRITERIA = ['worstSlice', 'secondary', 'calibration', 'stability'] as const;
export type Criterion = (typeof CRITERIA)[number];

/**
 * The default rule, in order. Lexicographic, each criterion deciding only when its paired bootstrap
 * difference is clear (interval excludes 0), otherwise passing to the next:
 *  1. calibration: first because the selector study (docs/selector-study.md, 20 trials x 6 candidates,
 *     picked on a validation set, scored on a shifted soundscape set) found a clearly worse calibration
 *     marked the worse model under shift in 5 of the 7 trials where it decided (miscalibrated mixup-trained
 *     models), and this order did best of the rules tried, in both halves of the trials: +0.0021
 *     [-0.0022, +0.0064] macro ROC-AUC over "best on the main metric". Not significant: no rule beat best
 *     on main with an interval excluding 0 (see the study for why: little headroom, and criteria measured on
 *     one validation set are as noisy as the main metric). It was worst slice first until then (+0.0014
 *     [-0.0049, +0.0076], -0.0005 on the second half);
 *  2. worstSlice: a model is only as good as its weakest subpopulation (call type, rating, region,
 *     recordist); in the study it predicted the shifted-set ranking as well as the main metric did;
 *  3. secondary: test labels include every audible species, so hearing the background species is direct
 *     evidence of the skill soundscapes reward; it rarely decides on its own at ~60 recordings;
 *  4. stability: measured against the other tied models, not against the truth, so it only breaks ties.
 * Lexicographic rather than weighted because weights need a common scale the criteria do not have (AUC
 * points versus ECE versus a disagreement rate), and because a criterion that is statistically tied then
 * cannot tip the choice by noise (in the study, rules on point estimates were noisier). If everything
 * ties, the tie-break rule (tie-break.ts) decides.
 */
export const DEFAULT_ORDER: readonly Criterion[] = ['calibration', 'worstSlice', 'secondary', 'stability'];

const criterionWeights = z
  .object({
    worstSlice: z.number().min(0).default(0).describe('weight of the worst-slice main metric (unitless)'),
    secondary: z.number().min(0).default(0).describe('weight of the secondary-label AUC (unitless)'),
    calibration: z.number().min(0).default(0).describe('weight of the (negated) calibration error (unitless)'),
    stability: z.number().min(0).default(0).describe('weight of the (negated) tie-set disagreement (unitless)'),
  })
  .strict();

export const SelectOptionsSchema = z
  .object({
    mainMetric: z
      .enum(MAIN_METRICS)
      .default('macroRocAuc')
      .describe('metric on primary labels that defines the tie set: macroRocAuc (BirdCLEF 2024), paddedCmap (2023) or rowwiseMicroF1 (Cornell 2020)'),
    bootstrap: z
      .number()
      .int()
      .min(1000)
      .default(1000)
      .describe('number of paired bootstrap resamples over recordings (count, >= 1000)'),
    seed: z.number().int().default(42).describe('seed of the resampling PRNG (integer); same seed, same intervals'),
    confidence: z.number().gt(0).lt(1).default(0.95).describe('coverage of the bootstrap intervals (fraction; percentile intervals, basic for the calibration error)'),
    epsilon: z
      .number()
      .min(0)
      .default(0.005)
      .describe('main-metric difference to the best below which a candidate is tied even if its interval excludes 0 (metric units)'),
    criterionEpsilon: z
      .number()
      .min(0)
      .default(0)
      .describe('difference on a tie-set criterion below which it does not decide (criterion units)'),
    sliceColumns: z
      .array(z.string().min(1))
      .optional()
      .describe("metadata columns to slice by; 'region' derives from latitude/longitude, 'rating' is binned; default type, rating, region, recordist where present"),
    minSliceSize: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('slices with fewer recordings than this are merged into "other" or flagged (recordings); below ~10 a slice interval is too wide to decide anything and the worst slice would just be the noisiest'),
    smallSlices: z
      .enum(['merge', 'flag'])
      .default('merge')
      .describe("'merge': small slices of a column pool into 'other'; 'flag': they are reported but excluded from the worst slice"),
    regionCellDegrees: z
      .number()
      .gt(0)
      .max(180)
      .default(10)
      .describe('size of the latitude/longitude grid cell that defines a region (degrees)'),
    calibrationBins: z.number().int().min(1).default(10).describe('equal-width score bins for the calibration error (count)'),
    threshold: z.number().min(0).max(1).default(0.5).describe('score at or above which a class is predicted, for rowwiseMicroF1 (probability)'),
    padding: z.number().int().min(0).default(5).describe('rows of ones appended for paddedCmap (rows)'),
    rule: z
      .union([
        z.object({ kind: z.literal('lexicographic'), order: z.array(z.enum(CRITERIA)).min(1) }).strict(),
        z.object({ kind: z.literal('weights'), weights: criterionWeights }).strict(),
      ])
      .default({ kind: 'lexicographic', order: [...DEFAULT_ORDER] })
      .describe('how the tie-set criteria combine: lexicographic order (default: calibration, worstSlice, secondary, stability) or weights'),
  })
  .strict();

export type SelectOptions = z.input<typeof SelectOptionsSchema>;
export type ResolvedSelectOptions = z.output<typeof SelectOptionsSchema>;
export type Rule = ResolvedSelectOptions['rule'];

/** A bootstrap estimate: the value on the full set and its percentile interval; null when undefined. */
export interface Estimate {
  value: number | null;
  lo: number | null;
  hi: number | null;
}

export interface SliceInfo {
  /** Slice value (e.g. 'song', '4-5', 'N30-40 W120-130', 'other', '(missing)'). */
  name: string;
  recordings: number;
  rows: number;
  /** ok: used; flagged: too small, reported only; undefined: the metric has no value on it (e.g. one class). */
  status: 'ok' | 'flagged' | 'undefined';
  /** For 'other': the small slices merged into it. */
  merged?: string[];
}

export interface SliceColumn {
  column: string;
  slices: SliceInfo[];
}

export interface CandidateResult {
  name: string;
  info?: Record<string, unknown>;
  inTieSet: boolean;
  main: Estimate;
  /** Main metric minus the best candidate's, paired per resample. */
  diffToBest: Estimate;
  top1Accuracy: number;
  /** Macro AUC of secondary (background) species against rows where the species is absent; null if none. */
  secondary: Estimate | null;
  /**
   * Lowest main metric over every used slice of every column, with that slice's own interval (the rule
   * compares the per-resample minimum instead); null without usable slices.
   */
  worstSlice: (Estimate & { column: string; slice: string }) | null;
  /** Per column: the worst used slice, with its own interval. */
  worstSliceByColumn: Record<string, Estimate & { slice: string }>;
  /** column -> slice -> main metric on that slice. */
  slices: Record<string, Record<string, Estimate>>;
  /**
   * ECE per class, averaged (lower is better), on primary + secondary labels: bias-corrected by the bootstrap,
   * with the basic interval (see `biasCorrected` in select/bootstrap.ts). The plain plug-in ECE of the full set
   * is `metrics.expectedCalibrationError`, which is higher by the binning-noise bias.
   */
  calibration: Estimate;
  reliability: Reliability;
  /** Mean fraction of the other tie-set members choosing a different top label per recording; tie set only. */
  stability: Estimate | null;
}

export interface RuleStep {
  criterion: Criterion;
  /** Candidates still in the running before this step, best first on this criterion. */
  considered: string[];
  leader: string | null;
  /** Candidates removed: clearly worse than the leader. */
  eliminated: { name: string; diff: Estimate }[];
  note?: string;
}

export interface Selection {
  version: 1;
  mainMetric: MainMetric;
  chosen: string;
  /** Highest main-metric estimate (the reference of the tie set); not necessarily chosen. */
  bestOnMain: string;
  runnerUp: string | null;
  tieSet: string[];
  /** Every candidate, chosen first: the tie set in rule order, then the rest by main metric. */
  ranking: string[];
  rule: Rule;
  /** The rule's steps when choosing the winner (lexicographic), or the weighted scores. */
  steps: RuleStep[];
  /** Candidates the lexicographic rule left tied; the tie-break rule (tie-break.ts) chose among them. */
  undecided: string[];
  weightedScores?: Record<string, number>;
  candidates: CandidateResult[];
  slices: SliceColumn[];
  data: { rows: number; recordings: number; classes: string[]; secondaryPairs: number };
  settings: {
    bootstrap: number;
    seed: number;
    confidence: number;
    epsilon: number;
    criterionEpsilon: number;
    minSliceSize: number;
    smallSlices: 'merge' | 'flag';
    calibrationBins: number;
  };
  explanation: string[];
  notes: string[];
}
