import { reserveMemory, wasmApi, type WasmMemory } from '../wasm-api.ts';
import { WASM_BASE64 } from './native/dsp-wasm.ts';
import type { MelFilterbank } from './mel.ts';
import { paddedFrame, type FrameLayout, type Samples, type StftConfig } from './stft.ts';
import { getWindow } from './window.ts';

/**
 * The spectral core's wasm SIMD fast path (native/dsp.c): windowing, real FFT, power and the sparse mel
 * product of 4 frames at once in float32 or 2 at once in float64, one frame per SIMD lane. The module runs
 * on a WebAssembly.Memory of its own (not tfjs's); this file lays out its tables there and feeds it the
 * signal a chunk of frames at a time, so the memory stays a few MB however long the recording is.
 *
 * float64 computes what the JS FrameEngine computes, in another butterfly order (agreement ~1e-15);
 * float32 rounds every step to float32 (the measured parity is in docs/decisions/fft.md).
 */
export type Precision = 'float32' | 'float64';

type MelFrames = (
  frames: number, groups: number, win: number, rev: number, z: number, tw: number, rtw: number, m: number, p: number,
  power1: number, start: number, length: number, weights: number, nMels: number, out: number, outStride: number,
) => void;

type PcenSqrt = (K: number, S: number, ref: number, out: number, bins: number, frames: number, b: number, ngain: number, logEps: number, eps: number, biasPow: number, bias: number) => void;

interface Exports {
  f32_mel_frames: MelFrames;
  f64_mel_frames: MelFrames;
  pcen_sqrt: PcenSqrt;
  pcen_constant_count: () => number;
  widen_f32: (src: number, dst: number, n: number) => void;
}

let compiled: object | undefined;

/** An instance on `memory`; PCEN's rare arguments go to V8's own exp and log1p (see dsp.c). */
function instantiate(memory: WasmMemory): Exports {
  compiled ??= new wasmApi.Module(Buffer.from(WASM_BASE64, 'base64'));
  return new wasmApi.Instance(compiled, { env: { memory, exp: Math.exp, log1p: Math.log1p } }).exports as Exports;
}

/** Frames per call into the module: the chunk of signal copied in and of mel output copied out. */
const CHUNK = 128;
const ALIGN = 16;

/** Whether the fast path serves this STFT: a power-of-two nFft >= 8 and power 1 or 2. */
export function nativeSupports(cfg: Pick<StftConfig, 'nFft' | 'power'>): boolean {
  const n = cfg.nFft;
  return n >= 8 && (n & (n - 1)) === 0 && (cfg.power === 2 || cfg.power === 1);
}

/**
 * The twiddles of the radix-4 passes of dsp.c's fft, for a complex transform of m points: its first pass
 * (radix-8 when log2 m is odd, else radix-4) needs none.
 */
function fftTwiddles(m: number): Float64Array {
  const values: number[] = [];
  for (let h = Math.log2(m) % 2 === 1 ? 8 : 4; h < m; h *= 4) {
    for (let j = 0; j < h; j++) {
      const theta = (-2 * Math.PI * j) / (4 * h);
      for (let q = 1; q <= 3; q++) values.push(Math.cos(q * theta), Math.sin(q * theta));
    }
  }
  return Float64Array.from(values);
}

/** cos, sin of 2 pi k / 2m for k = 0 .. m/2: the real-FFT split step's twiddles. */
function splitTwiddles(m: number): Float64Array {
  const out = new Float64Array(m + 2);
  for (let k = 0; k <= m / 2; k++) {
    out[2 * k] = Math.cos((Math.PI * k) / m);
    out[2 * k + 1] = Math.sin((Math.PI * k) / m);
  }
  return out;
}

function bitReversal(m: number): Int32Array {
  const bits = Math.log2(m);
  const rev = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  return rev;
}

type Real = Float32Array | Float64Array;

/**
 * One STFT (+ filterbank) configuration laid out in its own module instance. Use through nativeEngine,
 * which caches them; not re-entrant (one call at a time, which a JS thread guarantees).
 */
export class NativeMel {
  readonly lanes: number;
  private readonly bytes: number;
  private readonly run: MelFrames;
  private readonly widen: Exports['widen_f32'];
  private readonly heap: Real;
  private readonly memory: WasmMemory;
  private readonly ptrs: Int32Array;
  private readonly at: Record<'rev' | 'win' | 'tw' | 'rtw' | 'z' | 'p' | 'start' | 'length' | 'weights' | 'ptrs' | 'out' | 'edge' | 'samples' | 'stage', number>;
  private readonly nMels: number;
  /** Samples the chunk buffer holds. When frames leave gaps (hop > nFft), it holds none and each frame is copied alone. */
  private readonly span: number;

