import { describe, it, expect } from 'vitest';
import { selectModels, selectUnderRules } from '../../src/select/index.ts';
import { CandidateEvaluator, prepareData } from '../../src/select/criteria.ts';
import { resolveSliceColumns, sliceColumn } from '../../src/select/slices.ts';
import type { EvalSet } from '../../src/select/types.ts';
import { macroRocAuc, paddedCmap, rowwiseMicroF1 } from '../../src/metrics/index.ts';
import { BirdcallError, UsageError } from '../../src/errors.ts';
import { simulateEvalSet, simulateModel, BASE, type Sim } from './simulate.ts';

const sim = simulateEvalSet(1);

describe('selectModels on candidates whose right answer is known', () => {
  it('picks the model that scores background species when both tie on primary labels', () => {
    const hears = simulateModel(sim, 'hears-background', BASE, 7);
    const ignores = simulateModel(sim, 'ignores-background', { ...BASE, secondary: BASE.absent }, 7);
    const sel = selectModels(sim.evalSet, [ignores, hears]);
    expect(sel.tieSet).toEqual(expect.arrayContaining(['hears-background', 'ignores-background']));
    expect(sel.chosen).toBe('hears-background');
    expect(sel.runnerUp).toBe('ignores-background');
    const by = Object.fromEntries(sel.candidates.map((c) => [c.name, c]));
    // ignoring background species puts them among absent ones: secondary AUC near chance
    expect(by['ignores-background'].secondary!.lo!).toBeLessThan(0.6);
    expect(by['hears-background'].secondary!.lo!).toBeGreaterThan(0.85);
    expect(sel.explanation.join(' ')).toMatch(/Runner-up: ignores-background, which lacked secondary-label AUC/);
  });

  it('picks the steady model over one that is best overall but collapses on one call type', () => {
    const base = { ...BASE, primary: 1, absent: -1 };
    const steady = simulateModel(sim, 'steady', base, 7);
    const collapses = simulateModel(
      sim,
      'collapses',
      { ...base, primary: 2.1, collapseOn: (r) => r.metadata.type === 'flight call' },
      7,
    );
    const rule = { kind: 'lexicographic' as const, order: ['worstSlice' as const, 'secondary' as const] };
    const sel = selectModels(sim.evalSet, [collapses, steady], { sliceColumns: ['type', 'rating'], rule });
    expect(sel.tieSet).toHaveLength(2);
    expect(sel.chosen).toBe('steady');
    const c = sel.candidates.find((x) => x.name === 'collapses')!;
    expect(c.worstSlice).toMatchObject({ column: 'type', slice: 'flight call' });
    expect(c.slices.type['flight call'].value!).toBeLessThan(c.slices.type.song.value! - 0.2);
    expect(sel.steps[0]).toMatchObject({ criterion: 'worstSlice', leader: 'steady' });
    expect(sel.steps[0].eliminated.map((e) => e.name)).toEqual(['collapses']);
  });

  it('reports the worst slice with that slice’s own interval, which holds its estimate', () => {
    // Similar slices: the minimum over them, taken per resample, also picks whichever slice the noise pushed
    // lowest, so its interval sat below the estimate. The report names one slice: its interval is that slice's.
    const model = simulateModel(sim, 'm', BASE, 7);
    const sel = selectModels(sim.evalSet, [model, simulateModel(sim, 'n', BASE, 8)], { sliceColumns: ['type', 'rating'] });
    for (const c of sel.candidates) {
      const w = c.worstSlice!;
      expect(w).toEqual({ ...c.slices[w.column][w.slice], column: w.column, slice: w.slice });
      expect(w.lo!).toBeLessThanOrEqual(w.value!);
      expect(w.hi!).toBeGreaterThanOrEqual(w.value!);
      for (const [column, byColumn] of Object.entries(c.worstSliceByColumn)) {
        expect(byColumn).toEqual({ ...c.slices[column][byColumn.slice], slice: byColumn.slice });
      }
    }
  });

  it('picks the calibrated model when two rank every example identically', () => {
    const calibrated = simulateModel(sim, 'calibrated', BASE, 7);
    const flat = simulateModel(sim, 'flat', { ...BASE, temperature: 4 }, 7);
    const sel = selectModels(sim.evalSet, [flat, calibrated], { sliceColumns: ['type'] });
    const by = Object.fromEntries(sel.candidates.map((c) => [c.name, c]));
    // same ranking: every ranking criterion ties exactly, calibration decides
    expect(by.flat.main.value).toBeCloseTo(by.calibrated.main.value!, 6);
    expect(sel.chosen).toBe('calibrated');
    const decisive = sel.steps.find((s) => s.eliminated.length > 0)!;
    expect(decisive.criterion).toBe('calibration');
    expect(by.flat.calibration.lo!).toBeGreaterThan(by.calibrated.calibration.hi!);
  });

  it('never admits a candidate clearly worse on the main metric to the tie set', () => {
    const a = simulateModel(sim, 'a', BASE, 7);
    const b = simulateModel(sim, 'b', BASE, 8);
    const weak = simulateModel(sim, 'weak', { ...BASE, primary: 0.3, noise: 2 }, 9);
    const sel = selectModels(sim.evalSet, [weak, a, b], { sliceColumns: [] });
    const w = sel.candidates.find((c) => c.name === 'weak')!;
    expect(w.inTieSet).toBe(false);
    expect(sel.tieSet).not.toContain('weak');
    expect(w.diffToBest.hi!).toBeLessThan(0);
    expect(sel.ranking[2]).toBe('weak');
    expect(sel.chosen).not.toBe('weak');
    expect(sel.explanation.join(' ')).toMatch(/weak is out/);
  });

  it('gives every member of the tie set a stability score and none outside it', () => {
    const cands = [7, 8, 9].map((seed) => simulateModel(sim, `s${seed}`, { ...BASE, primary: 1, absent: -1 }, seed));
    cands.push(simulateModel(sim, 'weak', { ...BASE, primary: 0.2, noise: 2 }, 10));
    const sel = selectModels(sim.evalSet, cands, { sliceColumns: [] });
    for (const c of sel.candidates) {
      if (c.inTieSet) {
        expect(c.stability!.value!).toBeGreaterThanOrEqual(0);
        expect(c.stability!.value!).toBeLessThanOrEqual(1);
      } else expect(c.stability).toBeNull();
    }
    expect(sel.tieSet.length).toBeGreaterThan(1);
    // disagreement varies from resample to resample
    for (const c of sel.candidates.filter((x) => x.inTieSet)) {
      expect(c.stability!.lo!).toBeLessThanOrEqual(c.stability!.value!);
      expect(c.stability!.hi!).toBeGreaterThanOrEqual(c.stability!.value!);
      expect(c.stability!.hi!).toBeGreaterThan(c.stability!.lo!);
    }
    expect([...sel.ranking].sort()).toEqual(cands.map((c) => c.name).sort());
    // a tie set of one has no other model to disagree with
    const alone = selectModels(sim.evalSet, [cands[0], cands[3]], { sliceColumns: [] });
    expect(alone.tieSet).toEqual([cands[0].name]);
    for (const c of alone.candidates) expect(c.stability).toBeNull();
  });

  it('is repeatable for a seed, and a JSON round trip changes nothing', () => {
    const cands = [simulateModel(sim, 'a', BASE, 7), simulateModel(sim, 'b', { ...BASE, temperature: 2 }, 8)];
    const opts = { sliceColumns: ['type', 'region'] };
    const one = selectModels(sim.evalSet, cands, { ...opts, seed: 3 });
    const two = selectModels(sim.evalSet, cands, { ...opts, seed: 3 });
    const other = selectModels(sim.evalSet, cands, { ...opts, seed: 4 });
    expect(two).toEqual(one);
    expect(other.candidates[0].main.lo).not.toBe(one.candidates[0].main.lo);
    expect(other.candidates[0].main.value).toBe(one.candidates[0].main.value);
    expect(JSON.parse(JSON.stringify(one))).toEqual(one);
  });

  it('can combine the criteria by weights instead', () => {
    const calibrated = simulateModel(sim, 'calibrated', BASE, 7);
    const flat = simulateModel(sim, 'flat', { ...BASE, temperature: 4 }, 7);
    const sel = selectModels(sim.evalSet, [flat, calibrated], {
      rule: { kind: 'weights', weights: { calibration: 1, stability: 1 } },
      sliceColumns: [],
    });
    expect(sel.chosen).toBe('calibrated');
    expect(sel.weightedScores!.calibrated).toBeGreaterThan(sel.weightedScores!.flat);
  });

  it('runs with padded cmAP and row-wise F1 as the main metric', () => {
    const hears = simulateModel(sim, 'hears', BASE, 7);
    const weak = simulateModel(sim, 'weak', { ...BASE, primary: 0, noise: 2 }, 9);
    for (const mainMetric of ['paddedCmap', 'rowwiseMicroF1'] as const) {
      const sel = selectModels(sim.evalSet, [weak, hears], { mainMetric, sliceColumns: ['type'] });
      expect(sel.mainMetric).toBe(mainMetric);
      expect(sel.chosen).toBe('hears');
      expect(sel.tieSet).toEqual(['hears']);
    }
  });
});

