import { BirdcallError } from '../errors.ts';
import { parseLabelList } from '../store/inputs.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import type { EvalSet } from './types.ts';

/**
 * From manifest rows and candidates' class lists to an EvalSet, shared by model folders (evalset.ts) and
 * predictions CSVs (predictions-csv.ts); kept apart so that the CSV path never loads TensorFlow.js.
 */

/**
 * BirdCLEF metadata writes list columns as Python lists (`type` = "['call', 'song']"); a slice should be
 * "call, song", not the list's source text.
 */
function metadataValue(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? parseLabelList(trimmed).join(', ') : value;
}

/**
 * The EvalSet of manifest rows scored against `classes` (the models' class list). Every row must have a
 * primary label the models know: a label they were never trained on cannot be scored, and dropping it
 * silently would flatter them.
 */
export function evalSetFromRows(rows: readonly OutputRow[], classes: readonly string[], manifest = 'the evaluation manifest'): EvalSet {
  const known = new Set(classes);
  const unknown = [...new Set(rows.map((r) => r.primaryLabel).filter((l) => !known.has(l)))].sort();
  if (unknown.length > 0) {
    throw new BirdcallError(
      'SELECT_UNKNOWN_LABEL',
      `primary label${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => `'${l}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the models' ` +
        `${classes.length} classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''}); evaluate on species the models were trained on`,
      manifest,
    );
  }
  return {
    classes: [...classes],
    rows: rows.map((r) => ({
      recording: r.source,
      primary: r.primaryLabel,
      secondary: [...r.secondaryLabels],
      metadata: Object.fromEntries(Object.entries(r.metadata).map(([k, v]) => [k, metadataValue(v)])),
    })),
  };
}

/**
 * The class list every model shares, in the first model's order. Models with different class sets cannot
 * be compared on one metric: that is an error naming what differs.
 */
export function agreeOnClasses(models: readonly { name: string; classes: readonly string[] }[]): string[] {
  const [first, ...rest] = models;
  const reference = new Set(first.classes);
  for (const m of rest) {
    const other = new Set(m.classes);
    const missing = first.classes.filter((c) => !other.has(c));
    const extra = m.classes.filter((c) => !reference.has(c));
    if (missing.length > 0 || extra.length > 0 || other.size !== m.classes.length) {
      const parts = [
        missing.length > 0 ? `lacks ${missing.join(', ')}` : '',
        extra.length > 0 ? `adds ${extra.join(', ')}` : '',
        other.size !== m.classes.length ? 'lists a class twice' : '',
      ].filter((p) => p !== '');
      throw new BirdcallError(
        'SELECT_CLASS_MISMATCH',
        `models '${first.name}' and '${m.name}' were trained on different classes ('${m.name}' ${parts.join(' and ')}); ` +
          'candidates must share one class list to be compared',
      );
    }
  }
  return [...first.classes];
}

