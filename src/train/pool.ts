import { recordingStem } from '../detect/tables.ts';

/**
 * Recording-level scores from chunk scores. Users score recordings, not chunks: a recording's probability for
 * a class is the mean (or the max) of its chunks'. `mean` lets several confident chunks outvote a wrong one;
 * `max` says "the bird is somewhere in the recording", which suits long recordings where it calls once.
 */
export const POOL_METHODS = ['mean', 'max'] as const;
export type PoolMethod = (typeof POOL_METHODS)[number];

/**
 * One recording's class scores from its chunks' (all the same length).
 *
 * @param chunks - each chunk's class scores.
 * @param method - 'mean' or 'max' per class.
 * @returns one score per class.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { poolScores } from 'birdcall/train';
 *
 * const chunks = [[0.25, 0.75], [0.5, 0.5]];
 * assert.deepEqual(Array.from(poolScores(chunks, 'mean')), [0.375, 0.625]);
 * assert.deepEqual(Array.from(poolScores(chunks, 'max')), [0.5, 0.75]);
 * ```
 */
export function poolScores(chunks: readonly ArrayLike<number>[], method: PoolMethod): Float32Array {
  if (chunks.length === 0) throw new Error('poolScores: a recording without chunks has no scores');
  const out = Float32Array.from(chunks[0]);
  for (let c = 1; c < chunks.length; c++) {
    const row = chunks[c];
    if (row.length !== out.length) throw new Error(`poolScores: chunk ${c} has ${row.length} scores, chunk 0 has ${out.length}`);
    for (let k = 0; k < out.length; k++) out[k] = method === 'max' ? Math.max(out[k], row[k]) : out[k] + row[k];
  }
  if (method === 'mean') for (let k = 0; k < out.length; k++) out[k] /= chunks.length;
  return out;
}

/**
 * Items grouped by `source` and pooled: one item per source (its first, which carries the recording's labels)
 * in order of first appearance, with the pooled scores.
 *
 * @param items - one per chunk, each with its recording's `source` (e.g. manifest rows).
 * @param scores - each chunk's class scores, in the same order.
 * @param method - 'mean' (default) or 'max'.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { poolBySource } from 'birdcall/train';
 *
 * const chunks = [{ source: 'a.wav' }, { source: 'b.wav' }, { source: 'a.wav' }];
 * const pooled = poolBySource(chunks, [[0.25, 0.75], [1, 0], [0.5, 0.5]]);
 * assert.deepEqual(pooled.items.map((i) => i.source), ['a.wav', 'b.wav']);
 * assert.deepEqual(Array.from(pooled.scores[0]), [0.375, 0.625]);
 * ```
 */
export function poolBySource<T extends { source: string }>(
  items: readonly T[],
  scores: readonly ArrayLike<number>[],
  method: PoolMethod = 'mean',
): { items: T[]; scores: Float32Array[] } {
  if (items.length !== scores.length) throw new Error(`poolBySource: ${items.length} items but ${scores.length} score rows`);
  const groups = new Map<string, { item: T; rows: ArrayLike<number>[] }>();
  items.forEach((item, i) => {
    const group = groups.get(item.source);
    if (group === undefined) groups.set(item.source, { item, rows: [scores[i]] });
    else group.rows.push(scores[i]);
  });
  const entries = [...groups.values()];
  return { items: entries.map((e) => e.item), scores: entries.map((e) => poolScores(e.rows, method)) };
}

/** A recording's row_id in a predictions CSV: the file stem (chunk rows are `<stem>_<end second>`). */
export { recordingStem as recordingRowId };

/**
 * One recording's rows in a predictions CSV: its chunk rows (row_id, then a probability per class), then,
 * with `pool`, its pooled row under the file stem. `predict --pool` and the cross-validation's oof.csv both
 * write this layout.
 */
export function predictionRecords(
  chunks: readonly { rowId: string; source: string; scores: ArrayLike<number> }[],
  pool: PoolMethod | undefined,
  format: (p: number) => string,
): string[][] {
  const records = chunks.map((c) => [c.rowId, ...Array.from(c.scores, format)]);
  if (pool !== undefined && chunks.length > 0) {
    records.push([recordingStem(chunks[0].source), ...Array.from(poolScores(chunks.map((c) => c.scores), pool), format)]);
  }
  return records;
}
