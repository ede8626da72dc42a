import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'csv-parse';
import { isAudioPath } from '../audio/detect.ts';
import { BirdcallError } from '../errors.ts';
import type { InputRow } from './manifest-types.ts';
import { checkRelativePath } from './paths.ts';

/**
 * The three input layouts `birdcall convert` reads, detected from what INPUT is:
 *  - 'folder': every audio file (*.wav, *.flac, *.ogg, *.mp3) below a folder; the label is the name of the folder holding the file (Kaggle's
 *    `train_audio/<label>/<file>`).
 *  - 'birdclef': BirdCLEF/Kaggle `train_metadata.csv` (`primary_label`, `filename`, Python-list
 *    `secondary_labels`); audio in `train_audio/` beside the CSV.
 *  - 'birdcalls': the layout of ../shared/data/birdcalls/manifest.csv (`path` relative to the CSV,
 *    space-separated `secondary_labels`).
 * Rows are streamed, so a manifest of 100k rows costs one row of memory at a time.
 */
export type InputLayout = 'folder' | 'birdclef' | 'birdcalls';

export interface ReadInputsOptions {
  /**
   * Called for a row whose path is unusable (absolute, climbing out of the root, empty), with the error and
   * the path as written. The row is skipped. Without it, such a row throws and ends the stream.
   */
  onInvalidRow?: (error: BirdcallError, rawPath: string) => void;
}

export interface InputSource {
  layout: InputLayout;
  /** Absolute folder every row's `path` is relative to; nothing outside it may be read. */
  root: string;
  /** What the user gave, for messages. */
  input: string;
  rows(options?: ReadInputsOptions): AsyncIterable<InputRow>;
  /** Number of rows (a second cheap pass over the CSV or folder; no audio is read), for progress and ETA. */
  count(): Promise<number>;
}

