import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The SIMD kernels of native/kernels.c, instantiated on the wasm backend's own memory so they read and
 * write tensors in place. Their arguments are byte addresses in that memory (`address`), which stay valid
 * when the memory grows, unlike typed-array views of it. Per-channel constants and sums are copied through a
 * scratch block that this module allocates with tfjs's malloc and keeps.
 */
interface Exports {
  channel_sums(a: number, ka: number, b: number, kb: number, rows: number, channels: number, s0: number, s1: number): void;
  channel_sum(a: number, rows: number, channels: number, s: number): void;
  channel_affine(a: number, ka: number, b: number, kb: number, k0: number, rows: number, channels: number, out: number): void;
  relu_grad(dy: number, x: number, dx: number, n: number): void;
  max_pool_2x2_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number): void;
  conv2d(xp: number, hp: number, wp: number, w: number, bias: number, y: number, nb: number, ho: number, wo: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number, relu: number): void;
  conv_input_grad(dy: number, wt: number, dxp: number, nb: number, ho: number, wo: number, hp: number, wp: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number): void;
  filter_grad(xp: number, wp: number, plane: number, dy: number, dw: number, nb: number, ho: number, wo: number, fh: number, fw: number, ci: number, co: number, sh: number, sw: number): void;
}

/** The part of the WebAssembly global used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What the backend's emscripten module offers besides tfjs's own entry points. */
interface Emscripten {
  _malloc(bytes: number): number;
  _free(at: number): void;
  HEAPF32: Float32Array;
  HEAPF64: Float64Array;
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
}

let compiled: object | undefined;

function compiledModule(): object {
  compiled ??= new wasmApi.Module(readFileSync(new URL('./native/kernels.wasm', import.meta.url)));
  return compiled;
}

/** The backend's WebAssembly.Memory: tfjs 4.22's SIMD build keeps it as the module's `asm.memory` export. */
function memoryOf(heap: Emscripten): object {
  const memory = heap.asm?.memory ?? heap.wasmMemory;
  if (!(memory instanceof wasmApi.Memory)) throw new Error('the tfjs wasm backend exposes no WebAssembly.Memory; the training kernels need tfjs 4.22');
  return memory;
}

/** A tensor's byte address in the backend's memory. */
export function address(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

export class NativeKernels {
  readonly kernels: Exports;
  private readonly heap: Emscripten;
  private scratch = 0;
  private scratchBytes = 0;

  constructor(backend: BackendWasm) {
    this.heap = backend.wasm as unknown as Emscripten;
    const instance = new wasmApi.Instance(compiledModule(), { env: { memory: memoryOf(this.heap) } });
    this.kernels = instance.exports as Exports;
  }

  /** At least `bytes` of scratch (8-byte aligned, as malloc returns); may grow the memory. */
  private reserve(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratch !== 0) this.heap._free(this.scratch);
      this.scratchBytes = Math.max(bytes, 2 * this.scratchBytes, 4096);
      this.scratch = this.heap._malloc(this.scratchBytes);
    }
    return this.scratch;
  }

  /**
   * Per channel over rows of `channels` values: s0 = Σ (a - ka), s1 = Σ (a - ka)·(b - kb), in float64 from
   * float32 partial sums over L1-sized blocks. a and b are addresses of [rows, channels] tensors.
   */
  channelSums(a: number, ka: Float32Array, b: number, kb: Float32Array, rows: number, channels: number): { s0: Float64Array; s1: Float64Array } {
    const base = this.reserve(channels * 24);
    const heap = this.heap;
    heap.HEAPF64.fill(0, base / 8, base / 8 + 2 * channels);
    heap.HEAPF32.set(ka, base / 4 + 4 * channels);
    heap.HEAPF32.set(kb, base / 4 + 5 * channels);
    this.kernels.channel_sums(a, base + 16 * channels, b, base + 20 * channels, rows, channels, base, base + 8 * channels);
    const sums = heap.HEAPF64.slice(base / 8, base / 8 + 2 * channels);
    return { s0: sums.subarray(0, channels), s1: sums.subarray(channels) };
  }

  /** Per channel: Σ a over the rows. */
  channelSum(a: number, rows: number, channels: number): Float64Array {
    const base = this.reserve(channels * 8);
    const heap = this.heap;
    heap.HEAPF64.fill(0, base / 8, base / 8 + channels);
    this.kernels.channel_sum(a, rows, channels, base);
    return heap.HEAPF64.slice(base / 8, base / 8 + channels);
  }

  /** out = a·ka[c] + b·kb[c] + k0[c] per position (without the b term when b is undefined). */
  channelAffine(a: number, ka: Float32Array, b: { at: number; k: Float32Array } | undefined, k0: Float32Array, rows: number, channels: number, out: number): void {
    const base = this.reserve(channels * 12);
    const f32 = this.heap.HEAPF32;
    f32.set(ka, base / 4);
    f32.set(k0, base / 4 + channels);
    if (b !== undefined) f32.set(b.k, base / 4 + 2 * channels);
    this.kernels.channel_affine(a, base, b?.at ?? 0, base + 8 * channels, base + 4 * channels, rows, channels, out);
  }
}

const instances = new WeakMap<BackendWasm, NativeKernels>();

/** The kernels bound to this backend's memory (one instance per backend, so per worker thread). */
export function nativeKernels(backend: BackendWasm): NativeKernels {
  let native = instances.get(backend);
  if (native === undefined) {
    native = new NativeKernels(backend);
    instances.set(backend, native);
  }
  return native;
}
