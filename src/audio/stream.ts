/**
 * Audio read in pieces: the one interface the streaming runner (src/pipeline/run-stream.ts) reads every
 * format through. A stream gives the recording's length before its first sample (the chunk plan needs it)
 * and then mono blocks, in order, equal sample for sample to toMono(decodeAudio(whole file)).
 *
 * decode.ts opens them (openAudioStream). A compressed stream only streams what its whole-file decoder would decode cleanly on its fast path. When
 * it finds damage part-way (a CRC, a length other than declared, a decoder error), it throws StreamDeclined
 * and the caller reads the recording whole instead: the whole-file decoder's recovery and warnings then
 * decide the outcome, exactly as for a short file, at the cost of decoding that file twice. One exception:
 * a FLAC checked for its MD5 (`verifyMd5`) whose clean frames do not match it fails at its end with the
 * whole-file decoder's own error (FLAC_MD5_MISMATCH), without reading it again.
 */

export interface SampleStream {
  info: { sampleRate: number; numFrames: number; durationSeconds: number; encoding: string };
  /** Mono blocks in order; iterate once. Throws StreamDeclined when the file must be read whole instead. */
  blocks(): AsyncIterable<Float32Array>;
}

/** The file cannot be streamed after all: read it whole (its outcome is then the whole-file decoder's). */
export class StreamDeclined extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'StreamDeclined';
  }
}

/** Reads a file's next bytes into `into` (from where the last call stopped); resolves to how many, 0 at its end. */
export type ReadInto = (into: Uint8Array) => Promise<number>;
