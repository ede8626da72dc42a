import { encodePng, pngMetaColumns, pngParams } from "../../image/png.js";
import { defineBlock } from "../block.js";
export const imageBlock = defineBlock({
    name: 'image',
    doc: 'Write the spectrogram as a PNG (8/16-bit gray or viridis/magma, low frequencies at the bottom; dB mapping in metadata). Passes the spectrogram on.',
    input: 'spectrogram',
    output: 'spectrogram',
    params: pngParams,
    run: async (spec, p, ctx) => {
        const { bytes, meta } = await encodePng(spec, p, ctx.source);
        ctx.emit({ name: 'png', ext: 'png', bytes, meta: pngMetaColumns(meta) });
        return spec;
    },
});
//# sourceMappingURL=image.js.map