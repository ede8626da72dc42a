import { apFromRanking, argmax, aucFromRanking, binOf, rankScores, rowF1, type RankedScores } from '../metrics/index.ts';
import type { Candidate, EvalSet, MainMetric } from './types.ts';

/**
 * The evaluation set as index arrays, built once. Labels are per class columns of positive/negative mass,
 * the layout the ranking kernels take.
 */
export interface PreparedData {
  rows: number;
  classes: number;
  primaryIndex: Int32Array;
  rowRecording: Int32Array;
  recordings: string[];
  /**
   * The main metric's truth: positive where the class is the row's primary label, negative where the
   * species is absent. A listed background species is neither: it is in the recording, so calling it a
   * false positive would reward models that ignore background birds (the secondary criterion scores those).
   */
  primaryPos: Float64Array[];
  primaryNeg: Float64Array[];
  /** Classes that are some row's primary label (the others are skipped by macro AUC on every resample). */
  primaryClasses: number[];
  /** Secondary species: positive where listed as secondary, negative where absent, neither where primary. */
  secondaryPos: Float64Array[];
  secondaryNeg: Float64Array[];
  secondaryClasses: number[];
  /** (row, species) secondary pairs in the set. */
  secondaryPairs: number;
  /** Primary and secondary labels (what the trainer trains on): the calibration truth. */
  multiHot: Float64Array[];
  /** Secondary labels that are not in the class list (reported, not scored). */
  unknownSecondary: string[];
}

export function prepareData(evalSet: EvalSet): PreparedData {
  const classIndex = new Map(evalSet.classes.map((c, k) => [c, k]));
  const n = evalSet.rows.length;
  const classes = evalSet.classes.length;
  const recordingIndex = new Map<string, number>();
  const rowRecording = new Int32Array(n);
  const primaryIndex = new Int32Array(n);
  const col = (): Float64Array[] => Array.from({ length: classes }, () => new Float64Array(n));
  const primaryPos = col();
  const primaryNeg = col();
  const secondaryPos = col();
  const secondaryNeg = col();
  const multiHot = col();
  const unknownSecondary = new Set<string>();
  let secondaryPairs = 0;
  evalSet.rows.forEach((row, i) => {
    if (!recordingIndex.has(row.recording)) recordingIndex.set(row.recording, recordingIndex.size);
    rowRecording[i] = recordingIndex.get(row.recording)!;
    const p = classIndex.get(row.primary)!;
    primaryIndex[i] = p;
    const secondary = new Set<number>();
    for (const s of row.secondary) {
      const k = classIndex.get(s);
      if (k === undefined) unknownSecondary.add(s);
      else if (k !== p) secondary.add(k);
    }
    secondaryPairs += secondary.size;
    for (let c = 0; c < classes; c++) {
      const isPrimary = c === p;
      const isSecondary = secondary.has(c);
      primaryPos[c][i] = isPrimary ? 1 : 0;
      primaryNeg[c][i] = isPrimary || isSecondary ? 0 : 1;
      secondaryPos[c][i] = isSecondary ? 1 : 0;
      secondaryNeg[c][i] = isPrimary || isSecondary ? 0 : 1;
      multiHot[c][i] = isPrimary || isSecondary ? 1 : 0;
    }
  });
  const withPositives = (pos: Float64Array[]): number[] =>
    pos.flatMap((p, c) => (p.some((x) => x > 0) ? [c] : []));
  return {
    rows: n,
    classes,
    primaryIndex,
    rowRecording,
    recordings: [...recordingIndex.keys()],
    primaryPos,
    primaryNeg,
    primaryClasses: withPositives(primaryPos),
    secondaryPos,
    secondaryNeg,
    secondaryClasses: withPositives(secondaryPos),
    secondaryPairs,
    multiHot,
    unknownSecondary: [...unknownSecondary].sort(),
  };
}

/**
 * One candidate's metrics as functions of per-row weights (bootstrap multiplicities, times a slice mask),
 * so that 1000 resamples re-weight precomputed rankings instead of copying and re-sorting rows. A weight
 * of null means every row once (the full-sample value).
 */
export class CandidateEvaluator {
  private readonly columns: Float64Array[];
  private readonly ranked: RankedScores[];
  private readonly rowF1: Float64Array;
  private readonly bins: Uint16Array[];
  private readonly gap: Float64Array;
  readonly topByRecording: Int32Array;

