/**
 * Atomic file writes: the bytes go to a temp file in the same folder, then a rename puts them in place. A
 * rename within one folder is atomic on POSIX filesystems, so a reader (or a run killed with SIGKILL) sees
 * either the old file or the complete new one, never half of it. Temp files a killed run leaves behind are
 * recognisable by their suffix and removed by `removeTempFiles` at the start of the next run.
 */
export declare const TEMP_SUFFIX = ".birdcall-tmp";
export declare function isTempFile(name: string): boolean;
export interface AtomicWriteOptions {
    /**
     * fsync the file before the rename (and survive a power cut, not just a killed process). Off by default:
     * it costs a disk flush per file, and a killed process is the common case.
     */
    fsync?: boolean;
}
export declare function writeFileAtomic(path: string, data: Uint8Array | string, options?: AtomicWriteOptions): Promise<void>;
/**
 * Deletes the temp files an interrupted run left below `dir` (symlinked folders are not followed).
 * Returns how many were removed.
 */
export declare function removeTempFiles(dir: string): Promise<number>;
/**
 * Streams `chunks` into `path` atomically (temp file + rename), for outputs too big to build in memory,
 * such as a manifest of a million rows.
 */
export declare function writeStreamAtomic(path: string, chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>, options?: AtomicWriteOptions): Promise<void>;
