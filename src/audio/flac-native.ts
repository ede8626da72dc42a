import { createHash } from 'node:crypto';
import { align16 as align, reserveMemory as reserve, wasmApi, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/flac-wasm.ts';

/**
 * FLAC decoding with our own decoder (native/flac.c, written from RFC 9639 and compiled to wasm SIMD by
 * npm run build:wasm). It declines, and src/audio/flac.ts falls back to libFLAC (the
 * @wasm-audio-decoders/flac package), for any stream that is not perfectly clean: a CRC that fails, a
 * frame out of sequence or unlike STREAMINFO, trailing bytes, more than 24 bits, a decoded length other
 * than STREAMINFO declares, or (with `verifyMd5`) an MD5 other than STREAMINFO declares. Damaged files thus get libFLAC's recovery and warnings as before.
 *
 * One module instance per thread, its memory reused from file to file (it grows to the largest file
 * decoded, and a wasm memory never shrinks).
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  flac_begin(data: number, length: number, channels: number, bits: number, rate: number, maxBlock: number, work: number, out: number, md5: number, capacity: number): number;
  flac_read(): number;
}

let instance: Exports | undefined;

function exports(): Exports {
  instance ??= new wasmApi.Instance(new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64')), {}).exports as Exports;
  return instance;
}

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

/**
 * The channels of the frames in `frames` (the bytes after the metadata blocks) as float32 scaled by
 * 1/2^(bits-1), or undefined when the decoder declines the stream (see above).
 */
export function decodeFlacNative(frames: Uint8Array, info: FlacStreamShape): Float32Array[] | undefined {
  const { channels, bitsPerSample: bits, maxBlockSize: maxBlock } = info;
  if (bits > 24 || maxBlock < 1) return undefined;
  const ex = exports();
  const width = (bits + 7) >> 3;
  const dataAt = align(ex.__heap_base.value);
  const workAt = align(dataAt + frames.length + PADDING);
  const capacity = Math.max(CHUNK, maxBlock);
  const outAt = align(workAt + channels * (MARGIN + maxBlock) * 4);
  const md5At = align(outAt + channels * capacity * 4);
  reserve(ex.memory, md5At + (info.verifyMd5 ? capacity * channels * width : 0));
  const heap = new Uint8Array(ex.memory.buffer);
  heap.set(frames, dataAt);
  heap.fill(0, dataAt + frames.length, dataAt + frames.length + PADDING);
  if (ex.flac_begin(dataAt, frames.length, channels, bits, info.sampleRate, maxBlock, workAt, outAt, info.verifyMd5 ? md5At : 0, capacity) !== 0) return undefined;
  const floats = new Float32Array(ex.memory.buffer);
  const hash = info.verifyMd5 ? createHash('md5') : undefined;
  let out = Array.from({ length: channels }, () => new Float32Array(info.totalSamples > 0 ? info.totalSamples : 1 << 16));
  let done = 0;
  for (;;) {
    let got: number;
    try {
      got = ex.flac_read();
    } catch {
      return undefined; // a wasm trap on damaged input: the fallback decides
    }
    if (got < 0) return undefined;
    if (got === 0) break;
    if (info.totalSamples > 0 && done + got > info.totalSamples) return undefined;
    out = grow(out, done + got);
    for (let c = 0; c < channels; c++) {
      const plane = (outAt >> 2) + c * capacity;
      out[c].set(floats.subarray(plane, plane + got), done);
    }
    hash?.update(heap.subarray(md5At, md5At + got * channels * width));
    done += got;
  }
  if (done === 0 || (info.totalSamples > 0 && done !== info.totalSamples)) return undefined;
  if (hash && info.md5Hex !== '0'.repeat(32) && hash.digest('hex') !== info.md5Hex) return undefined;
  return out.map((p) => (p.length === done ? p : p.slice(0, done)));
}
