import { createHash } from 'node:crypto';
import { align16 as align, moduleInstances, reserveMemory as reserve, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/flac-wasm.ts';
import type { ReadInto } from './stream.ts';

/**
 * FLAC decoding with our own decoder (native/flac.c, written from RFC 9639 and compiled to wasm SIMD by
 * npm run build:wasm). It declines, and src/audio/flac.ts falls back to libFLAC (the
 * @wasm-audio-decoders/flac package), for any stream that is not perfectly clean: a CRC that fails, a
 * frame out of sequence or unlike STREAMINFO, trailing bytes, more than 24 bits, a decoded length other
 * than STREAMINFO declares, or (with `verifyMd5`) an MD5 other than STREAMINFO declares. Damaged files thus get libFLAC's recovery and warnings as before.
 *
 * One module instance per thread, its memory reused from file to file (it grows to the largest file
 * decoded, and a wasm memory never shrinks); a stream read in windows (decodeFlacNativeWindows) has one of
 * its own, whose memory is a window of the file whatever its length.
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  flac_begin(data: number, length: number, channels: number, bits: number, rate: number, maxBlock: number, work: number, out: number, md5: number, capacity: number): number;
  flac_read(): number;
  flac_window(length: number, stop: number): void;
  flac_position(): number;
}

const newInstance = moduleInstances<Exports>(WASM_BASE64);
let shared: Exports | undefined;

/** What the decoder needs from STREAMINFO (src/audio/flac.ts parses it). */
export interface FlacStreamShape {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when unknown. */
  totalSamples: number;
  maxBlockSize: number;
  /** The MD5 STREAMINFO declares, hex; all zeros when the encoder did not compute it. */
  md5Hex: string;
  /**
   * Hash the decoded samples and decline on a mismatch with md5Hex. Off, the frames' CRC-8 and CRC-16 are
   * the checks (as libFLAC's and libsndfile's decoding by default); the MD5 costs a quarter of the time.
   */
  verifyMd5: boolean;
}

/** Zero bytes after the data: the bit reader loads 8 bytes at a time, up to 8 past the end (flac.c). */
const PADDING = 16;
/** int32 slots before each work plane (MARGIN in flac.c). */
const MARGIN = 4;
/** Samples per channel per flac_read call (at least one block): the output planes' length in the module. */
const CHUNK = 1 << 16;

/** Output planes that double in length when a stream of unknown length outgrows them. */
function grow(planes: Float32Array<ArrayBuffer>[], needed: number): Float32Array<ArrayBuffer>[] {
  if (needed <= planes[0].length) return planes;
  return planes.map((p) => {
    const q = new Float32Array(Math.max(needed, 2 * p.length));
    q.set(p);
    return q;
  });
}

/** Where a decode lays out the stream's bytes and the decoder's buffers in a module's memory. */
interface Layout {
  ex: Exports;
  dataAt: number;
  workAt: number;
  outAt: number;
  md5At: number;
  capacity: number;
  /** Bytes of MD5 input per sample per channel (0 when the MD5 is not checked). */
  width: number;
}

/** The layout for `dataBytes` bytes of frames (the whole stream, or a window of it), memory reserved. */
function layout(ex: Exports, dataBytes: number, info: FlacStreamShape): Layout {
  const { channels, maxBlockSize: maxBlock } = info;
  const width = info.verifyMd5 ? (info.bitsPerSample + 7) >> 3 : 0;
  const dataAt = align(ex.__heap_base.value);
  const workAt = align(dataAt + dataBytes + PADDING);
  const capacity = Math.max(CHUNK, maxBlock);
  const outAt = align(workAt + channels * (MARGIN + maxBlock) * 4);
  const md5At = align(outAt + channels * capacity * 4);
  reserve(ex.memory, md5At + capacity * channels * width);
  return { ex, dataAt, workAt, outAt, md5At, capacity, width };
}

/** flac_begin on the `length` bytes of frames at dataAt (the zero padding after them written here); false when it declines. */
function begin(l: Layout, length: number, info: FlacStreamShape): boolean {
  new Uint8Array(l.ex.memory.buffer).fill(0, l.dataAt + length, l.dataAt + length + PADDING);
  const md5 = info.verifyMd5 ? l.md5At : 0;
  return l.ex.flac_begin(l.dataAt, length, info.channels, info.bitsPerSample, info.sampleRate, info.maxBlockSize, l.workAt, l.outAt, md5, l.capacity) === 0;
}

/** The next flac_read: its samples per channel as views of the output planes (valid until the next call) and its MD5 bytes; undefined on an error or a trap. */
function readChunk(l: Layout, channels: number): { planes: Float32Array[]; md5: Uint8Array } | undefined {
  let got: number;
  try {
    got = l.ex.flac_read();
  } catch {
    return undefined; // a wasm trap on damaged input: the fallback decides
  }
  if (got < 0) return undefined;
  const floats = new Float32Array(l.ex.memory.buffer);
  const planes = Array.from({ length: channels }, (_, c) => floats.subarray((l.outAt >> 2) + c * l.capacity, (l.outAt >> 2) + c * l.capacity + got));
  return { planes, md5: new Uint8Array(l.ex.memory.buffer, l.md5At, got * channels * l.width) };
}

const NO_MD5 = '0'.repeat(32);

/**
 * The channels of the frames in `frames` (the bytes after the metadata blocks) as float32 scaled by
 * 1/2^(bits-1), or undefined when the decoder declines the stream (see above).
 */
export function decodeFlacNative(frames: Uint8Array, info: FlacStreamShape): Float32Array[] | undefined {
  const { channels, bitsPerSample: bits, maxBlockSize: maxBlock } = info;
  if (bits > 24 || maxBlock < 1) return undefined;
  shared ??= newInstance();
  const l = layout(shared, frames.length, info);
  new Uint8Array(l.ex.memory.buffer).set(frames, l.dataAt);
  if (!begin(l, frames.length, info)) return undefined;
  const hash = info.verifyMd5 ? createHash('md5') : undefined;
  let out = Array.from({ length: channels }, () => new Float32Array(info.totalSamples > 0 ? info.totalSamples : 1 << 16));
  let done = 0;
  for (;;) {
    const chunk = readChunk(l, channels);
    if (!chunk) return undefined;
    const got = chunk.planes[0].length;
    if (got === 0) break;
    if (info.totalSamples > 0 && done + got > info.totalSamples) return undefined;
    out = grow(out, done + got);
    for (let c = 0; c < channels; c++) out[c].set(chunk.planes[c], done);
    hash?.update(chunk.md5);
    done += got;
  }
  if (done === 0 || (info.totalSamples > 0 && done !== info.totalSamples)) return undefined;
  if (hash && info.md5Hex !== NO_MD5 && hash.digest('hex') !== info.md5Hex) return undefined;
  return out.map((p) => (p.length === done ? p : p.slice(0, done)));
}

/** Our decoder declines a stream read in windows: the caller reads the file whole (libFLAC then decides). */
export class FlacDeclined extends Error {}

/**
 * A stream read in windows, every frame clean and as long as STREAMINFO says, whose audio does not match
 * STREAMINFO's MD5 (with `verifyMd5`). Not a decline: read whole, libFLAC would decode the same samples
 * and refuse them the same way, at the cost of holding the whole recording, which streaming avoids.
 */
export class FlacMd5Mismatch extends Error {}

/** What a stream read in windows needs beside FlacStreamShape: STREAMINFO's largest frame (0 when unknown). */
export type FlacWindowShape = FlacStreamShape & { maxFrameSize: number };

/** Bytes of frames in a window (the module's memory holds one, whatever the file's length). */
const WINDOW_BYTES = 4 << 20;

/**
 * decodeFlacNative's planes for a stream of known length (totalSamples > 0), read `read` a window at a time:
 * frames start only while a whole frame of the stream's largest size (STREAMINFO's, else an uncompressed
 * frame's) still lies in the window; then the unread bytes move to its start and the file's next bytes
 * follow. The same frames go through the same code, so the planes are decodeFlacNative's bit for bit.
 * Yields views of the module's output planes (valid until the next chunk); throws FlacDeclined wherever
 * decodeFlacNative would return undefined, but FlacMd5Mismatch for a wrong MD5 (checked with `verifyMd5`). `windowBytes` (at least four of the largest frames) is for tests.
 */
export async function* decodeFlacNativeWindows(read: ReadInto, info: FlacWindowShape, windowBytes = WINDOW_BYTES): AsyncGenerator<Float32Array[], void, undefined> {
  const { channels, bitsPerSample: bits, maxBlockSize: maxBlock, totalSamples } = info;
  if (bits > 24 || maxBlock < 1 || totalSamples <= 0) throw new FlacDeclined('not a stream our decoder reads in windows');
  // An uncompressed frame (side channels have a bit more) plus its headers: no valid frame is longer in practice.
  const guard = (info.maxFrameSize > 0 ? info.maxFrameSize : Math.ceil((maxBlock * channels * (bits + 1)) / 8) + 16 * channels) + 64;
  const window = Math.max(windowBytes, 4 * guard);
  const l = layout(newInstance(), window, info);
  const hash = info.verifyMd5 ? createHash('md5') : undefined;
  let length = 0;
  let end = false;
  const fill = async (): Promise<void> => {
    while (!end && length < window) {
      const n = await read(new Uint8Array(l.ex.memory.buffer, l.dataAt + length, window - length));
      if (n === 0) end = true;
      length += n;
    }
    new Uint8Array(l.ex.memory.buffer).fill(0, l.dataAt + length, l.dataAt + length + PADDING);
    l.ex.flac_window(length, end ? length : Math.max(0, length - guard));
  };
  await fill();
  if (!begin(l, length, info)) throw new FlacDeclined('our decoder does not take the stream');
  l.ex.flac_window(length, end ? length : Math.max(0, length - guard));
  let done = 0;
  for (;;) {
    const chunk = readChunk(l, channels);
    if (!chunk) throw new FlacDeclined(`a frame after sample ${done} does not decode cleanly (CRC, sequence, STREAMINFO)`);
    const got = chunk.planes[0].length;
    if (done + got > totalSamples) throw new FlacDeclined(`more samples than the ${totalSamples} STREAMINFO declares`);
    if (got > 0) {
      hash?.update(chunk.md5);
      done += got;
      yield chunk.planes;
    } else if (end) {
      break;
    } else {
      const pos = l.ex.flac_position();
      new Uint8Array(l.ex.memory.buffer).copyWithin(l.dataAt, l.dataAt + pos, l.dataAt + length);
      length -= pos;
      await fill();
    }
  }
  if (done !== totalSamples) throw new FlacDeclined(`decoded ${done} of the ${totalSamples} samples STREAMINFO declares`);
  if (hash && info.md5Hex !== NO_MD5 && hash.digest('hex') !== info.md5Hex) throw new FlacMd5Mismatch('the decoded audio does not match the MD5 the encoder stored');
}
