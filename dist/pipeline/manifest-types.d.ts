/**
 * One input recording, whatever the input layout (folder, BirdCLEF train_metadata.csv, shared manifest.csv).
 * Labels are normalised to lists here, so nothing downstream parses Python-list strings.
 */
export interface InputRow {
    /** Path relative to the input root (POSIX separators); never escapes it. */
    path: string;
    primaryLabel: string;
    secondaryLabels: string[];
    /** Every other column of the input row, carried through to the output manifest as-is. */
    metadata: Record<string, string>;
    /** Where the row came from, for error messages: e.g. `manifest.csv row 12` (absent for folder inputs). */
    origin?: string;
}
/**
 * One output row per chunk (the output manifest, `manifest.csv` in the output folder). Columns in CSV:
 * source, chunk_index, start_s, end_s, primary_label, secondary_labels (space-separated),
 * <name>_path for each artifact (relative to the output root), <name>_sha256, source_sha256,
 * pipeline_hash, birdcall_version, then the carried metadata columns.
 */
export interface OutputRow {
    source: string;
    chunkIndex: number;
    startSeconds: number;
    endSeconds: number;
    primaryLabel: string;
    secondaryLabels: string[];
    /** artifact name -> path relative to the output root, e.g. { png: 'png/amecro/XC1_0003.png' }. */
    outputs: Record<string, string>;
    /** artifact name -> sha256 hex of the written bytes. */
    outputHashes: Record<string, string>;
    /** Extra per-artifact metadata, e.g. png_db_min, png_db_max. */
    outputMeta: Record<string, string | number>;
    sourceSha256: string;
    pipelineHash: string;
    birdcallVersion: string;
    metadata: Record<string, string>;
}
