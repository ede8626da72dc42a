import { qualityGate, qualityParams } from "../../audio/quality.js";
import { defineBlock } from "../block.js";
export const qualityBlock = defineBlock({
    name: 'quality',
    doc: 'Quality checks on each chunk (near-silent, clipping, too short, NaN/Inf): warn, drop the chunk, or fail the file.',
    input: 'audio',
    output: 'audio',
    params: qualityParams,
    run: (audio, p, ctx) => {
        const { keep, failures } = qualityGate(audio, p);
        for (const f of failures)
            ctx.warn(keep ? f : `dropped ${f}`);
        return keep ? audio : [];
    },
});
//# sourceMappingURL=quality.js.map