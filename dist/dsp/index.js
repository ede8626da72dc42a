export { getWindow, windowName, windowNames } from "./window.js";
export { RealFft, realFft } from "./fft.js";
export { stft, stftParams, stftConfig, resolveStft, frameLayout, FrameEngine, } from "./stft.js";
export { melFilterbank, melFilterbankDense, melFilterbankParams, melFrequencies, melFramesInto, melFromSpectrogram, melParams, melSpectrogram, melSpectrogramConfig, melSpectrogramParams, melWarnings, applyMelFrame, hzToMel, melToHz, } from "./mel.js";
export { amplitudeDbParams, amplitudeToDb, dbParams, powerToDb, powerToDbValues, } from "./db.js";
export { pcen, pcenParams, pcenSmoothingCoefficient } from "./pcen.js";
export { presets, presetNames } from "./presets.js";
export { MelStream } from "./stream.js";
export { parseParams } from "../params.js";
//# sourceMappingURL=index.js.map