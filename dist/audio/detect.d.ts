/** The formats `decodeAudio` reads. */
export type AudioFormat = 'wav' | 'flac' | 'ogg' | 'mp3';
/** What the first bytes of a file say it is. */
export interface FormatGuess {
    /** A format we decode, or undefined when the content is not one. */
    format?: AudioFormat;
    /** Human name of the content, for messages ("Ogg Opus", "AIFF", "MP4/M4A"), including unsupported ones. */
    name: string;
    /** The content matched a known signature (true also for formats we recognise but do not decode). */
    known: boolean;
    /** Bytes of ID3v2 tag in front of the audio (0 when there is none). */
    id3Bytes: number;
}
/** File extensions (lower case, with the dot) of the formats we decode, for folder inputs. */
export declare const AUDIO_EXTENSIONS: Readonly<Record<string, AudioFormat>>;
/** The format a path's extension names, or undefined (no extension, or one we do not read). */
export declare function formatFromExtension(path: string): AudioFormat | undefined;
/** True when a folder walk should pick the file up as audio (by extension, case-insensitive). */
export declare function isAudioPath(path: string): boolean;
/**
 * Size of an ID3v2 tag starting at `at` (header, body and optional footer), or 0 when there is none.
 * The size is "syncsafe": 4 bytes of 7 bits each, so a byte with its top bit set means it is not a tag.
 */
export declare function id3v2Size(b: Uint8Array, at?: number): number;
/** One MPEG audio frame header, as needed to walk frames and to know the channel count. */
export interface MpegFrameHeader {
    /** 1, 2 or 2.5 (MPEG-2.5 is the unofficial low-rate extension mpg123 decodes). */
    version: 1 | 2 | 2.5;
    layer: 1 | 2 | 3;
    /** kbit/s; 0 for "free format" (the frame length is then unknown). */
    bitrate: number;
    sampleRate: number;
    channels: 1 | 2;
    /** Bytes in the whole frame, header included (0 for free format). */
    frameBytes: number;
    /** PCM samples per channel the frame decodes to. */
    samplesPerFrame: number;
}
/**
 * Parses the 4-byte MPEG audio frame header at `at`, or returns undefined when the bytes are not one
 * (no 11-bit sync, or a reserved version, layer, bit rate or sample rate). ADTS AAC shares the sync word but
 * uses the reserved layer 0, so it is rejected here.
 */
export declare function parseMpegFrameHeader(b: Uint8Array, at: number): MpegFrameHeader | undefined;
/** What a file is, from its first bytes. */
export declare function detectAudioFormat(bytes: Uint8Array): FormatGuess;
