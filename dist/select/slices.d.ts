import type { EvalSet, SliceColumn } from './types.ts';
export declare const DEFAULT_SLICE_COLUMNS: readonly ["type", "rating", "region", "recordist"];
export declare const MISSING = "(missing)";
export declare const OTHER = "other";
/** A column's slices and, per row, which slice it falls in (-1 for a flagged slice: not used for ranking). */
export interface SliceAssignment {
    info: SliceColumn;
    /** Per row: index into `info.slices`. */
    rowSlice: Int32Array;
}
/** The columns to slice by: those asked for (which must exist), or the defaults that exist. */
export declare function resolveSliceColumns(evalSet: EvalSet, asked: string[] | undefined): string[];
/**
 * Slices of one metadata column. Small slices (fewer than `minSize` recordings) would give intervals so wide
 * that the worst slice would just be the noisiest one, so they are never used silently: 'merge' pools them
 * into 'other' (flagged if still too small), 'flag' keeps them in the table but out of the worst slice.
 */
export declare function sliceColumn(evalSet: EvalSet, column: string, minSize: number, mode: 'merge' | 'flag', regionCellDegrees: number): SliceAssignment;
