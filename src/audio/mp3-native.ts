import { align16 as align, moduleInstances, reserveMemory as reserve, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/mp3-wasm.ts';
import type { ReadInto } from './stream.ts';

/**
 * MP3 decoding with dr_mp3 (minimp3) compiled to wasm SIMD by our own toolchain (native/mp3.c, built by
 * npm run build:wasm). It serves clean Layer III streams only, and returns what mpg123-decoder returns for
 * them: the same length and start (LAME's Info frame not output, its encoder delay + 529 samples of decoder
 * delay trimmed at the start and its padding at the end, as mpg123's gapless mode does) and the same
 * samples within float rounding. src/audio/mp3.ts keeps mpg123-decoder for everything else.
 *
 * One module instance per thread, its memory reused from file to file (it grows to the largest file
 * decoded, and a wasm memory never shrinks); a stream read in windows (openMp3NativeWindows) has one of its own.
 */
interface Exports {
  memory: WasmMemory;
  __heap_base: { value: number };
  mp3_begin(data: number, length: number, stop: number, info: number): number;
  mp3_read(out0: number, out1: number, capacity: number): number;
  mp3_window(length: number, stop: number): void;
  mp3_position(): number;
}

const newInstance = moduleInstances<Exports>(WASM_BASE64);
let shared: Exports | undefined;

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

/** dr_mp3 declines the stream part-way: the fallback (mpg123-decoder, or a whole-file read) decides. */
export class Mp3Declined extends Error {}

/** A stream being decoded in a module instance: where its planes are, and the gapless trimming. */
interface Session {
  ex: Exports;
  info: Int32Array;
  planes: number[];
  sampleRate: number;
  /** Samples per channel the frames decode to (the Info frame excluded), and the trimmed range of them. */
  total: number;
  start: number;
  end: number;
  done: number;
}

/** Lays out `dataBytes` of stream and the output planes in `ex`'s memory: where the data goes, and mp3_begin on its first `length` bytes (frames starting before `stop`). */
function layout(ex: Exports, dataBytes: number, channels: 1 | 2): { dataAt: number; begin(length: number, stop: number, samples: number): Session | undefined } {
  const dataAt = align(ex.__heap_base.value);
  const infoAt = align(dataAt + dataBytes);
  const out0At = align(infoAt + 32);
  const out1At = align(out0At + CHUNK * 4);
  reserve(ex.memory, out1At + (channels === 2 ? CHUNK * 4 : 0));
  const begin = (length: number, stop: number, samples: number): Session | undefined => {
    if (ex.mp3_begin(dataAt, length, stop, infoAt) !== 0) return undefined;
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
    return { ex, info, planes, sampleRate: info[INFO.rate], total, start, end, done: 0 };
  };
  return { dataAt, begin };
}

/**
 * One mp3_read: views of its samples inside [start, end) (empty when it decoded only trimmed ones), valid
 * until the next call, or undefined when it decoded nothing (the end of the data, or the window's stop).
 * Mp3Declined on a decoder error or more samples than the headers hold.
 */
function readTrimmed(s: Session): Float32Array[] | undefined {
  const got = s.ex.mp3_read(s.planes[0], s.planes[1] ?? 0, CHUNK);
  if (got < 0) throw new Mp3Declined(`dr_mp3 stops after ${s.done} samples (error ${got})`);
  if (s.done + got > s.total) throw new Mp3Declined(`more samples than the frame headers hold (${s.total})`);
  if (got === 0) return undefined;
  const heap = new Float32Array(s.ex.memory.buffer);
  const from = Math.max(s.start, s.done);
  const to = Math.max(from, Math.min(s.end, s.done + got));
  const views = s.planes.map((at) => heap.subarray(at / 4 + from - s.done, at / 4 + to - s.done));
  s.done += got;
  return views;
}

/** At the end of the data: Mp3Declined unless every sample and frame the headers and the LAME tag promise came out. */
function finish(s: Session): void {
  const { info, done, total } = s;
  if (done !== total) throw new Mp3Declined(`decoded ${done} of the ${total} samples the frame headers hold`);
  if (info[INFO.tag] === 1 && info[INFO.tagFrames] >= 0 && info[INFO.tagFrames] !== info[INFO.frames]) {
    throw new Mp3Declined(`the LAME tag counts ${info[INFO.tagFrames]} frames, the stream has ${info[INFO.frames]}`);
  }
}

/** `frames` in the shared instance, mp3_begin'd. */
function beginShared(frames: Uint8Array, samples: number, channels: 1 | 2): Session | undefined {
  shared ??= newInstance();
  const l = layout(shared, frames.length, channels);
  new Uint8Array(shared.memory.buffer, l.dataAt, frames.length).set(frames);
  return l.begin(frames.length, frames.length, samples);
}

/**
 * The whole stream of `frames` (MPEG frames from the first one to the end of the audio, tags cut off),
 * which holds `samples` samples per channel in `channels` channels by its headers (scanMpeg), or undefined
 * when dr_mp3 declines it: bytes that are not frames, a channel or rate change, a frame that decodes to
 * nothing (a bit reservoir missing), Layer I/II, a Xing/Info frame without a LAME tag or whose frame
 * count disagrees, or a decoded length other than the headers say.
 */
export function decodeMp3Native(frames: Uint8Array, samples: number, channels: 1 | 2): Mp3NativeAudio | undefined {
  try {
    const s = beginShared(frames, samples, channels);
    if (!s) return undefined;
    const out = Array.from({ length: channels }, () => new Float32Array(s.end - s.start));
    let at = 0;
    for (let views = readTrimmed(s); views; views = readTrimmed(s)) {
      for (const [c, view] of views.entries()) out[c].set(view, at);
      at += views[0].length;
    }
    finish(s);
    return { channelData: out, sampleRate: s.sampleRate };
  } catch {
    return undefined; // declined part-way, or a wasm trap on damaged input: the fallback decides
  }
}

/** decodeMp3Native's length and rate, from the headers and the LAME tag (no frame synthesised); undefined when it declines from the start. */
export function mp3NativeLength(frames: Uint8Array, samples: number, channels: 1 | 2): { sampleRate: number; length: number } | undefined {
  try {
    const s = beginShared(frames, samples, channels);
    return s && { sampleRate: s.sampleRate, length: s.end - s.start };
  } catch {
    return undefined;
  }
}

/** A clean stream read in windows: its trimmed length before any sample is decoded, then its samples. */
export interface Mp3NativeStream {
  sampleRate: number;
  /** Samples per channel after the gapless trimming: what decodeMp3Native returns. */
  length: number;
  /** The samples in chunks, one plane per channel (views valid until the next chunk); Mp3Declined (or a wasm trap) where decodeMp3Native declines. */
  chunks(): AsyncGenerator<Float32Array[], void, undefined>;
}

/**
 * Bytes of stream per window, and how far before a window's end frames stop starting: 22 of the largest
 * Layer III frames (1441 bytes; free format is declined), where dr_mp3 looks at most 10 frames ahead.
 */
const WINDOW_BYTES = 1 << 20;
const WINDOW_GUARD = 1 << 15;

/**
 * decodeMp3Native's stream read `read` a window (1 MiB) at a time, in a module instance of its own (it stays
 * open across awaits while other files decode on the shared one), so its memory is a window whatever the
 * length. `read` gives the bytes from the first frame to the end of the audio (tags cut off), which hold
 * `samples` samples per channel by their headers. The length comes first (the headers and the LAME tag,
 * nothing synthesised); frames start only while 32 KiB of the stream lie ahead in the window, so dr_mp3
 * sees what it sees in the whole file, and the samples are decodeMp3Native's bit for bit. Undefined when
 * dr_mp3 declines it from the start. `windowBytes` (at least 64 KiB) is for tests.
 */
export async function openMp3NativeWindows(read: ReadInto, samples: number, channels: 1 | 2, windowBytes = WINDOW_BYTES): Promise<Mp3NativeStream | undefined> {
  const ex = newInstance();
  const window = Math.max(windowBytes, 2 * WINDOW_GUARD);
  const l = layout(ex, window, channels);
  let length = 0;
  let end = false;
  const fill = async (): Promise<number> => {
    while (!end && length < window) {
      const n = await read(new Uint8Array(ex.memory.buffer, l.dataAt + length, window - length));
      if (n === 0) end = true;
      length += n;
    }
    return end ? length : length - WINDOW_GUARD;
  };
  const stop = await fill();
  let s: Session | undefined;
  try {
    s = l.begin(length, stop, samples);
  } catch {
    return undefined;
  }
  if (!s) return undefined;
  const session = s;
  async function* chunks(): AsyncGenerator<Float32Array[], void, undefined> {
    for (;;) {
      const views = readTrimmed(session);
      if (views) {
        if (views[0].length > 0) yield views;
      } else if (end) {
        break;
      } else {
        const pos = ex.mp3_position();
        new Uint8Array(ex.memory.buffer).copyWithin(l.dataAt, l.dataAt + pos, l.dataAt + length);
        length -= pos;
        const next = await fill(); // before reading `length`, which fill() extends
        ex.mp3_window(length, next);
      }
    }
    finish(session);
  }
  return { sampleRate: s.sampleRate, length: s.end - s.start, chunks };
}
