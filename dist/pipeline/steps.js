import { stepOf } from "./block.js";
import { chunkBlock, dbBlock, decodeBlock, imageBlock, melspecBlock, normalizeBlock, npyBlock, pcenBlock, qualityBlock, resampleBlock, } from "./blocks/index.js";
/*
 * Step factories for composing pipelines in TypeScript, one per built-in block:
 *   pipeline(decode(), resample({ sampleRate: 32000 }), chunk({ seconds: 5 }), melspec({ nMels: 128 }), db(), image())
 * Each takes the block's params (typed from its schema, every field optional where it has a default).
 */
export const decode = stepOf(decodeBlock);
export const resample = stepOf(resampleBlock);
export const chunk = stepOf(chunkBlock);
export const quality = stepOf(qualityBlock);
export const melspec = stepOf(melspecBlock);
export const db = stepOf(dbBlock);
export const pcen = stepOf(pcenBlock);
export const normalize = stepOf(normalizeBlock);
export const image = stepOf(imageBlock);
export const npy = stepOf(npyBlock);
//# sourceMappingURL=steps.js.map