/** Rows of one slice, as matrices for the public metric functions. */
function sliceMatrices(s: Sim, scores: Float32Array[], keep: (i: number) => boolean) {
  const classes = s.evalSet.classes;
  const idx = s.evalSet.rows.flatMap((_, i) => (keep(i) ? [i] : []));
  const truth = idx.map((i) => classes.map((c) => (c === s.evalSet.rows[i].primary ? 1 : 0)));
  return { truth, scores: idx.map((i) => scores[i]) };
}

describe('the tie set and the rule at their edges', () => {
  /**
   * Two models that rank every example alike (equal main metrics), one calibrated and one flattened: named so
   * that the tie set, ordered by name, lists the worse first.
   */
  const calibratedAndFlatByName = () => [simulateModel(sim, 'z-calibrated', BASE, 7), simulateModel(sim, 'a-flat', { ...BASE, temperature: 4 }, 7)];

  it('ties a candidate by its interval alone (epsilon 0), and a clearly worse one by a margin under epsilon', () => {
    const a = simulateModel(sim, 'a', BASE, 7);
    const b = simulateModel(sim, 'b', BASE, 8);
    const weak = simulateModel(sim, 'weak', { ...BASE, primary: 0.3, noise: 2 }, 9);
    const strict = selectModels(sim.evalSet, [weak, a, b], { sliceColumns: [], epsilon: 0 });
    const by = Object.fromEntries(strict.candidates.map((c) => [c.name, c]));
    const other = by[strict.bestOnMain === 'a' ? 'b' : 'a'];
    expect(Math.abs(other.diffToBest.value!)).toBeGreaterThan(0);
    expect(other.diffToBest.lo!).toBeLessThanOrEqual(0);
    expect(other.diffToBest.hi!).toBeGreaterThanOrEqual(0);
    expect(strict.tieSet).toEqual(expect.arrayContaining(['a', 'b']));
    expect(strict.tieSet).not.toContain('weak');
    // every reported difference is to the best candidate's own estimate
    for (const c of strict.candidates) expect(c.diffToBest.value).toBeCloseTo(c.main.value! - by[strict.bestOnMain].main.value!, 12);

    const gap = -by.weak.diffToBest.value!;
    expect(by.weak.diffToBest.hi!).toBeLessThan(0);
    const lenient = selectModels(sim.evalSet, [weak, a, b], { sliceColumns: [], epsilon: gap * 1.01 });
    expect(lenient.tieSet).toContain('weak');
    expect(selectModels(sim.evalSet, [weak, a, b], { sliceColumns: [], epsilon: gap * 0.99 }).tieSet).not.toContain('weak');
  });

  it('keeps in the running a candidate whose difference on a criterion has an interval that holds 0', () => {
    // 'patched' is 'base' with one recording's scores squashed towards 0.5: every resample that leaves that
    // recording out scores both alike, so the difference in calibration error is 0 on about a third of them.
    const base = simulateModel(sim, 'base', BASE, 7);
    const first = sim.rowRecording.indexOf(5);
    const rows = sim.rowRecording.filter((r) => r === 5).length;
    const patched = {
      name: 'patched',
      scores: base.scores.map((row, i) => (i >= first && i < first + rows ? row.map((p) => 0.5 + (p - 0.5) / 4) : row)),
    };
    // calibration error: lower is better; secondary-label AUC: higher is better
    for (const criterion of ['calibration', 'secondary'] as const) {
      const rule = { kind: 'lexicographic' as const, order: [criterion] };
      const sel = selectModels(sim.evalSet, [patched, base], { sliceColumns: [], rule, epsilon: 0.05 });
      expect(sel.tieSet).toEqual(expect.arrayContaining(['base', 'patched']));
      const by = Object.fromEntries(sel.candidates.map((c) => [c.name, c]));
      expect(by.patched[criterion]!.value).not.toBe(by.base[criterion]!.value);
      const step = sel.steps[0];
      expect(step.criterion).toBe(criterion);
      expect(step.considered).toHaveLength(2);
      expect(step.eliminated).toEqual([]);
      expect([...sel.undecided].sort()).toEqual(['base', 'patched']);
      // a candidate's own details come back with it, and none are made up for one that had none
      expect(by.base.info).toEqual(base.info);
      expect('info' in by.patched).toBe(false);
    }
  });

  it('reports a decisive step with the difference of the eliminated candidate to the leader', () => {
    const calibrated = simulateModel(sim, 'calibrated', BASE, 7);
    const flat = simulateModel(sim, 'flat', { ...BASE, temperature: 4 }, 7);
    const sel = selectModels(sim.evalSet, [flat, calibrated], { sliceColumns: [] });
    const by = Object.fromEntries(sel.candidates.map((c) => [c.name, c]));
    const step = sel.steps.find((s) => s.eliminated.length > 0)!;
    expect(step.considered).toEqual(['calibrated', 'flat']);
    expect(step.leader).toBe('calibrated');
    expect(step.eliminated.map((e) => e.name)).toEqual(['flat']);
    expect(step.eliminated[0].diff.value).toBeCloseTo(by.flat.calibration.value! - by.calibrated.calibration.value!, 12);
    expect(step.eliminated[0].diff.lo!).toBeGreaterThan(0);
    // one candidate left: no further criterion is looked at, and nothing is left undecided
    expect(sel.steps.map((s) => s.criterion)).toEqual(['calibration']);
    expect(sel.undecided).toEqual([]);
  });

  it('leads a step with the best candidate on its criterion, whatever order the tie set lists them in', () => {
    // equal main metrics: the tie set lists 'a-flat' first by name
    const [calibrated, flat] = calibratedAndFlatByName();
    const sel = selectModels(sim.evalSet, [calibrated, flat], { sliceColumns: [] });
    expect(sel.tieSet).toEqual(['a-flat', 'z-calibrated']);
    expect(sel.steps[0]).toMatchObject({ criterion: 'calibration', considered: ['z-calibrated', 'a-flat'], leader: 'z-calibrated' });
    expect(sel.steps[0].eliminated.map((e) => e.name)).toEqual(['a-flat']);
    expect(sel.chosen).toBe('z-calibrated');
  });

  it('lets a criterion decide only when its difference reaches criterionEpsilon', () => {
    const [calibrated, flat] = calibratedAndFlatByName();
    const decided = (criterionEpsilon: number) => {
      const sel = selectModels(sim.evalSet, [calibrated, flat], { sliceColumns: [], criterionEpsilon });
      return sel.steps.find((s) => s.criterion === 'calibration')!.eliminated;
    };
    const [eliminated] = decided(0);
    expect(eliminated.name).toBe('a-flat');
    const gap = Math.abs(eliminated.diff.value!);
    expect(gap).toBeGreaterThan(0);
    // a difference equal to the margin decides; a margin above it leaves the step undecided
    expect(decided(gap).map((e) => e.name)).toEqual(['a-flat']);
    expect(decided(gap * 1.01)).toEqual([]);
  });

  it('reports a criterion it cannot assess as a step that eliminates no one, with the reason', () => {
    const a = simulateModel(sim, 'a', BASE, 7);
    const b = simulateModel(sim, 'b', BASE, 8);
    const rule = { kind: 'lexicographic' as const, order: ['worstSlice' as const, 'calibration' as const] };
    const sel = selectModels(sim.evalSet, [a, b], { sliceColumns: [], rule });
    expect(sel.tieSet).toEqual(['a', 'b']);
    expect(sel.steps[0]).toEqual({ criterion: 'worstSlice', considered: ['a', 'b'], leader: null, eliminated: [], note: 'no usable metadata slice' });
  });

  it('has no worst slice in a column whose every slice is under the minimum size', () => {
    // one site for every recording: one slice of 60 recordings, under a minimum of 61, and nothing to merge it with
    const evalSet = { ...sim.evalSet, rows: sim.evalSet.rows.map((r) => ({ ...r, metadata: { ...r.metadata, site: 'one' } })) };
    const models = [simulateModel(sim, 'a', BASE, 7), simulateModel(sim, 'b', BASE, 8)];
    const alone = selectModels(evalSet, models, { sliceColumns: ['site'], minSliceSize: 61 });
    expect(alone.slices[0].slices.map((x) => [x.name, x.status])).toEqual([['one', 'flagged']]);
    for (const c of alone.candidates) {
      expect(c.worstSlice).toBeNull();
      expect(c.worstSliceByColumn).toEqual({});
    }
  });

  it('reports per column the slice where the main metric is lowest, and the lowest of those as the worst slice', () => {
    const a = simulateModel(sim, 'a', BASE, 7);
    // both orders of the columns: the worst slice is not simply in the first one
    for (const sliceColumns of [['type', 'region'], ['region', 'type']]) {
      const sel = selectModels(sim.evalSet, [a, simulateModel(sim, 'b', BASE, 8)], { sliceColumns, minSliceSize: 3 });
      for (const c of sel.candidates) {
        const lows = sel.slices.map((col) => {
          const ok = col.slices.filter((x) => x.status === 'ok').map((x) => ({ slice: x.name, ...c.slices[col.column][x.name] }));
          const low = ok.reduce((m, x) => (x.value! < m.value! ? x : m));
          expect(c.worstSliceByColumn[col.column]).toEqual(low);
          return { column: col.column, ...low };
        });
        const lowest = lows.reduce((m, x) => (x.value! < m.value! ? x : m));
        expect(c.worstSlice).toEqual(lowest);
      }
    }
  });

  it('marks a slice where the main metric is undefined, keeps it out of the worst slice and says so', () => {
    // every recording of sp0 at one site: macro ROC-AUC needs two species among the primary labels
    const evalSet = { ...sim.evalSet, rows: sim.evalSet.rows.map((r) => ({ ...r, metadata: { site: r.primary === 'sp0' ? 'solo' : 'mixed' } })) };
    const a = simulateModel(sim, 'a', BASE, 7);
    const b = simulateModel(sim, 'b', BASE, 8);
    const sel = selectModels(evalSet, [a, b], { sliceColumns: ['site'], minSliceSize: 3 });
    const solo = sel.slices[0].slices.find((x) => x.name === 'solo')!;
    expect(solo.status).toBe('undefined');
    for (const c of sel.candidates) expect(c.worstSlice!.slice).toBe('mixed');
    expect(sel.notes.join(' ')).toMatch(/Slice site = solo: macroRocAuc is undefined there/);
  });

  it('says when there is no slice column or no secondary label, and then scores neither', () => {
    const bare = simulateEvalSet(2, 40, 6, false);
    const a = simulateModel(bare, 'a', BASE, 7);
    const b = simulateModel(bare, 'b', BASE, 8);
    const sel = selectModels(bare.evalSet, [a, b], { sliceColumns: [] });
    for (const c of sel.candidates) {
      expect(c.secondary).toBeNull();
      expect(c.worstSlice).toBeNull();
    }
    expect(sel.notes.join(' ')).toMatch(/No metadata column to slice by/);
    expect(sel.notes.join(' ')).toMatch(/No secondary labels in the evaluation set/);
    // and none of these notes where there is something to score
    const full = selectModels(sim.evalSet, [simulateModel(sim, 'a', BASE, 7), simulateModel(sim, 'b', BASE, 8)], { sliceColumns: ['type'] });
    expect(full.notes.join(' ')).not.toMatch(/No metadata column|No secondary labels|is undefined there/);
  });

  it('orders the tie set by weighted score, skipping criteria with no weight or no value for every candidate', () => {
    // same rankings, so the tie set lists 'a-flat' first by name: only the scores can put 'z-calibrated' first
    const [calibrated, flat] = calibratedAndFlatByName();
    const sel = selectModels(sim.evalSet, [calibrated, flat], {
      rule: { kind: 'weights', weights: { calibration: 1, worstSlice: 1, secondary: 0 } },
      sliceColumns: [],
    });
    expect(sel.tieSet).toEqual(['a-flat', 'z-calibrated']);
    expect(sel.ranking).toEqual(['z-calibrated', 'a-flat']);
    // min-max scaled within the tie set: the better gets the weight, the worse 0; no slices, no worstSlice
    expect(sel.weightedScores).toEqual({ 'z-calibrated': 1, 'a-flat': 0 });
    // the weights rank; no rule steps run
    expect(sel.steps).toEqual([]);
    expect(sel.undecided).toEqual([]);
  });
});

