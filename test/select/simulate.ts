import { mulberry32 } from '../../src/select/bootstrap.ts';
import type { Candidate, EvalSet } from '../../src/select/types.ts';

/** Deterministic simulated evaluation sets and candidate models whose right answer is known by construction. */

export function gaussian(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface SimRecording {
  id: string;
  primary: number;
  secondary: number[];
  chunks: number;
  metadata: Record<string, string>;
}

export interface Sim {
  evalSet: EvalSet;
  recordings: SimRecording[];
  /** Recording index of each row. */
  rowRecording: number[];
}

const RECORDISTS = ['Ana', 'Ben', 'Chen', 'Dara', 'Eli', 'Fay'];

/** ~60 recordings x 2-3 chunks with type / rating / latitude / longitude / recordist metadata and background species. */
export function simulateEvalSet(seed: number, recordings = 60, classes = 8, withSecondary = true): Sim {
  const rand = mulberry32(seed);
  const names = Array.from({ length: classes }, (_, c) => `sp${c}`);
  const recs: SimRecording[] = [];
  for (let r = 0; r < recordings; r++) {
    const primary = r % classes; // balanced, so every class has positives
    const secondary: number[] = [];
    if (withSecondary) {
      const k = rand() < 0.5 ? 1 : rand() < 0.4 ? 2 : 0;
      while (secondary.length < k) {
        const s = Math.floor(rand() * classes);
        if (s !== primary && !secondary.includes(s)) secondary.push(s);
      }
    }
    const west = rand() < 0.5;
    recs.push({
      id: `XC${1000 + r}`,
      primary,
      secondary,
      chunks: rand() < 0.5 ? 2 : 3,
      metadata: {
        type: ((u) => (u < 0.2 ? 'flight call' : u < 0.5 ? 'call' : 'song'))(rand()),
        rating: String(1 + Math.floor(rand() * 5)),
        latitude: (west ? 37 + rand() * 2 : 51 + rand() * 2).toFixed(3),
        longitude: (west ? -122 + rand() * 2 : 4 + rand() * 2).toFixed(3),
        recordist: RECORDISTS[Math.floor(rand() * RECORDISTS.length)],
      },
    });
  }
  const rows: EvalSet['rows'] = [];
  const rowRecording: number[] = [];
  recs.forEach((rec, r) => {
    for (let k = 0; k < rec.chunks; k++) {
      rows.push({
        recording: rec.id,
        primary: names[rec.primary],
        secondary: rec.secondary.map((s) => names[s]),
        metadata: rec.metadata,
      });
      rowRecording.push(r);
    }
  });
  return { evalSet: { classes: names, rows }, recordings: recs, rowRecording };
}

export interface ModelSpec {
  /** Mean logit of the primary species. */
  primary: number;
  /** Mean logit of listed background species. */
  secondary: number;
  /** Mean logit of absent species. */
  absent: number;
  /** Per-chunk noise (logit sd). */
  noise: number;
  /** Per-recording shift shared by the recording's chunks (logit sd): what makes chunks correlated. */
  recordingNoise: number;
  /** Divides logits before the sigmoid: > 1 squashes probabilities towards 0.5 (same ranking, worse calibration). */
  temperature: number;
  /** Recordings (by predicate) on which the model misses the primary species... */
  collapseOn?: (rec: SimRecording) => boolean;
  /** ...scoring it at this mean logit instead (default: like an absent species). */
  collapsedPrimary?: number;
}

export const BASE: ModelSpec = { primary: 2.5, secondary: 0, absent: -2.5, noise: 1, recordingNoise: 0.5, temperature: 1 };

/**
 * Logits drawn from a stream shared by every model built with the same `noiseSeed`: two specs that differ
 * only in one respect then differ only there (like two trainings of one architecture on one split).
 */
export function simulateModel(sim: Sim, name: string, spec: ModelSpec, noiseSeed: number): Candidate {
  const normal = gaussian(mulberry32(noiseSeed));
  const classes = sim.evalSet.classes.length;
  const recShift = sim.recordings.map(() => Array.from({ length: classes }, () => normal()));
  const scores = sim.rowRecording.map((r) => {
    const rec = sim.recordings[r];
    const row = new Float32Array(classes);
    for (let c = 0; c < classes; c++) {
      const e = normal();
      const collapsed = spec.collapseOn?.(rec) ?? false;
      const primary = collapsed ? (spec.collapsedPrimary ?? spec.absent) : spec.primary;
      const mean = c === rec.primary ? primary : rec.secondary.includes(c) ? spec.secondary : spec.absent;
      const logit = mean + spec.noise * e + spec.recordingNoise * recShift[r][c];
      row[c] = 1 / (1 + Math.exp(-logit / spec.temperature));
    }
    return row;
  });
  return { name, scores, info: { spec: { ...spec, collapseOn: spec.collapseOn ? 'yes' : 'no' } } };
}
