import type { Candidate, EvalSet, MainMetric } from './types.ts';
/**
 * The evaluation set as index arrays, built once. Labels are per class columns of positive/negative mass,
 * the layout the ranking kernels take.
 */
export interface PreparedData {
    rows: number;
    classes: number;
    primaryIndex: Int32Array;
    rowRecording: Int32Array;
    recordings: string[];
    /**
     * The main metric's truth: positive where the class is the row's primary label, negative where the
     * species is absent. A listed background species is neither: it is in the recording, so calling it a
     * false positive would reward models that ignore background birds (the secondary criterion scores those).
     */
    primaryPos: Float64Array[];
    primaryNeg: Float64Array[];
    /** Classes that are some row's primary label (the others are skipped by macro AUC on every resample). */
    primaryClasses: number[];
    /** Secondary species: positive where listed as secondary, negative where absent, neither where primary. */
    secondaryPos: Float64Array[];
    secondaryNeg: Float64Array[];
    secondaryClasses: number[];
    /** (row, species) secondary pairs in the set. */
    secondaryPairs: number;
    /** Primary and secondary labels (what the trainer trains on): the calibration truth. */
    multiHot: Float64Array[];
    /** Secondary labels that are not in the class list (reported, not scored). */
    unknownSecondary: string[];
}
export declare function prepareData(evalSet: EvalSet): PreparedData;
/**
 * One candidate's metrics as functions of per-row weights (bootstrap multiplicities, times a slice mask),
 * so that 1000 resamples re-weight precomputed rankings instead of copying and re-sorting rows. A weight
 * of null means every row once (the full-sample value).
 */
export declare class CandidateEvaluator {
    private readonly data;
    private readonly mainMetric;
    private readonly settings;
    private readonly columns;
    private readonly ranked;
    private readonly rowF1;
    private readonly bins;
    private readonly gap;
    readonly topByRecording: Int32Array;
    constructor(data: PreparedData, candidate: Candidate, mainMetric: MainMetric, settings: {
        threshold: number;
        padding: number;
        calibrationBins: number;
    });
    /** The main metric on primary labels; NaN when undefined for these weights (e.g. a single class). */
    main(w: Float64Array | null): number;
    /**
     * The main metric on every slice of one column at once (`rowSlice[i]` is row i's slice), written to
     * `out` (NaN where undefined). Equal to calling `main` with each slice's masked weights, but one pass over
     * each ranking instead of one per slice: slices are the bulk of the bootstrap's work.
     * Hot loop: per-slice accumulators are reused scratch arrays.
     */
    mainBySlice(w: Float64Array | null, rowSlice: Int32Array, out: Float64Array): void;
    private readonly scratchBySize;
    /** Eight reusable accumulators of length n, made once per slice count. */
    private scratch;
    /** Macro AUC over secondary species (rows listing them against rows where they are absent). */
    secondary(w: Float64Array | null): number;
    /** ECE per class on primary + secondary labels, averaged. Hot loop: rows x classes per resample. */
    calibration(w: Float64Array | null): number;
    private macroAuc;
}
/**
 * Per recording, the fraction of the other tie-set members whose top label differs from this candidate's.
 * Averaged over recordings this is the candidate's disagreement with the tie set: a model that alone
 * changes its mind where the others agree scores high; with two members both get the same value.
 */
export declare function disagreement(tops: Int32Array[], k: number): Float64Array;
/** Weighted mean of per-recording values with recording multiplicities (null = each once). */
export declare function recordingMean(values: Float64Array, counts: Float64Array | null): number;
