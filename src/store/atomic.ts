import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, opendir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asFsFault } from '../errors.ts';

/**
 * Atomic file writes: the bytes go to a temp file in the same folder, then a rename puts them in place. A
 * rename within one folder is atomic on POSIX filesystems, so a reader (or a run killed with SIGKILL) sees
 * either the old file or the complete new one, never half of it. Temp files a killed run leaves behind are
 * recognisable by their suffix and removed by `removeTempFiles` at the start of the next run.
 */

export const TEMP_SUFFIX = '.birdcall-tmp';

export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename (and survive a power cut, not just a killed process). Off by default:
   * it costs a disk flush per file, and a killed process is the common case.
   */
  fsync?: boolean;
  /**
   * A folder for the temp file instead of the target's own, on the same filesystem (the rename then moves it
   * across folders, still atomically; across filesystems the write falls back to the target's folder). For
   * threads writing into one folder at once: a file's creation holds its folder's lock, and on a filesystem
   * where creating a file is slow (ext4 without a journal scanning recently deleted inodes) the other threads
   * spun on that lock; with a temp folder each, only the quick renames meet there.
   */
  tempDir?: string;
}

export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  // Synchronous calls on purpose: these are small files (an image, a state), mostly written from worker
  // threads that have nothing else to do meanwhile. Four hops through libuv's 4-thread pool per file (open,
  // write, close, rename), shared by every thread of the process, cost more than the writes themselves:
  // a convert thread sat idle 7-14% of its time waiting for them.
  const temp = tempName(path, options.tempDir);
  let fd: number;
  try {
    fd = openSync(temp, 'wx');
  } catch (err) {
    throw asFsFault(err, 'write', path);
  }
  try {
    writeFileSync(fd, data);
    if (options.fsync) fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(temp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(temp, { force: true });
    if (options.tempDir !== undefined && (err as NodeJS.ErrnoException).code === 'EXDEV') {
      return writeFileAtomic(path, data, { ...options, tempDir: undefined });
    }
    throw asFsFault(err, 'write', path);
  }
}

/**
 * A temp name beside `path` (or in `dir`). Random part, not just the pid: worker threads of one process share
 * a pid.
 */
function tempName(path: string, dir = dirname(path)): string {
  return join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Deletes the temp files an interrupted run left below `dir` (symlinked folders are not followed).
 * Returns how many were removed.
 */
export async function removeTempFiles(dir: string): Promise<number> {
  let removed = 0;
  let handle;
  try {
    handle = await opendir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  for await (const entry of handle) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) removed += await removeTempFiles(path);
    else if (entry.isFile() && isTempFile(entry.name)) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Streams `chunks` into `path` atomically (temp file + rename), for outputs too big to build in memory,
 * such as a manifest of a million rows.
 */
export async function writeStreamAtomic(
  path: string,
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const writer = await openAtomicWriter(path, options);
  try {
    for await (const chunk of chunks) await writer.write(chunk);
  } catch (err) {
    await writer.abort().catch(() => {});
    // One line naming the file the user asked for, not the temp file: `cannot write out/manifest.csv: …`.
    throw asFsFault(err, 'write', path);
  }
  await writer.commit();
}

/** A file being written atomically a piece at a time: `commit` puts it in place, `abort` leaves no trace. */
export interface AtomicWriter {
  write(piece: string | Uint8Array): Promise<void>;
  /** Renames the temp file into place; returns the SHA-256 (hex) of everything written. */
  commit(): Promise<string>;
  /** Removes the temp file (safe to call after a failed write, or twice). */
  abort(): Promise<void>;
}

/**
 * Opens `path` for an atomic write made of many small pieces (rows of a table as they are computed). Pieces
 * are gathered into ~1 MiB writes, and hashed as they go so the caller can record the file's hash.
 */
export async function openAtomicWriter(path: string, options: AtomicWriteOptions = {}): Promise<AtomicWriter> {
  const temp = tempName(path);
  let handle: FileHandle;
  try {
    handle = await open(temp, 'wx');
  } catch (err) {
    throw asFsFault(err, 'write', path);
  }
  const hash = createHash('sha256');
  let pending: string[] = [];
  let pendingLength = 0;
  let closed = false;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    pendingLength = 0;
    await put(text);
  };
  const put = async (data: string | Uint8Array): Promise<void> => {
    try {
      await handle.writeFile(data);
    } catch (err) {
      throw asFsFault(err, 'write', path);
    }
  };
  const abort = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      await handle.close().catch(() => {});
    }
    await rm(temp, { force: true });
  };
  return {
    async write(piece) {
      hash.update(piece);
      if (typeof piece !== 'string') {
        await flush();
        await put(piece);
        return;
      }
      // Small strings (CSV rows) gathered into ~1 MiB writes: one syscall per row would dominate a large file.
      pending.push(piece);
      pendingLength += piece.length;
      if (pendingLength >= 1 << 20) await flush();
    },
    async commit() {
      try {
        await flush();
        if (options.fsync) await handle.sync();
        closed = true;
        await handle.close();
        await rename(temp, path);
      } catch (err) {
        await abort();
        throw asFsFault(err, 'write', path);
      }
      return hash.digest('hex');
    },
    abort,
  };
}
