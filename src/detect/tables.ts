import { basename, extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { ScoredSpan } from './grid.ts';

/**
 * The two CSV tables: `csv`, one row per model chunk, and `birdclef`, one row per 5 s grid window (a
 * BirdCLEF submission). Both have `row_id` then one probability column per class, in the model's order.
 */

/** A recording's file name without its extension: its pooled row_id, and the start of its chunks'. */
export function recordingStem(source: string): string {
  const name = basename(source);
  return name.slice(0, name.length - extname(name).length) || name;
}

/** `<file stem>_<end second>`: whole seconds as BirdCLEF writes them, else up to milliseconds. */
export function rowId(source: string, endSeconds: number): string {
  const stem = recordingStem(source);
  const rounded = Math.round(endSeconds);
  const end = Math.abs(endSeconds - rounded) < 1e-6 ? String(rounded) : String(Number(endSeconds.toFixed(3)));
  return `${stem}_${end}`;
}

/** A probability as text: 9 significant digits round-trip a float32 exactly, without float64 noise digits. */
export function formatProbability(value: number): string {
  return String(Number(value.toPrecision(9)));
}

export function scoreHeader(classes: readonly string[]): string {
  return stringify([['row_id', ...classes]]);
}

/** Rows for spans of one recording, each named by its source and end second. */
export function scoreRows(source: string, spans: readonly ScoredSpan[]): string {
  return stringify(spans.map((s) => [rowId(source, s.endSeconds), ...Array.from(s.scores, formatProbability)]));
}
