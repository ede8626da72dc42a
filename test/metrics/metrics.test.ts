import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  averagePrecision,
  rocAuc,
  rowwiseMicroF1,
  paddedCmap,
  macroRocAuc,
  perClassPrecisionRecall,
  top1Accuracy,
  expectedCalibrationError,
  rankScores,
  aucFromRanking,
  apFromRanking,
  rowF1,
} from '../../src/metrics/index.ts';
import { BirdcallError } from '../../src/errors.ts';

describe('rocAuc', () => {
  it('counts the fraction of positive/negative pairs ranked correctly', () => {
    // pos 0.9, 0.7; neg 0.8, 0.1: pairs won 0.9>0.8, 0.9>0.1, 0.7>0.1; lost 0.7<0.8 -> 3/4
    expect(rocAuc([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])).toBeCloseTo(0.75, 12);
  });
  it('gives tied positive/negative pairs half credit', () => {
    // pos 0.5, 0.9; neg 0.5, 0.1: 0.5~0.5 half, the other three won -> 3.5/4
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])).toBeCloseTo(0.875, 12);
    expect(rocAuc([1, 0, 0, 1], [0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.5, 12);
  });
  it('is NaN without positives or without negatives', () => {
    expect(rocAuc([0, 0, 0], [0.1, 0.5, 0.9])).toBeNaN();
    expect(rocAuc([1, 1], [0.1, 0.5])).toBeNaN();
  });
  it('treats a weighted label t as t of a positive and 1 - t of a negative', () => {
    // masses pos [1, .5, 0], neg [0, .5, 1]; wins .5 + 1 + .5*.5*.5 + .5 = 2.125 over 1.5 * 1.5
    expect(rocAuc([1, 0.5, 0], [0.9, 0.5, 0.1])).toBeCloseTo(2.125 / 2.25, 12);
  });
  it('equals the brute-force pair count on random labels with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 })), { minLength: 2, maxLength: 40 }), (rows) => {
        const truth = rows.map(([t]) => (t ? 1 : 0));
        const scores = rows.map(([, s]) => s / 5);
        let wins = 0;
        let pairs = 0;
        for (let i = 0; i < rows.length; i++) {
          for (let j = 0; j < rows.length; j++) {
            if (truth[i] === 1 && truth[j] === 0) {
              pairs++;
              wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
            }
          }
        }
        const auc = rocAuc(truth, scores);
        if (pairs === 0) expect(auc).toBeNaN();
        else expect(auc).toBeCloseTo(wins / pairs, 12);
      }),
    );
  });
});

describe('averagePrecision', () => {
  it('matches the sklearn documentation example', () => {
    // ranks: .8 pos (P 1, R .5), .4 neg, .35 pos (P 2/3, R 1) -> .5 * 1 + .5 * 2/3
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.5 + 1 / 3, 12);
  });
  it('lets tied examples enter at one threshold', () => {
    // threshold .5: tp 1 fp 1 (P .5, R .5); threshold .2: tp 2 fp 1 (P 2/3, R 1)
    expect(averagePrecision([1, 0, 1], [0.5, 0.5, 0.2])).toBeCloseTo(0.25 + 1 / 3, 12);
  });
  it('is 0 when there is no positive, as sklearn', () => {
    expect(averagePrecision([0, 0], [0.3, 0.6])).toBe(0);
  });
  it('equals the mean precision at each positive when scores are distinct', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }), fc.infiniteStream(fc.boolean()), (raw, bits) => {
        const scores = raw.map((s) => s / 1000);
        const truth = scores.map(() => (bits.next().value ? 1 : 0));
        const positives = truth.reduce((a: number, b) => a + b, 0);
        const byScore = scores.map((s, i) => ({ s, t: truth[i] })).sort((a, b) => b.s - a.s);
        let tp = 0;
        let sum = 0;
        byScore.forEach(({ t }, k) => {
          if (t === 1) {
            tp++;
            sum += tp / (k + 1);
          }
        });
        expect(averagePrecision(truth, scores)).toBeCloseTo(positives === 0 ? 0 : sum / positives, 12);
      }),
    );
  });
});

