import { BirdcallError } from '../errors.ts';
import type { ScoredSpan } from './grid.ts';

/**
 * From scores to detections: a class is detected in a span when its score reaches the class's threshold,
 * at most `topK` classes per span (highest first). With `merge`, consecutive spans that detect the same
 * class (touching or overlapping) become one detection spanning them all, scored by the highest of them.
 */

export interface Detection {
  startSeconds: number;
  endSeconds: number;
  /** The class name, as the model's classes.json has it. */
  label: string;
  score: number;
}

/** A threshold for every class, with exceptions by name. */
export interface Thresholds {
  default: number;
  perClass: ReadonlyMap<string, number>;
}

export const DEFAULT_THRESHOLD = 0.5;

export interface DetectOptions {
  thresholds?: Thresholds;
  /** At most this many classes per span (highest scores first). Default: no limit. */
  topK?: number;
  /** Join consecutive spans of the same class. Default false. */
  merge?: boolean;
}

function probability(text: string, what: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new BirdcallError('USAGE', `${what}: "${text}" is not a probability between 0 and 1`);
  }
  return value;
}

/**
 * `--threshold` text: one number for every class (`0.5`), or a comma list of `Class=value` with at most one
 * bare number for the other classes (`Turdus_merula=0.6,0.5`). A class name must be one of `classes`.
 *
 * @param text - the flag's value; every number a probability in [0, 1].
 * @param classes - the model's class names.
 * @returns the thresholds: `default` (the bare number, else DEFAULT_THRESHOLD, 0.5) and `perClass`.
 * @throws BirdcallError `USAGE` for a value that is not a probability, an unknown class, or two bare numbers.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, parseThresholds } from 'birdcall';
 *
 * const t = parseThresholds('Turdus_merula=0.6, 0.3', ['Turdus_merula', 'Erithacus_rubecula']);
 * assert.equal(t.default, 0.3);
 * assert.deepEqual([...t.perClass], [['Turdus_merula', 0.6]]);
 * assert.equal(parseThresholds('Turdus_merula=0.6', ['Turdus_merula']).default, 0.5);
 * assert.throws(() => parseThresholds('Pica_pica=0.6', ['Turdus_merula']), (e: unknown) => e instanceof BirdcallError && e.code === 'USAGE');
 * assert.throws(() => parseThresholds('1.5', []), /not a probability between 0 and 1/);
 * ```
 */
export function parseThresholds(text: string, classes: readonly string[]): Thresholds {
  const perClass = new Map<string, number>();
  let fallback: number | undefined;
  for (const part of text.split(',').map((p) => p.trim())) {
    const eq = part.lastIndexOf('=');
    if (eq < 0) {
      if (fallback !== undefined) throw new BirdcallError('USAGE', `--threshold "${text}": more than one value for all classes`);
      fallback = probability(part, '--threshold');
      continue;
    }
    const name = part.slice(0, eq).trim();
    if (!classes.includes(name)) {
      throw new BirdcallError('USAGE', `--threshold: "${name}" is not a class of the model (${classes.slice(0, 5).join(', ')}${classes.length > 5 ? ', …' : ''})`);
    }
    perClass.set(name, probability(part.slice(eq + 1), `--threshold ${name}`));
  }
  return { default: fallback ?? DEFAULT_THRESHOLD, perClass };
}

/** The detections of one span, highest score first. */
export function spanDetections(span: ScoredSpan, classes: readonly string[], options: DetectOptions = {}): Detection[] {
  const thresholds = options.thresholds ?? { default: DEFAULT_THRESHOLD, perClass: new Map() };
  const found: Detection[] = [];
  classes.forEach((label, c) => {
    const score = span.scores[c];
    if (score >= (thresholds.perClass.get(label) ?? thresholds.default)) {
      found.push({ startSeconds: span.startSeconds, endSeconds: span.endSeconds, label, score });
    }
  });
  found.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  return options.topK === undefined ? found : found.slice(0, options.topK);
}

/** Tolerance for "touching": chunk ends are computed from sample counts and may miss by float noise. */
const TOUCH = 1e-6;

