import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BirdcallError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { convert, type ConvertOptions, type ConvertSummary } from '../batch/convert.ts';
import { planSources } from '../store/plan.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { pipelineHash } from '../pipeline/pipeline.ts';
import type { ArchiveOptions, ArchiveSummary } from '../train/predict-archive.ts';
import type { Predictor } from '../train/predict-files.ts';

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

export const SHARD_ASSIGNMENT = 'rendezvous-sha256-v1';
export const SHARD_RECORD = 'shard.json';

/** Parses `K/N` (0 <= K < N). */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new BirdcallError('USAGE', `--shard "${text}": write K/N, e.g. 0/4 (shards are numbered from 0), or auto`);
  return checkShard(Number(match[1]), Number(match[2]), `--shard ${text}`);
}

function checkShard(index: number, count: number, what: string): ShardSpec {
  if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
    throw new BirdcallError('USAGE', `${what}: the shard count must be between 1 and 100000, got ${count}`);
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new BirdcallError('USAGE', `${what}: shard index ${index} is outside 0..${count - 1} (shards are numbered from 0)`);
  }
  return { index, count };
}

/**
 * The shard a batch scheduler gives this process, or undefined outside one:
 *  - Kubernetes Indexed Job: JOB_COMPLETION_INDEX (set by Kubernetes) and JOB_COMPLETIONS (set it in the
 *    pod template to the Job's `completions`; Kubernetes does not export it).
 *  - Slurm job array: SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, and SLURM_ARRAY_TASK_MIN so that
 *    `--array=1-8` works as well as `--array=0-7` (a stepped array such as 0-15:2 is refused).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): ShardSpec | undefined {
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (env.JOB_COMPLETIONS === undefined) {
      throw new BirdcallError(
        'USAGE',
        'JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not: add `env: [{name: JOB_COMPLETIONS, value: "<completions>"}]` ' +
          'to the pod template, or pass --shard K/N',
      );
    }
    return checkShard(integer(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX'), integer(env.JOB_COMPLETIONS, 'JOB_COMPLETIONS'), 'Kubernetes Indexed Job');
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = integer(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID');
    const count = integer(env.SLURM_ARRAY_TASK_COUNT ?? '', 'SLURM_ARRAY_TASK_COUNT');
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : integer(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN');
    const max = env.SLURM_ARRAY_TASK_MAX === undefined ? min + count - 1 : integer(env.SLURM_ARRAY_TASK_MAX, 'SLURM_ARRAY_TASK_MAX');
    if (max - min + 1 !== count) {
      throw new BirdcallError('USAGE', `Slurm array ${min}-${max} has ${count} tasks: use a contiguous array (--array=0-${count - 1})`);
    }
    return checkShard(id - min, count, 'Slurm job array');
  }
  return undefined;
}

function integer(text: string, name: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new BirdcallError('USAGE', `${name}="${text}" is not a whole number`);
  return Number(text);
}

/** `--shard K/N` or `--shard auto` (from the scheduler's environment). */
export function resolveShard(flag: string, env: NodeJS.ProcessEnv = process.env): ShardSpec {
  if (flag.trim() !== 'auto') return parseShard(flag);
  const shard = shardFromEnv(env);
  if (!shard) {
    throw new BirdcallError(
      'USAGE',
      '--shard auto: neither JOB_COMPLETION_INDEX/JOB_COMPLETIONS (Kubernetes) nor SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm) is set',
    );
  }
  return shard;
}

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The shard (0..count-1) a source path belongs to. */
export function shardOf(sourcePath: string, count: number): number {
  const digest = createHash('sha256').update(sourcePath).digest();
  const h1 = digest.readUInt32BE(0);
  const h2 = digest.readUInt32BE(4);
  let best = 0;
  let bestScore = -1;
  for (let k = 0; k < count; k++) {
    // A 53-bit score from two independent 32-bit mixes, so ties are practically impossible; a tie goes to
    // the lower index, which keeps the answer deterministic anyway.
    const high = fmix32(h1 ^ fmix32(Math.imul(k + 1, 0x9e3779b1)));
    const low = fmix32(h2 ^ fmix32(Math.imul(k + 1, 0x85ebca77) ^ 0x5bd1e995)) >>> 11;
    const score = high * 2 ** 21 + low;
    if (score > bestScore) {
      bestScore = score;
      best = k;
    }
  }
  return best;
}

