/** Competition and diagnostic metrics: pure functions over label and score matrices (no tfjs). */
export type { LabelMatrix, ScoreMatrix } from './types.ts';
export { averagePrecision, rocAuc, rankScores, aucFromRanking, apFromRanking, type RankedScores } from './ranking.ts';
export { rowwiseMicroF1, rowF1, paddedCmap, macroRocAuc, perClassPrecisionRecall, top1Accuracy, argmax, type MacroRocAuc, } from './competition.ts';
export { expectedCalibrationError, binOf, type CalibrationError, type Reliability } from './calibration.ts';
