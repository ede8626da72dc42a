import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/**
 * A worker thread's TypeScript as one plain-JS file, so the thread starts without TypeScript.
 *
 * Started through tsx, a worker costs about 1 s of CPU before its first task (tsx's loader plus some
 * forty modules transformed one by one; see docs/decisions/fft.md "Threads"). Bundled by esbuild into a
 * single .mjs and started without tsx's --require / --import flags, it costs 0.15-0.3 s. The bundle is
 * built at first use into node_modules/.cache/birdcall/ and reused by later processes for as long as
 * none of its input files changed (size and mtime of each, recorded next to it). When esbuild is
 * missing or the build fails, the workers fall back to the TypeScript entry through tsx, which is
 * slower to start but computes the same values. BIRDCALL_WORKER_BUNDLE=0 forces that fallback.
 *
 * Two workers use it: the mel workers (src/dsp/mel-worker.ts, everything bundled) and convert's pipeline
 * workers (src/pipeline/pool-thread.ts, packages left as imports: sharp loads a native addon by path).
 *
 * All of this is for running the TypeScript sources (tests, a dev checkout). The built package runs from
 * dist/, where every worker is already plain JavaScript: there a worker starts from its compiled file, or
 * from the one-file bundle the build made of it (`built`), with no esbuild and no tsx at run time.
 */

/** True when this module is compiled JavaScript (the package's dist/), false when it runs as TypeScript. */
export const COMPILED: boolean = import.meta.url.endsWith('.js');

/**
 * A worker thread's entry: in dist/, its compiled `.js` (`module`, relative to src/ without extension);
 * from sources, `tsxEntry`, the plain-JS file that registers tsx and imports the TypeScript worker.
 */
export function threadEntry(module: string, tsxEntry: URL): URL {
  return COMPILED ? new URL(`./${module}.js`, import.meta.url) : tsxEntry;
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'birdcall');

/** A worker that can start from a bundle. */
export interface BundledWorker {
  /** The cache file's name, without extension. */
  name: string;
  /** The TypeScript entry that gets bundled. */
  source: string;
  /** The plain-JS entry that registers tsx and imports `source`: the fallback. */
  tsxEntry: URL;
  /** The compiled worker in dist/ (used when COMPILED). */
  compiled: URL;
  /**
   * The compiled worker bundled into one file by `npm run build` (scripts/build.mjs WORKER_BUNDLES): a thread
   * then loads one module instead of some sixty (zod's included), which about halves its start-up. `compiled`
   * serves when the build made none.
   */
  built?: URL;
  /** 'bundle' inlines node_modules too; 'external' leaves package imports for Node to resolve at run time. */
  packages: 'bundle' | 'external';
}

export const MEL_WORKER: BundledWorker = {
  name: 'mel-worker',
  source: fileURLToPath(new URL('./dsp/mel-worker.ts', import.meta.url)),
  tsxEntry: new URL('./dsp/mel-worker-entry.mjs', import.meta.url),
  compiled: new URL('./dsp/mel-worker.js', import.meta.url),
  built: new URL('./dsp/mel-worker.bundle.js', import.meta.url),
  packages: 'bundle',
};

export const PIPELINE_WORKER: BundledWorker = {
  name: 'pipeline-worker',
  source: fileURLToPath(new URL('./pipeline/pool-thread.ts', import.meta.url)),
  tsxEntry: new URL('./pipeline/pool-thread-entry.mjs', import.meta.url),
  compiled: new URL('./pipeline/pool-thread.js', import.meta.url),
  packages: 'external',
};

/** How to start a worker: the file, and the Node flags it needs (undefined: inherit this thread's). */
export interface WorkerEntry {
  readonly url: URL;
  readonly execArgv: string[] | undefined;
  /** True for plain JavaScript (dist/ or the esbuild bundle), false for the tsx fallback. */
  readonly bundled: boolean;
  /** Why the fallback was taken (bundled false). */
  readonly reason?: string;
}

/**
 * Piscina's options for `threads` threads started from `entry`, all alive from the start: a bundle exports its
 * task as `task`, the tsx entry and compiled files as their default export. (Not the pool itself: callers load
 * piscina when they choose to, off some threads' start path.)
 */
export function fixedPoolOptions(entry: WorkerEntry, task: string, threads: number): { filename: string; name: string; execArgv: string[] | undefined; minThreads: number; maxThreads: number } {
  return { filename: fileURLToPath(entry.url), name: entry.bundled ? task : 'default', execArgv: entry.execArgv, minThreads: threads, maxThreads: threads };
}

interface Manifest {
  esbuild: string;
  node: string;
  /** Absolute input path -> [size, mtimeMs] when the bundle was built. */
  inputs: Record<string, [number, number]>;
}

function stamp(path: string): [number, number] | null {
  try {
    const s = statSync(path);
    return [s.size, s.mtimeMs];
  } catch {
    return null;
  }
}

function upToDate(bundle: string, manifestPath: string): boolean {
  if (!existsSync(bundle)) return false;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch {
    return false;
  }
  if (manifest.node !== process.version || Object.keys(manifest.inputs).length === 0) return false;
  for (const [path, [size, mtime]] of Object.entries(manifest.inputs)) {
    const now = stamp(path);
    if (!now || now[0] !== size || now[1] !== mtime) return false;
  }
  return true;
}

