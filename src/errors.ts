/**
 * Every failure a user can cause (a bad file, a bad parameter, a path outside its root) is a BirdcallError:
 * it names the file (when there is one) and the reason, and carries a stable machine-readable code so that
 * batch runs can write it to an errors file and the CLI can choose an exit code.
 *
 * `new BirdcallError(code, reason, file?)`: the message is `file: reason`, or the reason alone.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, decodeNpy } from 'birdcall';
 *
 * try {
 *   decodeNpy(new Uint8Array(4), 'chunks/x.npy');
 *   assert.fail('a 4-byte file is not a .npy');
 * } catch (e) {
 *   assert.ok(e instanceof BirdcallError);
 *   assert.deepEqual([e.code, e.file, e.message], ['NPY_INVALID', 'chunks/x.npy', `chunks/x.npy: ${e.reason}`]);
 * }
 * ```
 */
export class BirdcallError extends Error {
  constructor(
    /** Stable code, e.g. 'WAV_NOT_RIFF', 'PARAM_INVALID', 'PATH_ESCAPE'. */
    readonly code: string,
    /** The reason, in plain words, without the file name. */
    readonly reason: string,
    /** The file the error is about, when there is one. */
    readonly file?: string,
  ) {
    super(file ? `${file}: ${reason}` : reason);
    this.name = 'BirdcallError';
  }
}

/**
 * A user error in how a command or block was called (bad flag, bad parameter): CLI exit code 2.
 * `new UsageError(reason, file?)`: a BirdcallError with code `USAGE`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, UsageError } from 'birdcall';
 *
 * const e = new UsageError('--jobs must be a positive integer, got 0');
 * assert.ok(e instanceof BirdcallError);
 * assert.deepEqual([e.code, e.name, e.message], ['USAGE', 'UsageError', '--jobs must be a positive integer, got 0']);
 * ```
 */
export class UsageError extends BirdcallError {
  constructor(reason: string, file?: string) {
    super('USAGE', reason, file);
    this.name = 'UsageError';
  }
}

/**
 * Faults of the machine rather than of one file: the disk is full or read-only, a folder is not writable,
 * the process ran out of file handles. Every further file would fail the same way, so a batch stops on one
 * (leaving resumable state) instead of recording it against each file.
 */
const FS_FAULTS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
};

/** A filesystem fault, in one line naming the operation and the path: `cannot write out/x.png: no space left on device (ENOSPC)`. */
export class FsFaultError extends BirdcallError {
  constructor(
    code: string,
    /** What was being done: 'write', 'create folder', 'read', 'lock'. */
    readonly operation: string,
    readonly path: string,
  ) {
    super(code, `cannot ${operation} ${path}: ${FS_FAULTS[code] ?? code} (${code})`);
    this.name = 'FsFaultError';
  }
}

/** True for an FsFaultError, or one that crossed a thread boundary as plain data (same code). */
export function isFsFault(err: unknown): err is BirdcallError {
  return err instanceof BirdcallError && Object.hasOwn(FS_FAULTS, err.code);
}

/** `err` as an FsFaultError when it is one of the faults above, else unchanged. */
export function asFsFault(err: unknown, operation: string, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof BirdcallError || typeof code !== 'string' || !Object.hasOwn(FS_FAULTS, code)) return err;
  return new FsFaultError(code, operation, path);
}
