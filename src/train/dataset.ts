import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { BirdcallError } from '../errors.ts';
import { resolveInside } from '../store/paths.ts';
import type { OutputRow } from '../store/manifest-types.ts';
import { decodeNpy } from '../image/npy.ts';
import { TrainRng } from './random.ts';

/** Input tensor shape of one example: [height (frequency bins), width (frames), channels]. */
export type InputShape = [number, number, number];

/**
 * Every label in the rows (primary and secondary), sorted, so a class list is stable across runs.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import type { OutputRow } from 'birdcall';
 * import { classList } from 'birdcall/train';
 *
 * const row = (source: string, primaryLabel: string, secondaryLabels: string[] = []): OutputRow => ({
 *   source, chunkIndex: 0, startSeconds: 0, endSeconds: 5, primaryLabel, secondaryLabels,
 *   outputs: {}, outputHashes: {}, outputMeta: {}, sourceSha256: '', pipelineHash: '', birdcallVersion: '', metadata: {},
 * });
 * assert.deepEqual(classList([row('a.wav', 'wren', ['robin']), row('b.wav', 'amecro')]), ['amecro', 'robin', 'wren']);
 * ```
 */
export function classList(rows: readonly OutputRow[]): string[] {
  const set = new Set<string>();
  for (const row of rows) {
    if (row.primaryLabel !== '') set.add(row.primaryLabel);
    for (const s of row.secondaryLabels) if (s !== '') set.add(s);
  }
  return [...set].sort();
}

/**
 * Multi-hot target over `classes`: the primary label 1, each secondary label `secondaryWeight` (a soft target:
 * background species are often faint or absent from a given chunk). Labels not in `classes` are ignored.
 *
 * @param row - a manifest row (its primary and secondary labels are read).
 * @param classes - the class list (column order).
 * @param secondaryWeight - target for secondary labels, 0 to 1 (default 1).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import type { OutputRow } from 'birdcall';
 * import { multiHot } from 'birdcall/train';
 *
 * const row = (source: string, primaryLabel: string, secondaryLabels: string[] = []): OutputRow => ({
 *   source, chunkIndex: 0, startSeconds: 0, endSeconds: 5, primaryLabel, secondaryLabels,
 *   outputs: {}, outputHashes: {}, outputMeta: {}, sourceSha256: '', pipelineHash: '', birdcallVersion: '', metadata: {},
 * });
 * assert.deepEqual(Array.from(multiHot(row('a.wav', 'wren', ['robin']), ['amecro', 'robin', 'wren'], 0.5)), [0, 0.5, 1]);
 * ```
 */
export function multiHot(row: OutputRow, classes: readonly string[], secondaryWeight = 1): Float32Array {
  const target = new Float32Array(classes.length);
  for (const s of row.secondaryLabels) {
    const i = classes.indexOf(s);
    if (i >= 0) target[i] = Math.max(target[i], secondaryWeight);
  }
  const p = classes.indexOf(row.primaryLabel);
  if (p >= 0) target[p] = 1;
  return target;
}

/** Row indices on each side of a split. */
export interface Split {
  train: number[];
  validation: number[];
}

export interface SplitOptions {
  /** Metadata column whose value keeps rows together (e.g. 'recordist', 'site'); rows are always kept together by source. */
  groupBy?: string;
  seed?: number;
}

/**
 * The unit that never straddles a split: the recording, or a metadata value (recordist, site) when `groupBy`
 * is given (an empty value falls back to the recording). Each group is stratified by its most common primary label.
 */
function groupsOf(rows: readonly OutputRow[], groupBy: string | undefined): { rows: number[]; label: string }[] {
  const byKey = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const meta = groupBy === undefined ? '' : (row.metadata[groupBy] ?? '');
    const key = meta !== '' ? `meta:${meta}` : `source:${row.source}`;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const keys = [...byKey.keys()].sort();
  return keys.map((key) => {
    const members = byKey.get(key) ?? [];
    const counts = new Map<string, number>();
    for (const i of members) counts.set(rows[i].primaryLabel, (counts.get(rows[i].primaryLabel) ?? 0) + 1);
    const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    return { rows: members, label };
  });
}

