/**
 * The part of the WebAssembly global that the project's own wasm modules use (src/dsp/native.ts,
 * src/audio/stb-vorbis.ts): the project's TypeScript lib settings do not declare it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** `n` rounded up to a multiple of 16 bytes (the alignment our modules' buffers get). */
export const align16 = (n: number): number => (n + 15) & ~15;

/** Grows `memory` to at least `bytes` (a wasm memory never shrinks, so it is then reused). */
export function reserveMemory(memory: WasmMemory, bytes: number): void {
  if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
}

/** Makes instances of one module, compiled on the first call (a stream read in windows gets one of its own). */
export function moduleInstances<T>(base64: string, imports: object = {}): () => T {
  let compiled: object | undefined;
  return () => {
    compiled ??= new wasmApi.Module(Buffer.from(base64, 'base64'));
    return new wasmApi.Instance(compiled, imports).exports as T;
  };
}
