import { resample, resampleParams } from "../../audio/resample.js";
import { defineBlock } from "../block.js";
export const resampleBlock = defineBlock({
    name: 'resample',
    doc: 'Band-limited resampling to a target rate (default 32000 Hz, the BirdCLEF convention); a no-op at that rate already.',
    input: 'audio',
    output: 'audio',
    params: resampleParams,
    run: (audio, p) => resample(audio, p.sampleRate, { quality: p.quality }),
});
//# sourceMappingURL=resample.js.map