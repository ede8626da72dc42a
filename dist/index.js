/**
 * birdcall's public API (`import { … } from 'birdcall'`): the block contract, the built-in blocks and their
 * step factories, pipelines (TS composition, pipeline files, hashing, the per-file runner), and the pure
 * audio / dsp / image functions the blocks wrap.
 *
 * Step factories and the functions they wrap share some names (`resample`, `pcen`): the step factories
 * keep the short names (they are what a pipeline is written with); the functions are exported as
 * `resampleAudio` and `pcenSpectrogram`, and every dsp function is also under the `dsp` namespace.
 */
// Errors
export { BirdcallError, UsageError } from "./errors.js";
// The block contract
export { defineBlock, stepOf, } from "./pipeline/block.js";
export { getBlock, listBlocks, registerBlock } from "./pipeline/registry.js";
export { describeParams } from "./params.js";
// Built-in blocks and their step factories
export * from "./pipeline/blocks/index.js";
export { chunk, db, decode, image, melspec, normalize, npy, pcen, quality, resample } from "./pipeline/steps.js";
// Pipelines
export { DEFAULT_PRESET, loadBlockModules, loadPipelineFile, parsePipelineFile, pipeline, pipelineHash, presetPipeline, presetSettings, resolvePipeline, toSpec, } from "./pipeline/pipeline.js";
export { runPipelineOnFile } from "./pipeline/run.js";
export { BIRDCALL_VERSION } from "./version.js";
// The pure functions the blocks wrap
export { decodeWav, parseWavHeader } from "./audio/wav.js";
export { decodeAudio } from "./audio/decode.js";
export { AUDIO_EXTENSIONS, detectAudioFormat, isAudioPath } from "./audio/detect.js";
export { encodeWav } from "./audio/wav-encode.js";
export { readAudioFile } from "./audio/read.js";
export { toMono } from "./audio/mono.js";
export { resample as resampleAudio, resampleParams } from "./audio/resample.js";
export { chunkAudio, chunkParams } from "./audio/chunk.js";
export { qualityGate, qualityParams, runQualityChecks } from "./audio/quality.js";
export { melSpectrogram, melSpectrogramParams, powerToDb, dbParams, pcen as pcenSpectrogram, pcenParams, stft, stftParams, presets, presetNames } from "./dsp/index.js";
export * as dsp from "./dsp/index.js";
export { normalizeSpectrogram, normalizeParams } from "./dsp/normalize.js";
export { encodePng, decodePng, pixelsToDb, pngParams } from "./image/png.js";
export { encodeNpy, decodeNpy } from "./image/npy.js";
// Whole collections: inputs, convert, output manifests
export { openInputs, readInputs } from "./store/inputs.js";
export { convert, convertExitCode } from "./batch/convert.js";
export { readOutputManifest, streamOutputManifest } from "./store/manifest.js";
// Competition metrics and model selection (no TensorFlow.js here: training is `birdcall/train`)
export * as metrics from "./metrics/index.js";
export { selectModels, renderReport, writeSelection, summarize } from "./select/index.js";
//# sourceMappingURL=index.js.map