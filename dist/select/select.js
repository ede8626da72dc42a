import { parseParams } from "../params.js";
import { BirdcallError } from "../errors.js";
import { expectedCalibrationError, top1Accuracy } from "../metrics/index.js";
import { containsZero, pairedDifference, percentileInterval, resampleWeights } from "./bootstrap.js";
import { CandidateEvaluator, disagreement, prepareData, recordingMean } from "./criteria.js";
import { explain } from "./explain.js";
import { resolveSliceColumns, sliceColumn } from "./slices.js";
import { SelectOptionsSchema, } from "./types.js";
function parseOptions(options) {
    return parseParams(SelectOptionsSchema, options, 'invalid selection options', { usage: true, spell: (name) => `option "${name}"` });
}
function validate(evalSet, candidates) {
    const classes = new Set(evalSet.classes);
    if (evalSet.classes.length === 0)
        throw new BirdcallError('SELECT_NO_CLASSES', 'the evaluation set has no classes');
    if (classes.size !== evalSet.classes.length) {
        throw new BirdcallError('SELECT_DUPLICATE_CLASS', 'the evaluation set lists a class twice');
    }
    if (evalSet.rows.length === 0)
        throw new BirdcallError('SELECT_NO_ROWS', 'the evaluation set has no rows');
    evalSet.rows.forEach((row, i) => {
        if (!classes.has(row.primary)) {
            throw new BirdcallError('SELECT_UNKNOWN_LABEL', `row ${i} (recording ${row.recording}) has primary label '${row.primary}', which is not in the class list`);
        }
    });
    if (candidates.length === 0)
        throw new BirdcallError('SELECT_NO_CANDIDATES', 'no candidate models to select from');
    const names = new Set();
    for (const cand of candidates) {
        if (names.has(cand.name))
            throw new BirdcallError('SELECT_DUPLICATE_NAME', `two candidates are named '${cand.name}'`);
        names.add(cand.name);
        if (cand.scores.length !== evalSet.rows.length) {
            throw new BirdcallError('SELECT_SHAPE', `candidate '${cand.name}' has ${cand.scores.length} score rows for ${evalSet.rows.length} evaluation rows`);
        }
        cand.scores.forEach((row, i) => {
            if (row.length !== evalSet.classes.length) {
                throw new BirdcallError('SELECT_SHAPE', `candidate '${cand.name}' row ${i} has ${row.length} scores for ${evalSet.classes.length} classes`);
            }
            for (const s of row) {
                if (!Number.isFinite(s)) {
                    throw new BirdcallError('SELECT_SCORE', `candidate '${cand.name}' row ${i} has a non-finite score (${s})`);
                }
            }
        });
    }
}
function estimate(s, confidence) {
    return percentileInterval(s.value, s.reps, confidence);
}
function finiteMin(values) {
    let m = Number.NaN;
    for (const v of values)
        if (!Number.isNaN(v) && !(v >= m))
            m = v;
    return m;
}
/**
 * Choose among candidate models scored on one evaluation set.
 *  1. Main metric on primary labels with a paired bootstrap over recordings; the tie set is every candidate
 *     whose difference to the best has an interval containing 0, or is smaller than `epsilon`.
 *  2. Within the tie set, the rule (default: lexicographic over worst slice, secondary labels, calibration,
 *     stability; see DEFAULT_ORDER for why) picks the winner; repeating it on the rest ranks the tie set.
 * Every figure comes with its percentile interval, and `explanation` says in words why the winner won.
 */
