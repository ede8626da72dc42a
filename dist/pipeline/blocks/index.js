import { chunkBlock } from "./chunk.js";
import { dbBlock } from "./db.js";
import { decodeBlock } from "./decode.js";
import { imageBlock } from "./image.js";
import { melspecBlock } from "./melspec.js";
import { normalizeBlock } from "./normalize.js";
import { npyBlock } from "./npy.js";
import { pcenBlock } from "./pcen.js";
import { qualityBlock } from "./quality.js";
import { resampleBlock } from "./resample.js";
export { chunkBlock, dbBlock, decodeBlock, imageBlock, melspecBlock, normalizeBlock, npyBlock, pcenBlock, qualityBlock, resampleBlock };
/** Every built-in block, in the order a pipeline usually uses them (the order `birdcall blocks` lists). */
export const BUILTIN_BLOCKS = [
    decodeBlock,
    resampleBlock,
    chunkBlock,
    qualityBlock,
    melspecBlock,
    dbBlock,
    pcenBlock,
    normalizeBlock,
    imageBlock,
    npyBlock,
];
//# sourceMappingURL=index.js.map