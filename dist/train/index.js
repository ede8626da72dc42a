/**
 * `import { … } from 'birdcall/train'`: the trainer and predictor. A separate entry point because it loads
 * TensorFlow.js (tfjs-node when installed, else the wasm backend), which the ETL blocks never need.
 */
export { initBackend } from "./backend.js";
export { buildModel, MODEL_NAMES } from "./models.js";
export { trainParams, resolveTrainParams } from "./params.js";
export { trainModel } from "./train.js";
export { trainFromManifest, crossValidateManifest } from "./run.js";
export { classList, multiHot, splitByRecording, kFoldByRecording, loadInput, decodeInput, SpectrogramDataset } from "./dataset.js";
export { saveModelArtifacts, loadModel } from "./artifacts.js";
export { predictBatch } from "./predict.js";
export { loadPredictor, predictFiles, predictSource, rowId } from "./predict-files.js";
//# sourceMappingURL=index.js.map