describe('ranking kernels with sample weights (what the bootstrap uses)', () => {
  it('give the same AUC and AP as physically repeating each example weight times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 25 }),
        (rows) => {
          const truth = rows.map(([t]) => (t ? 1 : 0));
          const scores = rows.map(([, s]) => s / 4);
          const weight = rows.map(([, , w]) => w);
          const repeatedTruth = rows.flatMap(([t, , w]) => Array<number>(w).fill(t ? 1 : 0));
          const repeatedScores = rows.flatMap(([, s, w]) => Array<number>(w).fill(s / 4));
          const ranked = rankScores(scores);
          const neg = truth.map((t) => 1 - t);
          const auc = aucFromRanking(ranked, truth, neg, weight);
          const ap = apFromRanking(ranked, scores, truth, neg, weight);
          if (repeatedTruth.length === 0) return;
          const expectedAuc = rocAuc(repeatedTruth, repeatedScores);
          if (Number.isNaN(expectedAuc)) expect(auc).toBeNaN();
          else expect(auc).toBeCloseTo(expectedAuc, 12);
          expect(ap).toBeCloseTo(averagePrecision(repeatedTruth, repeatedScores), 12);
        },
      ),
    );
  });
});

describe('rankScores', () => {
  it('orders by score, ties by index, and marks each run of equal scores', () => {
    const ranked = rankScores([0.2, 0.9, 0.2, 0.5, 0.9]);
    expect(Array.from(ranked.order)).toEqual([1, 4, 3, 0, 2]);
    expect(Array.from(ranked.groupStarts)).toEqual([0, 2, 3, 5]);
  });
});

describe('padding rows in apFromRanking', () => {
  it('weight the rows tied with the padding like every other row', () => {
    // Scores of exactly 1 share the padding's threshold; a weight of 3 counts the row three times.
    const scores = [1, 1, 0.4, 0.2];
    const truth = [0, 1, 1, 0];
    const weight = [3, 1, 2, 1];
    const repeatedScores = scores.flatMap((s, i) => Array<number>(weight[i]).fill(s));
    const repeatedTruth = truth.flatMap((t, i) => Array<number>(weight[i]).fill(t));
    const neg = truth.map((t) => 1 - t);
    const weighted = apFromRanking(rankScores(scores), scores, truth, neg, weight, 2);
    const repeated = apFromRanking(rankScores(repeatedScores), repeatedScores, repeatedTruth, repeatedTruth.map((t) => 1 - t), null, 2);
    expect(weighted).toBeCloseTo(repeated, 12);
  });
});

describe('paddedCmap', () => {
  const truth = [
    [1, 0],
    [0, 1],
  ];
  const scores = [
    [0.9, 0.6],
    [0.3, 0.4],
  ];
  it('appends rows of ones before the macro average precision', () => {
    // class 0: pad(+) .9(+) .3(-) -> AP 1; class 1: pad(+) R .5 P 1, .6(-), .4(+) R 1 P 2/3 -> .5 + 1/3
    expect(paddedCmap(truth, scores, 1)).toBeCloseTo((1 + 0.5 + 1 / 3) / 2, 12);
  });
  it('is the plain macro AP without padding', () => {
    // class 1 without padding: .6(-), .4(+) -> P 1/2 at R 1
    expect(paddedCmap(truth, scores, 0)).toBeCloseTo((1 + 0.5) / 2, 12);
  });
  it('equals the plain macro AP of the data with the rows of ones written out', () => {
    const t = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]];
    const s = [[1, 0.2], [0.7, 0.9], [0.1, 1], [0.8, 0.3], [0.5, 0.5]];
    const ones = Array.from({ length: 3 }, () => [1, 1]);
    expect(paddedCmap(t, s, 3)).toBeCloseTo(paddedCmap([...t, ...ones], [...s, ...ones], 0), 12);
  });
  it('refuses a padding that is not a whole number >= 0', () => {
    expect(() => paddedCmap(truth, scores, -1)).toThrow(/paddedCmap: padding/);
    expect(() => paddedCmap(truth, scores, 1.5)).toThrow(/paddedCmap: padding/);
  });
  it('scores a class without positives 1 when nothing ties with the padding', () => {
    expect(paddedCmap([[0], [0]], [[0.2], [0.7]])).toBeCloseTo(1, 12);
    // a negative scoring exactly 1 ties with the 5 padding rows: one threshold, precision 5/6
    expect(paddedCmap([[0]], [[1]])).toBeCloseTo(5 / 6, 12);
  });
});