describe('main metric truth', () => {
  it('does not count a listed background species as a false positive for primary labels', () => {
    const hears = simulateModel(sim, 'hears', BASE, 7);
    const ignores = simulateModel(sim, 'ignores', { ...BASE, secondary: BASE.absent }, 7);
    const sel = selectModels(sim.evalSet, [hears, ignores], { sliceColumns: [] });
    // the two differ only in background-species scores, which the primary-label metric leaves out
    expect(sel.candidates[0].main.value).toBe(sel.candidates[1].main.value);
  });
});

describe('slices', () => {
  it('name the first column given when two columns share the worst value', () => {
    // `by` is `recordist` under another name: the same slices, the same values
    const rows = sim.evalSet.rows.map((r) => ({ ...r, metadata: { ...r.metadata, by: r.metadata.recordist } }));
    const twin = { ...sim.evalSet, rows };
    const models = [simulateModel(sim, 'm', BASE, 7), simulateModel(sim, 'n', BASE, 8)];
    for (const sliceColumns of [['recordist', 'by'], ['by', 'recordist']]) {
      const sel = selectModels(twin, models, { sliceColumns, minSliceSize: 1 });
      for (const c of sel.candidates) {
        expect(c.worstSliceByColumn.by).toEqual(c.worstSliceByColumn.recordist);
        expect(c.worstSlice).toMatchObject({ column: sliceColumns[0], slice: c.worstSliceByColumn.by.slice });
      }
    }
  });
  it('score each slice exactly as the metric on that slice rows alone', () => {
    // without background species, the main metric's truth is exactly the one-hot primary label
    const plain = simulateEvalSet(5, 60, 8, false);
    const model = simulateModel(plain, 'm', BASE, 11);
    const data = prepareData(plain.evalSet);
    const a = sliceColumn(plain.evalSet, 'type', 5, 'merge', 10);
    const settings = { threshold: 0.5, padding: 5, calibrationBins: 10 };
    const reference = {
      macroRocAuc: (t: number[][], x: Float32Array[]) => macroRocAuc(t, x).value,
      paddedCmap: (t: number[][], x: Float32Array[]) => paddedCmap(t, x, 5),
      rowwiseMicroF1: (t: number[][], x: Float32Array[]) => rowwiseMicroF1(t, x, 0.5),
    };
    for (const metric of ['macroRocAuc', 'paddedCmap', 'rowwiseMicroF1'] as const) {
      const e = new CandidateEvaluator(data, model, metric, settings);
      const out = new Float64Array(a.info.slices.length);
      e.mainBySlice(null, a.rowSlice, out);
      a.info.slices.forEach((_, j) => {
        const m = sliceMatrices(plain, model.scores, (i) => a.rowSlice[i] === j);
        expect(out[j]).toBeCloseTo(reference[metric](m.truth, m.scores), 10);
      });
      // with bootstrap weights, equal to the whole-set metric under the slice's masked weights
      const w = Float64Array.from(plain.evalSet.rows, (_, i) => (i * 7) % 3);
      e.mainBySlice(w, a.rowSlice, out);
      a.info.slices.forEach((_, j) => {
        const masked = w.map((x, i) => (a.rowSlice[i] === j ? x : 0));
        expect(out[j]).toBeCloseTo(e.main(masked), 10);
      });
    }
  });

  it('score sliced padded cmAP like the metric when scores are exactly 1 (a float32 sigmoid saturates there)', () => {
    // Rows scoring exactly 1 tie with the padding rows and must share their threshold, positives and
    // negatives alike; treating 1 as below the padding changes the slice's AP whenever a negative scores 1.
    const plain = simulateEvalSet(6, 60, 8, false);
    const model = simulateModel(plain, 'saturated', { ...BASE, primary: 6, absent: -1.5 }, 12);
    expect(Math.fround(1 / (1 + Math.exp(-20)))).toBe(1);
    model.scores.forEach((row, i) => {
      if (i % 3 === 0) row[i % 8] = 1; // primary or absent class, depending on the row
      if (i % 4 === 1) row[plain.recordings[plain.rowRecording[i]].primary] = 1;
    });
    const data = prepareData(plain.evalSet);
    const a = sliceColumn(plain.evalSet, 'type', 5, 'merge', 10);
    const e = new CandidateEvaluator(data, model, 'paddedCmap', { threshold: 0.5, padding: 5, calibrationBins: 10 });
    const out = new Float64Array(a.info.slices.length);
    e.mainBySlice(null, a.rowSlice, out);
    let negativesAtOne = 0;
    a.info.slices.forEach((_, j) => {
      const m = sliceMatrices(plain, model.scores, (i) => a.rowSlice[i] === j);
      m.scores.forEach((row, r) => row.forEach((s, c) => (negativesAtOne += s === 1 && m.truth[r][c] === 0 ? 1 : 0)));
      expect(out[j]).toBeCloseTo(paddedCmap(m.truth, m.scores, 5), 10);
    });
    expect(negativesAtOne).toBeGreaterThan(5);
    const w = Float64Array.from(plain.evalSet.rows, (_, i) => 1 + (i % 2));
    e.mainBySlice(w, a.rowSlice, out);
    a.info.slices.forEach((_, j) => expect(out[j]).toBeCloseTo(e.main(w.map((x, i) => (a.rowSlice[i] === j ? x : 0))), 10));
  });

  it('merge slices under the minimum size into other, or flag them, and never use them for the worst slice', () => {
    const a = simulateModel(sim, 'a', BASE, 7);
    const b = simulateModel(sim, 'b', BASE, 8);
    const merged = selectModels(sim.evalSet, [a, b], { sliceColumns: ['recordist'], minSliceSize: 12 });
    const col = merged.slices[0];
    const other = col.slices.find((s) => s.name === 'other')!;
    expect(other.merged!.length).toBeGreaterThan(1);
    for (const s of col.slices) expect(s.recordings >= 12 || s.status === 'flagged').toBe(true);

    const flagged = selectModels(sim.evalSet, [a, b], { sliceColumns: ['recordist'], minSliceSize: 12, smallSlices: 'flag' });
    const small = flagged.slices[0].slices.filter((s) => s.recordings < 12);
    expect(small.length).toBeGreaterThan(0);
    for (const s of small) expect(s.status).toBe('flagged');
    for (const c of flagged.candidates) {
      expect(small.map((s) => s.name)).not.toContain(c.worstSlice!.slice);
    }
    expect(flagged.notes.join(' ')).toMatch(/under the minimum of 12/);
  });

  /** One row per recording, with the given metadata. */
  const rowsOf = (metas: Record<string, string>[]): EvalSet => ({
    classes: ['a', 'b'],
    rows: metas.map((metadata, i) => ({ recording: `r${i}`, primary: i % 2 ? 'b' : 'a', secondary: [], metadata })),
  });
  const sliceOf = (evalSet: EvalSet, column: string, row: number): string => {
    const a = sliceColumn(evalSet, column, 1, 'flag', 10);
    return a.info.slices[a.rowSlice[row]].name;
  };

  it("bin xeno-canto ratings given as numbers 0-5 or letters A-E, and read 0 or anything else as missing", () => {
    const ratings = ['5', '4', '4.5', '3', '3.5', '2.5', '1', 'A', ' b ', 'C', 'd', 'E', '0', '', '  ', 'DC', 'x', '-1'];
    // the last row has no rating at all
    const set = rowsOf([...ratings.map((rating) => ({ rating })), {}]);
    expect([...ratings, undefined].map((_, i) => sliceOf(set, 'rating', i))).toEqual([
      'high (4-5)', 'high (4-5)', 'high (4-5)', 'mid (3-3.5)', 'mid (3-3.5)', 'low (<3)', 'low (<3)',
      'high (4-5)', 'high (4-5)', 'mid (3-3.5)', 'low (<3)', 'low (<3)',
      '(missing)', '(missing)', '(missing)', '(missing)', '(missing)', '(missing)', '(missing)',
    ]);
  });

  it('read call types as sets of words, and blank values of any column as missing', () => {
    const set = rowsOf([{ type: 'Call, song', recordist: ' Ana ' }, { type: 'song;call;;', recordist: '   ' }, { type: 'Song, song' }, { type: ' ' }]);
    expect([0, 1, 2, 3].map((i) => sliceOf(set, 'type', i))).toEqual(['call, song', 'call, song', 'song', '(missing)']);
    expect([0, 1, 2].map((i) => sliceOf(set, 'recordist', i))).toEqual(['Ana', '(missing)', '(missing)']);
  });

  it('slice by the default columns that have values, and refuse an asked-for column without any', () => {
    const noCoordinates = rowsOf([{ type: 'call', latitude: '51.2', recordist: 'Ana' }, { type: 'song', longitude: '4.1', rating: ' ' }]);
    expect(resolveSliceColumns(noCoordinates, undefined)).toEqual(['type', 'recordist']);
    expect(() => resolveSliceColumns(noCoordinates, ['region'])).toThrow(/'region' has no values.*numeric latitude and longitude/);
    expect(() => resolveSliceColumns(noCoordinates, ['rating'])).toThrow(/'rating' has no values in the evaluation set$/);
    const oneWithCoordinates = rowsOf([{ latitude: '51.2', longitude: '4.1' }, { latitude: 'n/a', longitude: '4.1' }]);
    expect(resolveSliceColumns(oneWithCoordinates, undefined)).toEqual(['region']);
    expect([0, 1].map((i) => sliceOf(oneWithCoordinates, 'region', i))).toEqual(['lat 50..60, lon 0..10', '(missing)']);
    expect(resolveSliceColumns(oneWithCoordinates, ['region'])).toEqual(['region']);
    // a blank coordinate is missing, not 0 (Number('') is 0)
    const blank = rowsOf([{ latitude: '51.2', longitude: '4.1' }, { latitude: '', longitude: '4.1' }, { latitude: '51.2', longitude: ' ' }]);
    expect([0, 1, 2].map((i) => sliceOf(blank, 'region', i))).toEqual(['lat 50..60, lon 0..10', '(missing)', '(missing)']);
  });

  it('merge two or more small slices into other, listed in order, and leave a single small slice flagged', () => {
    const names = ['Eve', 'Ana', 'Dan', 'Ana', 'Ana', 'Ana', 'Bo', 'Bo', 'Bo', 'Bo'];
    const set = rowsOf(names.map((recordist) => ({ recordist })));
    const merged = sliceColumn(set, 'recordist', 3, 'merge', 10);
    expect(merged.info.slices).toEqual([
      { name: 'Ana', recordings: 4, rows: 4, status: 'ok' },
      { name: 'Bo', recordings: 4, rows: 4, status: 'ok' },
      { name: 'other', recordings: 2, rows: 2, status: 'flagged', merged: ['Dan', 'Eve'] },
    ]);
    expect([...merged.rowSlice]).toEqual([2, 0, 2, 0, 0, 0, 1, 1, 1, 1]);
    const single = sliceColumn(rowsOf(names.slice(1).map((recordist) => ({ recordist }))), 'recordist', 3, 'merge', 10);
    expect(single.info.slices.map((s) => [s.name, s.status, s.merged])).toEqual([
      ['Ana', 'ok', undefined],
      ['Bo', 'ok', undefined],
      ['Dan', 'flagged', undefined],
    ]);
  });

  it('bin ratings and derive regions from latitude and longitude', () => {
    const region = sliceColumn(sim.evalSet, 'region', 1, 'merge', 10).info.slices.map((s) => s.name);
    expect(region).toEqual(['lat 30..40, lon -130..-120', 'lat 50..60, lon 0..10']);
    const rating = sliceColumn(sim.evalSet, 'rating', 1, 'merge', 10).info.slices.map((s) => s.name);
    expect(rating).toEqual(['high (4-5)', 'low (<3)', 'mid (3-3.5)']);
  });
});

