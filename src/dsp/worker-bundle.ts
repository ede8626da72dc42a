import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The mel worker as one plain-JS file, so a worker thread starts without TypeScript.
 *
 * Started through tsx, a worker costs about 1 s of CPU before its first frame (tsx's loader plus some
 * forty modules transformed one by one; see docs/decisions/fft.md "Threads"). Bundled by esbuild into a
 * single .mjs and started without tsx's --require / --import flags, it costs about 0.2 s. The bundle is
 * built at first use into node_modules/.cache/birdcall/ and reused by later processes for as long as
 * none of its input files changed (size and mtime of each, recorded next to it). When esbuild is
 * missing or the build fails, the workers fall back to the TypeScript entry through tsx, which is
 * slower to start but computes the same values. BIRDCALL_WORKER_BUNDLE=0 forces that fallback.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'birdcall');
const WORKER_SOURCE = fileURLToPath(new URL('./mel-worker.ts', import.meta.url));
const TSX_ENTRY = new URL('./mel-worker-entry.mjs', import.meta.url);

/** How to start a mel worker: the file, and the Node flags it needs (undefined: inherit this thread's). */
export interface WorkerEntry {
  readonly url: URL;
  readonly execArgv: string[] | undefined;
  /** True for the esbuild bundle, false for the tsx fallback. */
  readonly bundled: boolean;
  /** Why the fallback was taken (bundled false). */
  readonly reason?: string;
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
export function ensureBundle(source: string, cacheDir: string, name: string): string {
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

let cached: WorkerEntry | null = null;

/**
 * The mel worker's entry for this process (decided once): the esbuild bundle when it can be had, else
 * the tsx entry. `prefer` 'tsx' asks for the fallback (tests and benchmarks compare the two).
 */
export function melWorkerEntry(prefer: 'bundle' | 'tsx' = 'bundle'): WorkerEntry {
  const fallback = (reason: string): WorkerEntry => ({ url: TSX_ENTRY, execArgv: undefined, bundled: false, reason });
  if (prefer === 'tsx') return fallback('asked for the tsx entry');
  if (cached) return cached;
  if (process.env.BIRDCALL_WORKER_BUNDLE === '0') return (cached = fallback('BIRDCALL_WORKER_BUNDLE=0'));
  try {
    const bundle = ensureBundle(WORKER_SOURCE, CACHE_DIR, 'mel-worker');
    cached = { url: pathToFileURL(bundle), execArgv: withoutTsxFlags(process.execArgv), bundled: true };
  } catch (err) {
    cached = fallback(`bundling failed: ${(err as Error).message.split('\n')[0]}`);
  }
  return cached;
}
