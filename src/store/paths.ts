import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep, win32 } from 'node:path';
import { BirdcallError } from '../errors.ts';

/**
 * Path safety for everything a manifest or pipeline file names. A shared dataset is untrusted input: a row
 * must not make the tool read `/etc/passwd` or write over `~/.bashrc`, whether it says so directly (absolute
 * path), by climbing (`../`), or through a symlink that points out of the root.
 */

/**
 * Checks a relative path from a manifest row without touching the filesystem and returns it normalised
 * (POSIX separators, no `.` segments). `what` names the row in the error, e.g. `row 12 of train_metadata.csv`.
 */
export function checkRelativePath(relPath: string, what: string): string {
  if (relPath.trim() === '') throw new BirdcallError('PATH_EMPTY', 'the path is empty', what);
  if (relPath.includes('\0')) throw new BirdcallError('PATH_ESCAPE', 'the path contains a NUL byte', what);
  // Windows-style absolute paths (C:\x, \\server\x) are refused on every platform: a manifest written on one
  // machine must mean the same thing on another.
  if (isAbsolute(relPath) || win32.isAbsolute(relPath)) {
    throw new BirdcallError('PATH_ESCAPE', `absolute path "${relPath}" is not allowed; give it relative to the input root`, what);
  }
  const normalised = posix.normalize(relPath.replaceAll('\\', '/'));
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new BirdcallError('PATH_ESCAPE', `path "${relPath}" climbs out of the input root`, what);
  }
  if (normalised === '.' || normalised.endsWith('/')) {
    throw new BirdcallError('PATH_EMPTY', `path "${relPath}" names a folder, not a file`, what);
  }
  return normalised;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/** realpath of `target`, or of its nearest existing ancestor joined with the rest when it does not exist yet. */
async function realpathOrAncestor(target: string): Promise<string> {
  try {
    // The native call, synchronously: it runs twice per source, and a hop through libuv's thread pool for
    // each cost convert 4% of its time (the path is local; the syscall itself is microseconds).
    return realpathSync.native(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const parent = dirname(target);
    if (parent === target) return target;
    return join(await realpathOrAncestor(parent), basename(target));
  }
}

/**
 * Resolves `relPath` below `root` and proves it stays there after following symlinks. Returns the real
 * absolute path (the file need not exist yet: an output path is checked through its nearest existing folder).
 * Throws BirdcallError('PATH_ESCAPE') naming `what` (the row or file that asked for the path).
 */
export async function resolveInside(root: string, relPath: string, what: string): Promise<string> {
  const clean = checkRelativePath(relPath, what);
  const realRoot = await realpathOrAncestor(resolve(root));
  const lexical = resolve(realRoot, clean);
  if (!isInside(realRoot, lexical)) {
    throw new BirdcallError('PATH_ESCAPE', `path "${relPath}" climbs out of the input root`, what);
  }
  const real = await realpathOrAncestor(lexical);
  if (!isInside(realRoot, real)) {
    throw new BirdcallError('PATH_ESCAPE', `path "${relPath}" leads through a symlink to ${real}, outside ${realRoot}`, what);
  }
  return real;
}

const SAFE_CHARS = /[^A-Za-z0-9._-]+/g;
/** Names that look like our own hashed output are hashed again, so a raw name can never equal a sanitized one. */
const HASHED_SUFFIX = /-[0-9a-f]{12}$/;
/** Device names Windows refuses as file names, whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_NAME = 100;

/**
 * A file or folder name safe on every common filesystem, made from a label or a file stem. Deterministic and
 * collision-free: a name made only of `[A-Za-z0-9._-]` (not starting with a dot, not too long, not a reserved
 * device name) is kept as-is; any other name is sanitized and gets `-` plus 12 hex digits of the SHA-256 of
 * the original, so two different originals never share an output name.
 * Case is kept, so `Amecro` and `amecro` differ here; the runner guards case-insensitive filesystems.
 */
export function safeName(name: string): string {
  const nfc = name.normalize('NFC');
  let cleaned = nfc.replace(SAFE_CHARS, '_').replace(/^[.]+/, '_');
  if (cleaned.length > MAX_NAME) cleaned = cleaned.slice(0, MAX_NAME);
  const unchanged =
    cleaned === name && cleaned !== '' && !HASHED_SUFFIX.test(cleaned) && !WINDOWS_RESERVED.test(cleaned);
  if (unchanged) return cleaned;
  const digest = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 12);
  return `${cleaned === '' ? '_' : cleaned}-${digest}`;
}
