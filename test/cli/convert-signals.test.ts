import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { TEMP_SUFFIX } from '../../src/store/atomic.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import type { ConvertSummary } from '../../src/batch/convert.ts';
import { ROOT } from '../helpers/shared.ts';

const BIN = join(ROOT, 'bin', 'birdcall.js');
const RATE = 8000;
const FILES = 24;
/** 8 s per file in 0.5 s chunks: 16 chunks, so a run lasts long enough to be signalled mid-way. */
const CHUNKS_PER_FILE = 16;

interface Run {
  code: number | null;
  stderr: string;
  /** Seconds from the first signal to the exit. */
  exitSeconds?: number;
}

function listFiles(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), root) : [relative(root, join(dir, e.name))],
  );
}

/** Runs the CLI; once `states` sources have a state, sends `signals` (ms apart). */
function birdcall(args: string[], out: string, signals: NodeJS.Signals[] = [], states = 3): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let signalled: number | undefined;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    const poll = setInterval(() => {
      if (signals.length === 0 || listFiles(join(out, '.birdcall', 'state')).length < states) return;
      clearInterval(poll);
      signalled = performance.now();
      signals.forEach((s, i) => setTimeout(() => child.kill(s), i * 50));
    }, 20);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, exitSeconds: signalled === undefined ? undefined : (performance.now() - signalled) / 1000 });
    });
  });
}

function setup(): { dir: string; input: string; pipeline: string } {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-cli-signal-'));
  for (let i = 0; i < FILES; i++) {
    const samples = new Float32Array(8 * RATE);
    for (let t = 0; t < samples.length; t++) samples[t] = 0.3 * Math.sin((2 * Math.PI * (300 + 23 * i) * t) / RATE);
    const path = join(dir, `in/sp${i % 3}/rec${i}.wav`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeWav(samples, RATE));
  }
  const pipeline = join(dir, 'p.json');
  const steps = [
    { block: 'decode' },
    { block: 'chunk', params: { seconds: 0.5 } },
    { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels: 16 } },
    { block: 'db' },
    { block: 'image' },
  ];
  writeFileSync(pipeline, JSON.stringify({ version: 1, steps }));
  return { dir, input: join(dir, 'in'), pipeline };
}

/** Every manifest row's file exists with its hash; no temp file anywhere. Returns the sources listed. */
async function checkFolder(out: string): Promise<Set<string>> {
  const rows = await readOutputManifest(join(out, 'manifest.csv'));
  for (const row of rows) {
    const bytes = readFileSync(join(out, row.outputs.png));
    expect(createHash('sha256').update(bytes).digest('hex'), row.outputs.png).toBe(row.outputHashes.png);
  }
  expect(listFiles(out).filter((f) => f.includes(TEMP_SUFFIX))).toEqual([]);
  const sources = new Set(rows.map((r) => r.source));
  expect(rows).toHaveLength(sources.size * CHUNKS_PER_FILE);
  return sources;
}

describe('convert on SIGINT / SIGTERM', () => {
  for (const [signal, code, jobs] of [['SIGTERM', 143, '2'], ['SIGINT', 130, '1']] as const) {
    it(`${signal} (--jobs ${jobs}): exits ${code} within the grace, leaves a valid partial manifest, and a re-run completes`, async () => {
      const { dir, input, pipeline } = setup();
      const out = join(dir, 'out');
      const args = ['convert', input, '-o', out, '--pipeline', pipeline, '--jobs', jobs, '--no-progress', '--grace', '5'];
      const stopped = await birdcall(args, out, [signal]);
      expect(stopped.code, stopped.stderr).toBe(code);
      expect(stopped.exitSeconds).toBeLessThan(5 + 5); // the grace, plus closing the threads on a loaded machine
      expect(stopped.stderr).toMatch(new RegExp(`stopped by ${signal} \\(\\d+ converted.*run the same command again to resume`));
      const partial = await checkFolder(out);
      expect(partial.size).toBeGreaterThan(0);
      expect(partial.size).toBeLessThan(FILES);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ConvertSummary;
      expect(summary.stopped).toBe(`stopped by ${signal}`);
      expect(existsSync(join(out, '.birdcall', 'lock'))).toBe(false);

      const resumed = await birdcall(args, out);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(new RegExp(`up to date (\\d+), failed 0 of ${FILES} files`));
      expect(Number(/up to date (\d+)/.exec(resumed.stderr)?.[1])).toBeGreaterThanOrEqual(partial.size);
      expect((await checkFolder(out)).size).toBe(FILES);
    }, 120_000);
  }

  it('a second signal exits at once; the next run still completes', async () => {
    const { dir, input, pipeline } = setup();
    const out = join(dir, 'out');
    const args = ['convert', input, '-o', out, '--pipeline', pipeline, '--jobs', '2', '--no-progress', '--grace', '60'];
    const stopped = await birdcall(args, out, ['SIGINT', 'SIGINT'], 1);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/SIGINT again: convert stops now/);
    expect(stopped.exitSeconds).toBeLessThan(5);
    const resumed = await birdcall(args, out);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await checkFolder(out)).size).toBe(FILES);
  }, 120_000);
});
