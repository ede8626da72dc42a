/**
 * `birdcall manifest merge OUT.csv SHARD.csv…`: joins the manifests of a sharded conversion into one, after
 * checking that every source is covered exactly once. Nothing is written when a check fails.
 *
 * A shard's coverage is the `shard.json` beside its manifest (every source assigned to it, including those
 * that failed or whose chunks a quality check all dropped, which have no manifest rows); a manifest without
 * one (made by hand, or by plain convert) covers the sources that appear in it. Checks:
 *  - no source in two shards, no (source, chunk) twice;
 *  - one pipeline hash throughout;
 *  - with shard records: one shard count, one input, every index 0..N-1 present once;
 *  - with `inputManifest` (the INPUT given to convert): every input source covered, nothing else.
 * Output paths are rewritten relative to OUT's folder, which must therefore hold every shard's folder
 * (out/manifest.csv over out/shard-0/, out/shard-1/, …): a manifest never points above itself.
 */
export interface MergeOptions {
    out: string;
    shards: string[];
    /** The INPUT the shards were converted from (folder or CSV), to check coverage against. */
    inputManifest?: string;
}
export interface MergeSummary {
    out: string;
    shards: number;
    /** Distinct sources covered. */
    sources: number;
    /** Rows written. */
    chunks: number;
    /** Sources a shard reported as failed (in that shard's errors.csv). */
    failed: string[];
    pipelineHash: string;
}
export declare function mergeManifests(options: MergeOptions): Promise<MergeSummary>;
