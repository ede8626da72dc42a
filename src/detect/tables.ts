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

/**
 * A chunk's row_id, `<file stem>_<end second>`, as in BirdCLEF submissions: the recording's file name without
 * folders or extension, then where the chunk ends. Whole seconds are written as integers (as BirdCLEF writes
 * them, also when the end is a float a hair off a whole second), others rounded to milliseconds.
 *
 * @param source - the recording's path or file name (folders and the extension are dropped).
 * @param endSeconds - the chunk's end from the start of the recording, seconds (its nominal end: start +
 *   chunk length, also for a zero-padded last chunk).
 * @returns the row_id; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { rowId } from 'birdcall/train';
 *
 * assert.equal(rowId('soundscapes/S_0001.ogg', 5), 'S_0001_5');
 * assert.equal(rowId('XC1234.wav', 2.5), 'XC1234_2.5');
 * assert.equal(rowId('XC1234.wav', 10 / 3), 'XC1234_3.333'); // at most milliseconds
 * assert.equal(rowId('XC1234.wav', 0.1 * 3), 'XC1234_0.3'); // 0.30000000000000004: float noise dropped
 * assert.equal(rowId('XC1234.wav', 4.9999999), 'XC1234_5');
 * ```
 */
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
