import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { isTempFile } from '../../src/store/atomic.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { ROOT } from './shared.ts';

/** Helpers of the queue-mode tests: worker processes, a slow pipeline, waiting, and output checks. */

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-queue-'));
}

let holdModule: string | undefined;

/** The user block `hold` (waits `ms` in its thread), written once per process: a block name registers once. */
function holdBlockModule(): string {
  if (holdModule) return holdModule;
  // Absolute imports: the module sits in a temp folder, outside this package's node_modules.
  const blockUrl = pathToFileURL(join(ROOT, 'src', 'pipeline', 'block.ts')).href;
  const zodUrl = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('zod')).href;
  holdModule = join(tempDir(), 'slow.mts');
  writeFileSync(
    holdModule,
    `import { z } from '${zodUrl}';\nimport { defineBlock } from '${blockUrl}';\n` +
      `export const hold = defineBlock({ name: 'hold', doc: 'waits', input: 'audio', output: 'audio',\n` +
      `  params: z.object({ ms: z.number().default(0).describe('milliseconds') }),\n` +
      `  run: (audio, p) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, p.ms); return audio; } });\n`,
  );
  return holdModule;
}

/**
 * A pipeline file with a user block that holds each file for `ms` in the worker thread, so a worker can be
 * killed or stopped while it is surely in the middle of a job.
 */
export function slowPipelineFile(ms: number): string {
  // Beside the module: a pipeline file may only name block modules in its own folder.
  const path = join(dirname(holdBlockModule()), `pipeline-${ms}.yaml`);
  writeFileSync(
    path,
    `version: 1\nblocks: [./slow.mts]\nsteps:\n  - decode\n  - block: hold\n    params: { ms: ${ms} }\n` +
      '  - block: chunk\n    params: { seconds: 0.5 }\n  - block: melspec\n    params: { n_fft: 256, hop_length: 64, n_mels: 16 }\n  - db\n  - image\n',
  );
  return path;
}

export interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  /** performance.now() at exit, once exited. */
  exitedAt: () => number | undefined;
}

/** `birdcall worker --verbose` on `url`; with --exit-when-drained unless `drained: false`. */
export function spawnWorker(url: string, outDir: string, extra: string[] = [], options: { drained?: boolean } = {}): Spawned {
  const args = ['worker', '--queue', url, '-o', outDir, '--verbose', ...(options.drained === false ? [] : ['--exit-when-drained']), ...extra];
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'birdcall.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  let at: number | undefined;
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      at = performance.now();
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  return { child, stderr: () => err, exited, exitedAt: () => at };
}

export async function until(check: () => boolean, what: string, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; its stderr: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, root) : [relative(root, path)];
  });
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const RATE = 8000;

/** A short two-tone WAV, different for each seed. */
export function tone(seconds: number, seed: number): Uint8Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * (300 + 41 * seed) * i) / RATE) + 0.01 * Math.sin(i * seed);
  return encodeWav(samples, RATE);
}

/** The sources of makeInput(files), as manifest.csv names them. */
export function inputSources(files: number): string[] {
  return Array.from({ length: files }, (_, i) => `${i % 2 ? 'owl' : 'wren'}/rec${i}.wav`);
}

/** A folder of `files` small WAVs (1, 1.5 or 2 s) under two labels. */
export function makeInput(files: number): string {
  const root = join(tempDir(), 'audio');
  for (const [i, source] of inputSources(files).entries()) {
    const path = join(root, source);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, tone(1 + (i % 3) * 0.5, i + 1));
  }
  return root;
}

/** Temp files of atomic writes left anywhere below `dir`. */
export function tempFilesUnder(dir: string): string[] {
  return listFiles(dir).filter((f) => isTempFile(f.split('/').at(-1)!));
}

/** What is wrong with a finished output root, as lists that should all be empty. */
export interface OutputCheck {
  rows: OutputRow[];
  /** Manifest rows for a (source, chunk) already seen. */
  duplicateRows: string[];
  /** Sources of `sources` without a row, and rows of sources not in it. */
  missingSources: string[];
  unexpectedSources: string[];
  /** Outputs whose sha256 is not the manifest's. */
  corrupt: string[];
  /** PNGs on disk no row names, and rows whose PNG is not on disk. */
  strayFiles: string[];
  tempFiles: string[];
}

/** Checks manifest.csv of `outDir` against the disk: every source once, every hash right, nothing else. */
export async function checkOutputs(outDir: string, sources: string[]): Promise<OutputCheck> {
  const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
  const seen = new Set<string>();
  const duplicateRows: string[] = [];
  for (const r of rows) {
    const key = `${r.source}#${r.chunkIndex}`;
    if (seen.has(key)) duplicateRows.push(key);
    seen.add(key);
  }
  const inManifest = new Set(rows.map((r) => r.source));
  const expected = new Set(sources);
  const all = listFiles(outDir);
  const onDisk = new Set(all.filter((f) => !f.startsWith('.birdcall') && f.endsWith('.png')));
  const named = new Set(rows.map((r) => r.outputs.png));
  const corrupt = rows.filter((r) => onDisk.has(r.outputs.png) && sha256(readFileSync(join(outDir, r.outputs.png))) !== r.outputHashes.png);
  return {
    rows,
    duplicateRows,
    missingSources: sources.filter((s) => !inManifest.has(s)),
    unexpectedSources: [...inManifest].filter((s) => !expected.has(s)),
    corrupt: corrupt.map((r) => r.outputs.png),
    strayFiles: [...[...onDisk].filter((f) => !named.has(f)), ...[...named].filter((f) => !onDisk.has(f))],
    tempFiles: tempFilesUnder(outDir),
  };
}
