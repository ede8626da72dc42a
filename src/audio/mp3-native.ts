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
 * decoded, and a wasm memory never shrinks); a stream read in pieces (openMp3Native) has one of its own.
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  mp3_begin(data: number, length: number, info: number): number;
  mp3_read(out0: number, out1: number, capacity: number): number;
}

let compiled: object | undefined;
let shared: Exports | undefined;

function newInstance(): Exports {
  compiled ??= new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64'));
  return new wasmApi.Instance(compiled, {}).exports as Exports;
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
 * A clean stream loaded into a module instance, its length known before any sample is decoded: `length`
 * samples per channel after the gapless trimming, exactly what decodeMp3Native returns.
 */
export interface Mp3NativeStream {
  sampleRate: number;
  channels: 1 | 2;
  length: number;
  /**
   * The trimmed samples in mp3_read's chunks, one plane per channel: views into the module's memory, valid
   * until the next chunk. Throws (Mp3Declined, or a wasm trap on damaged input) where dr_mp3 declines.
   */
  chunks(): Generator<Float32Array[], void, undefined>;
}

/** dr_mp3 declines the stream part-way: the fallback (mpg123-decoder, or a whole-file read) decides. */
export class Mp3Declined extends Error {}

/**
 * The whole stream of `frames` (MPEG frames from the first one to the end of the audio, tags cut off),
 * which holds `samples` samples per channel in `channels` channels by its headers (scanMpeg), or undefined
 * when dr_mp3 declines it: bytes that are not frames, a channel or rate change, a frame that decodes to
 * nothing (a bit reservoir missing), Layer I/II, a Xing/Info frame without a LAME tag or whose frame
 * count disagrees, or a decoded length other than the headers say.
 */
export function decodeMp3Native(frames: Uint8Array, samples: number, channels: 1 | 2): Mp3NativeAudio | undefined {
  try {
    shared ??= newInstance();
    const stream = openOn(shared, frames, samples, channels);
    if (!stream) return undefined;
    const out = Array.from({ length: channels }, () => new Float32Array(stream.length));
    let done = 0;
    for (const planes of stream.chunks()) {
      for (const [c, plane] of planes.entries()) out[c].set(plane, done);
      done += planes[0].length;
    }
    return { channelData: out, sampleRate: stream.sampleRate };
  } catch {
    return undefined; // declined part-way, or a wasm trap on damaged input: the fallback decides
  }
}

/**
 * decodeMp3Native's stream, in a module instance of its own (a stream stays open across awaits while other
 * files decode on the shared one): the length up front from the headers and the LAME tag (a header pass,
 * no synthesis), then the samples chunk by chunk. Undefined when dr_mp3 declines it from the start.
 */
export function openMp3Native(frames: Uint8Array, samples: number, channels: 1 | 2): Mp3NativeStream | undefined {
  try {
    return openOn(newInstance(), frames, samples, channels);
  } catch {
    return undefined;
  }
}

/** decodeMp3Native's length and rate, from the headers and the LAME tag (no frame synthesised); undefined when it declines from the start. */
export function mp3NativeLength(frames: Uint8Array, samples: number, channels: 1 | 2): { sampleRate: number; length: number } | undefined {
  try {
    shared ??= newInstance();
    return openOn(shared, frames, samples, channels);
  } catch {
    return undefined;
  }
}

/** Loads `frames` into `ex`'s memory and reads the LAME tag: the stream, or undefined when dr_mp3 declines it. */
function openOn(ex: Exports, frames: Uint8Array, samples: number, channels: 1 | 2): Mp3NativeStream | undefined {
  const dataAt = align(ex.__heap_base.value);
  const infoAt = align(dataAt + frames.length);
  const out0At = align(infoAt + 32);
  const out1At = align(out0At + CHUNK * 4);
  reserve(ex.memory, out1At + (channels === 2 ? CHUNK * 4 : 0));
  new Uint8Array(ex.memory.buffer, dataAt, frames.length).set(frames);
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
  const planes = channels === 1 ? [out0At] : [out0At, out1At];
  return {
    sampleRate: info[INFO.rate],
    channels,
    length: end - start,
    chunks: () => trimmedChunks(ex, info, planes, total, start, end),
  };
}

/** mp3_read's chunks, the samples in [start, end) of the `total` decoded; Mp3Declined on a decoder error or another length. */
function* trimmedChunks(ex: Exports, info: Int32Array, planes: number[], total: number, start: number, end: number): Generator<Float32Array[], void, undefined> {
  const heap = new Float32Array(ex.memory.buffer);
  let done = 0;
  for (;;) {
    const got = ex.mp3_read(planes[0], planes[1] ?? 0, CHUNK);
    if (got < 0) throw new Mp3Declined(`dr_mp3 stops after ${done} samples (error ${got})`);
    if (done + got > total) throw new Mp3Declined(`more samples than the frame headers hold (${total})`);
    if (got === 0) break;
    const from = Math.max(start, done);
    const to = Math.min(end, done + got);
    if (from < to) yield planes.map((at) => heap.subarray(at / 4 + from - done, at / 4 + to - done));
    done += got;
  }
  if (done !== total) throw new Mp3Declined(`decoded ${done} of the ${total} samples the frame headers hold`);
  if (info[INFO.tag] === 1 && info[INFO.tagFrames] >= 0 && info[INFO.tagFrames] !== info[INFO.frames]) {
    throw new Mp3Declined(`the LAME tag counts ${info[INFO.tagFrames]} frames, the stream has ${info[INFO.frames]}`);
  }
}
