import { normalizeParams, normalizeSpectrogram } from "../../dsp/normalize.js";
import { defineBlock } from "../block.js";
export const normalizeBlock = defineBlock({
    name: 'normalize',
    doc: 'Scale each spectrogram on its own statistics: min-max to [0, 1] or standardize to mean 0, std 1.',
    input: 'spectrogram',
    output: 'spectrogram',
    params: normalizeParams,
    run: (spec, p) => normalizeSpectrogram(spec, p),
});
//# sourceMappingURL=normalize.js.map