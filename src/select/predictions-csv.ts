import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { BirdcallError, UsageError } from '../errors.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { readOutputManifest } from '../store/manifest.ts';
import { rowId } from '../detect/tables.ts';
import { agreeOnClasses, evalSetFromRows } from './rows.ts';
import type { Candidate, EvalSet } from './types.ts';

/**
 * Candidates as prediction CSVs, so that a model trained anywhere (PyTorch, Keras, sklearn) can be ranked:
 * the `birdcall predict` layout, which is BirdCLEF's submission layout.
 *  - header: `row_id`, then one column per class (any order; every file the same set of classes);
 *  - one row per chunk of the evaluation manifest, `row_id` = `<file stem>_<end second>`: the recording's
 *    file name without folder and extension, then the chunk's end in seconds (whole seconds as an integer,
 *    else up to milliseconds). The end is the chunk's nominal end (start + chunk length, as `birdcall
 *    predict` and BirdCLEF write it, also for a zero-padded last chunk); the manifest's `end_s` is accepted
 *    too (out-of-fold predictions written from a manifest carry it);
 *  - each cell a probability in [0, 1].
 * Anything else is refused with one line naming the file and the first offending row: scoring a file with
 * missing rows, extra rows or values that are not probabilities would rank the wrong thing.
 */

export interface PredictionsFile {
  /** Candidate name: the file name without `.csv` (the path when two files share a name). */
  name: string;
  path: string;
  classes: string[];
  /** row_id -> scores in `classes` order, with the 1-based CSV line for messages. */
  rows: Map<string, { scores: Float32Array; line: number }>;
}

/** Parse one predictions CSV: header, row ids unique, every cell a number in [0, 1]. */
export function parsePredictionsCsv(text: string, path: string, name = basename(path).replace(/\.csv$/i, '')): PredictionsFile {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: true, bom: true, trim: true }) as string[][];
  } catch (error) {
    throw new UsageError(`not a readable CSV: ${(error as Error).message}`, path);
  }
  const [header, ...body] = records;
  if (header === undefined || header[0] !== 'row_id') {
    throw new UsageError(`the first column must be "row_id" (the predict layout: row_id, then one column per class), got "${header?.[0] ?? ''}"`, path);
  }
  const classes = header.slice(1);
  if (classes.length === 0) throw new UsageError('no class columns after row_id', path);
  const seen = new Set<string>();
  for (const c of classes) {
    if (c === '') throw new UsageError('a class column has an empty name', path);
    if (seen.has(c)) throw new UsageError(`class column "${c}" appears twice`, path);
    seen.add(c);
  }
  const rows: PredictionsFile['rows'] = new Map();
  body.forEach((cells, r) => {
    const line = r + 2;
    const id = cells[0];
    if (cells.length !== header.length) {
      throw new UsageError(`line ${line} (row_id ${id}) has ${cells.length} cells for ${header.length} columns`, path);
    }
    if (rows.has(id)) throw new UsageError(`line ${line}: row_id ${id} appears twice (also line ${rows.get(id)!.line})`, path);
    const scores = new Float32Array(classes.length);
    for (let c = 0; c < classes.length; c++) {
      const cell = cells[c + 1];
      const value = cell === '' ? Number.NaN : Number(cell);
      if (Number.isNaN(value)) {
        throw new UsageError(`line ${line} (row_id ${id}): ${cell === '' ? 'empty cell' : `"${cell}"`} in column ${classes[c]} is not a probability (NaN)`, path);
      }
      if (!(value >= 0 && value <= 1)) {
        throw new UsageError(`line ${line} (row_id ${id}): ${cell} in column ${classes[c]} is outside [0, 1]; write probabilities (sigmoid of the logits), not logits`, path);
      }
      scores[c] = value;
    }
    rows.set(id, { scores, line });
  });
  return { name, path, classes, rows };
}

export async function readPredictionsCsv(path: string, name?: string): Promise<PredictionsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? 'predictions file not found' : `cannot read the predictions file (${code ?? String(error)})`, path);
  }
  return parsePredictionsCsv(text, path, name);
}

/**
 * The row_ids a manifest chunk answers to: its nominal end (start + the recording's chunk length, the
 * longest chunk of that recording) first, then the manifest's end_s when it differs (a padded last chunk).
 */
export function manifestRowIds(rows: readonly OutputRow[]): string[][] {
  const length = new Map<string, number>();
  for (const r of rows) length.set(r.source, Math.max(length.get(r.source) ?? 0, r.endSeconds - r.startSeconds));
  return rows.map((r) => {
    const nominal = rowId(r.source, r.startSeconds + (length.get(r.source) ?? 0));
    const actual = rowId(r.source, r.endSeconds);
    return nominal === actual ? [nominal] : [nominal, actual];
  });
}

