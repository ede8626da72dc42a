import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { convert } from '../../src/batch/convert.ts';
import { BirdcallError } from '../../src/errors.ts';
import { resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { TEMP_SUFFIX } from '../../src/store/atomic.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { ROOT } from '../helpers/shared.ts';

/**
 * Faults of the machine during convert: a full disk, a read-only or unwritable folder, no file handles left.
 * One line naming the file and the operation; the run stops (non-zero) instead of failing every file; the
 * manifest is the previous one or a complete new one, never half of one; a re-run resumes.
 */

/** Which path (substring) fails with which errno on open, set by a test; undefined: no fault. */
const fault: { code?: string; match?: string; manifestWrite?: string } = {};

function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, open '${path}'`), { code, path, syscall: 'open' });
}

function injected(path: unknown): void {
  const name = String(path);
  if (fault.code && fault.match && name.includes(fault.match)) throw errno(fault.code, name);
}

// Small files (outputs, states, sources) go through node:fs's synchronous calls, the manifest through a
// FileHandle of node:fs/promises: both are wrapped.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof Fs>();
  const openSync = ((path: Fs.PathLike, ...rest: unknown[]) => {
    injected(path);
    return (real.openSync as (...args: unknown[]) => number)(path, ...rest);
  }) as typeof real.openSync;
  const readFileSync = ((path: Fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    injected(path);
    return (real.readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof real.readFileSync;
  return { ...real, default: { ...real, openSync, readFileSync }, openSync, readFileSync };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (path, flags, mode) => {
    const name = String(path);
    const handle = await real.open(path, flags, mode);
    if (fault.manifestWrite && name.includes('.manifest.csv.')) {
      // A disk that fills up half-way through the manifest: half the bytes land, then ENOSPC.
      const code = fault.manifestWrite;
      const writeFile = handle.writeFile.bind(handle);
      handle.writeFile = (async (data: string | Uint8Array) => {
        await writeFile(data.slice(0, Math.floor(data.length / 2)));
        throw errno(code, name);
      }) as typeof handle.writeFile;
    }
    return handle;
  };
  return { ...real, default: { ...real, open }, open };
});

const RATE = 8000;

function pipeline() {
  return resolvePipeline({
    version: 1,
    steps: [
      { block: 'decode' },
      { block: 'chunk', params: { seconds: 0.5 } },
      { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels: 16 } },
      { block: 'db' },
      { block: 'image' },
      { block: 'npy' },
    ],
  });
}

function makeInput(dir: string, files: number, seconds = 1): string {
  const input = join(dir, 'in');
  for (let i = 0; i < files; i++) {
    const samples = new Float32Array(seconds * RATE);
    for (let t = 0; t < samples.length; t++) samples[t] = 0.3 * Math.sin((2 * Math.PI * (300 + 23 * i) * t) / RATE);
    const path = join(input, `sp${i % 3}/rec${String(i).padStart(3, '0')}.wav`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodeWav(samples, RATE));
  }
  return input;
}

function listFiles(dir: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), root) : [relative(root, join(dir, e.name))],
  );
}

/** The manifest parses whole, every output it lists has its hash, no temp file is left. Returns its sources. */
async function checkFolder(out: string): Promise<number> {
  expect(listFiles(out).filter((f) => f.includes(TEMP_SUFFIX))).toEqual([]);
  if (!existsSync(join(out, 'manifest.csv'))) return 0;
  const rows = await readOutputManifest(join(out, 'manifest.csv'));
  for (const row of rows) {
    for (const [name, rel] of Object.entries(row.outputs)) {
      expect(createHash('sha256').update(readFileSync(join(out, rel))).digest('hex'), rel).toBe(row.outputHashes[name]);
    }
  }
  return new Set(rows.map((r) => r.source)).size;
}

async function rejection(run: Promise<unknown>): Promise<BirdcallError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BirdcallError);
  return err as BirdcallError;
}

describe('convert under injected disk and permission faults', () => {
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
    EMFILE: 'too many open files',
  };
  for (const [code, text] of Object.entries(messages)) {
    it(`${code} writing an output: one line naming the file, the run stops, the old manifest stays, a re-run resumes`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'birdcall-fault-'));
      const input = makeInput(dir, 6);
      const out = join(dir, 'out');
      await convert({ input, outDir: out, pipeline: pipeline(), jobs: 1, inProcess: true });
      const before = readFileSync(join(out, 'manifest.csv'), 'utf8');
      makeInput(dir, 12);
      fault.code = code;
      fault.match = `${join(out, 'png', 'sp1')}/.rec010_0001.png`;
      const err = await rejection(convert({ input, outDir: out, pipeline: pipeline(), jobs: 1, inProcess: true }));
      fault.code = undefined;
      expect(err.code).toBe(code);
      expect(err.message).toBe(`cannot write ${join(out, 'png/sp1/rec010_0001.png')}: ${text} (${code})`);
      // Stopped at the fault: the files after it were not tried (and not each listed as failed).
      expect(readFileSync(join(out, 'errors.csv'), 'utf8')).not.toMatch(code);
      expect(readFileSync(join(out, 'manifest.csv'), 'utf8')).toMatch(before.split('\n')[0]);
      expect(await checkFolder(out)).toBeGreaterThanOrEqual(6);
      expect(existsSync(join(out, '.birdcall', 'lock'))).toBe(false);

      const resumed = await convert({ input, outDir: out, pipeline: pipeline(), jobs: 1, inProcess: true });
      expect(resumed).toMatchObject({ files: 12, failed: 0 });
      // The 6 sources of the first run, and those of the 6 new ones finished before the fault, are kept.
      expect(resumed.skipped).toBeGreaterThan(6);
      expect(await checkFolder(out)).toBe(12);
    });
  }

  it('a disk that fills while the manifest is written leaves the previous manifest, whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-fault-'));
    const input = makeInput(dir, 3, 2);
    const out = join(dir, 'out');
    await convert({ input, outDir: out, pipeline: pipeline(), jobs: 1, inProcess: true });
    const before = readFileSync(join(out, 'manifest.csv'), 'utf8');
    fault.manifestWrite = 'ENOSPC';
    const err = await rejection(convert({ input, outDir: out, pipeline: pipeline(), jobs: 1, inProcess: true }));
    fault.manifestWrite = undefined;
    expect(err.message).toBe(`cannot write ${join(out, 'manifest.csv')}: no space left on device (ENOSPC)`);
    expect(readFileSync(join(out, 'manifest.csv'), 'utf8')).toBe(before);
    expect(await checkFolder(out)).toBe(3);
  });

  it('an unreadable source fails that source alone, with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-fault-'));
    const input = makeInput(dir, 4);
    fault.code = 'EACCES';
    fault.match = join(input, 'sp1', 'rec001.wav');
    const summary = await convert({ input, outDir: join(dir, 'out'), pipeline: pipeline(), jobs: 1, inProcess: true });
    fault.code = undefined;
    expect(summary).toMatchObject({ files: 4, converted: 3, failed: 1, errorsByCode: { SOURCE_UNREADABLE: 1 } });
    expect(readFileSync(join(dir, 'out', 'errors.csv'), 'utf8')).toMatch(
      'sp1/rec001.wav,SOURCE_UNREADABLE,cannot read the file: permission denied (EACCES),error',
    );
  });
});

/** A real 3 MB tmpfs (root, as in CI); skipped with one message where mounting is not allowed. */
function mountTmpfs(dir: string, size: string): boolean {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  return result.status === 0;
}

const MOUNT = mkdtempSync(join(tmpdir(), 'birdcall-tmpfs-'));
const CAN_MOUNT = process.platform === 'linux' && mountTmpfs(MOUNT, '3m');
if (!CAN_MOUNT) console.warn('convert-faults: cannot mount a tmpfs here (needs root); the real full-disk test is skipped');

describe.skipIf(!CAN_MOUNT)('convert onto a real full disk (3 MB tmpfs)', () => {
  afterAll(() => {
    spawnSync('umount', [MOUNT], { stdio: 'ignore' });
  });

  it('stops with one line naming the file, exit code 1, a whole manifest or none; resumes once there is room', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-fault-'));
    const input = makeInput(dir, 40, 4);
    const out = join(MOUNT, 'out');
    const pipelineFile = join(dir, 'p.json');
    writeFileSync(pipelineFile, JSON.stringify({ version: 1, steps: pipeline().steps.map((s) => ({ block: s.block.name, params: s.params })) }));
    const args = [join(ROOT, 'bin', 'birdcall.js'), 'convert', input, '-o', out, '--pipeline', pipelineFile, '--jobs', '2', '--no-progress'];
    const full = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    expect(full.status, full.stderr).toBe(1);
    const lines = full.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^birdcall: cannot (write|create folder) ${MOUNT}/out/\\S+: no space left on device \\(ENOSPC\\)$`));
    const partial = await checkFolder(out);
    expect(partial).toBeLessThan(40);

    execFileSync('mount', ['-o', 'remount,size=64m', MOUNT]);
    const resumed = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/failed 0 of 40 files; 320 chunks/);
    expect(await checkFolder(out)).toBe(40);
  }, 120_000);
});