export function selectModels(evalSet, candidates, options) {
    const opt = parseOptions(options);
    validate(evalSet, candidates);
    const data = prepareData(evalSet);
    const notes = [];
    if (data.unknownSecondary.length > 0) {
        notes.push(`Secondary labels not in the class list were not scored: ${data.unknownSecondary.join(', ')}.`);
    }
    const columns = resolveSliceColumns(evalSet, opt.sliceColumns);
    const sliceAssignments = columns.map((c) => sliceColumn(evalSet, c, opt.minSliceSize, opt.smallSlices, opt.regionCellDegrees));
    const evaluators = candidates.map((c) => new CandidateEvaluator(data, c, opt.mainMetric, {
        threshold: opt.threshold,
        padding: opt.padding,
        calibrationBins: opt.calibrationBins,
    }));
    // A slice where the metric is undefined on the full set (e.g. macro AUC with one species) cannot rank.
    for (const a of sliceAssignments) {
        const full = new Float64Array(a.info.slices.length);
        evaluators[0].mainBySlice(null, a.rowSlice, full);
        a.info.slices.forEach((s, j) => {
            if (s.status === 'ok' && Number.isNaN(full[j]))
                s.status = 'undefined';
        });
    }
    const sampled = bootstrapAll(data, evaluators, sliceAssignments, opt);
    // Tie set.
    const K = candidates.length;
    const names = candidates.map((c) => c.name);
    const best = argmaxFinite(sampled.main.map((s) => s.value));
    if (best < 0) {
        throw new BirdcallError('SELECT_METRIC_UNDEFINED', `${opt.mainMetric} is undefined on this evaluation set (it needs at least two classes among the primary labels)`);
    }
    const diffs = sampled.main.map((s) => ({
        value: s.value - sampled.main[best].value,
        reps: pairedDifference(s.reps, sampled.main[best].reps),
    }));
    const diffEst = diffs.map((d) => estimate(d, opt.confidence));
    const inTie = diffEst.map((d, k) => k === best || (d.value !== null && (containsZero(d) || Math.abs(d.value) < opt.epsilon)));
    const tieIdx = [...Array(K).keys()].filter((k) => inTie[k]);
    // Stability within the tie set: a second pass over the same resamples (same seed, same draws).
    const stability = new Map();
    if (tieIdx.length > 1) {
        const tops = tieIdx.map((k) => evaluators[k].topByRecording);
        const perRecording = tieIdx.map((_, j) => disagreement(tops, j));
        tieIdx.forEach((k, j) => stability.set(k, { value: recordingMean(perRecording[j], null), reps: new Float64Array(opt.bootstrap) }));
        let b = 0;
        for (const { counts } of resampleWeights(data.rowRecording, data.recordings.length, opt.bootstrap, opt.seed)) {
            tieIdx.forEach((k, j) => (stability.get(k).reps[b] = recordingMean(perRecording[j], counts)));
            b++;
        }
    }
    const calibrationTruth = candidateLabels(data);
    const results = candidates.map((cand, k) => {
        const ece = expectedCalibrationError(calibrationTruth, cand.scores, opt.calibrationBins);
        const slices = {};
        const worstByColumn = {};
        sliceAssignments.forEach((a, ci) => {
            slices[a.info.column] = {};
            a.info.slices.forEach((s, j) => (slices[a.info.column][s.name] = estimate(sampled.slices[k][ci][j], opt.confidence)));
            const w = sampled.worstByColumn[k][ci];
            if (w.slice !== null)
                worstByColumn[a.info.column] = { ...estimate(w, opt.confidence), slice: w.slice };
        });
        const worst = sampled.worst[k];
        return {
            name: cand.name,
            ...(cand.info !== undefined ? { info: cand.info } : {}),
            inTieSet: inTie[k],
            main: estimate(sampled.main[k], opt.confidence),
            diffToBest: diffEst[k],
            top1Accuracy: top1Accuracy(data.primaryIndex, cand.scores),
            secondary: data.secondaryClasses.length > 0 ? estimate(sampled.secondary[k], opt.confidence) : null,
            worstSlice: worst.slice !== null && worst.column !== null
                ? { ...estimate(worst, opt.confidence), column: worst.column, slice: worst.slice }
                : null,
            worstSliceByColumn: worstByColumn,
            slices,
            calibration: estimate(sampled.calibration[k], opt.confidence),
            reliability: ece.reliability,
            stability: stability.has(k) ? estimate(stability.get(k), opt.confidence) : null,
        };
    });
    // Criteria per tie-set candidate, oriented higher-is-better.
    const criteria = {
        worstSlice: criterionData('worstSlice', 1, tieIdx, names, (k) => (results[k].worstSlice ? sampled.worst[k] : null)),
        secondary: criterionData('secondary', 1, tieIdx, names, (k) => (results[k].secondary ? sampled.secondary[k] : null)),
        calibration: criterionData('calibration', -1, tieIdx, names, (k) => sampled.calibration[k]),
        stability: criterionData('stability', -1, tieIdx, names, (k) => stability.get(k) ?? null),
    };
    const mainValue = new Map(names.map((n, k) => [n, sampled.main[k].value]));
    const tieNames = tieIdx.map((k) => names[k]);
    const ranked = rankTieSet(tieNames, criteria, mainValue, opt);
    const outside = [...Array(K).keys()]
        .filter((k) => !inTie[k])
        .sort((a, b) => sampled.main[b].value - sampled.main[a].value || a - b)
        .map((k) => names[k]);
    const ranking = [...ranked.order, ...outside];
    const selection = {
        version: 1,
        mainMetric: opt.mainMetric,
        chosen: ranking[0],
        bestOnMain: names[best],
        runnerUp: ranking[1] ?? null,
        tieSet: tieNames,
        ranking,
        rule: opt.rule,
        steps: ranked.steps,
        undecided: ranked.undecided,
        ...(ranked.weightedScores ? { weightedScores: ranked.weightedScores } : {}),
        candidates: results,
        slices: sliceAssignments.map((a) => a.info),
        data: {
            rows: data.rows,
            recordings: data.recordings.length,
            classes: [...evalSet.classes],
            secondaryPairs: data.secondaryPairs,
        },
        settings: {
            bootstrap: opt.bootstrap,
            seed: opt.seed,
            confidence: opt.confidence,
            epsilon: opt.epsilon,
            criterionEpsilon: opt.criterionEpsilon,
            minSliceSize: opt.minSliceSize,
            smallSlices: opt.smallSlices,
            calibrationBins: opt.calibrationBins,
        },
        explanation: [],
        notes,
    };
    for (const a of sliceAssignments) {
        for (const s of a.info.slices) {
            if (s.status === 'flagged') {
                notes.push(`Slice ${a.info.column} = ${s.name} has ${s.recordings} recording(s), under the minimum of ${opt.minSliceSize}: shown, not used for the worst slice.`);
            }
            else if (s.status === 'undefined') {
                notes.push(`Slice ${a.info.column} = ${s.name}: ${opt.mainMetric} is undefined there (too few classes); not used.`);
            }
        }
    }
    if (columns.length === 0)
        notes.push('No metadata column to slice by (type, rating, latitude/longitude, recordist): worst slice not assessed.');
    if (data.secondaryClasses.length === 0)
        notes.push('No secondary labels in the evaluation set: secondary-label score not assessed.');
    selection.explanation = explain(selection);
    return selection;
}
/** The calibration truth as rows (primary + secondary), for the point reliability diagram. */
function candidateLabels(data) {
    return Array.from({ length: data.rows }, (_, i) => Float64Array.from(data.multiHot, (col) => col[i]));
}
function argmaxFinite(values) {
    let best = -1;
    values.forEach((v, k) => {
        if (!Number.isNaN(v) && (best < 0 || v > values[best]))
            best = k;
    });
    return best;
}
/**
 * One pass over the resamples computing every candidate's main metric, slices, secondary score and
 * calibration; the same draw serves every candidate (paired). The worst slice is taken per resample (the
 * minimum over used slices of that resample), so its interval includes the uncertainty of which slice is worst.
 */
