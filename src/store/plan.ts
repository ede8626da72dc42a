import { basename, extname } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { openInputs, type InputLayout } from './inputs.ts';
import type { InputRow } from './manifest-types.ts';
import { safeName } from './paths.ts';
import { sha256Hex } from './state.ts';

/**
 * The one walk over INPUT that `convert`, `convert --queue` (enqueue) and `convert --shard` share, so they
 * agree on which sources exist, in which order, which rows are duplicates or unusable, and which output
 * names each source gets. Rows are streamed: a 100k-row manifest costs one row at a time (plus the set of
 * paths seen and the output names taken).
 */

export type PlannedItem =
  /** A source to convert, with its position in the input and its output names. */
  | { kind: 'source'; row: InputRow; index: number; base: OutputBase }
  /** A row naming a source already listed: converted once, reported as a warning. */
  | { kind: 'duplicate'; row: InputRow; index: number }
  /** A row whose path is unusable (absolute, climbing out of the root, empty). */
  | { kind: 'invalid'; rawPath: string; error: BirdcallError };

export interface SourcePlan {
  layout: InputLayout;
  /** Absolute folder every row path is relative to. */
  root: string;
  /** INPUT as given, for messages. */
  input: string;
  /** Rows in the input (a cheap second pass, no audio read), for progress. Counted before any filter. */
  count(): Promise<number>;
  /** Walks the input once. Call once per plan: the output names depend on the rows seen before. */
  items(): AsyncIterable<PlannedItem>;
  /** After items(): the source that owns each output name (baseKey), to tell whose stale outputs are whose. */
  readonly owners: ReadonlyMap<string, string>;
  /** After items(): throws INPUT_EMPTY when the input listed nothing at all (no row, valid or not). */
  checkNotEmpty(): void;
}

/**
 * Opens INPUT (a folder or a manifest CSV) and plans its sources. `filter` keeps some rows (one shard of the
 * input); output names are given in input order among the kept rows, as convert has always named them.
 */
export async function planSources(input: string, filter?: (row: InputRow) => boolean): Promise<SourcePlan> {
  const source = await openInputs(input);
  const owners = new Map<string, string>();
  let listed = 0;
  async function* items(): AsyncIterable<PlannedItem> {
    const seen = new Set<string>();
    const invalid: PlannedItem[] = [];
    let index = 0;
    for await (const row of source.rows({ onInvalidRow: (error, rawPath) => invalid.push({ kind: 'invalid', rawPath, error }) })) {
      // Invalid rows are reported where they sat in the input, before the next valid row.
      listed += invalid.length;
      yield* invalid.splice(0);
      const rowIndex = index++;
      listed++;
      if (filter && !filter(row)) continue;
      if (seen.has(row.path)) {
        yield { kind: 'duplicate', row, index: rowIndex };
        continue;
      }
      seen.add(row.path);
      yield { kind: 'source', row, index: rowIndex, base: outputBaseFor(row, owners) };
    }
    listed += invalid.length;
    yield* invalid.splice(0);
  }
  return {
    layout: source.layout,
    root: source.root,
    input,
    count: () => source.count(),
    items,
    owners,
    checkNotEmpty() {
      if (listed > 0) return;
      throw new BirdcallError(
        'INPUT_EMPTY',
        source.layout === 'folder' ? 'no audio files (.wav, .flac, .ogg, .mp3) found' : 'the CSV has no rows',
        input,
      );
    },
  };
}

/** The source that owns an output name in a plan, if any. */
export function ownerOf(plan: SourcePlan, base: OutputBase | undefined): string | undefined {
  return base ? plan.owners.get(baseKey(base)) : undefined;
}

/** Where a source's outputs go: label folder and stem, unique in the run even on case-insensitive disks. */
export interface OutputBase {
  label: string;
  stem: string;
}

/**
 * Label folder and file stem of a source. Sanitized with safeName; if another source of this run already has
 * the same folder and stem (same file name under two folders, or names differing only in case), this one
 * gets a hash of its path appended, so no two sources ever write the same output file. Called on every
 * source in input order, with one `taken` map carried from row to row.
 */
export function outputBaseFor(row: InputRow, taken: Map<string, string>): OutputBase {
  const label = safeName(row.primaryLabel === '' ? 'unlabelled' : row.primaryLabel);
  const fileName = basename(row.path);
  const stem = safeName(fileName.slice(0, fileName.length - extname(fileName).length) || fileName);
  let base = { label, stem };
  const owner = taken.get(baseKey(base));
  if (owner !== undefined && owner !== row.path) base = { label, stem: `${stem}-${sha256Hex(row.path).slice(0, 12)}` };
  taken.set(baseKey(base), row.path);
  return base;
}

/** Output names compared case-insensitively: `XC1` and `xc1` are one file on macOS and Windows disks. */
export function baseKey(base: OutputBase): string {
  return `${base.label}/${base.stem}`.toLowerCase();
}