  constructor(
    readonly cfg: StftConfig,
    readonly fb: MelFilterbank | undefined,
    readonly precision: Precision,
  ) {
    const m = cfg.nFft / 2;
    this.lanes = precision === 'float32' ? 4 : 2;
    this.bytes = precision === 'float32' ? 4 : 8;
    this.nMels = fb?.nMels ?? 0;
    this.span = (CHUNK - 1) * cfg.hopLength + cfg.nFft;
    const tw = fftTwiddles(m);
    const sizes = {
      rev: 4 * m,
      win: this.bytes * cfg.nFft,
      tw: this.bytes * tw.length,
      rtw: this.bytes * (m + 2),
      z: 32 * m,
      p: 16 * (m + 1),
      start: 4 * this.nMels,
      length: 4 * this.nMels,
      weights: this.bytes * (fb?.weights.length ?? 0) + ALIGN,
      ptrs: 4 * CHUNK,
      out: this.bytes * Math.max(1, this.nMels) * CHUNK,
      edge: this.bytes * cfg.nFft * CHUNK,
      samples: cfg.hopLength <= cfg.nFft ? this.bytes * this.span : 0,
      // float32 samples on their way into a float64 chunk buffer (see widenInto)
      stage: cfg.hopLength <= cfg.nFft && precision === 'float64' ? 4 * this.span : 0,
    };
    const at = {} as Record<keyof typeof sizes, number>;
    let end = ALIGN;
    for (const [name, size] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
      at[name] = end;
      end += Math.ceil(size / ALIGN) * ALIGN;
    }
    this.at = at;
    const memory = new wasmApi.Memory({ initial: Math.ceil(end / 65536) });
    const exports = instantiate(memory);
    this.memory = memory;
    this.run = precision === 'float32' ? exports.f32_mel_frames : exports.f64_mel_frames;
    this.widen = exports.widen_f32;
    this.heap = precision === 'float32' ? new Float32Array(memory.buffer) : new Float64Array(memory.buffer);
    const ints = new Int32Array(memory.buffer);
    this.ptrs = ints.subarray(at.ptrs / 4, at.ptrs / 4 + CHUNK);
    ints.set(bitReversal(m), at.rev / 4);
    this.heap.set(getWindow(cfg.window, cfg.winLength, cfg.nFft), at.win / this.bytes);
    this.heap.set(tw, at.tw / this.bytes);
    this.heap.set(splitTwiddles(m), at.rtw / this.bytes);
    if (fb !== undefined) {
      ints.set(fb.start, at.start / 4);
      ints.set(fb.length, at.length / 4);
      this.heap.set(fb.weights, at.weights / this.bytes);
    }
  }

  /**
   * Mel frames [t0, t1) of a signal into out[b * outFrames + t - outT0], reading sample i at
   * src[i - srcOffset] (the streaming path keeps only a window of the signal). With no filterbank, the
   * power spectra are computed and left in the module (the FFT benchmark).
   */
  framesInto(src: Samples, srcOffset: number, layout: FrameLayout, t0: number, t1: number, out: Real | undefined, outFrames: number, outT0 = 0): void {
    for (let c0 = t0; c0 < t1; c0 += CHUNK) {
      const n = Math.min(CHUNK, t1 - c0);
      this.placeFrames(src, srcOffset, layout, c0, n);
      const groups = Math.ceil(n / this.lanes);
      for (let i = n; i < groups * this.lanes; i++) this.ptrs[i] = this.ptrs[n - 1];
      const { at } = this;
      this.run(at.ptrs, groups, at.win, at.rev, at.z, at.tw, at.rtw, this.cfg.nFft / 2, at.p, this.cfg.power === 1 ? 1 : 0,
        at.start, at.length, at.weights, this.nMels, at.out, CHUNK);
      if (out === undefined) continue;
      const base = at.out / this.bytes;
      for (let b = 0; b < this.nMels; b++) out.set(this.heap.subarray(base + b * CHUNK, base + b * CHUNK + n), b * outFrames + c0 - outT0);
    }
  }

