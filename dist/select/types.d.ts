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
export declare const MAIN_METRICS: readonly ["macroRocAuc", "paddedCmap", "rowwiseMicroF1"];
export type MainMetric = (typeof MAIN_METRICS)[number];
/** The criteria that rank the tie set. */
export declare const CRITERIA: readonly ["worstSlice", "secondary", "calibration", "stability"];
export type Criterion = (typeof CRITERIA)[number];
/**
 * The default rule, in order. Lexicographic, each criterion deciding only when its paired bootstrap
 * difference is clear (interval excludes 0), otherwise passing to the next:
 *  1. worstSlice: a model is only as good as its weakest subpopulation; the worst slice (call type,
 *     recording quality, region, recordist) is the best proxy on hand for the unseen recording conditions
 *     of a test set, which is where tied models part ways;
 *  2. secondary: competition test labels include every audible species, so hearing the background species
 *     is the next most direct evidence of the skill the leaderboard rewards;
 *  3. calibration: matters for thresholded use (F1, detection), but a monotone recalibration (temperature
 *     scaling) repairs it without retraining, so it ranks below skills that cannot be patched later;
 *  4. stability: measured against the other tied models, not against the truth, so it only breaks ties.
 * Lexicographic rather than weighted because weights need a common scale the criteria do not have (AUC
 * points versus ECE versus a disagreement rate), and because a criterion that is statistically tied then
 * cannot tip the choice by noise. If everything ties, the best main-metric estimate wins.
 */
export declare const DEFAULT_ORDER: readonly Criterion[];
export declare const SelectOptionsSchema: z.ZodObject<{
    mainMetric: z.ZodDefault<z.ZodEnum<{
        rowwiseMicroF1: "rowwiseMicroF1";
        paddedCmap: "paddedCmap";
        macroRocAuc: "macroRocAuc";
    }>>;
    bootstrap: z.ZodDefault<z.ZodNumber>;
    seed: z.ZodDefault<z.ZodNumber>;
    confidence: z.ZodDefault<z.ZodNumber>;
    epsilon: z.ZodDefault<z.ZodNumber>;
    criterionEpsilon: z.ZodDefault<z.ZodNumber>;
    sliceColumns: z.ZodOptional<z.ZodArray<z.ZodString>>;
    minSliceSize: z.ZodDefault<z.ZodNumber>;
    smallSlices: z.ZodDefault<z.ZodEnum<{
        merge: "merge";
        flag: "flag";
    }>>;
    regionCellDegrees: z.ZodDefault<z.ZodNumber>;
    calibrationBins: z.ZodDefault<z.ZodNumber>;
    threshold: z.ZodDefault<z.ZodNumber>;
    padding: z.ZodDefault<z.ZodNumber>;
    rule: z.ZodDefault<z.ZodUnion<readonly [z.ZodObject<{
        kind: z.ZodLiteral<"lexicographic">;
        order: z.ZodArray<z.ZodEnum<{
            worstSlice: "worstSlice";
            secondary: "secondary";
            calibration: "calibration";
            stability: "stability";
        }>>;
    }, z.core.$strict>, z.ZodObject<{
        kind: z.ZodLiteral<"weights">;
        weights: z.ZodObject<{
            worstSlice: z.ZodDefault<z.ZodNumber>;
            secondary: z.ZodDefault<z.ZodNumber>;
            calibration: z.ZodDefault<z.ZodNumber>;
            stability: z.ZodDefault<z.ZodNumber>;
        }, z.core.$strict>;
    }, z.core.$strict>]>>;
}, z.core.$strict>;
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
    /** Lowest main metric over every used slice of every column; null without usable slices. */
    worstSlice: (Estimate & {
        column: string;
        slice: string;
    }) | null;
    /** Per column: the worst used slice. */
    worstSliceByColumn: Record<string, Estimate & {
        slice: string;
    }>;
    /** column -> slice -> main metric on that slice. */
    slices: Record<string, Record<string, Estimate>>;
    /** ECE per class, averaged (lower is better), on primary + secondary labels. */
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
    eliminated: {
        name: string;
        diff: Estimate;
    }[];
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
    /** Candidates the lexicographic rule left tied; the best main-metric estimate among them won. */
    undecided: string[];
    weightedScores?: Record<string, number>;
    candidates: CandidateResult[];
    slices: SliceColumn[];
    data: {
        rows: number;
        recordings: number;
        classes: string[];
        secondaryPairs: number;
    };
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
