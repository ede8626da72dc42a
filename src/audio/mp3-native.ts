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
  mp3_begin(data: number, length: number, info: number): number;
  mp3_read(out0: number, out1: number, capacity: number): number;
}

let instance: Exports | undefined;

function exports(): Exports {
  instance ??= new wasmApi.Instance(new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64')), {}).exports as Exports;
  return instance;
}

/** The info[] slots mp3_begin and mp3_read fill (INFO_* in mp3.c). */
const INFO = { channels: 0, rate: 1, frames: 2, tag: 3, delay: 4, padding: 5, tagFrames: 6 } as const;
/** Samples of delay of the MPEG synthesis filter bank that mpg123's gapless mode trims beside LAME's delay. */
export const DECODER_DELAY = 529;

export interface Mp3NativeAudio {
  channelData: Float32Array[];
  sampleRate: number;
}

/** Samples per channel per mp3_read call: the output planes' length in the module (bounded memory). */
const CHUNK = 1 << 16;

/**
 * The whole stream of `frames` (MPEG frames from the first one to the end of the audio, tags cut off),
 * which holds `samples` samples per channel in `channels` channels by its headers (scanMpeg), or undefined
 * when dr_mp3 declines it: bytes that are not frames, a channel or rate change, a frame that decodes to
 * nothing (a bit reservoir missing), Layer I/II, a Xing/Info frame without a LAME tag or whose frame
 * count disagrees, or a decoded length other than the headers say.
 */
export function decodeMp3Native(frames: Uint8Array, samples: number, channels: 1 | 2): Mp3NativeAudio | undefined {
  const ex = exports();
  const dataAt = align(ex.__heap_base.value);
  const infoAt = align(dataAt + frames.length);
  const out0At = align(infoAt + 32);
  const out1At = align(out0At + CHUNK * 4);
  reserve(ex.memory, out1At + (channels === 2 ? CHUNK * 4 : 0));
  new Uint8Array(ex.memory.buffer, dataAt, frames.length).set(frames);
  try {
    if (ex.mp3_begin(dataAt, frames.length, infoAt) !== 0) return undefined;
    const info = new Int32Array(ex.memory.buffer, infoAt, 8);
    if (info[INFO.channels] !== channels) return undefined;
    // What the headers promise, the LAME Info frame excluded (1152 samples in MPEG-1, whose rates are
    // 32-48 kHz; 576 in MPEG-2/2.5), and mpg123's gapless trimming.
    const tagged = info[INFO.tag] === 1;
    const total = samples - (tagged ? (info[INFO.rate] >= 32000 ? 1152 : 576) : 0);
    const start = tagged ? info[INFO.delay] + DECODER_DELAY : 0;
    const end = tagged ? Math.min(total, total - info[INFO.padding] + DECODER_DELAY) : total;
    if (start >= end) return undefined;
    return readTrimmed(ex, info, out0At, out1At, total, start, end);
  } catch {
    return undefined; // a wasm trap on damaged input: the fallback decides
  }
}

/** mp3_read's chunks, the samples in [start, end) of the `total` decoded copied out; undefined on a decoder error or another length. */
function readTrimmed(ex: Exports, info: Int32Array, out0At: number, out1At: number, total: number, start: number, end: number): Mp3NativeAudio | undefined {
  const planes = info[INFO.channels] === 1 ? [out0At] : [out0At, out1At];
  const out = planes.map(() => new Float32Array(end - start));
  const heap = new Float32Array(ex.memory.buffer);
  let done = 0;
  for (;;) {
    const got = ex.mp3_read(out0At, out1At, CHUNK);
    if (got < 0 || done + got > total) return undefined;
    if (got === 0) break;
    const from = Math.max(start, done);
    const to = Math.min(end, done + got);
    for (const [c, at] of planes.entries()) {
      if (from < to) out[c].set(heap.subarray(at / 4 + from - done, at / 4 + to - done), from - start);
    }
    done += got;
  }
  if (done !== total || (info[INFO.tag] === 1 && info[INFO.tagFrames] >= 0 && info[INFO.tagFrames] !== info[INFO.frames])) return undefined;
  return { channelData: out, sampleRate: info[INFO.rate] };
}