/** Groups bucketed by label, each bucket shuffled with the seed; labels in sorted order for repeatability. */
function stratifiedGroups(rows: readonly OutputRow[], options: SplitOptions): number[][][] {
  const rng = new TrainRng(options.seed ?? 0);
  const byLabel = new Map<string, number[][]>();
  for (const g of groupsOf(rows, options.groupBy)) {
    const list = byLabel.get(g.label);
    if (list) list.push(g.rows);
    else byLabel.set(g.label, [g.rows]);
  }
  return [...byLabel.keys()].sort().map((label) => rng.shuffle(byLabel.get(label) ?? []));
}

/**
 * Train/validation split by recording (or by `groupBy`), stratified by primary label: about
 * `validationFraction` of each label's groups go to validation, at least one when the label has two or more
 * groups, never all of them. A label with a single group stays in training. A fraction of 0 trains on every row.
 *
 * @param rows - the manifest rows (chunks).
 * @param options - `validationFraction` (0 to < 1, default 0.2), `groupBy` (metadata column), `seed` (default 0).
 * @returns row indices of each side, ascending.
 * @throws BirdcallError PARAM_INVALID for a fraction outside [0, 1).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import type { OutputRow } from 'birdcall';
 * import { splitByRecording } from 'birdcall/train';
 *
 * const row = (source: string, primaryLabel: string, secondaryLabels: string[] = []): OutputRow => ({
 *   source, chunkIndex: 0, startSeconds: 0, endSeconds: 5, primaryLabel, secondaryLabels,
 *   outputs: {}, outputHashes: {}, outputMeta: {}, sourceSha256: '', pipelineHash: '', birdcallVersion: '', metadata: {},
 * });
 * // Two chunks of each of four recordings (two per species).
 * const rows = ['w1', 'w1', 'w2', 'w2', 'r1', 'r1', 'r2', 'r2'].map((s) => row(`${s}.wav`, s.startsWith('w') ? 'wren' : 'robin'));
 * const split = splitByRecording(rows, { validationFraction: 0.5 });
 * assert.equal(split.validation.length, 4); // one recording of each species, both its chunks
 * assert.ok(split.validation.every((i) => !split.train.some((j) => rows[j].source === rows[i].source)));
 * ```
 */
export function splitByRecording(rows: readonly OutputRow[], options: SplitOptions & { validationFraction?: number } = {}): Split {
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction >= 0 && fraction < 1)) throw new BirdcallError('PARAM_INVALID', `validationFraction must be in [0, 1), got ${fraction}`);
  const split: Split = { train: [], validation: [] };
  if (fraction === 0) return { train: rows.map((_, i) => i), validation: [] };
  for (const groups of stratifiedGroups(rows, options)) {
    const nVal = groups.length < 2 ? 0 : Math.min(groups.length - 1, Math.max(1, Math.round(fraction * groups.length)));
    groups.forEach((g, i) => (i < nVal ? split.validation : split.train).push(...g));
  }
  split.train.sort((a, b) => a - b);
  split.validation.sort((a, b) => a - b);
  return split;
}

/** Each label's shuffled recordings dealt round-robin, continuing where the previous label stopped. */
function dealRecordings(rows: readonly OutputRow[], k: number, options: SplitOptions): Int32Array {
  const foldOf = new Int32Array(rows.length);
  let next = 0;
  for (const groups of stratifiedGroups(rows, options)) {
    for (const g of groups) {
      for (const i of g) foldOf[i] = next;
      next = (next + 1) % k;
    }
  }
  return foldOf;
}

/**
 * Metadata groups (a recordist's recordings, often of several species, some groups far larger than others)
 * packed greedily, largest first: each goes to the fold where its labels are rarest so far, then the
 * smallest fold, so every fold keeps a mix of labels and sizes stay as even as the groups allow.
 */
function packGroups(rows: readonly OutputRow[], k: number, options: SplitOptions): Int32Array {
  const rng = new TrainRng(options.seed ?? 0);
  const groups = rng.shuffle(groupsOf(rows, options.groupBy)).sort((a, b) => b.rows.length - a.rows.length);
  const labelCount = Array.from({ length: k }, () => new Map<string, number>());
  const size = new Array<number>(k).fill(0);
  const foldOf = new Int32Array(rows.length);
  for (const g of groups) {
    const mine = new Map<string, number>();
    for (const i of g.rows) mine.set(rows[i].primaryLabel, (mine.get(rows[i].primaryLabel) ?? 0) + 1);
    const clash = (f: number): number => [...mine].reduce((sum, [label, n]) => sum + n * (labelCount[f].get(label) ?? 0), 0);
    let best = 0;
    for (let f = 1; f < k; f++) if (clash(f) < clash(best) || (clash(f) === clash(best) && size[f] < size[best])) best = f;
    for (const i of g.rows) foldOf[i] = best;
    for (const [label, n] of mine) labelCount[best].set(label, (labelCount[best].get(label) ?? 0) + n);
    size[best] += g.rows.length;
  }
  return foldOf;
}

