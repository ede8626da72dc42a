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