  constructor(
    private readonly data: PreparedData,
    candidate: Candidate,
    private readonly mainMetric: MainMetric,
    private readonly settings: { threshold: number; padding: number; calibrationBins: number },
  ) {
    const { classes } = data;
    this.columns = Array.from({ length: classes }, (_, c) => Float64Array.from(candidate.scores, (r) => r[c]));
    this.ranked = this.columns.map((s) => rankScores(s));
    // Per-row F1 on the primary label, background species left out of both sets (see primaryNeg).
    this.rowF1 = Float64Array.from(candidate.scores, (scoreRow, i) => {
      const truth: number[] = [];
      const kept: number[] = [];
      for (let c = 0; c < classes; c++) {
        if (data.primaryPos[c][i] + data.primaryNeg[c][i] === 0) continue;
        truth.push(data.primaryPos[c][i]);
        kept.push(scoreRow[c]);
      }
      return rowF1(truth, kept, settings.threshold);
    });
    this.bins = this.columns.map((s) => Uint16Array.from(s, (x) => binOf(x, settings.calibrationBins)));
    this.gap = new Float64Array(settings.calibrationBins);
    this.topByRecording = topLabels(data, candidate);
  }

  /** The main metric on primary labels; NaN when undefined for these weights (e.g. a single class). */
  main(w: Float64Array | null): number {
    const d = this.data;
    if (this.mainMetric === 'rowwiseMicroF1') {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < d.rows; i++) {
        const wi = w === null ? 1 : w[i];
        sum += wi * this.rowF1[i];
        total += wi;
      }
      return total > 0 ? sum / total : Number.NaN;
    }
    if (this.mainMetric === 'paddedCmap') {
      let sum = 0;
      for (let c = 0; c < d.classes; c++) {
        sum += apFromRanking(this.ranked[c], this.columns[c], d.primaryPos[c], d.primaryNeg[c], w, this.settings.padding);
      }
      return sum / d.classes;
    }
    return this.macroAuc(d.primaryClasses, d.primaryPos, d.primaryNeg, w);
  }

  /**
   * The main metric on every slice of one column at once (`rowSlice[i]` is row i's slice), written to
   * `out` (NaN where undefined). Equal to calling `main` with each slice's masked weights, but one pass over
   * each ranking instead of one per slice: slices are the bulk of the bootstrap's work.
   * Hot loop: per-slice accumulators are reused scratch arrays.
   */
  mainBySlice(w: Float64Array | null, rowSlice: Int32Array, out: Float64Array): void {
    if (this.mainMetric === 'rowwiseMicroF1') {
      this.rowF1BySlice(w, rowSlice, out);
      return;
    }
    const d = this.data;
    const S = out.length;
    const [sum, count, a, b, c, aGroup, bGroup, posTotal] = this.scratch(S);
    sum.fill(0);
    count.fill(0);
    const padded = this.mainMetric === 'paddedCmap';
    const classList = padded ? Array.from({ length: d.classes }, (_, k) => k) : d.primaryClasses;
    for (const cls of classList) {
      const { order, groupStarts } = this.ranked[cls];
      const pos = d.primaryPos[cls];
      const neg = d.primaryNeg[cls];
      const scores = this.columns[cls];
      // AUC: a = positive mass above, b = negative mass, c = wins. AP: a = tp, b = fp, c = AP so far.
      a.fill(0);
      b.fill(0);
      c.fill(0);
      aGroup.fill(0);
      bGroup.fill(0);
      let g = 0;
      if (padded) {
        posTotal.fill(this.settings.padding);
        for (let i = 0; i < d.rows; i++) posTotal[rowSlice[i]] += (w === null ? 1 : w[i]) * pos[i];
        const pad = this.settings.padding;
        if (pad > 0) {
          a.fill(pad);
          // Rows scoring >= 1 tie with the padding rows: one threshold together.
          for (; g + 1 < groupStarts.length && scores[order[groupStarts[g]]] >= 1; g++) {
            for (let k = groupStarts[g]; k < groupStarts[g + 1]; k++) {
              const i = order[k];
              const wi = w === null ? 1 : w[i];
              a[rowSlice[i]] += wi * pos[i];
              b[rowSlice[i]] += wi * neg[i];
            }
          }
          for (let s = 0; s < S; s++) c[s] = (a[s] / posTotal[s]) * (a[s] / (a[s] + b[s]));
        }
      }
      for (; g + 1 < groupStarts.length; g++) {
        const start = groupStarts[g];
        const end = groupStarts[g + 1];
        for (let k = start; k < end; k++) {
          const i = order[k];
          const wi = w === null ? 1 : w[i];
          aGroup[rowSlice[i]] += wi * pos[i];
          bGroup[rowSlice[i]] += wi * neg[i];
        }
        // Flush each slice touched by this group once (the first row of that slice clears its group sums).
        for (let k = start; k < end; k++) {
          const s = rowSlice[order[k]];
          const pg = aGroup[s];
          const ng = bGroup[s];
          if (pg === 0 && ng === 0) continue;
          if (padded) {
            a[s] += pg;
            b[s] += ng;
            if (pg > 0) c[s] += (pg / posTotal[s]) * (a[s] / (a[s] + b[s]));
          } else {
            c[s] += ng * (a[s] + 0.5 * pg);
            a[s] += pg;
            b[s] += ng;
          }
          aGroup[s] = 0;
          bGroup[s] = 0;
        }
      }
      for (let s = 0; s < S; s++) {
        if (padded) {
          sum[s] += posTotal[s] > 0 ? c[s] : 0;
          count[s] += 1;
        } else if (a[s] > 0 && b[s] > 0) {
          sum[s] += c[s] / (a[s] * b[s]);
          count[s] += 1;
        }
      }
    }
    for (let s = 0; s < S; s++) out[s] = count[s] > 0 ? sum[s] / count[s] : Number.NaN;
  }

  /** mainBySlice for row-wise F1: the weighted mean of each slice's rows' F1. */
  private rowF1BySlice(w: Float64Array | null, rowSlice: Int32Array, out: Float64Array): void {
    const [sum, count] = this.scratch(out.length);
    sum.fill(0);
    count.fill(0);
    for (let i = 0; i < this.data.rows; i++) {
      const wi = w === null ? 1 : w[i];
      sum[rowSlice[i]] += wi * this.rowF1[i];
      count[rowSlice[i]] += wi;
    }
    for (let s = 0; s < out.length; s++) out[s] = count[s] > 0 ? sum[s] / count[s] : Number.NaN;
  }

  private readonly scratchBySize = new Map<number, Float64Array[]>();
  /** Eight reusable accumulators of length n, made once per slice count. */
  private scratch(n: number): Float64Array[] {
    let arrays = this.scratchBySize.get(n);
    if (arrays === undefined) {
      arrays = Array.from({ length: 8 }, () => new Float64Array(n));
      this.scratchBySize.set(n, arrays);
    }
    return arrays;
  }

  /** Macro AUC over secondary species (rows listing them against rows where they are absent). */
  secondary(w: Float64Array | null): number {
    return this.macroAuc(this.data.secondaryClasses, this.data.secondaryPos, this.data.secondaryNeg, w);
  }

  /** ECE per class on primary + secondary labels, averaged. Hot loop: rows x classes per resample. */
  calibration(w: Float64Array | null): number {
    const d = this.data;
    let total = 0;
    for (let i = 0; i < d.rows; i++) total += w === null ? 1 : w[i];
    if (total <= 0) return Number.NaN;
    let sum = 0;
    for (let c = 0; c < d.classes; c++) {
      this.gap.fill(0);
      const s = this.columns[c];
      const t = d.multiHot[c];
      const bin = this.bins[c];
      for (let i = 0; i < d.rows; i++) this.gap[bin[i]] += (w === null ? 1 : w[i]) * (s[i] - t[i]);
      let ece = 0;
      for (let b = 0; b < this.gap.length; b++) ece += Math.abs(this.gap[b]);
      sum += ece / total;
    }
    return sum / d.classes;
  }

  private macroAuc(classList: number[], pos: Float64Array[], neg: Float64Array[], w: Float64Array | null): number {
    let sum = 0;
    let scored = 0;
    for (const c of classList) {
      const auc = aucFromRanking(this.ranked[c], pos[c], neg[c], w);
      if (!Number.isNaN(auc)) {
        sum += auc;
        scored++;
      }
    }
    return scored > 0 ? sum / scored : Number.NaN;
  }
}

