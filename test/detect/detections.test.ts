import { describe, expect, it } from 'vitest';
import { detect, parseThresholds, spanDetections } from '../../src/detect/detections.ts';
import type { ScoredSpan } from '../../src/detect/grid.ts';

const CLASSES = ['Turdus_merula', 'Parus_major', 'Erithacus_rubecula'];

function span(start: number, end: number, ...scores: number[]): ScoredSpan {
  return { startSeconds: start, endSeconds: end, scores: Float32Array.from(scores) };
}

describe('thresholds', () => {
  it('reads one value for all classes, or per-class values with a default', () => {
    expect(parseThresholds('0.3', CLASSES)).toEqual({ default: 0.3, perClass: new Map() });
    const t = parseThresholds('Turdus_merula=0.6, 0.4,Parus_major=0.9', CLASSES);
    expect(t.default).toBe(0.4);
    expect([...t.perClass]).toEqual([['Turdus_merula', 0.6], ['Parus_major', 0.9]]);
    expect(parseThresholds('Parus_major=0.2', CLASSES).default).toBe(0.5);
  });

  it('refuses unknown classes, values outside [0, 1] and two defaults', () => {
    expect(() => parseThresholds('Pica_pica=0.5', CLASSES)).toThrow(/"Pica_pica" is not a class/);
    expect(() => parseThresholds('1.5', CLASSES)).toThrow(/between 0 and 1/);
    expect(() => parseThresholds('0.2,0.3', CLASSES)).toThrow(/more than one/);
    expect(() => parseThresholds('Parus_major=', CLASSES)).toThrow(/probability/);
  });
});

describe('detections', () => {
  it('keeps the classes at or over their threshold, highest first, at most top-k', () => {
    const s = span(0, 3, 0.55, 0.9, 0.5);
    expect(spanDetections(s, CLASSES).map((d) => d.label)).toEqual(['Parus_major', 'Turdus_merula', 'Erithacus_rubecula']);
    expect(spanDetections(s, CLASSES, { topK: 1 }).map((d) => d.label)).toEqual(['Parus_major']);
    const thresholds = parseThresholds('Turdus_merula=0.6,0.5', CLASSES);
    expect(spanDetections(s, CLASSES, { thresholds }).map((d) => d.label)).toEqual(['Parus_major', 'Erithacus_rubecula']);
  });

  it('merges consecutive spans of one class, touching or overlapping, scored by their max', () => {
    const spans = [span(0, 5, 0.8, 0.1, 0), span(5, 10, 0.6, 0.7, 0), span(10, 15, 0.1, 0.9, 0), span(15, 20, 0.9, 0.1, 0)];
    const merged = detect(spans, CLASSES, { merge: true });
    expect(merged.map((d) => [d.label, d.startSeconds, d.endSeconds, Number(d.score.toFixed(2))])).toEqual([
      ['Turdus_merula', 0, 10, 0.8],
      ['Parus_major', 5, 15, 0.9],
      ['Turdus_merula', 15, 20, 0.9],
    ]);
    expect(detect(spans, CLASSES)).toHaveLength(5);
    // Overlapping chunks (3 s every 1 s): a chunk without the class in between splits the detection.
    const overlapping = [span(0, 3, 0.9), span(1, 4, 0.9), span(2, 5, 0.1), span(3, 6, 0.9)];
    expect(detect(overlapping, ['a'], { merge: true }).map((d) => [d.startSeconds, d.endSeconds])).toEqual([[0, 4], [3, 6]]);
  });

  it('does not merge across a gap between spans', () => {
    const spans = [span(0, 5, 0.9), span(6, 11, 0.9)];
    expect(detect(spans, ['a'], { merge: true })).toHaveLength(2);
  });
});
