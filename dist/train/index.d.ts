/**
 * `import { … } from 'birdcall/train'`: the trainer and predictor. A separate entry point because it loads
 * TensorFlow.js (tfjs-node when installed, else the wasm backend), which the ETL blocks never need.
 */
export { initBackend, type BackendInfo } from './backend.ts';
export { buildModel, MODEL_NAMES, type ModelName } from './models.ts';
export { trainParams, resolveTrainParams, type TrainParams, type TrainParamsInput } from './params.ts';
export { trainModel, type TrainOptions, type TrainResult, type EpochReport } from './train.ts';
export { trainFromManifest, crossValidateManifest } from './run.ts';
export { classList, multiHot, splitByRecording, kFoldByRecording, loadInput, decodeInput, SpectrogramDataset } from './dataset.ts';
export { saveModelArtifacts, loadModel } from './artifacts.ts';
export { predictBatch } from './predict.ts';
export { loadPredictor, predictFiles, predictSource, rowId } from './predict-files.ts';
