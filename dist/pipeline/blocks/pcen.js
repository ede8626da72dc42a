import { pcen, pcenParams } from "../../dsp/pcen.js";
import { defineBlock } from "../block.js";
/** The smoothing time constant is converted to frames with the spectrogram's own rate and hop. */
export const pcenBlockParams = pcenParams.omit({ sr: true, hopLength: true });
export const pcenBlock = defineBlock({
    name: 'pcen',
    doc: 'Per-channel energy normalization, librosa.pcen defaults (an alternative to db for noisy field recordings).',
    input: 'spectrogram',
    output: 'spectrogram',
    params: pcenBlockParams,
    run: (spec, p) => pcen(spec, { ...p, sr: spec.sampleRate, hopLength: spec.hopLength }),
});
//# sourceMappingURL=pcen.js.map