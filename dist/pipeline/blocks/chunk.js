import { chunkAudio, chunkParams } from "../../audio/chunk.js";
import { defineBlock } from "../block.js";
export const chunkBlock = defineBlock({
    name: 'chunk',
    doc: 'Cut audio into fixed windows (default 5 s); each chunk knows its offset. Fans out: one item per chunk.',
    input: 'audio',
    output: 'audio',
    params: chunkParams,
    run: (audio, p) => chunkAudio(audio, p),
});
//# sourceMappingURL=chunk.js.map