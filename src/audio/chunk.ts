import { parseParams } from '../params.ts';
import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import type { Audio, Chunk } from './types.ts';

export const chunkParams = z.object({
  seconds: z.number().positive().default(5).describe('chunk length in seconds (every chunk has exactly this many samples)'),
  overlap: z
    .number()
    .min(0)
    .default(0)
    .describe('seconds shared by consecutive chunks; must be less than `seconds` (0 = back to back)'),
  last: z
    .enum(['pad', 'drop'])
    .default('pad')
    .describe("a last, partial chunk is zero-padded to full length ('pad') or discarded ('drop')"),
  minLastSeconds: z
    .number()
    .min(0)
    .optional()
    .describe("with last='pad': drop a partial chunk holding less than this many seconds of real audio (unset = keep any)"),
});
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
export function planChunks(totalSamples: number, sampleRate: number, params: ChunkParamsInput, source = 'audio'): ChunkPlan {
  const p = parseParams(chunkParams, params, 'chunk', { file: source });
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new BirdcallError('AUDIO_BAD_RATE', `cannot chunk audio with sample rate ${sampleRate} Hz`, source);
  }
  const length = Math.round(p.seconds * sampleRate);
  const hop = length - Math.round(p.overlap * sampleRate);
  if (length < 1) {
    throw new BirdcallError('PARAM_INVALID', `chunk: seconds=${p.seconds} is less than one sample at ${sampleRate} Hz`, source);
  }
  if (hop < 1) {
    throw new BirdcallError('PARAM_INVALID', `chunk: overlap (${p.overlap} s) must be less than seconds (${p.seconds} s)`, source);
  }
  if (p.minLastSeconds !== undefined && p.minLastSeconds > p.seconds) {
    throw new BirdcallError('PARAM_INVALID', `chunk: minLastSeconds (${p.minLastSeconds} s) exceeds seconds (${p.seconds} s)`, source);
  }

  const starts: number[] = [];
  // Full chunks: those whose window lies entirely inside the recording.
  let start = 0;
  for (; start + length <= totalSamples; start += hop) starts.push(start);
  if (p.last === 'drop' || totalSamples === 0) return { length, hop, starts };

  // A partial chunk is only worth emitting if it holds audio no previous chunk covered; with overlap,
  // a window starting after the last full one may lie wholly inside it.
  const coveredTo = starts.length === 0 ? 0 : starts[starts.length - 1] + length;
  if (coveredTo < totalSamples) {
    const real = totalSamples - start;
    const minLast = p.minLastSeconds === undefined ? 1 : Math.max(1, Math.round(p.minLastSeconds * sampleRate));
    if (real >= minLast) starts.push(start);
  }
  return { length, hop, starts };
}

/**
 * Cuts `audio` into fixed windows of `seconds`. Every chunk has exactly round(seconds * sampleRate) samples;
 * a partial last chunk is zero-padded ('pad') or dropped ('drop'). A recording shorter than one chunk gives
 * one padded chunk with 'pad' and none with 'drop'; an empty recording gives none.
 *
 * `startSeconds` is where the chunk starts in the source; `endSeconds` is where its REAL audio ends, so for
 * a padded chunk `endSeconds - startSeconds` is shorter than `seconds` (the quality check `tooShort` reads it).
 *
 * @param audio - mono audio with its sample rate (Hz).
 * @param params - `seconds` (chunk length, default 5), `overlap` (seconds shared by neighbours, 0), `last`
 *   ('pad' or 'drop'), `minLastSeconds` (with 'pad': drop a last chunk with less real audio). Units and
 *   defaults: [chunkParams](../parameters.md#chunkparams).
 * @returns the chunks, each an Audio with its `index`, `startSeconds` and `endSeconds`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { chunkAudio } from 'birdcall';
 *
 * const audio = { samples: new Float32Array(2.5 * 16000), sampleRate: 16000, source: 'x.wav' }; // 2.5 s
 * const chunks = chunkAudio(audio, { seconds: 1 });
 * assert.equal(chunks.length, 3); // the last one zero-padded
 * assert.equal(chunks[2].samples.length, 16000);
 * assert.deepEqual([chunks[2].startSeconds, chunks[2].endSeconds], [2, 2.5]);
 * ```
 */
export function chunkAudio(audio: Audio, params: ChunkParamsInput = {}): Chunk[] {
  const total = audio.samples.length;
  const { length, starts } = planChunks(total, audio.sampleRate, params, audio.source);
  return starts.map((start, index) => {
    const end = Math.min(start + length, total);
    // Copies, never subarray views: a view keeps the whole recording alive, and posting it to a worker
    // thread would clone the entire underlying buffer for every chunk.
    let samples: Float32Array;
    if (end - start === length) {
      samples = audio.samples.slice(start, end);
    } else {
      samples = new Float32Array(length);
      samples.set(audio.samples.subarray(start, end));
    }
    return {
      samples,
      sampleRate: audio.sampleRate,
      source: audio.source,
      index,
      startSeconds: start / audio.sampleRate,
      endSeconds: end / audio.sampleRate,
    };
  });
}
