import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { TEMP_SUFFIX } from '../../src/store/atomic.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { ROOT } from '../helpers/shared.ts';

const BIN = join(ROOT, 'bin', 'birdcall.js');
const RATE = 8000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts `node bin/birdcall.js ARGS`; with `kill`, sends SIGKILL `afterMs` after `startedWhen(pid)` turns true. */
function birdcall(args: string[], kill?: { startedWhen: (pid: number) => boolean; afterMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    let timer: NodeJS.Timeout | undefined;
    if (kill) {
      const poll = setInterval(() => {
        if (!kill.startedWhen(child.pid ?? -1)) return;
        clearInterval(poll);
        timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
      }, 10);
      child.on('exit', () => clearInterval(poll));
    }
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function tone(seconds: number, seed: number): Uint8Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * (300 + 23 * seed) * i) / RATE);
  return encodeWav(samples, RATE);
}

function write(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

function pipelineFile(dir: string, name: string, nMels: number): string {
  const path = join(dir, name);
  const steps = [
    { block: 'decode' },
    { block: 'chunk', params: { seconds: 0.5 } },
    { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels } },
    { block: 'db' },
    { block: 'image' },
    { block: 'npy' },
  ];
  writeFileSync(path, JSON.stringify({ version: 1, steps }));
  return path;
}

function listFiles(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, root));
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

function lockOwner(lock: string): number | undefined {
  try {
    return Number(readFileSync(lock, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** A seeded PRNG, so a failing kill schedule can be replayed from the seed in the message. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('birdcall convert (CLI)', () => {
  it('exit code 3 and an errors.csv row when one file is bad; 2 for a missing INPUT; 1 when all fail', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-cli-convert-'));
    const pipeline = pipelineFile(dir, 'p.json', 16);
    write(join(dir, 'in/a/good.wav'), tone(0.5, 1));
    write(join(dir, 'in/a/bad.wav'), 'RIFF but not really');
    const partial = await birdcall(['convert', join(dir, 'in'), '-o', join(dir, 'out'), '--pipeline', pipeline, '--jobs', '1']);
    expect(partial.code, partial.stderr).toBe(3);
    expect(partial.stderr).toMatch(/converted 1, up to date 0, failed 1 of 2 files/);
    expect(readFileSync(join(dir, 'out/errors.csv'), 'utf8')).toMatch(/^a\/bad\.wav,WAV_\w+,.+,error$/m);

    const usage = await birdcall(['convert', join(dir, 'nope'), '-o', join(dir, 'out2'), '--pipeline', pipeline]);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
    expect(usage.stderr).toMatch(/nope: no such file or folder/);

    write(join(dir, 'allbad/a/x.wav'), 'junk');
    const failure = await birdcall(['convert', join(dir, 'allbad'), '-o', join(dir, 'out3'), '--pipeline', pipeline, '--jobs', '1']);
    expect(failure.code).toBe(1);
  });

  it('survives SIGKILL at random moments: a re-run ends with every output valid, listed once, no temp files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-cli-kill-'));
    for (let i = 0; i < 30; i++) write(join(dir, `in/sp${i % 3}/rec${i}.wav`), tone(1, i));
    // Two pipelines alternate so that every run has work to do (and overwrites what the last one made).
    // Every fourth run uses worker threads (killed mid-task too); the rest run in-process, which starts faster.
    const pipelines = [pipelineFile(dir, 'a.json', 16), pipelineFile(dir, 'b.json', 20)];
    const out = join(dir, 'out');
    const seed = Date.now() % 1_000_000;
    const rand = random(seed);
    const lock = join(out, '.birdcall', 'lock');
    let kills = 0;
    let maxDelay = 1500;
    for (let attempt = 0; kills < 20 && attempt < 40; attempt++) {
      const run = await birdcall(
        ['convert', join(dir, 'in'), '-o', out, '--pipeline', pipelines[attempt % 2], '--jobs', attempt % 4 === 3 ? '2' : '1', '--no-progress'],
        // Count the delay from when this run takes the output lock (a killed run leaves its own lock behind).
        { startedWhen: (pid) => lockOwner(lock) === pid, afterMs: Math.floor(rand() * maxDelay) },
      );
      if (run.signal === "SIGKILL") kills++;
      else {
        expect(run.code, `seed ${seed}: ${run.stderr}`).toBe(0);
        // It finished before the kill: kill sooner next time.
        maxDelay = Math.max(100, Math.floor(maxDelay * 0.7));
      }
    }
    expect(kills, `seed ${seed}`).toBeGreaterThanOrEqual(20);

    const final = await birdcall(['convert', join(dir, 'in'), '-o', out, '--pipeline', pipelines[0], '--no-progress']);
    expect(final.code, `seed ${seed}: ${final.stderr}`).toBe(0);
    expect(final.stderr).toMatch(/failed 0 of 30 files; 60 chunks/);

    const rows = await readOutputManifest(join(out, 'manifest.csv'));
    expect(rows).toHaveLength(60);
    expect(new Set(rows.map((r) => `${r.source}#${r.chunkIndex}`)).size).toBe(60);
    const listed: string[] = [];
    for (const row of rows) {
      for (const [name, rel] of Object.entries(row.outputs)) {
        listed.push(rel);
        const bytes = readFileSync(join(out, rel));
        expect(createHash('sha256').update(bytes).digest('hex'), `seed ${seed}: ${rel}`).toBe(row.outputHashes[name]);
        if (name === 'png') await sharp(bytes).raw().toBuffer();
        if (name === 'npy') expect(decodeNpy(bytes).shape).toEqual([16, expect.any(Number)]);
      }
    }
    // Every file on disk is one the manifest lists, and each exactly once.
    const onDisk = [...listFiles(join(out, 'png')).map((f) => `png/${f}`), ...listFiles(join(out, 'npy')).map((f) => `npy/${f}`)];
    expect(onDisk.sort()).toEqual([...listed].sort());
    expect(listFiles(out).filter((f) => f.endsWith(TEMP_SUFFIX) || f.includes(TEMP_SUFFIX))).toEqual([]);
    expect(existsSync(lock)).toBe(false);
  }, 300_000);
});
