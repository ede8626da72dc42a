import type { MultiChannelAudio } from './types.ts';
export type WavEncoding = 'pcm_uint8' | 'pcm_int' | 'ieee_float';
/** One RIFF chunk as found in the file. */
export interface WavChunkInfo {
    /** Four-character id, e.g. 'fmt ', 'data', 'LIST'. */
    id: string;
    /** Byte offset of the chunk header (its id) in the file. */
    offset: number;
    /** Body size the header declares, in bytes. */
    declaredSize: number;
    /** Body bytes actually present (declaredSize clamped to the end of the file). */
    size: number;
}
export interface WavInfo {
    source: string;
    /** Format tag as stored in `fmt ` (0x0001 PCM, 0x0003 float, 0xFFFE extensible). */
    formatTag: number;
    /** The tag that decides decoding: formatTag, or the extensible sub-format's tag (1 or 3). */
    effectiveFormatTag: number;
    encoding: WavEncoding;
    channels: number;
    /** Samples per second per channel, as declared (any positive integer; see the decision note). */
    sampleRate: number;
    /** Bits per sample as declared (the container is ceil(bits / 8) bytes). */
    bitsPerSample: number;
    /** Bytes per frame (all channels). */
    blockAlign: number;
    /** Byte offset of the first sample. */
    dataOffset: number;
    /** Bytes of sample data present (the declared size clamped to the end of the file). */
    dataBytes: number;
    /** Whole frames in dataBytes. */
    numFrames: number;
    durationSeconds: number;
    chunks: WavChunkInfo[];
    /** Non-fatal problems found in the header (also passed to onWarning). */
    warnings: string[];
}
export interface WavReadOptions {
    /** Called with each non-fatal problem (a reason without the file name). */
    onWarning?: (message: string) => void;
    /** Refuse files longer than this many seconds (WAV_TOO_LONG), checked before any sample is decoded. */
    maxSeconds?: number;
}
/** Reads and validates a WAV header from the whole file's bytes. Throws BirdcallError on bad input. */
export declare function parseWavHeader(bytes: Uint8Array, source: string, opts?: WavReadOptions): WavInfo;
/**
 * Decodes a whole WAV file held in memory. Integer PCM is scaled as libsndfile does (int16 / 32768,
 * int24 / 8388608, int32 / 2147483648, uint8 (x - 128) / 128); float samples are kept (NaN and ±Inf become 0,
 * with a warning). Truncated data decodes what is there, with a warning.
 */
export declare function decodeWav(bytes: Uint8Array, source: string, opts?: WavReadOptions): MultiChannelAudio;
export interface WavStreamOptions extends WavReadOptions {
    /** Frames per yielded block (the last block may be shorter). Default 65536. */
    blockFrames?: number;
}
export interface WavStream {
    info: WavInfo;
    /** Mono float32 blocks (channel mean), in order; each iteration re-reads the file from the start of data. */
    blocks(): AsyncIterable<Float32Array>;
}
/**
 * Opens a WAV file for reading in blocks, never whole: memory stays at a few blocks whatever the length.
 * The samples equal `toMono(decodeWav(wholeFile))`.
 */
export declare function openWavStream(path: string, opts?: WavStreamOptions): Promise<WavStream>;
