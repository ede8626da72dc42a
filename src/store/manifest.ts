import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError } from '../errors.ts';
import { writeStreamAtomic } from './atomic.ts';
import type { OutputRow } from './manifest-types.ts';

/**
 * The output manifest (`manifest.csv`): one row per chunk, columns in this order (documented in
 * manifest-types.ts):
 *   source, chunk_index, start_s, end_s, primary_label, secondary_labels,
 *   then per artifact <name>_path, <name>_sha256, <name>_<meta key>…,
 *   source_sha256, pipeline_hash, birdcall_version,
 *   then the input's metadata columns.
 * The reader relies on that order (the artifact block sits between `secondary_labels` and `source_sha256`,
 * metadata after `birdcall_version`), because a metadata column may itself end in `_path` (the birdcalls
 * manifest has `source_path`). A metadata column whose name clashes with one of ours is written as
 * `input_<name>`.
 */

const HEAD = ['source', 'chunk_index', 'start_s', 'end_s', 'primary_label', 'secondary_labels'] as const;
const LINEAGE = ['source_sha256', 'pipeline_hash', 'birdcall_version'] as const;

/** The column set of a manifest, gathered row by row before writing (rows may differ in meta keys). */
export class ManifestColumns {
  /** artifact name -> its extra meta column names, in first-seen order. */
  readonly artifacts = new Map<string, Set<string>>();
  readonly metadata = new Set<string>();

  add(row: OutputRow): void {
    for (const name of Object.keys(row.outputs)) if (!this.artifacts.has(name)) this.artifacts.set(name, new Set());
    for (const column of Object.keys(row.outputMeta)) {
      const owner = this.ownerOf(column);
      if (owner !== undefined) this.artifacts.get(owner)?.add(column);
    }
    for (const key of Object.keys(row.metadata)) this.metadata.add(key);
  }

  /** The artifact a meta column belongs to: the longest artifact name that prefixes it. */
  private ownerOf(column: string): string | undefined {
    let best: string | undefined;
    for (const name of this.artifacts.keys()) {
      if (column.startsWith(`${name}_`) && (best === undefined || name.length > best.length)) best = name;
    }
    return best;
  }

  private ownColumns(): string[] {
    const columns: string[] = [...HEAD];
    for (const [name, meta] of this.artifacts) columns.push(`${name}_path`, `${name}_sha256`, ...meta);
    columns.push(...LINEAGE);
    return columns;
  }

  /** The CSV column of each metadata key (renamed `input_<key>` on a clash with our own columns). */
  metadataColumns(): Map<string, string> {
    const taken = new Set(this.ownColumns());
    const result = new Map<string, string>();
    for (const key of this.metadata) {
      let column = key;
      while (taken.has(column)) column = `input_${column}`;
      taken.add(column);
      result.set(key, column);
    }
    return result;
  }

  header(): string[] {
    return [...this.ownColumns(), ...this.metadataColumns().values()];
  }

  /**
   * The rows as CSV records (no header line) under the columns as they are now: a manifest writer takes
   * them as they are while the columns stay the same (see RenderedRows).
   */
  render(rows: readonly OutputRow[]): RenderedRows {
    const metadataColumns = this.metadataColumns();
    return { columnsKey: this.key(), csv: stringify(rows.map((row) => this.record(row, metadataColumns))), count: rows.length };
  }

  /** Equal for two moments of these columns exactly when every record would be rendered the same. */
  key(): string {
    return JSON.stringify(this.header());
  }

  /** One CSV record in header order. */
  record(row: OutputRow, metadataColumns = this.metadataColumns()): string[] {
    const values: string[] = [
      row.source,
      String(row.chunkIndex),
      String(row.startSeconds),
      String(row.endSeconds),
      row.primaryLabel,
      row.secondaryLabels.join(' '),
    ];
    for (const [name, meta] of this.artifacts) {
      values.push(row.outputs[name] ?? '', row.outputHashes[name] ?? '');
      for (const column of meta) values.push(String(row.outputMeta[column] ?? ''));
    }
    values.push(row.sourceSha256, row.pipelineHash, row.birdcallVersion);
    for (const key of metadataColumns.keys()) values.push(row.metadata[key] ?? '');
    return values;
  }
}

/**
 * Rows rendered ahead by ManifestColumns.render (convert renders each source's rows as it finishes, while
 * its threads compute, so the manifest is not all rendered at the end), valid while the columns are those of
 * `columnsKey`.
 */