export function inShard(sourcePath: string, shard: ShardSpec): boolean {
  return shard.count === 1 || shardOf(sourcePath, shard.count) === shard.index;
}

/** The input filter `convert` takes: keeps the rows of this shard. */
export function shardFilter(shard: ShardSpec): (row: InputRow) => boolean {
  return (row) => inShard(row.path, shard);
}

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
  /** 'predict' for a `predict -o DIR --shard` folder (its `pipelineHash` is the run's key); absent for convert. */
  command?: 'predict';
  /** Each of `sources`' row index in INPUT, so that a merge restores the input order across shards. */
  order?: number[];
}

/** The sources of INPUT that belong to a shard, in input order, each once, with their row index in INPUT. */
export async function shardSources(input: string, shard: ShardSpec): Promise<{ sources: string[]; order: number[] }> {
  const info = await stat(input).catch(() => undefined);
  if (info?.isFile() && !input.toLowerCase().endsWith('.csv')) {
    // One audio file (predict takes one): its name is its path.
    return inShard(basename(input), shard) ? { sources: [basename(input)], order: [0] } : { sources: [], order: [] };
  }
  const plan = await planSources(input, shardFilter(shard));
  const sources: string[] = [];
  const order: number[] = [];
  for await (const item of plan.items()) {
    if (item.kind !== 'source') continue;
    sources.push(item.row.path);
    order.push(item.index);
  }
  return { sources, order };
}

/**
 * `convert --shard K/N`: converts this shard's sources into `outDir` (its own folder: outputs, states and
 * lock are per shard), then writes `shard.json` listing them for `manifest merge`.
 */
export async function convertShard(options: ConvertOptions & { shard: ShardSpec }): Promise<ConvertSummary> {
  const { shard, ...rest } = options;
  const summary = await convert({ ...rest, filter: shardFilter(shard) });
  await writeShardRecord(options, pipelineHash(options.pipeline), summary.converted + summary.skipped, summary.errorsPath);
  return summary;
}

/**
 * `predict INPUT -o DIR --shard K/N`: predicts this shard's recordings into `outDir` (its own folder), then
 * writes `shard.json` for `manifest merge`, which joins the shard folders into the tables of one run.
 * An interrupted shard gets no record (it is not done: run it again).
 */
export async function predictShard(predictor: Predictor, options: ArchiveOptions & { shard: ShardSpec }): Promise<ArchiveSummary> {
  const { shard, ...rest } = options;
  // Imported here: predict brings the model runtime (tfjs, sharp), which `convert --shard` must not load.
  const { predictArchive } = await import('../train/predict-archive.ts');
  const summary = await predictArchive(predictor, { ...rest, filter: shardFilter(shard) });
  if (!summary.interrupted) await writeShardRecord(options, summary.key, summary.predicted + summary.skipped, summary.errorsPath, 'predict');
  return summary;
}

/** Writes `shard.json` after a shard's run: its sources (checked against what the run did) and failures. */
async function writeShardRecord(
  options: { input: string; outDir: string; shard: ShardSpec },
  hash: string,
  done: number,
  errorsPath: string,
  command?: 'predict',
): Promise<void> {
  const { sources, order } = await shardSources(options.input, options.shard);
  if (done > sources.length) throw new BirdcallError('INTERNAL', `the run did not apply the shard filter (${done} sources for ${sources.length})`);
  const assigned = new Set(sources);
  const failed = await failedSources(errorsPath);
  const record: ShardRecord = {
    format: 1,
    assignment: SHARD_ASSIGNMENT,
    shard: options.shard,
    input: resolve(options.input),
    pipelineHash: hash,
    sources,
    failed: failed.filter((path) => assigned.has(path)),
    ...(command === undefined ? {} : { command, order }),
  };
  await writeFileAtomic(join(options.outDir, SHARD_RECORD), JSON.stringify(record, null, 1) + '\n');
}

async function failedSources(errorsPath: string): Promise<string[]> {
  const records = parse(await readFile(errorsPath, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return [...new Set(records.filter((r) => r.level === 'error').map((r) => r.path))];
}
