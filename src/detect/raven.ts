import { BirdcallError } from '../errors.ts';
import type { Detection } from './detections.ts';

/**
 * Raven Pro selection tables: tab-separated text, one header line, one selection per line. Raven reads the
 * columns by their header names: Selection (a number from 1), View ("Spectrogram 1" draws the box on the
 * spectrogram), Channel (from 1), Begin Time (s), End Time (s), Low Freq (Hz), High Freq (Hz); any further
 * column (Species, Score) is an annotation column it shows as is. Open one with File > Open Selection
 * Table… once the recording is open.
 */

export const RAVEN_COLUMNS = [
  'Selection',
  'View',
  'Channel',
  'Begin Time (s)',
  'End Time (s)',
  'Low Freq (Hz)',
  'High Freq (Hz)',
  'Species',
  'Score',
] as const;

/** The selection table's file name for a recording stem (Raven's own tables end in `.selections.txt`). */
export function ravenFileName(stem: string): string {
  return `${stem}.birdcall.selections.txt`;
}

export interface RavenOptions {
  /** The band the model looked at (the pipeline's mel fmin and fmax): the boxes' bottom and top. */
  lowHz: number;
  highHz: number;
}

/** Seconds with microsecond resolution (finer than any sample period Raven displays), no float noise. */
export function formatSeconds(seconds: number): string {
  return seconds.toFixed(6);
}

/** Text for a table field: tabs and line breaks would split the row, so they become spaces. */
function field(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/**
 * Writes detections as a Raven Pro selection table (the columns of RAVEN_COLUMNS), one selection per
 * detection in the order given, numbered from 1, on channel 1 of "Spectrogram 1".
 *
 * @param detections - the boxes: start and end in seconds from the start of the recording (written with
 *   six decimals), the class name (tabs and line breaks become spaces) and its score (four decimals).
 * @param options - `lowHz` and `highHz`, the boxes' bottom and top in Hz (the model's mel band).
 * @returns the whole table as text, header included, ending with a newline; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { ravenTable, readRavenTable } from 'birdcall';
 *
 * const detections = [
 *   { startSeconds: 0, endSeconds: 5, label: 'Turdus_merula', score: 0.91 },
 *   { startSeconds: 12.5, endSeconds: 17.5, label: 'Erithacus_rubecula', score: 0.62 },
 * ];
 * const text = ravenTable(detections, { lowHz: 50, highHz: 14000 });
 * assert.equal(text.split('\n')[1], '1\tSpectrogram 1\t1\t0.000000\t5.000000\t50\t14000\tTurdus_merula\t0.9100');
 * // Read back, the boxes have the same times, band and labels.
 * const back = readRavenTable(text);
 * assert.deepEqual(back.map((s) => [s.beginSeconds, s.endSeconds, s.fields.Species]), [[0, 5, 'Turdus_merula'], [12.5, 17.5, 'Erithacus_rubecula']]);
 * assert.equal(back[1].highHz, 14000);
 * ```
 */
export function ravenTable(detections: readonly Detection[], options: RavenOptions): string {
  const lines = [RAVEN_COLUMNS.join('\t')];
  detections.forEach((d, i) => {
    lines.push(
      [
        String(i + 1),
        'Spectrogram 1',
        '1',
        formatSeconds(d.startSeconds),
        formatSeconds(d.endSeconds),
        String(Number(options.lowHz.toFixed(3))),
        String(Number(options.highHz.toFixed(3))),
        field(d.label),
        d.score.toFixed(4),
      ].join('\t'),
    );
  });
  return lines.join('\n') + '\n';
}

/** One selection as read back: the standard columns as numbers, every column as text in `fields`. */
export interface RavenSelection {
  selection: number;
  view: string;
  channel: number;
  beginSeconds: number;
  endSeconds: number;
  lowHz: number;
  highHz: number;
  fields: Record<string, string>;
}

const REQUIRED = ['Selection', 'View', 'Channel', 'Begin Time (s)', 'End Time (s)', 'Low Freq (Hz)', 'High Freq (Hz)'] as const;

/**
 * Parses a selection table as Raven writes and reads them: tab-separated, header names in any order, extra
 * columns allowed, a leading byte-order mark and blank lines ignored.
 *
 * @param text - the table's text (e.g. a `*.selections.txt` read as UTF-8).
 * @param name - what errors call the table, usually its path. Default `'selection table'`.
 * @returns one RavenSelection per line after the header: times in seconds, frequencies in Hz, and every
 *   column as text in `fields` (annotation columns such as Species included).
 * @throws BirdcallError `RAVEN_INVALID` for an empty text, a header without one of the seven standard
 *   columns, a line with another number of fields than the header, or a standard column that is not a number.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, readRavenTable } from 'birdcall';
 *
 * // Columns in Raven's own order, with an annotation column of the user's.
 * const text = [
 *   'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tNotes',
 *   '1\tSpectrogram 1\t1\t3.25\t4.5\t2000\t8000\tsong',
 * ].join('\n');
 * const [s] = readRavenTable(text, 'XC1234.selections.txt');
 * assert.deepEqual([s.beginSeconds, s.endSeconds, s.lowHz, s.highHz, s.fields.Notes], [3.25, 4.5, 2000, 8000, 'song']);
 *
 * assert.throws(() => readRavenTable('Selection\tView\n1\tSpectrogram 1', 'bad.txt'), (e: unknown) => e instanceof BirdcallError && e.code === 'RAVEN_INVALID' && e.message.startsWith('bad.txt: no column "Channel"'));
 * ```
 */
export function readRavenTable(text: string, name = 'selection table'): RavenSelection[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new BirdcallError('RAVEN_INVALID', 'empty file: no header line', name);
  const header = lines[0].split('\t');
  const at = new Map(header.map((h, i) => [h, i]));
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length > 0) throw new BirdcallError('RAVEN_INVALID', `no column ${missing.map((m) => `"${m}"`).join(', ')} in the header`, name);
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== header.length) {
      throw new BirdcallError('RAVEN_INVALID', `line ${i + 2} has ${cells.length} fields, the header ${header.length}`, name);
    }
    const fields = Object.fromEntries(header.map((h, k) => [h, cells[k]]));
    const number = (column: (typeof REQUIRED)[number]): number => {
      const value = Number(fields[column]);
      if (fields[column].trim() === '' || !Number.isFinite(value)) {
        throw new BirdcallError('RAVEN_INVALID', `line ${i + 2}: ${column} "${fields[column]}" is not a number`, name);
      }
      return value;
    };
    return {
      selection: number('Selection'),
      view: fields.View,
      channel: number('Channel'),
      beginSeconds: number('Begin Time (s)'),
      endSeconds: number('End Time (s)'),
      lowHz: number('Low Freq (Hz)'),
      highHz: number('High Freq (Hz)'),
      fields,
    };
  });
}
