/**
 * What the FLAC, Ogg Vorbis and MP3 readers share: their options, the duration limit, and the handling of
 * the WebAssembly decoders (@wasm-audio-decoders/flac, @wasm-audio-decoders/ogg-vorbis, mpg123-decoder).
 *
 * Those decoders are lenient: a truncated or corrupt stream usually decodes to fewer samples with an empty
 * `errors` array. So each reader also walks its container itself (FLAC STREAMINFO and MD5, Ogg pages and
 * their CRCs, MPEG frame headers) and turns what it finds into warnings, or into a BirdcallError when no
 * audio can be trusted.
 */
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';

export interface CompressedReadOptions {
  /** Called with each non-fatal problem (a reason without the file name). */
  onWarning?: (message: string) => void;
  /**
   * Refuse files longer than this many seconds (`<FORMAT>_TOO_LONG`), checked from the container before
   * any sample is decoded when the container says how long it is, and after decoding otherwise.
   */
  maxSeconds?: number;
  /**
   * FLAC only: also check the decoded samples against the MD5 in STREAMINFO; a mismatch fails the file
   * (FLAC_MD5_MISMATCH), a STREAMINFO without an MD5 (all zeros) is not checked. Off by default, as in
   * libFLAC and libsndfile: every frame's CRC-8 and CRC-16 are always checked, and a frame that fails them
   * is decoded by libFLAC with a warning; the MD5 adds a quarter to the decode time.
   */
  verifyMd5?: boolean;
}

/** The error-code prefix of each compressed format, as WAV errors start with 'WAV_'. */
export type CompressedPrefix = 'FLAC' | 'OGG' | 'MP3';

/** The parts of a wasm decoder's result we use (all three packages return this shape). */
export interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

/** The lifecycle the three decoder classes share. */
export interface WasmDecoder {
  ready: Promise<void>;
  free(): void;
}

/** Throws `<PREFIX>_TOO_LONG` when `seconds` is over the caller's limit. */
export function checkDuration(prefix: CompressedPrefix, seconds: number, opts: CompressedReadOptions, source: string): void {
  if (opts.maxSeconds !== undefined && seconds > opts.maxSeconds) {
    throw new BirdcallError(
      `${prefix}_TOO_LONG`,
      `recording is ${seconds.toFixed(1)} s long, over the limit of ${opts.maxSeconds} s`,
      source,
    );
  }
}

/**
 * Where decoders come from. `release` takes back a decoder whose decode succeeded; `discard` one that
 * failed (its state is unknown, so it is freed, never reused).
 */
export interface DecoderSource<D extends WasmDecoder> {
  acquire(): Promise<D>;
  release(decoder: D): void;
  discard(decoder: D): void;
}

function freeQuietly(decoder: WasmDecoder): void {
  try {
    decoder.free();
  } catch {
    // A decoder that failed half-way may have nothing left to free; the file's error is what matters.
  }
}

/** A new decoder per file, freed after it: for decoders whose reset costs as much as a new instance (MP3). */
export function freshDecoders<D extends WasmDecoder>(create: () => D): DecoderSource<D> {
  return {
    acquire: async () => {
      const d = create();
      await d.ready;
      return d;
    },
    release: freeQuietly,
    discard: freeQuietly,
  };
}

/**
 * Keeps up to `maxIdle` decoders between files. Only for the FLAC and Ogg packages, whose `decodeFile`
 * resets the instance to a fresh one after each successful file: reusing it then saves one wasm
 * instantiation per file, measured at 5-10 ms of CPU (a third of the decode time of a 6 s clip; see
 * bench/decode-compressed.ts). Concurrent decodes each get their own instance (one is created when none
 * is idle), so a decoder is never shared between two files in flight.
 */
export function pooledDecoders<D extends WasmDecoder>(create: () => D, maxIdle = 2): DecoderSource<D> {
  const idle: D[] = [];
  return {
    acquire: async () => {
      const d = idle.pop() ?? create();
      await d.ready;
      return d;
    },
    release: (d) => {
      if (idle.length < maxIdle) idle.push(d);
      else freeQuietly(d);
    },
    discard: freeQuietly,
  };
}

/**
 * Runs one decode and hands the decoder back (or frees it on failure). `decode` is called with
 * console.error silenced: the FLAC and MP3 packages print every stream error to the console, which would
 * flood a batch run's output; the same errors come back in the result's `errors` array, which the caller
 * reports through warnings instead. Silencing is safe because the wasm work runs synchronously inside the
 * call (before the package's first `await`), so no other code can log in that window.
 */
export async function withDecoder<D extends WasmDecoder, R extends WasmDecoded>(
  decoders: DecoderSource<D>,
  decode: (decoder: D) => R | Promise<R>,
  prefix: CompressedPrefix,
  source: string,
): Promise<R> {
  let decoder: D | undefined;
  try {
    decoder = await decoders.acquire();
    const d = decoder;
    const result = await quietly(() => decode(d));
    decoders.release(decoder);
    return result;
  } catch (err) {
    if (decoder) decoders.discard(decoder);
    if (err instanceof BirdcallError) throw err;
    throw new BirdcallError(`${prefix}_CORRUPT`, `the decoder failed: ${(err as Error).message}`, source);
  }
}

/** Calls `fn` with console.error silenced for its synchronous part (see withDecoder). */
export function quietly<T>(fn: () => T): T {
  const original = console.error;
  console.error = () => undefined;
  try {
    return fn();
  } finally {
    console.error = original;
  }
}

/** Turns the decoder's per-frame errors into one warning (they come in bursts of the same message). */
export function reportDecoderErrors(decoded: WasmDecoded, what: string, opts: CompressedReadOptions): void {
  if (decoded.errors.length === 0) return;
  const first = decoded.errors[0].message.trim();
  opts.onWarning?.(`${decoded.errors.length} ${what} failed to decode (first: ${first}); the audio there is missing or damaged`);
}

/** Throws `<PREFIX>_CORRUPT` when the decoder produced no samples at all. */
export function requireSamples(decoded: WasmDecoded, prefix: CompressedPrefix, source: string, why: string): void {
  if (decoded.samplesDecoded > 0 && decoded.channelData.length > 0) return;
  const detail = decoded.errors.length > 0 ? ` (decoder: ${decoded.errors[0].message.trim()})` : '';
  throw new BirdcallError(`${prefix}_CORRUPT`, `no audio could be decoded: ${why}${detail}`, source);
}

/** The decoded channels as MultiChannelAudio, each trimmed to the decoded length. */
export function toAudio(channels: Float32Array[], frames: number, sampleRate: number, source: string): MultiChannelAudio {
  return { channels: channels.map((c) => (c.length === frames ? c : c.subarray(0, frames))), sampleRate, source };
}

/** Seconds, for messages: "2.70 s". */
export function secondsText(frames: number, sampleRate: number): string {
  return `${(frames / sampleRate).toFixed(2)} s`;
}