function examples(ids: string[], more: number): string {
  return `${ids.slice(0, 3).join(', ')}${more > 3 ? `, … (${more} in all)` : ''}`;
}

/** Scores of `file` on the manifest rows, columns in `classes` order; refuses missing and extra rows. */
export function alignPredictions(file: PredictionsFile, ids: readonly string[][], known: ReadonlySet<string>, classes: readonly string[]): Float32Array[] {
  const missing: string[] = [];
  const used = new Set<string>();
  const order = classes.map((c) => file.classes.indexOf(c));
  const scores = ids.map((alternatives) => {
    const id = alternatives.find((a) => file.rows.has(a));
    if (id === undefined) {
      missing.push(alternatives[0]);
      return new Float32Array(0);
    }
    used.add(id);
    const row = file.rows.get(id)!.scores;
    return Float32Array.from(order, (k) => row[k]);
  });
  if (missing.length > 0) {
    throw new UsageError(`no row for ${missing.length} chunk(s) of the evaluation manifest: ${examples(missing, missing.length)}`, file.path);
  }
  const extra = [...file.rows.keys()].filter((id) => !used.has(id) && !known.has(id));
  if (extra.length > 0) {
    throw new UsageError(
      `${extra.length} row(s) name no chunk of the evaluation manifest: ${examples(extra, extra.length)} (row_id = <file stem>_<end second>)`,
      file.path,
    );
  }
  return scores;
}

export interface EvaluatedPredictions {
  evalSet: EvalSet;
  candidates: Candidate[];
  /** Manifest rows left out for lack of a primary label (unlabelled soundscape chunks). */
  unlabelledRows: number;
}

/** Candidate names: file names without `.csv`, the path as given where two files share a name. */
function candidateNames(paths: readonly string[]): string[] {
  const base = paths.map((p) => basename(p).replace(/\.csv$/i, ''));
  return paths.map((p, i) => (base.filter((b) => b === base[i]).length > 1 ? p : base[i]));
}

/**
 * The EvalSet of a manifest's labelled chunks and each predictions CSV's scores on them. Every CSV must
 * cover every chunk of the manifest exactly once (rows of unlabelled chunks are allowed and ignored) with
 * the same classes, and the manifest's primary labels must be among them. Candidates are named after their
 * files unless `givenNames` says otherwise.
 */
export async function evaluatePredictions(paths: readonly string[], manifest: string, givenNames?: readonly string[]): Promise<EvaluatedPredictions> {
  if (paths.length === 0) throw new UsageError('give at least one predictions CSV (--predictions A.csv B.csv …)');
  if (new Set(paths).size !== paths.length) throw new UsageError('a predictions file is given twice');
  const names = givenNames ?? candidateNames(paths);
  const files: PredictionsFile[] = [];
  for (const [i, path] of paths.entries()) files.push(await readPredictionsCsv(path, names[i]));
  let classes: string[];
  try {
    classes = agreeOnClasses(files);
  } catch (error) {
    throw error instanceof BirdcallError ? new UsageError(`unknown classes: ${error.reason}`) : error;
  }
  const all = await readOutputManifest(manifest);
  const labelled = all.filter((r) => r.primaryLabel !== '');
  if (labelled.length === 0) throw new BirdcallError('SELECT_NO_ROWS', 'the manifest has no labelled rows to evaluate on', manifest);
  let evalSet: EvalSet;
  try {
    evalSet = evalSetFromRows(labelled, classes, manifest);
  } catch (error) {
    throw error instanceof BirdcallError ? new UsageError(`${error.reason} (the predictions' class columns)`, manifest) : error;
  }
  const ids = manifestRowIds(labelled);
  const known = new Set(manifestRowIds(all).flat());
  const duplicate = findDuplicate(ids);
  if (duplicate !== undefined) {
    throw new UsageError(`two chunks of the manifest share row_id ${duplicate} (recordings in different folders with one file name); rename one`, manifest);
  }
  const candidates = files.map((f) => ({ name: f.name, scores: alignPredictions(f, ids, known, classes), info: { path: f.path } }));
  return { evalSet, candidates, unlabelledRows: all.length - labelled.length };
}

function findDuplicate(ids: readonly string[][]): string | undefined {
  const seen = new Set<string>();
  for (const alternatives of ids) {
    if (seen.has(alternatives[0])) return alternatives[0];
    seen.add(alternatives[0]);
  }
  return undefined;
}
