import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { isTempFile } from '../../src/pipeline/atomic.ts';
import { convert } from '../../src/pipeline/convert.ts';
import { readOutputManifest } from '../../src/pipeline/manifest.ts';
import { loadPipelineFile, resolvePipeline, type ResolvedPipeline } from '../../src/pipeline/pipeline.ts';
import { enqueue, finishQueue, jobIdFor, parseQueueUrl, queueStatus, runWorker } from '../../src/pipeline/queue.ts';
import { HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis.ts';
import { ROOT } from '../helpers/shared.ts';

const RATE = 8000;
const FILES = 8;

function tone(seconds: number, seed: number): Uint8Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * (300 + 41 * seed) * i) / RATE) + 0.01 * Math.sin(i * seed);
  return encodeWav(samples, RATE);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-queue-'));
}

/** A folder of FILES small WAVs under two labels. */
function makeInput(): string {
  const root = join(tempDir(), 'audio');
  for (let i = 0; i < FILES; i++) {
    const path = join(root, i % 2 ? 'owl' : 'wren', `rec${i}.wav`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, tone(1 + (i % 3) * 0.5, i + 1));
  }
  return root;
}

/**
 * A pipeline file with a user block that holds each file for `ms` in the worker thread, so a worker can be
 * killed while it is surely in the middle of a job.
 */
