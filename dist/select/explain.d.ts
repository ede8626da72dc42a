import type { CandidateResult, Criterion, Estimate, MainMetric, Selection } from './types.ts';
export declare const METRIC_LABEL: Record<MainMetric, string>;
export declare const CRITERION_LABEL: Record<Criterion, string>;
export declare function num(x: number | null, digits?: number): string;
/** "0.912 [0.880, 0.940]" */
export declare function fmt(e: Estimate | null, digits?: number): string;
/** A candidate's value on a criterion, in words. */
export declare function criterionValue(c: CandidateResult, criterion: Criterion): string;
/** Plain-words account of a selection: what was compared, what was tied, and what decided. */
export declare function explain(sel: Selection): string[];