export interface RenderedRows {
  columnsKey: string;
  csv: string;
  count: number;
}

/**
 * Writes the manifest atomically (a reader never sees half a manifest). `columns` must have seen every row
 * (call `columns.add(row)` first); rows are streamed, so a million rows need not sit in memory at once. Rows
 * may come rendered ahead, if rendered under the final columns.
 */
export async function writeOutputManifest(
  path: string,
  rows: AsyncIterable<OutputRow | RenderedRows> | Iterable<OutputRow | RenderedRows>,
  columns: ManifestColumns,
): Promise<number> {
  const metadataColumns = columns.metadataColumns();
  const header = columns.header();
  const columnsKey = columns.key();
  let count = 0;
  async function* lines(): AsyncIterable<string> {
    // Records go to csv-stringify in batches: a call per row spent most of the manifest's time setting up a
    // stringifier (12 us a row).
    let batch: string[][] = [header];
    for await (const row of rows) {
      if ('csv' in row) {
        if (row.columnsKey !== columnsKey) throw new Error('writeOutputManifest: rows rendered under other columns');
        if (batch.length > 0) yield stringify(batch);
        batch = [];
        count += row.count;
        yield row.csv;
        continue;
      }
      count++;
      batch.push(columns.record(row, metadataColumns));
      if (batch.length === 512) {
        yield stringify(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield stringify(batch);
  }
  await writeStreamAtomic(path, lines());
  return count;
}

/** Convenience for small manifests held in memory: gathers the columns, then writes. */
export async function writeOutputManifestRows(path: string, rows: OutputRow[]): Promise<number> {
  const columns = new ManifestColumns();
  for (const row of rows) columns.add(row);
  return writeOutputManifest(path, rows, columns);
}

function parseMetaValue(text: string): string | number {
  // Numbers come back as numbers (dB ranges, sample rates); anything else, including '', stays a string.
  if (text.trim() === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim())) return text;
  return Number(text);
}

/**
 * Streams the rows of an output manifest (`manifest.csv`, as `birdcall convert` writes it), one row at a
 * time: a manifest of millions of chunks needs one row of memory.
 *
 * @param path - the manifest's path.
 * @returns the rows: chunk times in seconds, labels, each artifact's path (relative to the manifest's
 *   folder) and sha256 by artifact name, its meta columns (numbers parsed), lineage, and the input's metadata.
 * @throws BirdcallError while iterating: `MANIFEST_NOT_FOUND` for no such file, `MANIFEST_INVALID` naming
 *   the column or line for a header not in manifest order, missing lineage columns, a non-numeric
 *   chunk_index, start_s or end_s, or an empty file.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BirdcallError, streamOutputManifest } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
 * try {
 *   const bad = join(dir, 'bad.csv');
 *   await writeFile(bad, 'source,chunk,start_s\n');
 *   const rows = async () => {
 *     for await (const _row of streamOutputManifest(bad));
 *   };
 *   await assert.rejects(rows(), (e: unknown) => e instanceof BirdcallError && e.code === 'MANIFEST_INVALID' && e.reason === 'column 2 should be "chunk_index", found "chunk"');
 *   const missing = streamOutputManifest(join(dir, 'none.csv'))[Symbol.asyncIterator]().next();
 *   await assert.rejects(missing, (e: unknown) => e instanceof BirdcallError && e.code === 'MANIFEST_NOT_FOUND');
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function* streamOutputManifest(path: string): AsyncIterable<OutputRow> {
  const parser = parse({ bom: true, relax_column_count: false });
  // pipe() does not forward the file's errors (ENOENT): without this the parser would wait forever.
  const file = createReadStream(path).on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  let header: string[] | undefined;
  let artifactNames: string[] = [];
  let artifactStart = 0;
  let lineageStart = 0;
  let metadataStart = 0;
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (header === undefined) {
        header = record;
        for (const [i, column] of HEAD.entries()) {
          if (header[i] !== column) {
            throw new BirdcallError('MANIFEST_INVALID', `column ${i + 1} should be "${column}", found "${header[i] ?? ''}"`, path);
          }
        }
        artifactStart = HEAD.length;
        lineageStart = header.indexOf(LINEAGE[0], artifactStart);
        if (lineageStart < 0 || header[lineageStart + 1] !== LINEAGE[1] || header[lineageStart + 2] !== LINEAGE[2]) {
          throw new BirdcallError('MANIFEST_INVALID', `missing the lineage columns ${LINEAGE.join(', ')}`, path);
        }
        metadataStart = lineageStart + LINEAGE.length;
        artifactNames = header
          .slice(artifactStart, lineageStart)
          .filter((c) => c.endsWith('_path'))
          .map((c) => c.slice(0, -'_path'.length));
        continue;
      }
      line++;
      const cell = (i: number): string => record[i] ?? '';
      const chunkIndex = Number(cell(1));
      const startSeconds = Number(cell(2));
      const endSeconds = Number(cell(3));
      if (!Number.isInteger(chunkIndex) || !Number.isFinite(startSeconds) || !Number.isFinite(endSeconds)) {
        throw new BirdcallError('MANIFEST_INVALID', `line ${line}: chunk_index, start_s or end_s is not a number`, path);
      }
      const row: OutputRow = {
        source: cell(0),
        chunkIndex,
        startSeconds,
        endSeconds,
        primaryLabel: cell(4),
        secondaryLabels: cell(5).split(' ').filter((l) => l !== ''),
        outputs: {},
        outputHashes: {},
        outputMeta: {},
        sourceSha256: cell(lineageStart),
        pipelineHash: cell(lineageStart + 1),
        birdcallVersion: cell(lineageStart + 2),
        metadata: {},
      };
      for (let i = artifactStart; i < lineageStart; i++) {
        const column = header[i];
        const owner = artifactNames.find((name) => column === `${name}_path`);
        const hashOwner = artifactNames.find((name) => column === `${name}_sha256`);
        if (owner !== undefined) {
          if (cell(i) !== '') row.outputs[owner] = cell(i);
        } else if (hashOwner !== undefined) {
          if (cell(i) !== '') row.outputHashes[hashOwner] = cell(i);
        } else if (cell(i) !== '') {
          row.outputMeta[column] = parseMetaValue(cell(i));
        }
      }
      for (let i = metadataStart; i < header.length; i++) row.metadata[header[i]] = cell(i);
      yield row;
    }
  } catch (err) {
    if (err instanceof BirdcallError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BirdcallError('MANIFEST_NOT_FOUND', 'no such manifest file', path);
    throw new BirdcallError('MANIFEST_INVALID', `cannot parse CSV: ${(err as Error).message}`, path);
  } finally {
    file.destroy();
  }
  if (header === undefined) throw new BirdcallError('MANIFEST_INVALID', 'the manifest is empty (no header row)', path);
}

/**
 * Reads a whole output manifest (what the trainer loads); streamOutputManifest streams it.
 *
 * @param path - the manifest's path (`manifest.csv` in convert's output folder).
 * @returns every row, in file order (see streamOutputManifest for the fields).
 * @throws BirdcallError `MANIFEST_NOT_FOUND` or `MANIFEST_INVALID`, as streamOutputManifest.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { readOutputManifest } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'manifest-'));
 * try {
 *   const path = join(dir, 'manifest.csv');
 *   await writeFile(path, [
 *     'source,chunk_index,start_s,end_s,primary_label,secondary_labels,png_path,png_sha256,png_db_min,source_sha256,pipeline_hash,birdcall_version,site',
 *     'amerob/XC1.ogg,1,5,10,amerob,blujay norcar,png/amerob/XC1_1.png,ab12,-80,cd34,ef56,0.1.0,A',
 *   ].join('\n') + '\n');
 *   const [row] = await readOutputManifest(path);
 *   assert.deepEqual([row.source, row.chunkIndex, row.startSeconds, row.endSeconds], ['amerob/XC1.ogg', 1, 5, 10]);
 *   assert.deepEqual(row.secondaryLabels, ['blujay', 'norcar']);
 *   assert.deepEqual([row.outputs, row.outputHashes, row.outputMeta], [{ png: 'png/amerob/XC1_1.png' }, { png: 'ab12' }, { png_db_min: -80 }]);
 *   assert.deepEqual([row.sourceSha256, row.pipelineHash, row.birdcallVersion, row.metadata], ['cd34', 'ef56', '0.1.0', { site: 'A' }]);
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function readOutputManifest(path: string): Promise<OutputRow[]> {
  const rows: OutputRow[] = [];
  for await (const row of streamOutputManifest(path)) rows.push(row);
  return rows;
}