/** Write through a temporary name and rename, so a concurrent process never reads half a file. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

interface EsbuildLike {
  version: string;
  buildSync(options: Record<string, unknown>): {
    outputFiles?: { text: string }[];
    metafile?: { inputs: Record<string, unknown> };
  };
}

/**
 * Bundle `source` (a TypeScript/ESM entry and its whole import graph, node_modules included, Node
 * built-ins left as imports) to `<cacheDir>/<name>.mjs`, unless the bundle there is still current.
 * Returns the bundle's path; throws when esbuild is unavailable or the build fails.
 */
export function ensureBundle(source: string, cacheDir: string, name: string, packages: 'bundle' | 'external' = 'bundle'): string {
  const bundle = join(cacheDir, `${name}.mjs`);
  const manifestPath = join(cacheDir, `${name}.json`);
  if (upToDate(bundle, manifestPath)) return bundle;
  // loaded only here: a process with a current bundle never pays for esbuild's JS API
  const esbuild = createRequire(import.meta.url)('esbuild') as EsbuildLike;
  const workingDir = dirname(source);
  const result = esbuild.buildSync({
    entryPoints: [source],
    absWorkingDir: workingDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    packages: packages === 'external' ? 'external' : undefined,
    logLevel: 'silent',
  });
  const text = result.outputFiles?.[0]?.text;
  if (!text || !result.metafile) throw new Error('esbuild returned no output');
  const inputs: Manifest['inputs'] = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(workingDir, input);
    const s = stamp(path);
    if (s) inputs[path] = s;
  }
  mkdirSync(cacheDir, { recursive: true });
  writeAtomically(bundle, text);
  writeAtomically(manifestPath, JSON.stringify({ esbuild: esbuild.version, node: process.version, inputs } satisfies Manifest));
  return bundle;
}

const LOADER_FLAGS = ['--require', '-r', '--import', '--loader', '--experimental-loader'];

function isTsx(value: string): boolean {
  return /(^|[\\/])tsx([\\/]|$)/.test(value);
}

/** This process's flags minus tsx's loader (--require .../tsx/..., --import tsx, ...): a bundle needs none. */
export function withoutTsxFlags(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    if (LOADER_FLAGS.includes(arg) && isTsx(execArgv[i + 1] ?? '')) {
      i++;
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0 && LOADER_FLAGS.includes(arg.slice(0, eq)) && isTsx(arg.slice(eq + 1))) continue;
    out.push(arg);
  }
  return out;
}

const entries = new Map<string, WorkerEntry>();

/**
 * A worker's entry for this process (decided once per worker): in dist/ the build's one-file bundle, else the
 * compiled worker; from sources the esbuild bundle when it can be had, else the tsx entry. `prefer` 'tsx' asks
 * for the unbundled entry: the tsx one from sources, the compiled file in dist/. User block modules need it:
 * they register their blocks through the package's own modules, which a bundle holds copies of.
 */
export function workerEntry(worker: BundledWorker, prefer: 'bundle' | 'tsx' = 'bundle'): WorkerEntry {
  workerIsolateFlags();
  if (COMPILED) {
    const url = prefer === 'bundle' && worker.built && existsSync(worker.built) ? worker.built : worker.compiled;
    return { url, execArgv: undefined, bundled: true };
  }
  const fallback = (reason: string): WorkerEntry => ({ url: worker.tsxEntry, execArgv: undefined, bundled: false, reason });
  if (prefer === 'tsx') return fallback('asked for the tsx entry');
  const known = entries.get(worker.name);
  if (known) return known;
  let entry: WorkerEntry;
  if (process.env.BIRDCALL_WORKER_BUNDLE === '0') {
    entry = fallback('BIRDCALL_WORKER_BUNDLE=0');
  } else {
    try {
      const bundle = ensureBundle(worker.source, CACHE_DIR, worker.name, worker.packages);
      entry = { url: pathToFileURL(bundle), execArgv: withoutTsxFlags(process.execArgv), bundled: true };
    } catch (err) {
      entry = fallback(`bundling failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  entries.set(worker.name, entry);
  return entry;
}

let flagsSet = false;

/**
 * V8 settings for the worker isolates made from now on (process-wide, once; a flag only shapes isolates and
 * functions set up after it):
 * - a 64 MB initial heap. With V8's default start (a few MB) the heap of a compute thread stays small, its
 *   limit is reached every few files by short-lived typed arrays, and each thread ran a full mark-compact
 *   about every 100 ms (77 in a 400-clip `convert --jobs 2`, against 2 on the main thread doing the same
 *   work in-process): about 10% of the run's CPU, taken from the other thread's core. 64 MB: no
 *   mark-compact in that run.
 * - an interrupt budget 8x V8's default (67584 bytes of bytecode), so a function must run longer before
 *   TurboFan compiles it. Each thread's hot code is wasm; its JavaScript is glue that runs a few times per
 *   file, and TurboFan compiled some 150 such functions in every isolate (~0.5 CPU s per isolate,
 *   `--trace-opt`), which --jobs 2 pays twice on the cores it computes on. 400-clip `convert --jobs 2`, five
 *   alternating runs: 2.27 -> 2.07 s (CPU 4.12 -> 3.71 s); 4x, 16x and 32x gave no more. The budget is read
 *   by the main isolate too: predict, whose main thread runs the model, measured the same with it.
 */
function workerIsolateFlags(): void {
  if (flagsSet) return;
  flagsSet = true;
  setFlagsFromString('--initial-heap-size=64');
  setFlagsFromString('--interrupt-budget=540672');
}

/** The mel worker's entry (see workerEntry). */
export function melWorkerEntry(prefer: 'bundle' | 'tsx' = 'bundle'): WorkerEntry {
  return workerEntry(MEL_WORKER, prefer);
}
