import { z } from 'zod';
import type { Audio, Chunk } from './types.ts';
export declare const chunkParams: z.ZodObject<{
    seconds: z.ZodDefault<z.ZodNumber>;
    overlap: z.ZodDefault<z.ZodNumber>;
    last: z.ZodDefault<z.ZodEnum<{
        pad: "pad";
        drop: "drop";
    }>>;
    minLastSeconds: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>;
export type ChunkParams = z.output<typeof chunkParams>;
export type ChunkParamsInput = z.input<typeof chunkParams>;
/**
 * Integer sample geometry of a chunking: every offset is `index * hop` in whole samples, so a chunk's
 * position never drifts however long the file (adding 5.0 s in float a million times would).
 */
export interface ChunkPlan {
    /** Samples per chunk. */
    length: number;
    /** Samples between chunk starts. */
    hop: number;
    /** Start sample of each chunk that will be emitted. */
    starts: number[];
}
/** Where the chunks of `totalSamples` samples at `sampleRate` start; exposed for the runner's progress estimate. */
export declare function planChunks(totalSamples: number, sampleRate: number, params: ChunkParamsInput, source?: string): ChunkPlan;
/**
 * Cuts `audio` into fixed windows of `seconds`. Every chunk has exactly round(seconds * sampleRate) samples;
 * a partial last chunk is zero-padded ('pad') or dropped ('drop'). A recording shorter than one chunk gives
 * one padded chunk with 'pad' and none with 'drop'; an empty recording gives none.
 *
 * `startSeconds` is where the chunk starts in the source; `endSeconds` is where its REAL audio ends, so for
 * a padded chunk `endSeconds - startSeconds` is shorter than `seconds` (the quality check `tooShort` reads it).
 */
export declare function chunkAudio(audio: Audio, params?: ChunkParamsInput): Chunk[];
