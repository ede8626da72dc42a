import type { MultiChannelAudio } from './types.ts';
export interface CompressedReadOptions {
    /** Called with each non-fatal problem (a reason without the file name). */
    onWarning?: (message: string) => void;
    /**
     * Refuse files longer than this many seconds (`<FORMAT>_TOO_LONG`), checked from the container before
     * any sample is decoded when the container says how long it is, and after decoding otherwise.
     */
    maxSeconds?: number;
}
/** The error-code prefix of each compressed format, as WAV errors start with 'WAV_'. */
export type CompressedPrefix = 'FLAC' | 'OGG' | 'MP3';
/** The parts of a wasm decoder's result we use (all three packages return this shape). */
export interface WasmDecoded {
    channelData: Float32Array[];
    samplesDecoded: number;
    sampleRate: number;
    errors: {
        message: string;
    }[];
}
/** The lifecycle the three decoder classes share. */
export interface WasmDecoder {
    ready: Promise<void>;
    free(): void;
}
/** Throws `<PREFIX>_TOO_LONG` when `seconds` is over the caller's limit. */
export declare function checkDuration(prefix: CompressedPrefix, seconds: number, opts: CompressedReadOptions, source: string): void;
/**
 * Where decoders come from. `release` takes back a decoder whose decode succeeded; `discard` one that
 * failed (its state is unknown, so it is freed, never reused).
 */
export interface DecoderSource<D extends WasmDecoder> {
    acquire(): Promise<D>;
    release(decoder: D): void;
    discard(decoder: D): void;
}
/** A new decoder per file, freed after it: for decoders whose reset costs as much as a new instance (MP3). */
export declare function freshDecoders<D extends WasmDecoder>(create: () => D): DecoderSource<D>;
/**
 * Keeps up to `maxIdle` decoders between files. Only for the FLAC and Ogg packages, whose `decodeFile`
 * resets the instance to a fresh one after each successful file: reusing it then saves one wasm
 * instantiation per file, measured at 5-10 ms of CPU (a third of the decode time of a 6 s clip; see
 * bench/decode-compressed.ts). Concurrent decodes each get their own instance (one is created when none
 * is idle), so a decoder is never shared between two files in flight.
 */
export declare function pooledDecoders<D extends WasmDecoder>(create: () => D, maxIdle?: number): DecoderSource<D>;
/**
 * Runs one decode and hands the decoder back (or frees it on failure). `decode` is called with
 * console.error silenced: the FLAC and MP3 packages print every stream error to the console, which would
 * flood a batch run's output; the same errors come back in the result's `errors` array, which the caller
 * reports through warnings instead. Silencing is safe because the wasm work runs synchronously inside the
 * call (before the package's first `await`), so no other code can log in that window.
 */
export declare function withDecoder<D extends WasmDecoder, R extends WasmDecoded>(decoders: DecoderSource<D>, decode: (decoder: D) => R | Promise<R>, prefix: CompressedPrefix, source: string): Promise<R>;
/** Turns the decoder's per-frame errors into one warning (they come in bursts of the same message). */
export declare function reportDecoderErrors(decoded: WasmDecoded, what: string, opts: CompressedReadOptions): void;
/** Throws `<PREFIX>_CORRUPT` when the decoder produced no samples at all. */
export declare function requireSamples(decoded: WasmDecoded, prefix: CompressedPrefix, source: string, why: string): void;
/** The decoded channels as MultiChannelAudio, each trimmed to the decoded length. */
export declare function toAudio(channels: Float32Array[], frames: number, sampleRate: number, source: string): MultiChannelAudio;
/** Seconds, for messages: "2.70 s". */
export declare function secondsText(frames: number, sampleRate: number): string;
