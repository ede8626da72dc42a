import type { AnyBlock } from '../block.ts';
import { chunkBlock } from './chunk.ts';
import { dbBlock } from './db.ts';
import { decodeBlock } from './decode.ts';
import { imageBlock } from './image.ts';
import { melspecBlock } from './melspec.ts';
import { normalizeBlock } from './normalize.ts';
import { npyBlock } from './npy.ts';
import { pcenBlock } from './pcen.ts';
import { qualityBlock } from './quality.ts';
import { resampleBlock } from './resample.ts';
export { chunkBlock, dbBlock, decodeBlock, imageBlock, melspecBlock, normalizeBlock, npyBlock, pcenBlock, qualityBlock, resampleBlock };
/** Every built-in block, in the order a pipeline usually uses them (the order `birdcall blocks` lists). */
export declare const BUILTIN_BLOCKS: readonly AnyBlock[];