/**
 * K folds by recording (or `groupBy`), stratified by primary label: by recording, each label's shuffled
 * recordings are dealt round-robin so fold sizes stay even; by a metadata group, groups are packed so each
 * fold keeps a mix of labels. Fold i validates on its groups and trains on the rest; every group is
 * validated exactly once.
 *
 * @param rows - the manifest rows (chunks).
 * @param options - `folds` (>= 2, default 5), `groupBy` (metadata column), `seed` (default 0).
 * @returns one split per fold.
 * @throws BirdcallError PARAM_INVALID for fewer than 2 folds.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import type { OutputRow } from 'birdcall';
 * import { kFoldByRecording } from 'birdcall/train';
 *
 * const row = (source: string, primaryLabel: string, secondaryLabels: string[] = []): OutputRow => ({
 *   source, chunkIndex: 0, startSeconds: 0, endSeconds: 5, primaryLabel, secondaryLabels,
 *   outputs: {}, outputHashes: {}, outputMeta: {}, sourceSha256: '', pipelineHash: '', birdcallVersion: '', metadata: {},
 * });
 * const rows = ['w1', 'w2', 'w3', 'r1', 'r2', 'r3'].map((s) => row(`${s}.wav`, s.startsWith('w') ? 'wren' : 'robin'));
 * const folds = kFoldByRecording(rows, { folds: 3 });
 * assert.deepEqual(folds.map((f) => f.validation.length), [2, 2, 2]); // a wren and a robin in each
 * assert.deepEqual(folds.flatMap((f) => f.validation).sort(), [0, 1, 2, 3, 4, 5]); // each row validated once
 * ```
 */
export function kFoldByRecording(rows: readonly OutputRow[], options: SplitOptions & { folds?: number } = {}): Split[] {
  const k = options.folds ?? 5;
  if (!Number.isInteger(k) || k < 2) throw new BirdcallError('PARAM_INVALID', `folds must be an integer >= 2, got ${k}`);
  const foldOf = options.groupBy === undefined ? dealRecordings(rows, k, options) : packGroups(rows, k, options);
  return Array.from({ length: k }, (_, f) => {
    const split: Split = { train: [], validation: [] };
    foldOf.forEach((fold, i) => (fold === f ? split.validation : split.train).push(i));
    return split;
  });
}

/** One decoded input, channels last, values in [0, 1]. */
export interface LoadedInput {
  data: Float32Array;
  shape: InputShape;
}

/**
 * Read a training input. PNG: converted to greyscale, 8 or 16 bit, scaled to [0, 1] by the bit depth
 * (the image writer already mapped its dB range onto the pixel range). .npy: a [bins, frames] array of any
 * scale, min-max scaled per example to [0, 1] so augmentation parameters mean the same for both kinds.
 *
 * @param path - a .png or .npy file.
 * @returns the values (channels last, in [0, 1]) and the [height, width, channels] shape.
 * @throws BirdcallError INPUT_UNREADABLE or INPUT_INVALID naming the file.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { encodeNpy } from 'birdcall';
 * import { loadInput } from 'birdcall/train';
 *
 * const path = join(await mkdtemp(join(tmpdir(), 'birdcall-')), 'x.npy');
 * await writeFile(path, encodeNpy(Float32Array.of(-80, -40, -20, 0), [2, 2])); // dB, 2 bins x 2 frames
 * const input = await loadInput(path);
 * assert.deepEqual(input.shape, [2, 2, 1]);
 * assert.deepEqual(Array.from(input.data), [0, 0.5, 0.75, 1]); // min-max scaled
 * ```
 */