/**
 * Opens INPUT (a folder or a CSV), detects its layout and returns a streaming row source. Nothing is read
 * but the CSV's header line.
 *
 * @param input - a folder of audio files, a BirdCLEF `train_metadata.csv` (audio in `train_audio/` beside
 *   it) or a birdcalls manifest CSV (a `path` column relative to the CSV).
 * @returns the layout, the root every row's path is relative to, `rows()` to stream the rows and `count()`
 *   to count them.
 * @throws BirdcallError `INPUT_NOT_FOUND` (no such path, or no `train_audio/` for BirdCLEF), `INPUT_LAYOUT`
 *   (neither a folder nor a CSV with known columns), `INPUT_CSV` (an empty or unparsable CSV).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BirdcallError, openInputs } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'inputs-'));
 * try {
 *   await mkdir(join(dir, 'train_audio'));
 *   await writeFile(join(dir, 'train_metadata.csv'), 'primary_label,secondary_labels,filename\namerob,[],amerob/XC1.ogg\nblujay,"[\'amerob\']",blujay/XC2.ogg\n');
 *   const source = await openInputs(join(dir, 'train_metadata.csv'));
 *   assert.equal(source.layout, 'birdclef');
 *   assert.equal(source.root, join(dir, 'train_audio'));
 *   assert.equal(await source.count(), 2);
 *
 *   await writeFile(join(dir, 'other.csv'), 'file,label\nx.wav,a\n');
 *   await assert.rejects(openInputs(join(dir, 'other.csv')), (e: unknown) => e instanceof BirdcallError && e.code === 'INPUT_LAYOUT');
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function openInputs(input: string): Promise<InputSource> {
  const abs = resolve(input);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new BirdcallError('INPUT_NOT_FOUND', 'no such file or folder', input);
  }
  if (info.isDirectory()) {
    return {
      layout: 'folder',
      root: abs,
      input,
      rows: () => walkFolder(abs),
      count: async () => {
        let n = 0;
        for await (const _row of walkFolder(abs)) n++;
        return n;
      },
    };
  }
  if (!abs.toLowerCase().endsWith('.csv')) {
    throw new BirdcallError('INPUT_LAYOUT', 'INPUT must be a folder of WAV files or a manifest .csv', input);
  }
  const header = await readHeader(abs, input);
  const layout = detectCsvLayout(header, input);
  const root = layout === 'birdclef' ? await birdclefAudioRoot(abs, input) : dirname(abs);
  return {
    layout,
    root,
    input,
    rows: (options) => readCsvRows(abs, input, layout, options),
    count: async () => {
      let n = 0;
      for await (const _record of csvRecords(abs, input)) n++;
      return n;
    },
  };
}

/**
 * Streams the rows of INPUT (folder or CSV), whatever its layout (see openInputs): a folder's audio files
 * in sorted order, labelled by the folder holding them; a CSV's rows with their labels and every other
 * column as metadata. No audio is read.
 *
 * @param input - a folder, a BirdCLEF `train_metadata.csv` or a birdcalls manifest CSV.
 * @param options - `onInvalidRow(error, rawPath)`: called for a row whose path is absolute, climbs out of
 *   the root or is empty, which is then skipped; without it such a row throws (`PATH_ESCAPE`, `PATH_EMPTY`).
 * @returns the rows: `path` relative to the input's root, `primaryLabel`, `secondaryLabels`, `metadata`.
 * @throws BirdcallError as openInputs, while iterating.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { readInputs } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'inputs-'));
 * try {
 *   const csv = join(dir, 'manifest.csv');
 *   await writeFile(csv, 'path,primary_label,secondary_labels,site\naudio/1.wav,amerob,blujay norcar,A\n../../etc/passwd,x,,B\n');
 *   const skipped: string[] = [];
 *   const rows = [];
 *   for await (const row of readInputs(csv, { onInvalidRow: (e, rawPath) => skipped.push(`${e.code} ${rawPath}`) })) rows.push(row);
 *   assert.deepEqual(rows.map((r) => [r.path, r.primaryLabel, r.secondaryLabels, r.metadata]), [['audio/1.wav', 'amerob', ['blujay', 'norcar'], { site: 'A' }]]);
 *   assert.deepEqual(skipped, ['PATH_ESCAPE ../../etc/passwd']);
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function* readInputs(input: string, options?: ReadInputsOptions): AsyncIterable<InputRow> {
  const source = await openInputs(input);
  yield* source.rows(options);
}

/**
 * Parses a label list in any spelling a manifest uses: a Python list (`"['amecro', 'amerob']"`, `[]`), or
 * labels separated by spaces, commas or semicolons. Order kept, duplicates and empties dropped.
 */
export function parseLabelList(text: string | undefined): string[] {
  const trimmed = (text ?? '').trim();
  let labels: string[];
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1);
    const quoted = [...inner.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) =>
      (m[1] ?? m[2]).replace(/\\(.)/g, '$1'),
    );
    labels = quoted.length > 0 ? quoted : inner.split(',');
  } else {
    labels = trimmed.split(/[\s,;]+/);
  }
  return [...new Set(labels.map((l) => l.trim()).filter((l) => l !== ''))];
}

/** Layout from the CSV header: `filename` + `primary_label` is BirdCLEF, `path` is the birdcalls manifest. */
export function detectCsvLayout(columns: string[], input: string): 'birdclef' | 'birdcalls' {
  const has = new Set(columns);
  if (has.has('path')) return 'birdcalls';
  if (has.has('filename') && has.has('primary_label')) return 'birdclef';
  throw new BirdcallError(
    'INPUT_LAYOUT',
    `unrecognised CSV columns (${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', …' : ''}); expected ` +
      '`path` (birdcalls manifest) or `filename` and `primary_label` (BirdCLEF train_metadata.csv)',
    input,
  );
}

async function birdclefAudioRoot(csvPath: string, input: string): Promise<string> {
  // Older competitions (2021) named the folder train_short_audio; same layout otherwise.
  for (const name of ['train_audio', 'train_short_audio']) {
    const candidate = join(dirname(csvPath), name);
    try {
      if ((await stat(candidate)).isDirectory()) return candidate;
    } catch {
      // try the next name
    }
  }
  throw new BirdcallError(
    'INPUT_NOT_FOUND',
    'BirdCLEF layout: no train_audio/ folder beside the CSV (its `filename` column is relative to it)',
    input,
  );
}