function slowPipelineFile(ms: number): string {
  const dir = tempDir();
  // Absolute imports: the module sits in a temp folder, outside this package's node_modules.
  const blockUrl = pathToFileURL(join(ROOT, 'src', 'pipeline', 'block.ts')).href;
  const zodUrl = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('zod')).href;
  writeFileSync(
    join(dir, 'slow.mts'),
    `import { z } from '${zodUrl}';\nimport { defineBlock } from '${blockUrl}';\n` +
      `export const hold = defineBlock({ name: 'hold', doc: 'waits', input: 'audio', output: 'audio',\n` +
      `  params: z.object({ ms: z.number().default(${ms}).describe('milliseconds') }),\n` +
      `  run: (audio, p) => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, p.ms); return audio; } });\n`,
  );
  writeFileSync(
    join(dir, 'pipeline.yaml'),
    'version: 1\nblocks: [./slow.mts]\nsteps:\n  - decode\n  - hold\n  - block: chunk\n    params: { seconds: 0.5 }\n' +
      '  - block: melspec\n    params: { n_fft: 256, hop_length: 64, n_mels: 16 }\n  - db\n  - image\n',
  );
  return join(dir, 'pipeline.yaml');
}

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, root) : [relative(root, path)];
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnWorker(url: string, outDir: string, extra: string[] = []): Spawned {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'birdcall.js'), 'worker', '--queue', url, '-o', outDir, '--verbose', '--exit-when-drained', ...extra],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function until(check: () => boolean, what: string, log: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; its stderr: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('parseQueueUrl', () => {
  it('takes the queue name from the path and an optional database before it', () => {
    const t = parseQueueUrl('redis://:secret@cache.local:6390/2/birdclef-2024');
    expect(t.name).toBe('birdclef-2024');
    expect(t.redis).toMatchObject({ host: 'cache.local', port: 6390, db: 2, password: 'secret', tls: false });
    expect(t.display).not.toContain('secret');
    expect(parseQueueUrl('rediss://h/q').redis).toMatchObject({ port: 6379, db: 0, tls: true });
  });

  it('refuses a URL without a queue name or with another scheme', () => {
    expect(() => parseQueueUrl('redis://localhost:6379')).toThrow(/name the queue/);
    expect(() => parseQueueUrl('http://localhost/q')).toThrow(/redis:\/\//);
    expect(() => parseQueueUrl('localhost:6379/q')).toThrow();
  });
});

describe.skipIf(!HAVE_REDIS)('queue mode on a real Redis', () => {
  let redis: TestRedis;
  let input: string;
  let pipeline: ResolvedPipeline;

  beforeAll(async () => {
    redis = await startRedis();
    input = makeInput();
    pipeline = await loadPipelineFile(slowPipelineFile(400));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enqueues one job per source, and enqueuing again adds nothing', async () => {
    const url = redis.url('idempotent');
    const first = await enqueue({ queue: url, input, pipeline });
    expect(first).toMatchObject({ sources: FILES, added: FILES, alreadyQueued: 0 });
    const second = await enqueue({ queue: url, input, pipeline });
    expect(second).toMatchObject({ sources: FILES, added: 0, alreadyQueued: FILES });
    const status = await queueStatus(url);
    expect(status.counts.waiting).toBe(FILES);
    expect(status.meta?.pipelineHash).toBe(first.pipelineHash);
    // The job id depends on the pipeline as well as the path.
    expect(jobIdFor('a', 'x.wav')).not.toBe(jobIdFor('b', 'x.wav'));
  });

  it('refuses a second pipeline on the same queue, and a worker whose pipeline differs', async () => {
    const url = redis.url('mismatch');
    await enqueue({ queue: url, input, pipeline });
    const other = resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params: { nFft: 512 } }, { block: 'db' }, { block: 'npy' }] });
    await expect(enqueue({ queue: url, input, pipeline: other })).rejects.toMatchObject({ code: 'QUEUE_PIPELINE_MISMATCH' });
    await expect(runWorker({ queue: url, outDir: tempDir(), pipeline: other, exitWhenDrained: true })).rejects.toMatchObject({
      code: 'QUEUE_PIPELINE_MISMATCH',
    });
    expect((await queueStatus(url)).counts.waiting).toBe(FILES);
  });

  it('recovers the job of a worker killed with SIGKILL: every chunk exactly once, with the right bytes', async () => {
    const url = redis.url('kill');
    const outDir = tempDir();
    await enqueue({ queue: url, input, pipeline });
    const lock = ['--lock-duration', '1500', '--stalled-interval', '500'];

    // The victim takes a job (the hold block keeps it busy for 400 ms) and dies mid-job.
    const victim = spawnWorker(url, outDir, lock);
    await until(() => /^start /m.test(victim.stderr()) || victim.child.exitCode !== null, 'the first worker to start a job', victim.stderr);
    expect(victim.child.exitCode, victim.stderr()).toBeNull();
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedSource = /^start (\S+)/m.exec(victim.stderr())![1];
    expect((await queueStatus(url)).counts.active).toBe(1);

    // Two survivors drain the queue, one of them picking up the dead worker's job once its lock lapses.
    const survivors = [spawnWorker(url, outDir, lock), spawnWorker(url, outDir, lock)];
    const codes = await Promise.all(survivors.map((s) => s.exited));
    expect(codes).toEqual([0, 0]);
    const logs = survivors.map((s) => s.stderr()).join('\n');
    expect(logs).toContain(`done ${killedSource}:`);
    expect(survivors.every((s) => /^done /m.test(s.stderr()))).toBe(true);

    const status = await queueStatus(url);
    expect(status.counts).toMatchObject({ completed: FILES, failed: 0, active: 0, waiting: 0 });

    const summary = await finishQueue({ queue: url, outDir, jobs: 1 });
    expect(summary).toMatchObject({ converted: 0, skipped: FILES, failed: 0 });
    const rows = await readOutputManifest(summary.manifestPath);
    const keys = rows.map((r) => `${r.source}#${r.chunkIndex}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(rows.map((r) => r.source)).size).toBe(FILES);
    for (const row of rows) expect(sha256(readFileSync(join(outDir, row.outputs.png)))).toBe(row.outputHashes.png);

    // Exactly the manifest's files on disk: no duplicates under other names, no temp files left.
    const files = listFiles(outDir).filter((f) => !f.startsWith('.birdcall') && f.endsWith('.png'));
    expect(files.sort()).toEqual(rows.map((r) => r.outputs.png).sort());
    expect(listFiles(outDir).filter((f) => isTempFile(f.split('/').at(-1)!))).toEqual([]);

    // The same bytes a plain single-machine convert makes.
    const plain = await convert({ input, outDir: tempDir(), pipeline, jobs: 2 });
    const expected = new Map((await readOutputManifest(plain.manifestPath)).map((r) => [`${r.source}#${r.chunkIndex}`, r.outputHashes.png]));
    expect(new Map(rows.map((r) => [`${r.source}#${r.chunkIndex}`, r.outputHashes.png]))).toEqual(expected);
  });
});