export async function loadInput(path: string): Promise<LoadedInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new BirdcallError('INPUT_UNREADABLE', `cannot read training input (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  return decodeInput(bytes, path);
}

/**
 * Decode an artifact's bytes into a model input; `name` (a path, or e.g. 'x.png') says which kind by its
 * extension and names the input in errors. Training (loadInput) and predict (on freshly made artifacts) both
 * come through here, so a model sees the same numbers either way: images to greyscale scaled by bit depth to
 * [0, 1]; .npy min-max scaled per example to [0, 1].
 *
 * @param bytes - the file's bytes.
 * @param name - a path or name whose extension (.npy, else an image) says how to decode.
 * @throws BirdcallError INPUT_INVALID naming the input.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { encodeNpy } from 'birdcall';
 * import { decodeInput } from 'birdcall/train';
 *
 * const input = await decodeInput(encodeNpy(Float32Array.of(1, 3, 5), [1, 3]), 'chunk.npy');
 * assert.deepEqual(Array.from(input.data), [0, 0.5, 1]);
 * await assert.rejects(decodeInput(Uint8Array.of(1, 2, 3), 'chunk.png'), /not a readable image/);
 * ```
 */
export async function decodeInput(bytes: Uint8Array, name: string): Promise<LoadedInput> {
  if (name.toLowerCase().endsWith('.npy')) return npyInput(bytes, name);
  try {
    const image = sharp(bytes);
    const meta = await image.metadata();
    const wide = meta.depth === 'ushort';
    const { data, info } = await image
      .toColourspace(wide ? 'grey16' : 'b-w')
      .raw({ depth: wide ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const n = info.width * info.height;
    const out = new Float32Array(n);
    const pixels = wide ? new Uint16Array(data.buffer, data.byteOffset, n) : data;
    const scale = 1 / (wide ? 65535 : 255);
    for (let i = 0; i < n; i++) out[i] = pixels[i] * scale;
    return { data: out, shape: [info.height, info.width, 1] };
  } catch (error) {
    throw new BirdcallError('INPUT_INVALID', `not a readable image: ${(error as Error).message}`, name);
  }
}

function npyInput(bytes: Uint8Array, name: string): LoadedInput {
  const { data, shape } = decodeNpy(bytes, name);
  if (shape.length !== 2 && !(shape.length === 3 && shape[2] === 1)) {
    throw new BirdcallError('INPUT_INVALID', `expected a [bins, frames] array, got shape [${shape.join(', ')}]`, name);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 1 / (hi - lo) : 0;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - lo) * scale;
  return { data: out, shape: [shape[0], shape[1], 1] };
}

export interface DatasetOptions {
  /** Folder the manifest's artifact paths are relative to (the convert output folder). */
  root: string;
  classes: readonly string[];
  /** Which artifact column to read ('png', 'npy', …); default: 'png' if every row has it, else 'npy'. */
  input?: string;
  /** Target weight of secondary labels. */
  secondaryWeight?: number;
  /** Decoded inputs kept in memory, in bytes; small sets are read from disk once. */
  cacheBytes?: number;
}

/** A batch ready for tf.tensor: x is [n, h, w, c] and y is [n, classes], row-major. */
export interface Batch {
  x: Float32Array;
  y: Float32Array;
  size: number;
}

/** Pick the artifact column every row has, preferring PNG. */
export function chooseInputColumn(rows: readonly OutputRow[], preferred?: string): string {
  const candidates = preferred !== undefined ? [preferred] : ['png', 'npy', ...new Set(rows.flatMap((r) => Object.keys(r.outputs)))];
  for (const name of candidates) {
    if (rows.length > 0 && rows.every((r) => (r.outputs[name] ?? '') !== '')) return name;
  }
  throw new BirdcallError(
    'MANIFEST_NO_INPUTS',
    preferred !== undefined ? `not every row has a "${preferred}" output` : 'no artifact column (png or npy) is present in every row',
  );
}

/**
 * Examples streamed from disk batch by batch: only the requested batch is assembled in memory, plus a
 * bounded LRU cache of decoded inputs (so a small set is decoded once and epochs after the first are fast).
 * Constructor options: `root` (the folder artifact paths are relative to), `classes`, `input` (artifact
 * column; default png if every row has one, else npy), `secondaryWeight` (target of secondary labels,
 * default 1), `cacheBytes` (decoded inputs kept, default 512 MiB).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 * import { readOutputManifest } from 'birdcall';
 * import { SpectrogramDataset, classList } from 'birdcall/train';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true }); // the folder names the label
 *   for (let k = 0; k < 4; k++) {
 *     const tone = Float32Array.from({ length: 11025 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * (1 + k / 10) * i) / 22050));
 *     await writeFile(join(dir, 'in', label, `${label}${k}.wav`), encodeWav(tone, 22050));
 *   }
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * const rows = await readOutputManifest(join(dir, 'out', 'manifest.csv'));
 * const dataset = new SpectrogramDataset(rows, { root: join(dir, 'out'), classes: classList(rows) });
 * assert.equal(dataset.column, 'npy');
 * assert.deepEqual(await dataset.inputShape(), [32, 22, 1]);
 * const batch = await dataset.batch([0, 1, 2]);
 * assert.equal(batch.x.length, 3 * 32 * 22); // [n, h, w, c], row-major
 * assert.equal(batch.y.length, 3 * 2); // [n, classes]
 * ```
 */
export class SpectrogramDataset {
  readonly rows: readonly OutputRow[];
  readonly classes: readonly string[];
  readonly column: string;
  readonly targets: Float32Array[];
  private readonly root: string;
  private readonly cacheLimit: number;
  private readonly cache = new Map<number, LoadedInput>();
  private cacheSize = 0;
  private shape: InputShape | undefined;

  constructor(rows: readonly OutputRow[], options: DatasetOptions) {
    this.rows = rows;
    this.root = options.root;
    this.classes = options.classes;
    this.column = chooseInputColumn(rows, options.input);
    this.cacheLimit = options.cacheBytes ?? 512 * 1024 * 1024;
    const weight = options.secondaryWeight ?? 1;
    this.targets = rows.map((row) => multiHot(row, this.classes, weight));
  }

  /** Index of each row's primary label in the class list (-1 when absent, e.g. an unlabelled soundscape). */
  primaryIndex(): Int32Array {
    return Int32Array.from(this.rows, (r) => this.classes.indexOf(r.primaryLabel));
  }

  /** Absolute path of a row's input; a manifest cannot point outside its root (`../`, absolute, symlinks). */
  pathOf(index: number): Promise<string> {
    return resolveInside(this.root, this.rows[index].outputs[this.column], `manifest row ${index + 1} (${this.rows[index].source})`);
  }

  async get(index: number): Promise<LoadedInput> {
    const hit = this.cache.get(index);
    if (hit) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.cache.delete(index);
      this.cache.set(index, hit);
      return hit;
    }
    const path = await this.pathOf(index);
    const loaded = await loadInput(path);
    if (this.shape === undefined) this.shape = loaded.shape;
    else if (loaded.shape.some((d, i) => d !== this.shape?.[i])) {
      throw new BirdcallError(
        'INPUT_SHAPE_MISMATCH',
        `shape [${loaded.shape.join(', ')}] differs from the first input's [${this.shape.join(', ')}]; every input must have the same size`,
        path,
      );
    }
    const bytes = loaded.data.byteLength;
    if (bytes <= this.cacheLimit) {
      this.cache.set(index, loaded);
      this.cacheSize += bytes;
      for (const [key, value] of this.cache) {
        if (this.cacheSize <= this.cacheLimit) break;
        this.cache.delete(key);
        this.cacheSize -= value.data.byteLength;
      }
    }
    return loaded;
  }

  /** Shape of one example, read from the first row. */
  async inputShape(): Promise<InputShape> {
    if (this.shape === undefined) {
      if (this.rows.length === 0) throw new BirdcallError('MANIFEST_EMPTY', 'the manifest has no rows to train on');
      await this.get(0);
    }
    return this.shape as InputShape;
  }

  /** Assemble the rows `indices` into one batch (inputs decoded concurrently; sharp runs off the main thread). */
  async batch(indices: readonly number[]): Promise<Batch> {
    const inputs = await Promise.all(indices.map((i) => this.get(i)));
    const [h, w, c] = await this.inputShape();
    const size = h * w * c;
    const x = new Float32Array(indices.length * size);
    const y = new Float32Array(indices.length * this.classes.length);
    inputs.forEach((input, b) => {
      x.set(input.data, b * size);
      y.set(this.targets[indices[b]], b * this.classes.length);
    });
    return { x, y, size: indices.length };
  }
}
