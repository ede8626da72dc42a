import { type Candidate, type EvalSet, type SelectOptions, type Selection } from './types.ts';
/**
 * Choose among candidate models scored on one evaluation set.
 *  1. Main metric on primary labels with a paired bootstrap over recordings; the tie set is every candidate
 *     whose difference to the best has an interval containing 0, or is smaller than `epsilon`.
 *  2. Within the tie set, the rule (default: lexicographic over worst slice, secondary labels, calibration,
 *     stability; see DEFAULT_ORDER for why) picks the winner; repeating it on the rest ranks the tie set.
 * Every figure comes with its percentile interval, and `explanation` says in words why the winner won.
 */
export declare function selectModels(evalSet: EvalSet, candidates: Candidate[], options?: SelectOptions): Selection;
