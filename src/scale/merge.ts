import { mkdir, readFile, rm } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { openInputs } from '../store/inputs.ts';
import { ManifestColumns, streamOutputManifest, writeOutputManifest } from '../store/manifest.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { writeFileAtomic, writeStreamAtomic } from '../store/atomic.ts';
import { checkRelativePath } from '../store/paths.ts';
import { StateStore } from '../store/state.ts';
import type { OutputFormat } from '../detect/formats.ts';
import { COMBINED, combinedTable } from '../train/predict-archive.ts';
import { RECIPE_FILE } from '../train/recipes.ts';
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

/** The shard record in a shard's folder, if any. */
async function readRecord(dir: string): Promise<ShardRecord | undefined> {
  const path = join(dir, SHARD_RECORD);
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
    throw new BirdcallError('MERGE_INVALID', 'not a shard record written by `birdcall convert --shard` or `predict --shard`', path);
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
    const record = await readRecord(dirname(manifest));
    if (record?.command === 'predict') throw new BirdcallError('MERGE_INVALID', 'a predict shard: give its folder, not a manifest', manifest);
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
  const recipe = await shardsRecipe(shards.map((s) => dirname(resolve(s.manifest))), options.out);
  const chunks = await writeOutputManifest(outAbs, allRows(), columns);
  if (recipe === undefined) await rm(join(outDir, RECIPE_FILE), { force: true });
  else await writeFileAtomic(join(outDir, RECIPE_FILE), recipe);
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

/**
 * `convert --shard` records its recipe (recipe.json) in every shard: the merged manifest gets it too, so
 * `train` on it starts from the recipe's settings as on an unsharded conversion. The shards must agree
 * (else MERGE_RECIPE, nothing written); none recording one means a plain pipeline, and a stale recipe.json
 * beside the merged manifest goes.
 */
async function shardsRecipe(shardDirs: string[], out: string): Promise<string | undefined> {
  const texts = await Promise.all(shardDirs.map((dir) => readFile(join(dir, RECIPE_FILE), 'utf8').catch(() => undefined)));
  const parsed = texts.map((t, i) => {
    try {
      return t === undefined ? undefined : (JSON.parse(t) as { name?: string; version?: number });
    } catch {
      throw new BirdcallError('MERGE_RECIPE', 'not JSON', join(shardDirs[i], RECIPE_FILE));
    }
  });
  if (new Set(parsed.map((r) => JSON.stringify(r))).size > 1) {
    const which = shardDirs.map((dir, i) => `${dir}: ${parsed[i] === undefined ? 'none' : `${parsed[i]!.name} v${parsed[i]!.version}`}`);
    throw new BirdcallError('MERGE_RECIPE', `not merged: the shards were converted with different recipes (${listSome(which)})`, out);
  }
  return texts[0];
}

export interface PredictMergeOptions {
  /** The folder to write: the tables of one run over the whole input. */
  out: string;
  /** The shards' folders (`predict INPUT -o DIR --shard K/N`). */
  shards: string[];
}

export interface PredictMergeSummary {
  out: string;
  shards: number;
  /** Distinct sources covered. */
  sources: number;
  /** Sources a shard reported as failed (in that shard's errors.csv); their rows are in the merged errors.csv. */
  failed: string[];
  /** The combined tables written (predictions.csv, submission.csv). */
  tables: string[];
}

/** One predicted recording of a shard, where it sat in the input. */
interface Placed {
  path: string;
  order: number;
  dir: string;
}

/**
 * `birdcall manifest merge OUT SHARD_DIR…` on `predict --shard` folders: checks coverage as for convert
 * shards (shard.json: one shard count, one input, every index once, one key, no source twice), then writes
 * into OUT what one unsharded run writes: every recording's tables at the same paths, the combined tables
 * in input order and errors.csv. Nothing is written when a check fails.
 */
export async function mergePredictions(options: PredictMergeOptions): Promise<PredictMergeSummary> {
  if (options.shards.length === 0) throw new BirdcallError('USAGE', 'give at least one shard folder to merge');
  const shards: (ShardInput & { record: ShardRecord })[] = [];
  for (const dir of options.shards) {
    const record = await readRecord(dir);
    if (record?.command !== 'predict') throw new BirdcallError('MERGE_INVALID', `no ${SHARD_RECORD} from \`predict -o DIR --shard K/N\` in this folder`, dir);
    shards.push({ manifest: dir, record, label: `shard ${record.shard.index}/${record.shard.count} (${dir})` });
  }
  shards.sort((a, b) => a.record.shard.index - b.record.shard.index);
  const problems = recordProblems(shards);
  const owner = new Map<string, string>();
  const duplicates: string[] = [];
  for (const shard of shards) {
    for (const source of shard.record.sources) {
      const first = owner.get(source);
      if (first !== undefined) duplicates.push(`${source} (${first} and ${shard.label})`);
      else owner.set(source, shard.label);
    }
  }
  if (duplicates.length > 0) problems.push(`${duplicates.length} source(s) covered by two shards: ${listSome(duplicates)}`);
  const keys = new Set(shards.map((s) => s.record.pipelineHash));
  if (keys.size > 1) problems.push('the shards ran different models or output options (their keys differ)');
  if (problems.length > 0) throw new BirdcallError('MERGE_COVERAGE', `not merged: ${problems.join('; ')}`, options.out);

  const failed = shards.flatMap((s) => s.record.failed);
  const failedSet = new Set(failed);
  const placed: Placed[] = shards
    .flatMap((s) => s.record.sources.map((path, i) => ({ path, order: s.record.order?.[i] ?? i, dir: s.manifest })))
    .sort((a, b) => a.order - b.order);
  const done = placed.filter((p) => !failedSet.has(p.path));
  const outputs = await recordingOutputs(done, options.out);
  const out = resolve(options.out);
  for (const [rel, from] of outputs) {
    await mkdir(dirname(join(out, rel)), { recursive: true });
    await writeFileAtomic(join(out, rel), await readFile(join(from, rel)));
  }
  const tables: string[] = [];
  for (const [format, name] of Object.entries(COMBINED) as [OutputFormat, string][]) {
    const first = await readFile(join(shards[0].manifest, name), 'utf8').catch(() => undefined);
    if (first === undefined) continue;
    const header = first.slice(0, first.indexOf('\n') + 1);
    await writeStreamAtomic(join(out, name), combinedTable(header, format, done.map((p) => ({ outDir: p.dir, path: p.path }))));
    tables.push(join(out, name));
  }
  await writeFileAtomic(join(out, 'errors.csv'), await mergedErrors(shards.map((s) => s.manifest), placed));
  return { out: options.out, shards: shards.length, sources: owner.size, failed, tables };
}

/** Every table a recording's state lists (path relative to the run folder -> the shard folder holding it). */
async function recordingOutputs(done: Placed[], out: string): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  const owners = new Map<string, string>();
  const stores = new Map<string, StateStore>();
  for (const { path, dir } of done) {
    const store = stores.get(dir) ?? new StateStore(dir);
    stores.set(dir, store);
    const state = await store.read(path);
    if (state === undefined) throw new BirdcallError('MERGE_INVALID', `${path} has no state in its shard folder: was the shard run finished?`, dir);
    for (const rel of Object.values(state.rows[0]?.outputs ?? {})) {
      checkRelativePath(rel, 'shard output');
      const other = owners.get(rel.toLowerCase());
      if (other !== undefined && other !== path) {
        throw new BirdcallError('MERGE_LAYOUT', `${other} and ${path} (in different shards) both write ${rel}; rename one or predict them in one run`, out);
      }
      owners.set(rel.toLowerCase(), path);
      outputs.set(rel, dir);
    }
  }
  return outputs;
}

/** The shards' errors.csv rows in one table, ordered by where their recording sat in the input. */
async function mergedErrors(dirs: string[], placed: Placed[]): Promise<string> {
  const order = new Map(placed.map((p) => [p.path, p.order]));
  const rows: { row: Record<string, string>; at: number; n: number }[] = [];
  for (const dir of dirs) {
    const text = await readFile(join(dir, 'errors.csv'), 'utf8');
    for (const row of parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[]) {
      rows.push({ row, at: order.get(row.path) ?? Infinity, n: rows.length });
    }
  }
  rows.sort((a, b) => a.at - b.at || a.n - b.n);
  return stringify([['path', 'code', 'reason', 'level'], ...rows.map(({ row }) => [row.path, row.code, row.reason, row.level])]);
}
