import { align16 as align, moduleInstances, reserveMemory as reserve, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/vorbis-wasm.ts';

/**
 * Ogg Vorbis decoding with stb_vorbis compiled to wasm SIMD by our own toolchain (native/vorbis.c, built
 * by npm run build:wasm): 3x the speed of libvorbis from @wasm-audio-decoders/ogg-vorbis on the shared
 * clips, within float rounding of its samples (docs/decisions/compressed-decoders.md). It serves clean
 * streams only; src/audio/ogg.ts keeps the libvorbis package for everything else and for any stream
 * stb_vorbis stops on or decodes to another length.
 *
 * One module instance per thread, its memory reused from file to file (it grows to the largest file
 * decoded, and a wasm memory never shrinks).
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  vorbis_open(data: number, length: number, alloc: number, allocLength: number, error: number): number;
  vorbis_channels(v: number): number;
  vorbis_rate(v: number): number;
  vorbis_error(v: number): number;
  vorbis_read(v: number, channels: number, outs: number, frames: number): number;
  vorbis_open_push(data: number, length: number, alloc: number, allocLength: number, out: number): number;
  vorbis_push(v: number, data: number, length: number, out: number): number;
}

let instance: Exports | undefined;

const newInstance = moduleInstances<Exports>(WASM_BASE64, { env: { cos: Math.cos, sin: Math.sin, exp: Math.exp, log: Math.log, pow: Math.pow } });

function exports(): Exports {
  instance ??= newInstance();
  return instance;
}

/** Frames decoded per call, per channel. */
const CHUNK = 1 << 15;
/** stb_vorbis's error for an allocation buffer that is too small. */
const OUT_OF_MEMORY = 3;
const MAX_ALLOC = 64 << 20;

export interface StbVorbisAudio {
  channelData: Float32Array[];
  sampleRate: number;
}


/**
 * The whole stream, when stb_vorbis decodes it without an error to exactly `expectedFrames` frames (the
 * length the last page's granule position declares); undefined otherwise, and the caller decodes with
 * libvorbis instead.
 */
export function decodeVorbisStb(bytes: Uint8Array, expectedFrames: number): StbVorbisAudio | undefined {
  const ex = exports();
  const dataAt = align(ex.__heap_base.value);
  const allocAt = align(dataAt + bytes.length);
  for (let alloc = 512 << 10; alloc <= MAX_ALLOC; alloc *= 2) {
    const errorAt = allocAt + alloc;
    reserve(ex.memory, errorAt + 16);
    new Uint8Array(ex.memory.buffer, dataAt, bytes.length).set(bytes);
    const v = ex.vorbis_open(dataAt, bytes.length, allocAt, alloc, errorAt);
    if (v !== 0) return readAll(ex, v, errorAt + 16, expectedFrames);
    if (new Int32Array(ex.memory.buffer, errorAt, 1)[0] !== OUT_OF_MEMORY) return undefined;
  }
  return undefined;
}

function readAll(ex: Exports, v: number, at: number, expectedFrames: number): StbVorbisAudio | undefined {
  const channels = ex.vorbis_channels(v);
  const ptrsAt = at;
  const planesAt = align(ptrsAt + 4 * channels);
  reserve(ex.memory, planesAt + channels * CHUNK * 4);
  const ptrs = new Int32Array(ex.memory.buffer, ptrsAt, channels);
  for (let c = 0; c < channels; c++) ptrs[c] = planesAt + c * CHUNK * 4;
  const out = Array.from({ length: channels }, () => new Float32Array(expectedFrames));
  const heap = new Float32Array(ex.memory.buffer);
  let frames = 0;
  for (;;) {
    const n = ex.vorbis_read(v, channels, ptrsAt, CHUNK);
    if (n <= 0) break;
    if (frames + n > expectedFrames) return undefined;
    for (let c = 0; c < channels; c++) out[c].set(heap.subarray(planesAt / 4 + c * CHUNK, planesAt / 4 + c * CHUNK + n), frames);
    frames += n;
  }
  if (frames !== expectedFrames || ex.vorbis_error(v) !== 0) return undefined;
  return { channelData: out, sampleRate: ex.vorbis_rate(v) };
}

/** stb_vorbis's error when the headers are not all in the bytes given yet. */
const NEED_MORE_DATA = 1;
/** Frames gathered before a block is handed on (about 2 s at 32 kHz): few yields, little memory. */
const PUSH_BLOCK = 1 << 16;

/** Why a pushdata decode stopped short: the caller decodes the file whole instead (with libvorbis). */
export class VorbisPushError extends Error {}

/**
 * Decodes an Ogg Vorbis file from its bytes in pieces with stb_vorbis's pushdata API: the same packets
 * through the same code as decodeVorbisStb, so the same samples, yielded as channel blocks in order while
 * memory holds a piece and a block. Each call has a module instance of its own (a stream stays open across
 * awaits, while other files decode on the shared one). Throws VorbisPushError on anything stb_vorbis stops on.
 */
export async function* decodeVorbisStbPieces(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Float32Array[], void, undefined> {
  const ex = newInstance();
  const input = pieces[Symbol.asyncIterator]();
  let alloc = 512 << 10;
  // Memory: [alloc buffer][out: 2 ints][data: the unconsumed bytes, from `used` to `filled`].
  let outAt = align(ex.__heap_base.value) + alloc;
  let dataAt = outAt + 16;
  let used = 0;
  let filled = 0;
  let ended = false;
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await input.next();
    if (next.done) return !(ended = true);
    const piece = next.value;
    const rest = filled - used;
    reserve(ex.memory, dataAt + rest + piece.length);
    const heap = new Uint8Array(ex.memory.buffer);
    heap.copyWithin(dataAt, dataAt + used, dataAt + filled);
    heap.set(piece, dataAt + rest);
    used = 0;
    filled = rest + piece.length;
    return true;
  };
  reserve(ex.memory, dataAt);
  await more();
  let v = 0;
  while (v === 0) {
    const allocAt = align(ex.__heap_base.value);
    v = ex.vorbis_open_push(dataAt + used, filled - used, allocAt, alloc, outAt);
    if (v !== 0) break;
    const error = new Int32Array(ex.memory.buffer, outAt, 2)[1];
    if (error === OUT_OF_MEMORY && alloc < MAX_ALLOC) {
      // A larger allocation buffer moves the data after it.
      const data = new Uint8Array(ex.memory.buffer).slice(dataAt + used, dataAt + filled);
      alloc *= 2;
      outAt = align(ex.__heap_base.value) + alloc;
      dataAt = outAt + 16;
      reserve(ex.memory, dataAt + data.length);
      new Uint8Array(ex.memory.buffer).set(data, dataAt);
      used = 0;
      filled = data.length;
    } else if (error !== NEED_MORE_DATA || !(await more())) {
      throw new VorbisPushError(`stb_vorbis cannot open the stream (error ${error})`);
    }
  }
  used += new Int32Array(ex.memory.buffer, outAt, 2)[0];
  const channels = ex.vorbis_channels(v);
  let block = Array.from({ length: channels }, () => new Float32Array(PUSH_BLOCK));
  let frames = 0;
  for (;;) {
    const n = ex.vorbis_push(v, dataAt + used, filled - used, outAt);
    // Reading the error clears it; "need more data" is the normal answer to a packet not all there yet.
    const error = ex.vorbis_error(v);
    if (error !== 0 && error !== NEED_MORE_DATA) throw new VorbisPushError(`stb_vorbis stopped on error ${error}`);
    if (n === 0) {
      if (await more()) continue;
      if (filled > used) throw new VorbisPushError(`${filled - used} bytes at the end are not a whole Vorbis packet`);
      break;
    }
    used += n;
    const [got, outputs] = new Int32Array(ex.memory.buffer, outAt, 2);
    if (got === 0) continue;
    const ptrs = new Int32Array(ex.memory.buffer, outputs, channels);
    const heap = new Float32Array(ex.memory.buffer);
    for (let at = 0; at < got; ) {
      const take = Math.min(got - at, PUSH_BLOCK - frames);
      for (let c = 0; c < channels; c++) block[c].set(heap.subarray(ptrs[c] / 4 + at, ptrs[c] / 4 + at + take), frames);
      frames += take;
      at += take;
      if (frames === PUSH_BLOCK) {
        yield block;
        block = Array.from({ length: channels }, () => new Float32Array(PUSH_BLOCK));
        frames = 0;
      }
    }
  }
  if (frames > 0) yield block.map((c) => c.subarray(0, frames));
}
