import { align16 as align, reserveMemory as reserve, wasmApi, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/mp3-wasm.ts';

/**
 * MP3 decoding with dr_mp3 (minimp3) compiled to wasm SIMD by our own toolchain (native/mp3.c, built by
 * npm run build:wasm). It serves clean Layer III streams only, and returns what mpg123-decoder returns for
 * them: the same length and start (LAME's Info frame not output, its encoder delay + 529 samples of decoder
 * delay trimmed at the start and its padding at the end, as mpg123's gapless mode does) and the same
 * samples within float rounding. src/audio/mp3.ts keeps mpg123-decoder for everything else.
 *
 * One module instance per thread, its memory reused from file to file (it grows to the largest file
 * decoded, and a wasm memory never shrinks).
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  mp3_decode(data: number, length: number, out0: number, out1: number, capacity: number, info: number): number;
}

let instance: Exports | undefined;

function exports(): Exports {
  instance ??= new wasmApi.Instance(new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64')), {}).exports as Exports;
  return instance;
}

/** mp3_decode's info[] slots (INFO_* in mp3.c). */
const INFO = { channels: 0, rate: 1, frames: 2, tag: 3, delay: 4, padding: 5, tagFrames: 6 } as const;
/** Samples of delay of the MPEG synthesis filter bank that mpg123's gapless mode trims beside LAME's delay. */
export const DECODER_DELAY = 529;

export interface Mp3NativeAudio {
  channelData: Float32Array[];
  sampleRate: number;
}

/**
 * The whole stream of `frames` (MPEG frames from the first one to the end of the audio, tags cut off),
 * holding at most `samples` samples per channel, or undefined when dr_mp3 declines it: bytes that are not
 * frames, a channel or rate change, a frame that decodes to nothing (a bit reservoir missing), Layer I/II,
 * or a Xing/Info frame without a LAME tag or whose frame count disagrees.
 */
export function decodeMp3Native(frames: Uint8Array, samples: number): Mp3NativeAudio | undefined {
  const ex = exports();
  const dataAt = align(ex.__heap_base.value);
  const infoAt = align(dataAt + frames.length);
  const out0At = align(infoAt + 32);
  const out1At = align(out0At + samples * 4);
  reserve(ex.memory, out1At + samples * 4);
  new Uint8Array(ex.memory.buffer, dataAt, frames.length).set(frames);
  let got: number;
  try {
    got = ex.mp3_decode(dataAt, frames.length, out0At, out1At, samples, infoAt);
  } catch {
    return undefined; // a wasm trap on damaged input: the fallback decides
  }
  if (got <= 0) return undefined;
  const info = new Int32Array(ex.memory.buffer, infoAt, 8);
  let start = 0;
  let end = got;
  if (info[INFO.tag] === 1) {
    if (info[INFO.tagFrames] >= 0 && info[INFO.tagFrames] !== info[INFO.frames]) return undefined;
    start = info[INFO.delay] + DECODER_DELAY;
    end = Math.min(got, got - info[INFO.padding] + DECODER_DELAY);
    if (start >= end) return undefined;
  }
  const heap = new Float32Array(ex.memory.buffer);
  const planes = info[INFO.channels] === 1 ? [out0At] : [out0At, out1At];
  return { channelData: planes.map((at) => heap.slice(at / 4 + start, at / 4 + end)), sampleRate: info[INFO.rate] };
}
