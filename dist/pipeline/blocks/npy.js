import { z } from 'zod';
import { encodeNpy } from "../../image/npy.js";
import { defineBlock } from "../block.js";
export const npyParams = z.object({
    dtype: z
        .enum(['float32', 'float64'])
        .default('float32')
        .describe("element type written ('<f4' or '<f8'); float64 keeps a float64 spectrogram exact"),
});
export const npyBlock = defineBlock({
    name: 'npy',
    doc: 'Write the spectrogram as a NumPy .npy file, shape [bins, frames], C order (numpy.load reads it). Passes the spectrogram on.',
    input: 'spectrogram',
    output: 'spectrogram',
    params: npyParams,
    run: (spec, p, ctx) => {
        const Type = p.dtype === 'float64' ? Float64Array : Float32Array;
        const values = spec.values instanceof Type ? spec.values : Type.from(spec.values);
        ctx.emit({ name: 'npy', ext: 'npy', bytes: encodeNpy(values, [spec.bins, spec.frames]) });
        return spec;
    },
});
//# sourceMappingURL=npy.js.map