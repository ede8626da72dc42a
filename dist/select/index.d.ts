/** Model selection among candidates that tie on the main metric: bootstrap, criteria, rule, report. */
export { selectModels } from './select.ts';
export { renderReport } from './report.ts';
export { writeSelection, summarize } from './write.ts';
export { explain } from './explain.ts';
export { mulberry32, resampleWeights, percentileInterval } from './bootstrap.ts';
export { SelectOptionsSchema, DEFAULT_ORDER, MAIN_METRICS, CRITERIA, type EvalSet, type Candidate, type SelectOptions, type Selection, type CandidateResult, type Estimate, type Criterion, type MainMetric, type RuleStep, type SliceColumn, type SliceInfo, } from './types.ts';
