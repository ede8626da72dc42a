import { melSpectrogram, melSpectrogramParams } from "../../dsp/mel.js";
import { defineBlock } from "../block.js";
/** The sample rate comes from the audio itself, so it is not a parameter a user could get wrong. */
export const melspecParams = melSpectrogramParams.omit({ sr: true });
export const melspecBlock = defineBlock({
    name: 'melspec',
    doc: 'Mel power spectrogram [nMels, frames] with librosa.feature.melspectrogram semantics (our radix-8 real FFT or fft.js/Bluestein, sparse Slaney/HTK filterbank).',
    input: 'audio',
    output: 'spectrogram',
    params: melspecParams,
    run: (audio, p, ctx) => melSpectrogram(audio.samples, { ...p, sr: audio.sampleRate }, { warn: ctx.warn, file: ctx.source }),
});
//# sourceMappingURL=melspec.js.map