describe('selectModels input checks', () => {
  const good = simulateModel(sim, 'good', BASE, 7);
  it('refuses fewer than 1000 resamples or unknown options', () => {
    expect(() => selectModels(sim.evalSet, [good], { bootstrap: 200 })).toThrow(UsageError);
    expect(() => selectModels(sim.evalSet, [good], { bogus: 1 } as never)).toThrow(UsageError);
  });
  it('names the candidate whose scores do not fit the evaluation set', () => {
    const short = { name: 'short', scores: good.scores.slice(1) };
    expect(() => selectModels(sim.evalSet, [good, short])).toThrow(/candidate 'short' has/);
    try {
      selectModels(sim.evalSet, [short]);
    } catch (err) {
      expect(err).toBeInstanceOf(BirdcallError);
      expect((err as BirdcallError).code).toBe('SELECT_SHAPE');
    }
  });
  it('refuses a primary label outside the class list and a slice column without values', () => {
    const bad = { ...sim.evalSet, rows: sim.evalSet.rows.map((r, i) => (i === 0 ? { ...r, primary: 'nocall' } : r)) };
    expect(() => selectModels(bad, [good])).toThrow(/'nocall', which is not in the class list/);
    expect(() => selectModels(sim.evalSet, [good], { sliceColumns: ['elevation'] })).toThrow(UsageError);
  });
  it('refuses an evaluation set on which the main metric is undefined, naming the metric', () => {
    // every primary label the same class: no class has both positive and negative rows
    const oneClass = { ...sim.evalSet, rows: sim.evalSet.rows.map((r) => ({ ...r, primary: 'sp0', secondary: [] })) };
    const other = simulateModel(sim, 'other', BASE, 8);
    let thrown: unknown;
    try {
      selectModels(oneClass, [good, other], { sliceColumns: [] });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BirdcallError);
    expect((thrown as BirdcallError).code).toBe('SELECT_METRIC_UNDEFINED');
    expect((thrown as BirdcallError).message).toMatch(/macroRocAuc is undefined on this evaluation set/);
  });
  it('notes the secondary labels outside the class list, once each, and still scores the known ones', () => {
    const rows = sim.evalSet.rows.map((r, i) => (i < 3 ? { ...r, secondary: [...r.secondary, 'mystery-bird'] } : i === 3 ? { ...r, secondary: [...r.secondary, 'alien-bird'] } : r));
    const withUnknown = { ...sim.evalSet, rows };
    const other = simulateModel(sim, 'other', BASE, 8);
    const sel = selectModels(withUnknown, [good, other], { sliceColumns: [] });
    expect(sel.notes).toContain('Secondary labels not in the class list were not scored: alien-bird, mystery-bird.');
    // on the plain set only the slices asked away are noted: every label is known
    const plain = selectModels(sim.evalSet, [good, other], { sliceColumns: [] });
    expect(plain.notes).toEqual(['No metadata column to slice by (type, rating, latitude/longitude, recordist): worst slice not assessed.']);
    // the unknown label is dropped, not counted as a miss: the known secondary labels score as before
    const by = (s: typeof sel, name: string) => s.candidates.find((c) => c.name === name)!.secondary!.value;
    expect(by(sel, 'good')).toBe(by(plain, 'good'));
  });
});