function csvRecords(path: string, input: string): AsyncIterable<Record<string, string>> {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  // pipe() does not forward the file's errors (ENOENT, EACCES): without this the parser would wait forever.
  const file = createReadStream(path).on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  return (async function* () {
    try {
      for await (const record of parser) yield record as Record<string, string>;
    } catch (err) {
      if (err instanceof BirdcallError) throw err;
      throw new BirdcallError('INPUT_CSV', `cannot parse CSV: ${(err as Error).message}`, input);
    } finally {
      // A consumer that stops early (an error, a break) must not leave the file open.
      file.destroy();
    }
  })();
}

async function readHeader(path: string, input: string): Promise<string[]> {
  const parser = parse({ bom: true, to_line: 1 });
  const file = createReadStream(path).on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  try {
    for await (const record of parser) return record as string[];
  } catch (err) {
    throw new BirdcallError('INPUT_CSV', `cannot parse CSV header: ${(err as Error).message}`, input);
  } finally {
    // Only the first line was wanted: close the file now rather than when it is garbage-collected.
    file.destroy();
  }
  throw new BirdcallError('INPUT_CSV', 'the CSV is empty (no header row)', input);
}

const BIRDCLEF_OWN = new Set(['filename', 'primary_label', 'secondary_labels']);
const BIRDCALLS_OWN = new Set(['path', 'primary_label', 'secondary_labels']);

async function* readCsvRows(
  path: string,
  input: string,
  layout: 'birdclef' | 'birdcalls',
  options: ReadInputsOptions = {},
): AsyncIterable<InputRow> {
  const own = layout === 'birdclef' ? BIRDCLEF_OWN : BIRDCALLS_OWN;
  const csvName = basename(path);
  let rowNumber = 0;
  for await (const record of csvRecords(path, input)) {
    rowNumber++;
    const primaryLabel = (record.primary_label ?? '').trim();
    let rawPath = layout === 'birdclef' ? (record.filename ?? '') : (record.path ?? '');
    // BirdCLEF 2021 gave bare file names; the file sits in the folder named after its primary label.
    if (layout === 'birdclef' && !/[\\/]/.test(rawPath) && rawPath !== '' && primaryLabel !== '') {
      rawPath = `${primaryLabel}/${rawPath}`;
    }
    let clean: string;
    try {
      clean = checkRelativePath(rawPath, `${csvName} row ${rowNumber}`);
    } catch (err) {
      if (options.onInvalidRow && err instanceof BirdcallError) {
        options.onInvalidRow(err, rawPath);
        continue;
      }
      throw err;
    }
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) if (!own.has(key)) metadata[key] = value ?? '';
    yield {
      path: clean,
      primaryLabel,
      secondaryLabels: parseLabelList(record.secondary_labels),
      metadata,
      origin: `${csvName} row ${rowNumber}`,
    };
  }
}

/**
 * Every audio file (see AUDIO_EXTENSIONS) below `root`, depth first in sorted order (the same order on every run and platform).
 * Hidden entries are skipped (macOS `._x.wav` resource forks are not audio); symlinked folders are not
 * entered (no cycles), symlinked files are listed and checked against the root when they are read.
 */
async function* walkFolder(root: string, dir: string = root): AsyncIterable<InputRow> {
  const entries: { name: string; isDir: boolean; isFile: boolean }[] = [];
  for await (const entry of await opendir(dir)) {
    if (entry.name.startsWith('.')) continue;
    entries.push({ name: entry.name, isDir: entry.isDirectory(), isFile: entry.isFile() || entry.isSymbolicLink() });
  }
  // Code-unit order, not localeCompare: identical on every machine whatever its locale.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    if (entry.isDir) yield* walkFolder(root, abs);
    else if (entry.isFile && isAudioPath(entry.name)) yield folderRow(root, abs);
  }
}

function folderRow(root: string, abs: string): InputRow {
  const rel = relative(root, abs).split(sep).join(posix.sep);
  return { path: rel, primaryLabel: basename(dirname(abs)), secondaryLabels: [], metadata: {} };
}