  /** Copy the signal under frames [c0, c0 + n) into the module and point ptrs at each frame's samples. */
  private placeFrames(src: Samples, srcOffset: number, layout: FrameLayout, c0: number, n: number): void {
    const { hopLength: hop, pad, nFft, length } = layout;
    const { at, bytes, heap } = this;
    const lo = Math.min(length, Math.max(0, c0 * hop - pad));
    const hi = Math.max(lo, Math.min(length, (c0 + n - 1) * hop - pad + nFft));
    const inPlace = hop <= nFft;
    if (inPlace) {
      const span = src.subarray(lo - srcOffset, hi - srcOffset);
      if (span instanceof Float32Array && bytes === 8) widenInto(this.memory, this.widen, span, at.stage, at.samples);
      else heap.set(span, at.samples / bytes);
    }
    let edges = 0;
    for (let i = 0; i < n; i++) {
      const start = (c0 + i) * hop - pad;
      if (inPlace && start >= 0 && start + nFft <= length) {
        this.ptrs[i] = at.samples + (start - lo) * bytes;
      } else {
        paddedFrame(start, layout, src, srcOffset, heap, at.edge / bytes + edges * nFft);
        this.ptrs[i] = at.edge + edges * nFft * bytes;
        edges++;
      }
    }
  }
}

/**
 * float32 values into the module's memory as float64 at byte `dstAt`, through `stageAt` (room for them as
 * float32): a plain copy, then dsp.c's widen_f32, instead of TypedArray.set's per-element conversion.
 */
function widenInto(memory: WasmMemory, widen: Exports['widen_f32'], values: Float32Array, stageAt: number, dstAt: number): void {
  new Float32Array(memory.buffer, stageAt, values.length).set(values);
  widen(stageAt, dstAt, values.length);
}

const engines = new Map<string, NativeMel>();
const MAX_ENGINES = 8;

/** The cached NativeMel for this configuration (at most MAX_ENGINES kept, the oldest dropped first). */
export function nativeEngine(cfg: StftConfig, fb: MelFilterbank | undefined, precision: Precision): NativeMel {
  const key = JSON.stringify([cfg.nFft, cfg.hopLength, cfg.winLength, cfg.window, cfg.power, precision, fb === undefined ? null : [fb.sr, fb.nMels, fb.fmin, fb.fmax, fb.htk, fb.norm]]);
  let engine = engines.get(key);
  if (engine === undefined || engine.fb !== fb) {
    engine = new NativeMel(cfg, fb, precision);
    if (engines.size >= MAX_ENGINES) engines.delete(engines.keys().next().value!);
    engines.set(key, engine);
  }
  return engine;
}

/** What pcen_sqrt needs besides the arrays (pcen.ts's PcenLoopConstants with power 0.5, bias > 0). */
export interface PcenSqrtConstants {
  bins: number;
  frames: number;
  b: number;
  gain: number;
  eps: number;
  bias: number;
}

let pcenInstance: { memory: WasmMemory; run: PcenSqrt; widen: Exports['widen_f32']; constants: number } | undefined;

/**
 * PCEN with power 0.5 and bias > 0 in wasm SIMD (dsp.c's pcen_sqrt), into `out`: equal bit for bit to
 * pcenLoop. The arrays are copied into the module's memory as float64 (exact from float32) and back.
 */
export function pcenSqrtNative(S: ArrayLike<number>, ref: ArrayLike<number>, out: Real, c: PcenSqrtConstants): void {
  if (pcenInstance === undefined) {
    const memory = new wasmApi.Memory({ initial: 1 });
    const exports = instantiate(memory);
    pcenInstance = { memory, run: exports.pcen_sqrt, widen: exports.widen_f32, constants: exports.pcen_constant_count() };
  }
  const { memory, run, widen, constants } = pcenInstance;
  const n = c.bins * c.frames;
  const kAt = ALIGN;
  const sAt = kAt + 16 * constants;
  const refAt = ref === S ? sAt : sAt + 8 * n;
  const outAt = refAt + 8 * n;
  reserveMemory(memory, outAt + 8 * n);
  const heap = new Float64Array(memory.buffer);
  // float32 inputs pass through the output's room (free until run) to be widened by the module
  for (const [values, at] of ref === S ? ([[S, sAt]] as const) : ([[S, sAt], [ref, refAt]] as const)) {
    if (values instanceof Float32Array) widenInto(memory, widen, values, outAt, at);
    else heap.set(values, at / 8);
  }
  run(kAt, sAt, refAt, outAt, c.bins, c.frames, c.b, -c.gain, Math.log(c.eps), c.eps, c.bias ** 0.5, c.bias);
  out.set(heap.subarray(outAt / 8, outAt / 8 + n));
}