describe('tie-break rule', () => {
  const words = (sel: ReturnType<typeof selectModels>) => sel.explanation.filter((l) => l.startsWith('Chosen:') || l.startsWith('Runner-up:'));

  it('says when nothing separates identical candidates, and picks the same one whatever the input order', () => {
    const a = simulateModel(sim, 'beta', BASE, 7);
    const b = { ...simulateModel(sim, 'alpha', BASE, 7), name: 'alpha' };
    const forward = selectModels(sim.evalSet, [a, b]);
    const reversed = selectModels(sim.evalSet, [b, a]);
    expect(forward.tieSet).toHaveLength(2);
    expect(forward.chosen).toBe('alpha');
    expect(reversed.chosen).toBe('alpha');
    expect(reversed.bestOnMain).toBe(forward.bestOnMain);
    expect(words(reversed)).toEqual(words(forward));
    const chosen = words(forward)[0];
    expect(chosen).toMatch(/No criterion separates the tie set: tied with beta on every criterion/);
    expect(chosen).toMatch(/picked alpha by the tie-break rule \(the higher main-metric estimate, then the name that sorts first\)/);
    expect(chosen).toMatch(/main-metric estimates are equal/);
    expect(chosen).not.toMatch(/because/);
  });

  it('breaks a tie within noise by the main-metric estimate, in words, stable under any order of four candidates', () => {
    const models = [7, 8, 9, 10].map((seed, k) => simulateModel(sim, `m${k}`, BASE, seed));
    const orders = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]];
    const runs = orders.map((o) => selectModels(sim.evalSet, o.map((k) => models[k]), { sliceColumns: [] }));
    for (const r of runs) {
      expect(r.chosen).toBe(runs[0].chosen);
      expect(r.ranking).toEqual(runs[0].ranking);
      expect(words(r)).toEqual(words(runs[0]));
      expect(r.explanation).toEqual(runs[0].explanation);
    }
    const sel = runs[0];
    if (sel.undecided.length > 1) {
      const best = Math.max(...sel.candidates.filter((c) => sel.undecided.includes(c.name)).map((c) => c.main.value!));
      expect(sel.candidates.find((c) => c.name === sel.chosen)!.main.value).toBe(best);
      expect(words(sel)[0]).toMatch(/by the tie-break rule .*a difference within noise/);
    }
  });
});

describe('selectUnderRules', () => {
  it('gives, rule by rule, exactly what selectModels gives under that rule (one bootstrap for all)', () => {
    const models = [simulateModel(sim, 'a', BASE, 7), simulateModel(sim, 'b', { ...BASE, secondary: BASE.absent }, 8), simulateModel(sim, 'c', BASE, 9)];
    const rules = [
      { kind: 'lexicographic' as const, order: ['secondary' as const] },
      { kind: 'lexicographic' as const, order: ['calibration' as const, 'worstSlice' as const] },
      { kind: 'weights' as const, weights: { secondary: 1, calibration: 2 } },
    ];
    const together = selectUnderRules(sim.evalSet, models, { seed: 3 }, rules);
    expect(together).toHaveLength(4);
    expect(together[0]).toEqual(selectModels(sim.evalSet, models, { seed: 3 }));
    rules.forEach((rule, i) => expect(together[i + 1]).toEqual(selectModels(sim.evalSet, models, { seed: 3, rule })));
  });
});
