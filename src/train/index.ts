/**
 * `import { … } from 'birdcall/train'`: the trainer and predictor. A separate entry point because it loads
 * TensorFlow.js (tfjs-node when installed, else the wasm backend), which the ETL blocks never need.
 */
export { initBackend, type BackendInfo } from './backend.ts';
export { buildModel, MODEL_NAMES, type ModelName } from './models.ts';
export { trainParams, resolveTrainParams, type TrainParams, type TrainParamsInput } from './params.ts';
export { trainModel, type TrainOptions, type TrainResult, type EpochReport } from './train.ts';
export { trainFromManifest } from './run.ts';
export { crossValidate, type CrossValidateOptions, type CrossValidation, type FoldScores } from './cv.ts';
export { writeCrossValidation } from './cv-report.ts';
export { RECIPES, DEFAULT_RECIPE, getRecipe, recordRecipe, recordedRecipe, type Recipe } from './recipes.ts';
export { poolScores, poolBySource, POOL_METHODS, type PoolMethod } from './pool.ts';
export { ttaShifts } from './tta.ts';
export { classList, multiHot, splitByRecording, kFoldByRecording, loadInput, decodeInput, SpectrogramDataset } from './dataset.ts';
export { saveModelArtifacts, loadModel } from './artifacts.ts';
export { predictBatch } from './predict.ts';
export { loadPredictor, predictSource, rowId } from './predict-files.ts';
export { predictFiles, predictRecordings, createEngine } from './predict-stream.ts';
export { predictArchive, archiveExitCode, type ArchiveOptions, type ArchiveSummary } from './predict-archive.ts';
