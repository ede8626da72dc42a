import type { MultiChannelAudio } from './types.ts';
import { type CompressedReadOptions } from './compressed.ts';
/** What a walk over the MPEG frame headers found, before any audio is decoded. */
export interface MpegScan {
    /** Frames whose header and length fit in the file. */
    frames: number;
    /** Byte offset of the first frame. */
    firstFrame: number;
    /** Sample rate of the first frame (0 when there is no frame). */
    sampleRate: number;
    /** 1 when every frame is mono, else 2. */
    channels: 1 | 2;
    /** PCM samples per channel the frames hold (the encoder delay and padding included). */
    samples: number;
    /** Bytes of the audio region that are not frames (damage, junk). */
    junkBytes: number;
    /** Bytes from the first frame to the end of the audio (tags excluded). */
    audioBytes: number;
    /** The last frame is cut short by the end of the file. */
    truncated: boolean;
    /** Distinct sample rates seen: more than one means damage or concatenated files. */
    sampleRates: number[];
    /** A free-format stream (no bit rate in the header), which cannot be walked: the counts are empty. */
    freeFormat: boolean;
}
/** Walks the MPEG frames of a file, skipping ID3v2/ID3v1/APE tags. */
export declare function scanMpeg(b: Uint8Array): MpegScan;
/**
 * Decodes an MP3 (or MP2/MP1) file. Damaged or truncated streams return what decodes with a warning; a
 * file with no frames, or more junk than frames, is MP3_CORRUPT.
 */
export declare function decodeMp3(bytes: Uint8Array, source: string, opts?: CompressedReadOptions): Promise<MultiChannelAudio>;
