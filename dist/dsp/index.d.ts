/**
 * The spectral core: librosa-exact STFT, mel filterbank, mel spectrogram, dB and PCEN on fft.js, plus a
 * streaming mel spectrogram for long recordings. Pure functions over typed arrays; the pipeline blocks
 * and the CLI wrap them and reuse their zod parameter schemas.
 */
export type { Spectrogram } from './types.ts';
export { getWindow, windowName, windowNames, type WindowName } from './window.ts';
export { RealFft, realFft } from './fft.ts';
export { stft, stftParams, stftConfig, resolveStft, frameLayout, FrameEngine, type FrameLayout, type Samples, type SpectralOptions, type StftConfig, type StftParamsInput, } from './stft.ts';
export { melFilterbank, melFilterbankDense, melFilterbankParams, melFrequencies, melFramesInto, melFromSpectrogram, melParams, melSpectrogram, melSpectrogramConfig, melSpectrogramParams, melWarnings, applyMelFrame, hzToMel, melToHz, type MelFilterbank, type MelFilterbankParamsInput, type MelParamsInput, type MelSpectrogramConfig, type MelSpectrogramParamsInput, } from './mel.ts';
export { amplitudeDbParams, amplitudeToDb, dbParams, powerToDb, powerToDbValues, type AmplitudeDbParamsInput, type DbParamsInput, } from './db.ts';
export { pcen, pcenParams, pcenSmoothingCoefficient, type PcenParamsInput } from './pcen.ts';
export { presets, presetNames, type Preset, type PresetName } from './presets.ts';
export { MelStream } from './stream.ts';
export { parseParams } from '../params.ts';
