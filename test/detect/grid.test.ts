import { describe, expect, it } from 'vitest';
import { GridAggregator, gridWindows, type ScoredSpan } from '../../src/detect/grid.ts';

/** The recipe's chunking: 3 s chunks every 1 s, one class whose score is the chunk's start second. */
function recipeChunks(seconds: number): ScoredSpan[] {
  const out: ScoredSpan[] = [];
  for (let s = 0; s + 3 <= seconds; s++) out.push({ startSeconds: s, endSeconds: s + 3, scores: Float32Array.of(s, 1 - s / 100) });
  return out;
}

describe('BirdCLEF grid windows', () => {
  it('puts 3 s / 1 s chunks on the 5 s grid, a window taking every chunk that overlaps it (max)', () => {
    const windows = gridWindows(recipeChunks(20), 2, 20);
    expect(windows.map((w) => [w.startSeconds, w.endSeconds])).toEqual([[0, 5], [5, 10], [10, 15], [15, 20]]);
    // Window [5, 10) overlaps chunks starting at 3..9 (chunk [2, 5) only touches it): max start 9.
    expect(windows.map((w) => w.scores[0])).toEqual([4, 9, 14, 17]);
    // Class 2 falls with the start: its max is the earliest overlapping chunk, 3 for window [5, 10).
    expect(Array.from(windows, (w) => Number(w.scores[1].toFixed(4)))).toEqual([1, 0.97, 0.92, 0.87]);
  });

  it('averages the overlapping chunks with mean', () => {
    const windows = gridWindows(recipeChunks(20), 2, 20, { aggregate: 'mean' });
    // [0,5): chunks 0..4 -> mean 2; [5,10): 3..9 -> 6; [15,20): 13..17 -> 15.
    expect(windows.map((w) => w.scores[0])).toEqual([2, 6, 11, 15]);
  });

  it('ends at the recording: a partial last window is kept, a window no chunk reached scores 0', () => {
    // 12.5 s of audio, chunks with last: drop end at 12: windows end 5, 10, 15.
    const windows = gridWindows(recipeChunks(12.5), 2, 12.5);
    expect(windows.map((w) => w.endSeconds)).toEqual([5, 10, 15]);
    expect(windows[2].scores[0]).toBe(9);
    const empty = gridWindows([{ startSeconds: 0, endSeconds: 5, scores: Float32Array.of(0.7) }], 1, 14);
    expect(Array.from(empty, (w) => w.scores[0])).toEqual([Float32Array.of(0.7)[0], 0, 0]);
  });

  it('emits windows while chunks stream, holding only the open ones', () => {
    const grid = new GridAggregator(2);
    const emitted: number[] = [];
    for (const chunk of recipeChunks(30)) {
      for (const w of grid.push(chunk)) emitted.push(w.endSeconds);
      // A window is out once a chunk starts at or after its end.
      expect(emitted.at(-1) ?? 0).toBe(Math.floor(chunk.startSeconds / 5) * 5);
    }
    emitted.push(...grid.finish(30).map((w) => w.endSeconds));
    expect(emitted).toEqual([5, 10, 15, 20, 25, 30]);
    expect(() => grid.push({ startSeconds: 1, endSeconds: 4, scores: new Float32Array(2) })).toThrow(/order/);
  });

  it('takes any model chunking: 5 s chunks on the grid are the windows themselves', () => {
    const chunks = [0, 5, 10].map((s) => ({ startSeconds: s, endSeconds: s + 5, scores: Float32Array.of(s / 10) }));
    expect(gridWindows(chunks, 1, 15).map((w) => w.scores[0])).toEqual(chunks.map((c) => c.scores[0]));
  });
});
