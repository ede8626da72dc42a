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
export { BirdcallError, UsageError } from './errors.ts';

// Data types
export type { Audio, Chunk, MultiChannelAudio } from './audio/types.ts';
export type { Spectrogram } from './dsp/types.ts';

// The block contract
export {
  defineBlock,
  stepOf,
  type AnyBlock,
  type Artifact,
  type Block,
  type BlockContext,
  type Kind,
  type KindMap,
  type ParamsIn,
  type ParamsOut,
  type RunOptions,
  type SourceFile,
  type Step,
} from './pipeline/block.ts';
export { getBlock, listBlocks, registerBlock } from './pipeline/registry.ts';
export { describeParams, type ParamInfo } from './params.ts';

// Built-in blocks and their step factories
export * from './pipeline/blocks/index.ts';
export { chunk, db, decode, image, melspec, normalize, npy, pcen, quality, resample } from './pipeline/steps.ts';

// Pipelines
export {
  DEFAULT_PRESET,
  loadBlockModules,
  loadPipelineFile,
  parsePipelineFile,
  pipeline,
  pipelineHash,
  presetPipeline,
  presetSettings,
  resolvePipeline,
  toSpec,
  type PipelineSpec,
  type ResolvedPipeline,
  type ResolvedStep,
  type StepSpec,
} from './pipeline/pipeline.ts';
export { runPipelineOnFile, type FileResult, type PipelineItem } from './pipeline/run.ts';
export { melspecFile, type MelspecFileOptions } from './pipeline/melspec-file.ts';
export { BIRDCALL_VERSION } from './version.ts';

// The pure functions the blocks wrap
export { decodeWav, parseWavHeader } from './audio/wav.ts';
export { decodeAudio } from './audio/decode.ts';
export { AUDIO_EXTENSIONS, detectAudioFormat, isAudioPath } from './audio/detect.ts';
export { encodeWav } from './audio/wav-encode.ts';
export { readAudioFile } from './audio/read.ts';
export { toMono } from './audio/mono.ts';
export { resample as resampleAudio, resampleParams } from './audio/resample.ts';
export { chunkAudio, chunkParams } from './audio/chunk.ts';
export { qualityGate, qualityParams, runQualityChecks } from './audio/quality.ts';
export { melSpectrogram, melSpectrogramParams, powerToDb, dbParams, pcen as pcenSpectrogram, pcenParams, stft, stftParams, presets, presetNames } from './dsp/index.ts';
export * as dsp from './dsp/index.ts';
export { normalizeSpectrogram, normalizeParams } from './dsp/normalize.ts';
export { encodePng, decodePng, pixelsToDb, pngParams } from './image/png.ts';
export { encodeNpy, decodeNpy } from './image/npy.ts';

// Whole collections: inputs, convert, output manifests
export { openInputs, readInputs } from './store/inputs.ts';
export { convert, convertExitCode, type ConvertOptions, type ConvertSummary } from './batch/convert.ts';
export { readOutputManifest, streamOutputManifest } from './store/manifest.ts';
export type { InputRow, OutputRow } from './store/manifest-types.ts';

// Detections and the tables people open (BirdCLEF grid, Raven Pro, Audacity)
export { GridAggregator, gridWindows, type ScoredSpan } from './detect/grid.ts';
export { detect, DetectionCollector, parseThresholds, type Detection, type DetectOptions } from './detect/detections.ts';
export { ravenTable, readRavenTable, type RavenSelection } from './detect/raven.ts';
export { audacityLabels, readAudacityLabels } from './detect/audacity.ts';

// Competition metrics and model selection (no TensorFlow.js here: training is `birdcall/train`)
export * as metrics from './metrics/index.ts';
export { selectModels, renderReport, writeSelection, summarize, type Candidate, type EvalSet, type Selection, type SelectOptions } from './select/index.ts';
