import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { detectAudioFormat, readHead } from '../audio/detect.ts';
import { asFsFault, BirdcallError } from '../errors.ts';
import { writeFileAtomic } from './atomic.ts';
import type { InputRow, OutputRow } from './manifest-types.ts';

/**
 * The incremental cache: one small JSON state per source under `<outDir>/.birdcall/state/`, written
 * atomically AFTER that source's artifacts. A state is the proof that its outputs are complete; the
 * manifest is rebuilt from the states at the end of a run. So a run killed at any moment leaves either a
 * state whose outputs all exist, or no state (and the source is converted again next time).
 */

export const STATE_FORMAT = 1;

export interface SourceState {
  format: typeof STATE_FORMAT;
  /** The input row as last seen (labels and metadata may change without the audio changing). */
  input: InputRow;
  sourceSha256: string;
  pipelineHash: string;
  birdcallVersion: string;
  /** Label folder and file stem the outputs were named with (a rename in the input renames the outputs). */
  outputBase: { label: string; stem: string };
  /** Duration of the source in seconds, when known (for the real-time factor). */
  audioSeconds?: number;
  /** One row per chunk kept by the pipeline, outputs relative to the output root. */
  rows: OutputRow[];
  /** Non-fatal problems the pipeline reported for this source. */
  warnings: string[];
  /** Written by a run that verified FLAC MD5 signatures (verifyMd5): a FLAC's audio matched its own. */
  verifiedMd5?: true;
}

/**
 * Whether a state that is up to date in every other way must still be made again by a run that verifies
 * FLAC MD5 signatures: it was written without the check, and the source at `abs` is a FLAC (or its first
 * bytes do not say what it is). Other formats have no signature to check, so their states stay valid.
 */
export function md5Unverified(state: SourceState, verifyMd5: boolean | undefined, abs: string): boolean {
  if (!verifyMd5 || state.verifiedMd5) return false;
  const format = detectAudioFormat(readHead(abs)).format;
  return format === undefined || format === 'flac';
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class StateStore {
  readonly dir: string;

  constructor(readonly outDir: string) {
    this.dir = join(outDir, '.birdcall', 'state');
  }

  /** State file of a source: named by a hash of its path, sharded so no folder holds 100k files. */
  pathFor(source: string): string {
    const key = sha256Hex(source).slice(0, 32);
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async read(source: string): Promise<SourceState | undefined> {
    let text: string;
    try {
      // Synchronous: a few hundred bytes, usually absent; see writeFileAtomic on the thread pool's cost.
      text = readFileSync(this.pathFor(source), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const state = JSON.parse(text) as SourceState;
      // A state from another format or for another source (hash prefix collision) is as good as none.
      return state.format === STATE_FORMAT && state.input?.path === source ? state : undefined;
    } catch {
      return undefined;
    }
  }

  async write(state: SourceState): Promise<void> {
    const path = this.pathFor(state.input.path);
    const text = JSON.stringify(state);
    try {
      await writeFileAtomic(path, text);
    } catch (err) {
      // The shard folder is made on first use only: one mkdir per source cost as much as the write itself.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(join(path, '..'), { recursive: true }).catch((e: unknown) => {
        throw asFsFault(e, 'create folder', join(path, '..'));
      });
      await writeFileAtomic(path, text);
    }
  }

  async remove(source: string): Promise<void> {
    await rm(this.pathFor(source), { force: true });
  }
}

/**
 * True when every output a state records exists with its recorded SHA-256 (size first, then content, so a
 * truncated or replaced file is caught).
 */
export async function outputsIntact(outDir: string, state: SourceState): Promise<boolean> {
  for (const row of state.rows) {
    for (const [name, rel] of Object.entries(row.outputs)) {
      const path = join(outDir, rel);
      try {
        if (!(await stat(path)).isFile()) return false;
        if (sha256Hex(await readFile(path)) !== row.outputHashes[name]) return false;
      } catch {
        return false;
      }
    }
  }
  return true;
}

/**
 * A lock on the output folder, so two runs never write the same outputs or delete each other's temp files.
 * A lock left by a killed run (its process is gone) is taken over.
 */
export async function acquireOutDirLock(outDir: string): Promise<() => Promise<void>> {
  const dir = join(outDir, '.birdcall');
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw asFsFault(err, 'create folder', dir);
  });
  const path = join(dir, 'lock');
  const owner = `${process.pid} ${hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(owner);
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw asFsFault(err, 'lock', path);
      const [pidText, host] = (await readFile(path, 'utf8').catch(() => '')).split(' ');
      const pid = Number(pidText);
      // On another host we cannot tell whether the owner is alive, so only a same-host dead owner is stale.
      const stale = host === hostname() && Number.isInteger(pid) && (pid === process.pid || !processAlive(pid));
      if (!stale && pidText !== undefined && pidText !== '') {
        throw new BirdcallError(
          'OUTDIR_LOCKED',
          `another birdcall run (pid ${pid}) is writing to this folder; wait for it or remove ${path} if it is gone`,
          outDir,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new BirdcallError('OUTDIR_LOCKED', `cannot take the lock ${path}`, outDir);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