describe('rowwiseMicroF1', () => {
  const truth = [
    [1, 0, 0],
    [1, 1, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const scores = [
    [0.9, 0.6, 0.1],
    [0.8, 0.2, 0.1],
    [0.1, 0.2, 0.3],
    [0.7, 0.1, 0.1],
  ];
  it('averages each row F1 with the Cornell nocall convention for empty rows', () => {
    // rows: {0,1} vs {0} -> 2/3; {0} vs {0,1} -> 2/3; nothing vs nothing (nocall) -> 1; {0} vs nocall -> 0
    expect(rowwiseMicroF1(truth, scores)).toBeCloseTo((2 / 3 + 2 / 3 + 1 + 0) / 4, 12);
  });
  it('predicts a class whose score equals the threshold', () => {
    expect(rowwiseMicroF1([[1, 0]], [[0.5, 0.1]])).toBe(1);
    expect(rowwiseMicroF1([[1, 0]], [[0.5, 0.1]], 0.6)).toBe(0);
  });
});

describe('rowF1', () => {
  it('is the set F1 of one row, with nocall on both sides scoring 1 and on one side 0', () => {
    expect(rowF1([1, 1, 1, 0], [0.9, 0.8, 0.1, 0.2], 0.5)).toBeCloseTo(0.8, 12); // 2 tp, 1 fn: 4 / 5
    expect(rowF1([0, 0], [0.1, 0.2], 0.5)).toBe(1);
    expect(rowF1([0, 0], [0.9, 0.2], 0.5)).toBe(0);
    expect(rowF1([1, 0], [0.1, 0.2], 0.5)).toBe(0);
  });
});

describe('perClassPrecisionRecall', () => {
  it('predicts at a score equal to the threshold and counts right and wrong predictions', () => {
    const r = perClassPrecisionRecall([[1, 0], [0, 0], [1, 0]], [[0.5, 0.1], [0.7, 0.2], [0.2, 0.3]]);
    expect(r.precision).toEqual([0.5, 0]); // class 0 predicted at 0.5 (right) and 0.7 (wrong)
    expect(r.recall).toEqual([0.5, 0]); // class 1 has no positive: recall 0, not 0/0
  });
  it('counts predictions at the threshold per class, 0 when undefined', () => {
    const truth = [
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    const scores = [
      [0.9, 0.6, 0.1],
      [0.8, 0.2, 0.1],
      [0.1, 0.2, 0.3],
      [0.7, 0.1, 0.1],
    ];
    const r = perClassPrecisionRecall(truth, scores);
    expect(r.precision[0]).toBeCloseTo(2 / 3, 12);
    expect(r.recall[0]).toBe(1);
    expect(r.precision[1]).toBe(0);
    expect(r.recall[1]).toBe(0);
    expect(r.precision[2]).toBe(0);
    expect(r.support).toEqual([2, 1, 0]);
  });
});

describe('macroRocAuc', () => {
  it('averages classes with positives and negatives and lists the skipped ones', () => {
    const truth = [
      [1, 0, 0, 1],
      [0, 1, 0, 1],
      [1, 0, 0, 1],
      [0, 1, 0, 1],
    ];
    const scores = [
      [0.9, 0.1, 0.5, 0.2],
      [0.8, 0.7, 0.5, 0.2],
      [0.7, 0.6, 0.5, 0.2],
      [0.1, 0.2, 0.5, 0.2],
    ];
    // class 0: pos .9 .7, neg .8 .1 -> 3/4; class 1: pos .7 .2, neg .1 .6 -> (1 + 1 + 0 + 1)/4 = 3/4
    const r = macroRocAuc(truth, scores);
    expect(r.perClass[0]).toBeCloseTo(0.75, 12);
    expect(r.perClass[1]).toBeCloseTo(0.75, 12);
    expect(r.perClass[2]).toBeNull();
    expect(r.perClass[3]).toBeNull();
    expect(r.skipped).toEqual([2, 3]);
    expect(r.value).toBeCloseTo(0.75, 12);
  });
});

describe('top1Accuracy', () => {
  it('counts rows whose highest score is the primary label, the first maximum on ties', () => {
    const scores = [
      [0.9, 0.1, 0],
      [0.2, 0.3, 0.5],
      [0.1, 0.1, 0.8],
    ];
    expect(top1Accuracy([0, 1, 2], scores)).toBeCloseTo(2 / 3, 12);
    expect(top1Accuracy([0], [[0.5, 0.5]])).toBe(1);
    expect(top1Accuracy([1], [[0.5, 0.5]])).toBe(0);
  });
  it('refuses a primary index that is not a class', () => {
    expect(() => top1Accuracy([3], [[0.5, 0.5]])).toThrow(BirdcallError);
    expect(() => top1Accuracy([2], [[0.5, 0.5]])).toThrow(/top1Accuracy: primary index 2 in row 0 is not a class index \(0\.\.1\)/);
    expect(() => top1Accuracy([-1], [[0.5, 0.5]])).toThrow(/primary index -1/);
    expect(() => top1Accuracy([0.5], [[0.5, 0.5]])).toThrow(/primary index 0.5/);
  });
  it('refuses labels and rows that do not match, and no rows', () => {
    expect(() => top1Accuracy([0, 1], [[0.5, 0.5]])).toThrow(/top1Accuracy: 2 primary labels but 1 score rows/);
    expect(() => top1Accuracy([], [])).toThrow(/top1Accuracy: no rows/);
  });
});

describe('expectedCalibrationError', () => {
  it('weights each bin gap by its share of examples, per class, then averages classes', () => {
    const truth = [[1, 0], [0, 0], [1, 0], [0, 0]];
    const scores = [[0.95, 0], [0.85, 0], [0.15, 0], [0.05, 0]];
    // class 0, 2 bins: [0,.5) conf .1 obs .5; [.5,1] conf .9 obs .5 -> .5*.4 + .5*.4 = .4; class 1 perfect: 0
    const r = expectedCalibrationError(truth, scores, 2);
    expect(r.perClass[0]).toBeCloseTo(0.4, 12);
    expect(r.perClass[1]).toBe(0);
    expect(r.value).toBeCloseTo(0.2, 12);
    // pooled reliability: bin 0 holds .15 .05 and four zeros (2 positives of 6); bin 1 .95 .85 (1 of 2)
    expect(r.reliability.count).toEqual([6, 2]);
    expect(r.reliability.meanConfidence[0]).toBeCloseTo(0.2 / 6, 12);
    expect(r.reliability.observedFrequency[0]).toBeCloseTo(1 / 6, 12);
    expect(r.reliability.meanConfidence[1]).toBeCloseTo(0.9, 12);
    expect(r.reliability.observedFrequency[1]).toBeCloseTo(0.5, 12);
    expect(r.reliability.binEdges).toEqual([0, 0.5, 1]);
  });
  it('marks empty bins null and puts a score of exactly 1 in the top bin', () => {
    const r = expectedCalibrationError([[1]], [[1]], 4);
    expect(r.value).toBe(0);
    expect(r.reliability.count).toEqual([0, 0, 0, 1]);
    expect(r.reliability.meanConfidence.slice(0, 3)).toEqual([null, null, null]);
    expect(r.reliability.observedFrequency.slice(0, 3)).toEqual([null, null, null]);
  });
  it('puts scores outside [0, 1] (logits) in the end bins instead of dropping them', () => {
    const r = expectedCalibrationError([[0], [1]], [[-0.5], [1.5]], 2);
    expect(r.reliability.count).toEqual([1, 1]);
    expect(r.perClass).toEqual([0.5]); // |-0.5 - 0| / 2 + |1.5 - 1| / 2
  });
  it('has one entry per class and refuses a bin count that is not a whole number >= 1', () => {
    expect(expectedCalibrationError([[1, 0, 0]], [[0.5, 0.5, 0.5]]).perClass).toHaveLength(3);
    expect(expectedCalibrationError([[1], [0]], [[0.9], [0.3]], 1).value).toBeCloseTo(0.1, 12); // one bin: |mean gap|
    expect(() => expectedCalibrationError([[1]], [[0.5]], 0)).toThrow(/expectedCalibrationError: bins must be a whole number/);
    expect(() => expectedCalibrationError([[1]], [[0.5]], 2.5)).toThrow(/expectedCalibrationError: bins/);
  });
});

describe('input checks', () => {
  it('name the metric and the problem', () => {
    expect(() => macroRocAuc([[1, 0]], [[0.5]])).toThrow(/macroRocAuc: row 0/);
    expect(() => rocAuc([1, 0], [0.5, Number.NaN])).toThrow(/not finite/);
    expect(() => paddedCmap([[2]], [[0.5]])).toThrow(/outside \[0, 1\]/);
    expect(() => rowwiseMicroF1([], [])).toThrow(BirdcallError);
  });
  it('carry a code per kind of problem', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (error) {
        return (error as BirdcallError).code;
      }
      return undefined;
    };
    expect(code(() => macroRocAuc([[1], [0]], [[0.5]]))).toBe('METRIC_SHAPE');
    expect(code(() => macroRocAuc([[1, 0]], [[0.5]]))).toBe('METRIC_SHAPE');
    expect(code(() => rocAuc([1, 0], [0.5]))).toBe('METRIC_SHAPE');
    expect(code(() => top1Accuracy([0, 1], [[0.5, 0.5]]))).toBe('METRIC_SHAPE');
    expect(code(() => paddedCmap([], []))).toBe('METRIC_EMPTY');
    expect(code(() => rocAuc([], []))).toBe('METRIC_EMPTY');
    expect(code(() => top1Accuracy([], []))).toBe('METRIC_EMPTY');
    expect(code(() => rocAuc([2], [0.5]))).toBe('METRIC_LABEL');
    expect(code(() => top1Accuracy([5], [[0.5]]))).toBe('METRIC_LABEL');
    expect(code(() => rocAuc([1], [Number.NaN]))).toBe('METRIC_SCORE');
    expect(code(() => paddedCmap([[1]], [[0.5]], -1))).toBe('PARAM_INVALID');
    expect(code(() => expectedCalibrationError([[1]], [[0.5]], 0))).toBe('PARAM_INVALID');
  });
  it('refuse unequal lengths, no rows, ragged rows, labels outside [0, 1] and non-finite scores', () => {
    expect(() => macroRocAuc([[1], [0]], [[0.5]])).toThrow(/macroRocAuc: 2 label rows but 1 score rows/);
    expect(() => paddedCmap([], [])).toThrow(/paddedCmap: no rows to score/);
    expect(() => perClassPrecisionRecall([[1, 0], [1]], [[0.5, 0.5], [0.5, 0.5]])).toThrow(/perClassPrecisionRecall: row 1 has 1 labels and 2 scores, expected 2/);
    expect(() => expectedCalibrationError([[-0.5]], [[0.5]])).toThrow(/expectedCalibrationError: label -0.5 in row 0 is outside/);
    expect(() => rowwiseMicroF1([[1]], [[Number.POSITIVE_INFINITY]])).toThrow(/rowwiseMicroF1: score Infinity in row 0 is not finite/);
    expect(() => rocAuc([1, 0], [0.5])).toThrow(/rocAuc: 2 labels but 1 scores/);
    expect(() => averagePrecision([], [])).toThrow(/averagePrecision: no rows to score/);
    expect(() => averagePrecision([1.5], [0.5])).toThrow(/averagePrecision: label 1.5/);
  });
});
