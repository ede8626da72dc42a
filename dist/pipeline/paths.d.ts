/**
 * Path safety for everything a manifest or pipeline file names. A shared dataset is untrusted input: a row
 * must not make the tool read `/etc/passwd` or write over `~/.bashrc`, whether it says so directly (absolute
 * path), by climbing (`../`), or through a symlink that points out of the root.
 */
/**
 * Checks a relative path from a manifest row without touching the filesystem and returns it normalised
 * (POSIX separators, no `.` segments). `what` names the row in the error, e.g. `row 12 of train_metadata.csv`.
 */
export declare function checkRelativePath(relPath: string, what: string): string;
/**
 * Resolves `relPath` below `root` and proves it stays there after following symlinks. Returns the real
 * absolute path (the file need not exist yet: an output path is checked through its nearest existing folder).
 * Throws BirdcallError('PATH_ESCAPE') naming `what` (the row or file that asked for the path).
 */
export declare function resolveInside(root: string, relPath: string, what: string): Promise<string>;
/**
 * A file or folder name safe on every common filesystem, made from a label or a file stem. Deterministic and
 * collision-free: a name made only of `[A-Za-z0-9._-]` (not starting with a dot, not too long, not a reserved
 * device name) is kept as-is; any other name is sanitized and gets `-` plus 12 hex digits of the SHA-256 of
 * the original, so two different originals never share an output name.
 * Case is kept, so `Amecro` and `amecro` differ here; the runner guards case-insensitive filesystems.
 */
export declare function safeName(name: string): string;
