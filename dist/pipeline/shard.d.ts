import { type ConvertOptions, type ConvertSummary } from './convert.ts';
import type { InputRow } from './manifest-types.ts';
/**
 * Static sharding for batch schedulers (Kubernetes Indexed Jobs, Slurm job arrays): shard K of N converts
 * its own part of the input into its own output folder, and `birdcall manifest merge` joins the parts.
 *
 * Assignment is rendezvous (highest-random-weight) hashing on the sha256 of the source path: every shard
 * scores every source and the source goes to the shard with the highest score. Like hash-mod, a source's
 * shard depends only on its own path and N, so adding files never moves existing ones, and nothing is
 * shared between shards but the input listing. Unlike hash-mod, going from N to N+1 shards moves only the
 * 1/(N+1) of the sources the new shard wins; every other source stays where its outputs and cached state
 * already are, so a re-run with one more machine converts only what moved. It costs N cheap integer mixes
 * per source (the sha256 is computed once), nothing next to decoding one file.
 */
export interface ShardSpec {
    /** 0-based, like JOB_COMPLETION_INDEX. */
    index: number;
    count: number;
}
export declare const SHARD_ASSIGNMENT = "rendezvous-sha256-v1";
export declare const SHARD_RECORD = "shard.json";
/** Parses `K/N` (0 <= K < N). */
export declare function parseShard(text: string): ShardSpec;
/**
 * The shard a batch scheduler gives this process, or undefined outside one:
 *  - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (set by Kubernetes) and JOB_COMPLETIONS (set it in the
 *    pod template to the Job's `completions`; Kubernetes does not export it).
 *  - Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and SLURM_ARRAY_TASK_MIN so that
 *    `--array=1-8` works as well as `--array=0-7` (a stepped array such as 0-15:2 is refused).
 */
export declare function shardFromEnv(env?: NodeJS.ProcessEnv): ShardSpec | undefined;
/** `--shard K/N` or `--shard auto` (from the scheduler's environment). */
export declare function resolveShard(flag: string, env?: NodeJS.ProcessEnv): ShardSpec;
/** The shard (0..count-1) a source path belongs to. */
export declare function shardOf(sourcePath: string, count: number): number;
export declare function inShard(sourcePath: string, shard: ShardSpec): boolean;
/** The input filter `convert` takes: keeps the rows of this shard. */
export declare function shardFilter(shard: ShardSpec): (row: InputRow) => boolean;
/** `shard.json`, written beside a shard's manifest.csv: what `manifest merge` checks coverage with. */
export interface ShardRecord {
    format: 1;
    assignment: typeof SHARD_ASSIGNMENT;
    shard: ShardSpec;
    /** INPUT as given to convert, absolute. */
    input: string;
    pipelineHash: string;
    /** Every source assigned to this shard, in input order (converted, up to date or failed). */
    sources: string[];
    /** Those of `sources` that failed (listed in the shard's errors.csv). */
    failed: string[];
}
/** The sources of INPUT that belong to a shard, in input order, each once. */
export declare function shardSources(input: string, shard: ShardSpec): Promise<string[]>;
/**
 * `convert --shard K/N`: converts this shard's sources into `outDir` (its own folder: outputs, states and
 * lock are per shard), then writes `shard.json` listing them for `manifest merge`.
 */
export declare function convertShard(options: ConvertOptions & {
    shard: ShardSpec;
}): Promise<ConvertSummary>;
