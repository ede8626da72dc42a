export { averagePrecision, rocAuc, rankScores, aucFromRanking, apFromRanking } from "./ranking.js";
export { rowwiseMicroF1, rowF1, paddedCmap, macroRocAuc, perClassPrecisionRecall, top1Accuracy, argmax, } from "./competition.js";
export { expectedCalibrationError, binOf } from "./calibration.js";
//# sourceMappingURL=index.js.map