import type { MultiChannelAudio } from './types.ts';
import { type CompressedReadOptions } from './compressed.ts';
export type OggCodec = 'vorbis' | 'opus' | 'flac' | 'speex' | 'theora' | 'unknown';
/** What a walk over the Ogg pages found, before any audio is decoded. */
export interface OggScan {
    codec: OggCodec;
    /** From the Vorbis identification header (0 for other codecs). */
    channels: number;
    sampleRate: number;
    /** Complete pages found. */
    pages: number;
    /** Pages whose CRC32 does not match their bytes. */
    badCrcPages: number;
    /** Granule position of the last complete page of the first logical stream: its length in samples. */
    lastGranule: number;
    /** The first logical stream's end-of-stream page was found. */
    endOfStream: boolean;
    /** The file ends inside a page (cut short). */
    truncated: boolean;
    /** Bytes skipped between pages to find the next capture pattern (junk or damage). */
    junkBytes: number;
    /** Distinct logical streams (serial numbers): more than one means chained or multiplexed Ogg. */
    streams: number;
}
/** Walks every page of an Ogg file, checking CRCs; never reads past the bytes present. */
export declare function scanOgg(b: Uint8Array): OggScan;
/**
 * Decodes an Ogg Vorbis file. A truncated or damaged stream returns what decodes with a warning; a
 * stream with no decodable audio is OGG_CORRUPT, another codec inside Ogg is OGG_UNSUPPORTED_CODEC.
 */
export declare function decodeOggVorbis(bytes: Uint8Array, source: string, opts?: CompressedReadOptions): Promise<MultiChannelAudio>;