/**
 * Collects the detections of one recording's spans, given in order of start time. Without merge every
 * detection is kept as is; with merge a class's open detection grows while the very next span detects the
 * class too and starts before (or where) the detection ends: a span without it, or a gap, closes it.
 * `finish` returns them sorted by start time, then label.
 *
 * `new DetectionCollector(classes, options)`: `classes` names the scores of each span, in order; `options`
 * as for `detect` (thresholds, default 0.5 for every class; `topK`, default no limit; `merge`, default false).
 * `push(span)` adds one span; `finish()` returns the detections and forgets the open ones. Never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { DetectionCollector } from 'birdcall';
 *
 * const collector = new DetectionCollector(['Turdus_merula'], { merge: true });
 * collector.push({ startSeconds: 0, endSeconds: 5, scores: Float32Array.of(0.75) });
 * collector.push({ startSeconds: 5, endSeconds: 10, scores: Float32Array.of(0.875) });
 * collector.push({ startSeconds: 10, endSeconds: 15, scores: Float32Array.of(0.25) }); // below 0.5: closes it
 * collector.push({ startSeconds: 15, endSeconds: 20, scores: Float32Array.of(0.5) });
 * assert.deepEqual(collector.finish(), [
 *   { startSeconds: 0, endSeconds: 10, label: 'Turdus_merula', score: 0.875 },
 *   { startSeconds: 15, endSeconds: 20, label: 'Turdus_merula', score: 0.5 },
 * ]);
 * ```
 */
export class DetectionCollector {
  private readonly done: Detection[] = [];
  /** Open detections by class, with the index of the last span that extended them. */
  private readonly open = new Map<string, { detection: Detection; span: number }>();
  private spans = 0;

  constructor(
    private readonly classes: readonly string[],
    private readonly options: DetectOptions = {},
  ) {}

  push(span: ScoredSpan): void {
    const index = this.spans++;
    for (const d of spanDetections(span, this.classes, this.options)) {
      if (!this.options.merge) {
        this.done.push(d);
        continue;
      }
      const current = this.open.get(d.label);
      if (current !== undefined && current.span === index - 1 && d.startSeconds <= current.detection.endSeconds + TOUCH) {
        current.detection.endSeconds = Math.max(current.detection.endSeconds, d.endSeconds);
        current.detection.score = Math.max(current.detection.score, d.score);
        current.span = index;
      } else {
        if (current !== undefined) this.done.push(current.detection);
        this.open.set(d.label, { detection: { ...d }, span: index });
      }
    }
  }

  finish(): Detection[] {
    const all = [...this.done, ...[...this.open.values()].map((o) => o.detection)];
    this.open.clear();
    return all.sort((a, b) => a.startSeconds - b.startSeconds || a.endSeconds - b.endSeconds || a.label.localeCompare(b.label));
  }
}

/**
 * Every detection of one recording's spans at once (DetectionCollector streams): a class is detected in a
 * span when its score reaches its threshold.
 *
 * @param spans - scored spans in order of start time (chunks or grid windows): seconds, one score per class.
 * @param classes - the class names, in the order of the scores.
 * @param options - `thresholds` (default 0.5 for every class; see parseThresholds), `topK` (at most this
 *   many classes per span, highest first; default no limit), `merge` (join consecutive spans of a class into
 *   one detection scored by their highest; default false).
 * @returns the detections sorted by start time, end time, then label; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { detect, parseThresholds } from 'birdcall';
 *
 * const classes = ['Erithacus_rubecula', 'Turdus_merula'];
 * const spans = [
 *   { startSeconds: 0, endSeconds: 5, scores: Float32Array.of(0.5, 0.75) },
 *   { startSeconds: 5, endSeconds: 10, scores: Float32Array.of(0.25, 0.625) },
 * ];
 * assert.deepEqual(detect(spans, classes).map((d) => [d.startSeconds, d.label, d.score]), [
 *   [0, 'Erithacus_rubecula', 0.5],
 *   [0, 'Turdus_merula', 0.75],
 *   [5, 'Turdus_merula', 0.625],
 * ]);
 * // One class per span, a stricter threshold for the robin, consecutive spans merged.
 * const merged = detect(spans, classes, { topK: 1, merge: true, thresholds: parseThresholds('Erithacus_rubecula=0.9,0.5', classes) });
 * assert.deepEqual(merged, [{ startSeconds: 0, endSeconds: 10, label: 'Turdus_merula', score: 0.75 }]);
 * ```
 */
export function detect(spans: readonly ScoredSpan[], classes: readonly string[], options: DetectOptions = {}): Detection[] {
  const collector = new DetectionCollector(classes, options);
  for (const span of spans) collector.push(span);
  return collector.finish();
}