function bootstrapAll(data, evaluators, assignments, opt) {
    const B = opt.bootstrap;
    const hasSecondary = data.secondaryClasses.length > 0;
    const fresh = (value) => ({ value, reps: new Float64Array(B) });
    const main = evaluators.map((e) => fresh(e.main(null)));
    const secondary = evaluators.map((e) => fresh(hasSecondary ? e.secondary(null) : Number.NaN));
    const calibration = evaluators.map((e) => fresh(e.calibration(null)));
    // Per column, a reused buffer for the slice values of one resample.
    const sliceOut = assignments.map((a) => new Float64Array(a.info.slices.length));
    const slices = evaluators.map((e) => assignments.map((a, ci) => {
        e.mainBySlice(null, a.rowSlice, sliceOut[ci]);
        return Array.from(sliceOut[ci], (v) => fresh(v));
    }));
    let b = 0;
    for (const { rowWeights } of resampleWeights(data.rowRecording, data.recordings.length, B, opt.seed)) {
        evaluators.forEach((e, k) => {
            main[k].reps[b] = e.main(rowWeights);
            if (hasSecondary)
                secondary[k].reps[b] = e.secondary(rowWeights);
            calibration[k].reps[b] = e.calibration(rowWeights);
            assignments.forEach((a, ci) => {
                e.mainBySlice(rowWeights, a.rowSlice, sliceOut[ci]);
                sliceOut[ci].forEach((v, j) => (slices[k][ci][j].reps[b] = v));
            });
        });
        b++;
    }
    // Only slices with status 'ok' compete for the worst slice (flagged and undefined ones are reported only).
    const used = assignments.map((a) => a.info.slices.flatMap((s, j) => (s.status === 'ok' ? [j] : [])));
    const worstByColumn = slices.map((cols) => cols.map((col, ci) => {
        const js = used[ci];
        const value = finiteMin(js.map((j) => col[j].value));
        const at = js.find((j) => col[j].value === value);
        const reps = new Float64Array(B).map((_, r) => finiteMin(js.map((j) => col[j].reps[r])));
        return { value, reps, slice: at === undefined ? null : assignments[ci].info.slices[at].name };
    }));
    const worst = worstByColumn.map((cols) => {
        const value = finiteMin(cols.map((c) => c.value));
        const at = cols.findIndex((c) => c.slice !== null && c.value === value);
        const reps = new Float64Array(B).map((_, r) => finiteMin(cols.map((c) => c.reps[r])));
        return {
            value,
            reps,
            column: at >= 0 ? assignments[at].info.column : null,
            slice: at >= 0 ? cols[at].slice : null,
        };
    });
    return { main, secondary, calibration, slices, worst, worstByColumn };
}
function criterionData(criterion, sign, tieIdx, names, get) {
    const values = new Map();
    for (const k of tieIdx) {
        const s = get(k);
        if (s !== null && !Number.isNaN(s.value))
            values.set(names[k], s);
    }
    return { criterion, sign, values };
}
const CRITERION_UNAVAILABLE = {
    worstSlice: 'no usable metadata slice',
    secondary: 'no secondary labels in the evaluation set',
    calibration: 'calibration could not be computed',
    stability: 'stability needs at least two tied candidates',
};
/** The tie set in rule order: the rule picks a winner, then picks again among the rest, and so on. */
function rankTieSet(tie, criteria, mainValue, opt) {
    const byMain = (a, b) => mainValue.get(b) - mainValue.get(a);
    const rule = opt.rule;
    if (rule.kind === 'weights') {
        const scores = {};
        for (const n of tie)
            scores[n] = 0;
        for (const c of Object.keys(rule.weights)) {
            const w = rule.weights[c];
            const cd = criteria[c];
            if (w === 0 || !tie.every((n) => cd.values.has(n)))
                continue;
            // Min-max scaling within the tie set puts criteria with different units on one 0..1 scale.
            const oriented = tie.map((n) => cd.sign * cd.values.get(n).value);
            const lo = Math.min(...oriented);
            const hi = Math.max(...oriented);
            tie.forEach((n, j) => (scores[n] += w * (hi > lo ? (oriented[j] - lo) / (hi - lo) : 1)));
        }
        const order = [...tie].sort((a, b) => scores[b] - scores[a] || byMain(a, b));
        return { order, steps: [], undecided: [], weightedScores: scores };
    }
    const pick = (alive0) => {
        let alive = [...alive0];
        const steps = [];
        for (const criterion of rule.order) {
            if (alive.length <= 1)
                break;
            const cd = criteria[criterion];
            if (!alive.every((n) => cd.values.has(n))) {
                steps.push({ criterion, considered: alive, leader: null, eliminated: [], note: CRITERION_UNAVAILABLE[criterion] });
                continue;
            }
            const val = (n) => cd.sign * cd.values.get(n).value;
            const considered = [...alive].sort((a, b) => val(b) - val(a) || byMain(a, b));
            const leader = considered[0];
            const lead = cd.values.get(leader);
            const eliminated = [];
            for (const n of considered.slice(1)) {
                const s = cd.values.get(n);
                const diff = percentileInterval(s.value - lead.value, pairedDifference(s.reps, lead.reps), opt.confidence);
                // Clearly worse: the whole interval is on the bad side of 0 and the gap is not negligible.
                const worse = cd.sign === 1 ? diff.hi !== null && diff.hi < 0 : diff.lo !== null && diff.lo > 0;
                if (worse && Math.abs(diff.value ?? 0) >= opt.criterionEpsilon)
                    eliminated.push({ name: n, diff });
            }
            steps.push({ criterion, considered, leader, eliminated });
            const out = new Set(eliminated.map((e) => e.name));
            alive = alive.filter((n) => !out.has(n));
        }
        const sorted = [...alive].sort(byMain);
        return { winner: sorted[0], steps, undecided: alive.length > 1 ? sorted : [] };
    };
    const first = pick(tie);
    const order = [first.winner];
    let rest = tie.filter((n) => n !== first.winner);
    while (rest.length > 0) {
        const w = pick(rest).winner;
        order.push(w);
        rest = rest.filter((n) => n !== w);
    }
    return { order, steps: first.steps, undecided: first.undecided };
}
//# sourceMappingURL=select.js.map