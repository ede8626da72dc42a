import type { MultiChannelAudio } from './types.ts';
import { type CompressedReadOptions } from './compressed.ts';
/** The STREAMINFO block: what the encoder declared about the whole stream. */
export interface FlacStreamInfo {
    sampleRate: number;
    channels: number;
    bitsPerSample: number;
    /** Samples per channel; 0 when the encoder did not know (a stream piped in). */
    totalSamples: number;
    /** MD5 of the unencoded samples; all zero when the encoder did not compute it. */
    md5: Uint8Array;
    /** Byte offset of the `fLaC` marker (after an ID3v2 tag, when there is one). */
    offset: number;
}
/** Reads STREAMINFO, the mandatory first metadata block after `fLaC`. */
export declare function parseFlacStreamInfo(bytes: Uint8Array, source: string): FlacStreamInfo;
/**
 * Decodes a FLAC file (optionally behind an ID3v2 tag) to float samples scaled as libsndfile does.
 * Truncated streams return the samples before the cut with a warning; an MD5 mismatch is a warning
 * (the audio is damaged somewhere); no decodable frame at all is FLAC_CORRUPT.
 */
export declare function decodeFlac(bytes: Uint8Array, source: string, opts?: CompressedReadOptions): Promise<MultiChannelAudio>;
