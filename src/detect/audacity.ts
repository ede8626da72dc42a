import { BirdcallError } from '../errors.ts';
import type { Detection } from './detections.ts';
import { formatSeconds } from './raven.ts';

/**
 * Audacity label tracks (File > Import > Labels…): plain text, one label per line, start and end in seconds
 * and the label text, separated by tabs; no header. Audacity writes six decimals, and so do we.
 */

export function audacityFileName(stem: string): string {
  return `${stem}.birdcall.labels.txt`;
}

/** A label's text: the class and its score, e.g. `Turdus_merula 0.93`; tabs and line breaks become spaces. */
function labelText(d: Detection): string {
  return `${d.label.replace(/[\t\r\n]+/g, ' ')} ${d.score.toFixed(2)}`;
}

/**
 * Writes detections as an Audacity label track: one line per detection, `start<TAB>end<TAB>class score`,
 * times in seconds with six decimals, the score with two; no header.
 *
 * @param detections - the labels, in the order given (class names' tabs and line breaks become spaces).
 * @returns the label track as text, each line ending with a newline ('' for no detections); never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { audacityLabels, readAudacityLabels } from 'birdcall';
 *
 * const text = audacityLabels([{ startSeconds: 1.5, endSeconds: 4, label: 'Turdus_merula', score: 0.934 }]);
 * assert.equal(text, '1.500000\t4.000000\tTurdus_merula 0.93\n');
 * assert.deepEqual(readAudacityLabels(text), [{ startSeconds: 1.5, endSeconds: 4, text: 'Turdus_merula 0.93' }]);
 * ```
 */
export function audacityLabels(detections: readonly Detection[]): string {
  return detections.map((d) => `${formatSeconds(d.startSeconds)}\t${formatSeconds(d.endSeconds)}\t${labelText(d)}\n`).join('');
}

export interface AudacityLabel {
  startSeconds: number;
  endSeconds: number;
  text: string;
}

/**
 * Parses a label track as Audacity imports it: `start<TAB>end<TAB>text` (text optional); a line starting
 * with a backslash is the frequency range of the label above it (Audacity's extended format), skipped here.
 * Blank lines are skipped.
 *
 * @param text - the label track's text.
 * @param name - what errors call the track, usually its path. Default `'label track'`.
 * @returns the labels in file order: start and end in seconds, the text ('' when absent).
 * @throws BirdcallError `LABELS_INVALID` naming the line when its start or end is missing or not a number.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, readAudacityLabels } from 'birdcall';
 *
 * // Audacity's extended format: the second line is the first label's frequency range.
 * const labels = readAudacityLabels('0.5\t2.25\tsong\n\\\t1000\t8000\n3\t3.5\n');
 * assert.deepEqual(labels, [
 *   { startSeconds: 0.5, endSeconds: 2.25, text: 'song' },
 *   { startSeconds: 3, endSeconds: 3.5, text: '' },
 * ]);
 * assert.throws(() => readAudacityLabels('0.5 2.25 song', 'x.txt'), (e: unknown) => e instanceof BirdcallError && e.code === 'LABELS_INVALID' && e.message === 'x.txt: line 1: expected start<TAB>end<TAB>label in seconds');
 * ```
 */
export function readAudacityLabels(text: string, name = 'label track'): AudacityLabel[] {
  const labels: AudacityLabel[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('\\')) return;
    const [start, end, ...rest] = line.split('\t');
    const s = Number(start);
    const e = Number(end);
    if (start === undefined || end === undefined || start.trim() === '' || end.trim() === '' || !Number.isFinite(s) || !Number.isFinite(e)) {
      throw new BirdcallError('LABELS_INVALID', `line ${i + 1}: expected start<TAB>end<TAB>label in seconds`, name);
    }
    labels.push({ startSeconds: s, endSeconds: e, text: rest.join('\t') });
  });
  return labels;
}
