import { BirdcallError } from '../errors.ts';

/**
 * Model outputs over time, and BirdCLEF's fixed grid. A model scores chunks of its own length and hop (the
 * recipe: 3 s every 1 s); BirdCLEF scores a soundscape in 5 s windows [0, 5), [5, 10), … named
 * `<stem>_<end second>`. A window's scores aggregate the chunks that overlap it by a positive length, so
 * the grid is the same whatever chunking the model was trained with.
 */

/** Class scores for a stretch of a recording (a model chunk, a grid window). */
export interface ScoredSpan {
  startSeconds: number;
  endSeconds: number;
  scores: Float32Array;
}

export type Aggregate = 'max' | 'mean';

export const AGGREGATES: readonly Aggregate[] = ['max', 'mean'];

export interface GridOptions {
  /** Window length in seconds: BirdCLEF's 5 by default. */
  windowSeconds?: number;
  aggregate?: Aggregate;
}

/** Overlaps shorter than this (float noise at a shared boundary) do not count. */
const EPS = 1e-9;

/**
 * Folds chunks, given in order of start time, into grid windows. A window is complete once a chunk starting
 * at or after its end arrives (later chunks start later still), so windows come out while the audio streams
 * and only the windows still open are held.
 *
 * `new GridAggregator(classes, options)`: `classes` is the number of scores per chunk; `options.windowSeconds`
 * the window length in seconds (default 5, BirdCLEF's), `options.aggregate` how a window combines the
 * chunks overlapping it: `'max'` (default) or `'mean'`. `push(chunk)` returns the windows that chunk
 * completed; `finish(durationSeconds)` the rest, up to the recording's end.
 *
 * @throws BirdcallError `USAGE` from the constructor for a window length that is not positive; an Error from
 *   `push` for a chunk that starts before the previous one.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { GridAggregator } from 'birdcall';
 *
 * const grid = new GridAggregator(1); // one class, 5 s windows, max
 * // 3 s chunks every 2 s, as they stream in.
 * assert.deepEqual(grid.push({ startSeconds: 0, endSeconds: 3, scores: Float32Array.of(0.25) }), []);
 * assert.deepEqual(grid.push({ startSeconds: 2, endSeconds: 5, scores: Float32Array.of(0.75) }), []);
 * assert.deepEqual(grid.push({ startSeconds: 4, endSeconds: 7, scores: Float32Array.of(0.5) }), []);
 * // A chunk starting at 6 s completes window [0, 5): the max of the three chunks overlapping it.
 * const [first] = grid.push({ startSeconds: 6, endSeconds: 9, scores: Float32Array.of(0) });
 * assert.deepEqual([first.startSeconds, first.endSeconds, first.scores[0]], [0, 5, 0.75]);
 * // An 8 s recording has two windows; the last one, [5, 10), is partial.
 * const rest = grid.finish(8);
 * assert.deepEqual(rest.map((w) => [w.startSeconds, w.endSeconds, w.scores[0]]), [[5, 10, 0.5]]);
 * ```
 */
export class GridAggregator {
  private readonly window: number;
  private readonly aggregate: Aggregate;
  /** Open windows by index: running max or sum, and how many chunks went in. */
  private readonly open = new Map<number, { scores: Float32Array; count: number }>();
  /** The first window not emitted yet. */
  private next = 0;
  private lastStart = -Infinity;

  constructor(
    private readonly classes: number,
    options: GridOptions = {},
  ) {
    this.window = options.windowSeconds ?? 5;
    this.aggregate = options.aggregate ?? 'max';
    if (!(this.window > 0)) throw new BirdcallError('USAGE', `the window length must be positive, got ${this.window}`);
  }

  /** Adds one chunk; returns the windows it completed, in order. */
  push(chunk: ScoredSpan): ScoredSpan[] {
    if (chunk.startSeconds < this.lastStart) throw new Error('GridAggregator: chunks must come in order of start time');
    this.lastStart = chunk.startSeconds;
    const first = Math.max(this.next, Math.floor((chunk.startSeconds + EPS) / this.window));
    for (let k = first; k * this.window < chunk.endSeconds - EPS; k++) this.add(k, chunk.scores);
    return this.emitBefore(Math.floor((chunk.startSeconds + EPS) / this.window));
  }

  /**
   * The remaining windows up to the recording's end: ceil(duration / window) windows in all, the last one
   * possibly partial. A window no chunk reached (audio a `last: drop` chunk block left out) scores 0.
   */
  finish(durationSeconds: number): ScoredSpan[] {
    const count = Math.max(1, Math.ceil(durationSeconds / this.window - 1e-6));
    return this.emitBefore(count);
  }

  private add(k: number, scores: Float32Array): void {
    let w = this.open.get(k);
    if (w === undefined) {
      w = { scores: new Float32Array(this.classes).fill(this.aggregate === 'max' ? -Infinity : 0), count: 0 };
      this.open.set(k, w);
    }
    w.count++;
    for (let c = 0; c < this.classes; c++) {
      w.scores[c] = this.aggregate === 'max' ? Math.max(w.scores[c], scores[c]) : w.scores[c] + scores[c];
    }
  }

  /** Emits windows next..end-1 (those still open, and empty ones as zeros). */
  private emitBefore(end: number): ScoredSpan[] {
    const out: ScoredSpan[] = [];
    for (; this.next < end; this.next++) {
      const w = this.open.get(this.next);
      this.open.delete(this.next);
      let scores: Float32Array = new Float32Array(this.classes);
      if (w !== undefined) {
        scores = w.scores;
        if (this.aggregate === 'mean') for (let c = 0; c < this.classes; c++) scores[c] /= w.count;
      }
      out.push({ startSeconds: this.next * this.window, endSeconds: (this.next + 1) * this.window, scores });
    }
    return out;
  }
}

/**
 * The whole grid of one recording at once (for tests and small inputs; GridAggregator streams).
 *
 * @param chunks - the model's chunks in order of start time: start and end in seconds, one score per class.
 * @param classes - the number of scores per chunk.
 * @param durationSeconds - the recording's length in seconds: the grid has ceil(duration / window) windows
 *   (at least one); a window no chunk overlaps scores 0.
 * @param options - `windowSeconds` (default 5) and `aggregate`, `'max'` (default) or `'mean'`.
 * @returns the windows in order, each with its start, end and aggregated scores.
 * @throws BirdcallError `USAGE` for a window length that is not positive; an Error for chunks out of order.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { gridWindows } from 'birdcall';
 *
 * const chunks = [
 *   { startSeconds: 0, endSeconds: 3, scores: Float32Array.of(0.2, 0.9) },
 *   { startSeconds: 3, endSeconds: 6, scores: Float32Array.of(0.6, 0.1) },
 * ];
 * // The second chunk overlaps both windows; the third window (10 to 12 s) has no chunk.
 * const windows = gridWindows(chunks, 2, 12, { aggregate: 'mean' });
 * assert.deepEqual(windows.map((w) => [w.startSeconds, w.endSeconds, ...w.scores]), [
 *   [0, 5, 0.4000000059604645, 0.5],
 *   [5, 10, 0.6000000238418579, 0.10000000149011612],
 *   [10, 15, 0, 0],
 * ]);
 * ```
 */
export function gridWindows(chunks: readonly ScoredSpan[], classes: number, durationSeconds: number, options: GridOptions = {}): ScoredSpan[] {
  const grid = new GridAggregator(classes, options);
  return [...chunks.flatMap((c) => grid.push(c)), ...grid.finish(durationSeconds)];
}
