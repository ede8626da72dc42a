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

/** Every detection of one recording's spans at once. */
export function detect(spans: readonly ScoredSpan[], classes: readonly string[], options: DetectOptions = {}): Detection[] {
  const collector = new DetectionCollector(classes, options);
  for (const span of spans) collector.push(span);
  return collector.finish();
}
