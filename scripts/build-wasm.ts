/**
 * Builds the project's wasm SIMD modules with clang's wasm32 target (Debian: apt-get install clang lld, or
 * clang-14 lld-14), and records each source's hash and the compiler beside it in NAME.wasm.json:
 * - src/train/kernels/native/kernels.wasm from kernels.c (the training kernels, on tfjs's memory);
 * - src/dsp/native/dsp.wasm from dsp.c (the spectral core's float32/float64 fast path, on a memory of its
 *   own that src/dsp/native.ts creates).
 * The .wasm files are committed, so installing birdcall needs no C compiler; test/train/native.test.ts and
 * test/dsp/native.test.ts check that each committed module was built from the committed source (and
 * rebuild it byte for byte when the same clang is present).
 *
 *   npm run build:wasm [-- --out DIR]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const NATIVE_DIR = fileURLToPath(new URL('../src/train/kernels/native/', import.meta.url));
export const SOURCE = join(NATIVE_DIR, 'kernels.c');
export const DSP_DIR = fileURLToPath(new URL('../src/dsp/native/', import.meta.url));
export const DSP_SOURCE = join(DSP_DIR, 'dsp.c');

/** The modules this script builds: where each source is and what its .wasm is called. */
const MODULES = [
  { dir: NATIVE_DIR, source: SOURCE, name: 'kernels' },
  { dir: DSP_DIR, source: DSP_SOURCE, name: 'dsp' },
];

export const CLANG_FLAGS = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-nostdlib',
  '-ffreestanding',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  // The module runs on tfjs's memory (src/train/kernels/native.ts), so it must not bring its own.
  '-Wl,--import-memory',
  '-Wl,--strip-all',
  // The shadow-stack pointer starts at 0: a kernel that used the stack would write below address 0 and trap
  // at once instead of overwriting tensors. buildKernels checks this.
  '-Wl,-z,stack-size=0',
  '-Wl,--stack-first',
];

export interface BuildRecord {
  /** sha256 of the C source (kernels.c or dsp.c). */
  source: string;
  /** `clang --version`'s first line. */
  clang: string;
  flags: string[];
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `clang`, or Debian's versioned `clang-14` when no plain clang is installed; undefined when neither runs. */
function clangCommand(): string | undefined {
  return ['clang', 'clang-14'].find((c) => spawnSync(c, ['--version']).status === 0);
}

export function clangVersion(): string | undefined {
  const clang = clangCommand();
  if (clang === undefined) return undefined;
  const r = spawnSync(clang, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : undefined;
}

const GLOBAL_SECTION = 6;
const DATA_SECTION = 11;

/** The wasm bytes of the section with that id, or undefined. */
function section(bytes: Uint8Array, wanted: number): Uint8Array | undefined {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    if (id === wanted) return bytes.subarray(at, at + size);
    at += size;
  }
  return undefined;
}

/** The global section of lld's output when the only global is the shadow-stack pointer at 0: one mutable i32 = i32.const 0. */
const STACK_POINTER_AT_ZERO = [1, 0x7f, 1, 0x41, 0, 0x0b];

/**
 * Compile kernels.c into `outDir`; returns the .wasm bytes. Fails when the module would own memory: a data
 * section (static data) or a global other than a stack pointer at 0, either of which would land on
 * addresses that tfjs's allocator hands out.
 */
export function buildKernels(outDir: string): Uint8Array {
  return buildModule(SOURCE, join(outDir, 'kernels.wasm'));
}

/** Compile dsp.c into `outDir` under the same rules as buildKernels; returns the .wasm bytes. */
export function buildDsp(outDir: string): Uint8Array {
  return buildModule(DSP_SOURCE, join(outDir, 'dsp.wasm'));
}

function buildModule(source: string, out: string): Uint8Array {
  const clang = clangCommand();
  if (clang === undefined) throw new Error('clang not found; on Debian: apt-get install clang lld');
  const r = spawnSync(clang, [...CLANG_FLAGS, '-o', out, source], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clang failed:\n${r.stderr}`);
  const bytes = readFileSync(out);
  checkOwnsNoMemory(bytes);
  // The stack pointer's only readers and writers are functions that use the shadow stack: none may.
  const listing = spawnSync('llvm-objdump', ['-d', out], { encoding: 'utf8' });
  if (listing.status === 0 && /global\.(get|set)/.test(listing.stdout)) throw new Error('a kernel uses the shadow stack (global.get/set in llvm-objdump -d): keep arrays out of locals');
  return bytes;
}

/** Throws unless the module keeps no data and no global but a stack pointer at 0 (see CLANG_FLAGS). */
export function checkOwnsNoMemory(bytes: Uint8Array): void {
  if (section(bytes, DATA_SECTION) !== undefined) throw new Error('kernels.wasm has a data section: the kernels must keep no static data');
  const globals = section(bytes, GLOBAL_SECTION);
  if (globals !== undefined && globals.join() !== STACK_POINTER_AT_ZERO.join()) {
    throw new Error(`kernels.wasm has globals [${[...globals].join(' ')}], not just a stack pointer at 0`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outAt = process.argv.indexOf('--out');
  const outDir = outAt >= 0 ? process.argv[outAt + 1] : undefined;
  const work = mkdtempSync(join(tmpdir(), 'birdcall-wasm-'));
  try {
    for (const m of MODULES) {
      const bytes = buildModule(m.source, join(work, `${m.name}.wasm`));
      const record: BuildRecord = { source: sha256(readFileSync(m.source)), clang: clangVersion() ?? 'unknown', flags: CLANG_FLAGS };
      const dir = outDir ?? m.dir;
      writeFileSync(join(dir, `${m.name}.wasm`), bytes);
      writeFileSync(join(dir, `${m.name}.wasm.json`), `${JSON.stringify(record, null, 2)}\n`);
      console.log(`${m.name}.wasm: ${bytes.length} bytes, built by ${record.clang}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
