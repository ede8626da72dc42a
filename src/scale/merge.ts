import { readFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { openInputs } from '../store/inputs.ts';
import { ManifestColumns, streamOutputManifest, writeOutputManifest } from '../store/manifest.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { SHARD_RECORD, type ShardRecord } from './shard.ts';

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

interface ShardInput {
  manifest: string;
  record?: ShardRecord;
  label: string;
}

const SHOW = 5;

function listSome(items: string[]): string {
  return items.slice(0, SHOW).join(', ') + (items.length > SHOW ? `, … (${items.length} in all)` : '');
}

async function readRecord(manifest: string): Promise<ShardRecord | undefined> {
  const path = join(dirname(manifest), SHARD_RECORD);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const record = JSON.parse(text) as ShardRecord;
    if (record.format !== 1 || !Array.isArray(record.sources) || typeof record.shard?.count !== 'number') throw new Error('bad shape');
    return record;
  } catch {
    throw new BirdcallError('MERGE_INVALID', 'not a shard record written by `birdcall convert --shard`', path);
  }
}

/** Whether the shard records agree on how the input was split, with no shard missing or doubled. */
function recordProblems(shards: ShardInput[]): string[] {
  const problems: string[] = [];
  const records = shards.flatMap((s) => (s.record ? [s.record] : []));
  if (records.length > 0) {
    const counts = new Set(records.map((r) => r.shard.count));
    const inputs = new Set(records.map((r) => r.input));
    if (counts.size > 1) problems.push(`shards were cut for different shard counts (${[...counts].join(', ')})`);
    if (inputs.size > 1) problems.push(`shards come from different inputs (${[...inputs].join(', ')})`);
    if (counts.size === 1 && records.length === shards.length) {
      const count = records[0].shard.count;
      const seen = new Map<number, number>();
      for (const r of records) seen.set(r.shard.index, (seen.get(r.shard.index) ?? 0) + 1);
      const missing = [...Array(count).keys()].filter((i) => !seen.has(i)).map((i) => `${i}/${count}`);
      const doubled = [...seen].filter(([, n]) => n > 1).map(([i]) => `${i}/${count}`);
      if (missing.length > 0) problems.push(`shard${missing.length > 1 ? 's' : ''} ${listSome(missing)} missing`);
      if (doubled.length > 0) problems.push(`shard${doubled.length > 1 ? 's' : ''} ${listSome(doubled)} given twice`);
    }
  }
  return problems;
}

export async function mergeManifests(options: MergeOptions): Promise<MergeSummary> {
  if (options.shards.length === 0) throw new BirdcallError('USAGE', 'give at least one shard manifest to merge');
  const outAbs = resolve(options.out);
  const outDir = dirname(outAbs);
  const shards: ShardInput[] = [];
  for (const manifest of options.shards) {
    const record = await readRecord(manifest);
    shards.push({ manifest, record, label: record ? `shard ${record.shard.index}/${record.shard.count} (${manifest})` : manifest });
  }
  if (shards.every((s) => s.record)) shards.sort((a, b) => a.record!.shard.index - b.record!.shard.index);

  const problems = recordProblems(shards);

  // First pass: coverage, duplicates, one pipeline, the column set.
  const owner = new Map<string, string>();
  const duplicates: string[] = [];
  const chunkSeen = new Set<string>();
  const chunkDuplicates: string[] = [];
  const columns = new ManifestColumns();
  const hashes = new Set<string>();
  const strays: string[] = [];
  const failed: string[] = [];
  for (const shard of shards) {
    const claim = (source: string): void => {
      const first = owner.get(source);
      if (first !== undefined && first !== shard.label) duplicates.push(`${source} (${first} and ${shard.label})`);
      else owner.set(source, shard.label);
    };
    const assigned = shard.record ? new Set(shard.record.sources) : undefined;
    if (shard.record) {
      for (const source of shard.record.sources) claim(source);
      hashes.add(shard.record.pipelineHash);
      failed.push(...shard.record.failed);
    }
    for await (const row of rebased(shard.manifest, outDir)) {
      if (assigned) {
        if (!assigned.has(row.source)) strays.push(`${row.source} (in ${shard.manifest})`);
      } else {
        claim(row.source);
      }
      const key = `${row.source}\n${row.chunkIndex}`;
      if (chunkSeen.has(key)) chunkDuplicates.push(`${row.source} chunk ${row.chunkIndex}`);
      chunkSeen.add(key);
      hashes.add(row.pipelineHash);
      columns.add(row);
    }
  }
  if (duplicates.length > 0) problems.push(`${duplicates.length} source(s) covered by two shards: ${listSome(duplicates)}`);
  if (chunkDuplicates.length > 0) problems.push(`${chunkDuplicates.length} chunk(s) listed twice: ${listSome(chunkDuplicates)}`);
  if (strays.length > 0) problems.push(`${strays.length} manifest row(s) for sources not assigned to their shard: ${listSome(strays)}`);
  if (hashes.size > 1) problems.push(`the shards used different pipelines (hashes ${[...hashes].map((h) => h.slice(0, 12)).join(', ')})`);

  if (options.inputManifest !== undefined) {
    const source = await openInputs(options.inputManifest);
    const expected = new Set<string>();
    for await (const row of source.rows({ onInvalidRow: () => {} })) expected.add(row.path);
    const missing = [...expected].filter((p) => !owner.has(p));
    const extra = [...owner.keys()].filter((p) => !expected.has(p));
    if (missing.length > 0) problems.push(`${missing.length} of ${expected.size} input source(s) covered by no shard: ${listSome(missing)}`);
    if (extra.length > 0) problems.push(`${extra.length} source(s) not in ${options.inputManifest}: ${listSome(extra)}`);
  }

  if (problems.length > 0) {
    throw new BirdcallError('MERGE_COVERAGE', `not merged: ${problems.join('; ')}`, options.out);
  }

  async function* allRows(): AsyncIterable<OutputRow> {
    for (const shard of shards) yield* rebased(shard.manifest, outDir);
  }
  const chunks = await writeOutputManifest(outAbs, allRows(), columns);
  return { out: options.out, shards: shards.length, sources: owner.size, chunks, failed, pipelineHash: [...hashes][0] ?? '' };
}

/** A shard's rows with output paths made relative to the merged manifest's folder. */
async function* rebased(manifest: string, outDir: string): AsyncIterable<OutputRow> {
  const shardDir = dirname(resolve(manifest));
  for await (const row of streamOutputManifest(manifest)) {
    const outputs: Record<string, string> = {};
    for (const [name, rel] of Object.entries(row.outputs)) {
      const moved = relative(outDir, join(shardDir, rel)).split(sep).join(posix.sep);
      if (moved.startsWith('../') || moved === '..') {
        throw new BirdcallError(
          'MERGE_LAYOUT',
          `its outputs lie outside ${outDir}; put the merged manifest in a folder that holds every shard's folder ` +
            '(e.g. out/manifest.csv over out/shard-0/, out/shard-1/, …)',
          manifest,
        );
      }
      outputs[name] = moved;
    }
    yield { ...row, outputs };
  }
}
