import type { OutputRow } from './manifest-types.ts';
/** The column set of a manifest, gathered row by row before writing (rows may differ in meta keys). */
export declare class ManifestColumns {
    /** artifact name -> its extra meta column names, in first-seen order. */
    readonly artifacts: Map<string, Set<string>>;
    readonly metadata: Set<string>;
    add(row: OutputRow): void;
    /** The artifact a meta column belongs to: the longest artifact name that prefixes it. */
    private ownerOf;
    private ownColumns;
    /** The CSV column of each metadata key (renamed `input_<key>` on a clash with our own columns). */
    metadataColumns(): Map<string, string>;
    header(): string[];
    /** One CSV record in header order. */
    record(row: OutputRow, metadataColumns?: Map<string, string>): string[];
}
/**
 * Writes the manifest atomically (a reader never sees half a manifest). `columns` must have seen every row
 * (call `columns.add(row)` first); rows are streamed, so a million rows need not sit in memory at once.
 */
export declare function writeOutputManifest(path: string, rows: AsyncIterable<OutputRow> | Iterable<OutputRow>, columns: ManifestColumns): Promise<number>;
/** Convenience for small manifests held in memory: gathers the columns, then writes. */
export declare function writeOutputManifestRows(path: string, rows: OutputRow[]): Promise<number>;
/** Streams the rows of an output manifest written by `writeOutputManifest`. */
export declare function streamOutputManifest(path: string): AsyncIterable<OutputRow>;
/** Reads a whole output manifest (what the trainer loads). */
export declare function readOutputManifest(path: string): Promise<OutputRow[]>;