/** Each recording's top label: argmax of its chunks' mean scores (the recording-level call). */
function topLabels(data: PreparedData, candidate: Candidate): Int32Array {
  const sums = Array.from({ length: data.recordings.length }, () => new Float64Array(data.classes));
  candidate.scores.forEach((row, i) => {
    const acc = sums[data.rowRecording[i]];
    for (let c = 0; c < data.classes; c++) acc[c] += row[c];
  });
  return Int32Array.from(sums, (s) => argmax(s));
}

/**
 * Per recording, the fraction of the other tie-set members whose top label differs from this candidate's.
 * Averaged over recordings this is the candidate's disagreement with the tie set: a model that alone
 * changes its mind where the others agree scores high; with two members both get the same value.
 */
export function disagreement(tops: Int32Array[], k: number): Float64Array {
  const others = tops.length - 1;
  return Float64Array.from(tops[k], (label, r) => {
    let differ = 0;
    for (let j = 0; j < tops.length; j++) if (j !== k && tops[j][r] !== label) differ++;
    return others > 0 ? differ / others : 0;
  });
}

/** Weighted mean of per-recording values with recording multiplicities (null = each once). */
export function recordingMean(values: Float64Array, counts: Float64Array | null): number {
  let sum = 0;
  let total = 0;
  for (let r = 0; r < values.length; r++) {
    const m = counts === null ? 1 : counts[r];
    sum += m * values[r];
    total += m;
  }
  return total > 0 ? sum / total : Number.NaN;
}
