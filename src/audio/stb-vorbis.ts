import { wasmApi, type WasmMemory } from '../wasm-api.ts';
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
}

let instance: Exports | undefined;

function exports(): Exports {
  instance ??= new wasmApi.Instance(new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64')), {
    env: { cos: Math.cos, sin: Math.sin, exp: Math.exp, log: Math.log, pow: Math.pow },
  }).exports as Exports;
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

const align = (n: number) => (n + 15) & ~15;

/** Grow the module's memory to at least `bytes`. */
function reserve(memory: WasmMemory, bytes: number): void {
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
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
