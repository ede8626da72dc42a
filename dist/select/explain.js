export const METRIC_LABEL = {
    macroRocAuc: 'macro ROC-AUC',
    paddedCmap: 'padded cmAP',
    rowwiseMicroF1: 'row-wise micro F1',
};
export const CRITERION_LABEL = {
    worstSlice: 'worst slice',
    secondary: 'secondary-label AUC',
    calibration: 'calibration error (ECE, lower is better)',
    stability: 'disagreement with the other tied models (lower is better)',
};
export function num(x, digits = 3) {
    return x === null ? 'n/a' : x.toFixed(digits);
}
/** "0.912 [0.880, 0.940]" */
export function fmt(e, digits = 3) {
    if (e === null)
        return 'n/a';
    return `${num(e.value, digits)} [${num(e.lo, digits)}, ${num(e.hi, digits)}]`;
}
function signed(e) {
    const s = (x) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);
    return `${s(e.value)} [${s(e.lo)}, ${s(e.hi)}]`;
}
/** A candidate's value on a criterion, in words. */
export function criterionValue(c, criterion) {
    switch (criterion) {
        case 'worstSlice':
            return c.worstSlice ? `${fmt(c.worstSlice)} on ${c.worstSlice.column} = ${c.worstSlice.slice}` : 'n/a';
        case 'secondary':
            return fmt(c.secondary);
        case 'calibration':
            return fmt(c.calibration);
        case 'stability':
            return fmt(c.stability);
    }
}
function list(names) {
    return names.length === 0 ? 'none' : names.join(', ');
}
/** Plain-words account of a selection: what was compared, what was tied, and what decided. */
export function explain(sel) {
    const by = new Map(sel.candidates.map((c) => [c.name, c]));
    const metric = `${METRIC_LABEL[sel.mainMetric]} on primary labels`;
    const pct = Math.round(sel.settings.confidence * 100);
    const best = by.get(sel.bestOnMain);
    const lines = [];
    lines.push(`Main metric: ${metric}, with ${pct}% intervals from a paired bootstrap over ${sel.data.recordings} recordings ` +
        `(${sel.data.rows} chunks; ${sel.settings.bootstrap} resamples, seed ${sel.settings.seed}).`);
    lines.push(`Best on the main metric: ${best.name} at ${fmt(best.main)}.`);
    lines.push(`Tie set (difference to ${best.name} has an interval containing 0, or is under ε = ${sel.settings.epsilon}): ` +
        `${list(sel.tieSet)}.`);
    for (const c of sel.candidates.filter((c) => !c.inTieSet)) {
        lines.push(`${c.name} is out: ${fmt(c.main)}, difference ${signed(c.diffToBest)} is clearly below ${best.name}.`);
    }
    if (sel.rule.kind === 'lexicographic') {
        lines.push(`Rule: lexicographic over ${sel.rule.order.map((c) => CRITERION_LABEL[c]).join(', then ')}; ` +
            'a criterion removes a candidate only when its difference to the leader has an interval excluding 0.');
        for (const step of sel.steps)
            lines.push(stepLine(step, by));
    }
    else {
        const w = sel.rule.weights;
        lines.push(`Rule: weighted sum of criteria scaled 0..1 within the tie set (weights: ${Object.keys(w)
            .map((c) => `${c} ${w[c]}`)
            .join(', ')}).`);
        if (sel.weightedScores) {
            lines.push(`Weighted scores: ${sel.ranking.filter((n) => n in sel.weightedScores).map((n) => `${n} ${sel.weightedScores[n].toFixed(3)}`).join(', ')}.`);
        }
    }
    const chosen = by.get(sel.chosen);
    lines.push(chosenLine(sel, chosen));
    if (sel.runnerUp !== null)
        lines.push(runnerUpLine(sel, chosen, by.get(sel.runnerUp)));
    return lines;
}
function stepLine(step, by) {
    const label = CRITERION_LABEL[step.criterion];
    if (step.leader === null)
        return `${capital(label)}: skipped (${step.note ?? 'not available'}).`;
    const leader = by.get(step.leader);
    const head = `${capital(label)}: ${step.leader} leads with ${criterionValue(leader, step.criterion)}`;
    if (step.eliminated.length === 0)
        return `${head}; no clear difference among ${list(step.considered)}, so the next criterion decides.`;
    const out = step.eliminated
        .map((e) => `${e.name} (${criterionValue(by.get(e.name), step.criterion)}; difference ${signed(e.diff)})`)
        .join('; ');
    return `${head}; clearly worse and removed: ${out}.`;
}
function chosenLine(sel, chosen) {
    if (sel.tieSet.length === 1) {
        return `Chosen: ${chosen.name}, the only candidate in the tie set: it is clearly best on the main metric.`;
    }
    if (sel.rule.kind === 'weights') {
        return `Chosen: ${chosen.name}, the highest weighted score among the tied candidates.`;
    }
    const decisive = sel.steps.filter((s) => s.eliminated.length > 0);
    const reasons = decisive.map((s) => `its ${CRITERION_LABEL[s.criterion]} (${criterionValue(chosen, s.criterion)}) beat ${list(s.eliminated.map((e) => e.name))}` +
        (s.leader !== chosen.name ? ` (led by ${s.leader})` : ''));
    if (sel.undecided.length > 1) {
        reasons.push(`it stayed tied with ${list(sel.undecided.filter((n) => n !== chosen.name))} on every remaining criterion and has the best main-metric estimate (${fmt(chosen.main)})`);
    }
    return `Chosen: ${chosen.name}, because ${reasons.join('; and ')}.`;
}
function runnerUpLine(sel, chosen, runner) {
    if (!runner.inTieSet) {
        return `Runner-up: ${runner.name}, which lacked main-metric performance: ${fmt(runner.main)}, difference ${signed(runner.diffToBest)} to the best.`;
    }
    if (sel.rule.kind === 'weights') {
        const s = sel.weightedScores ?? {};
        return `Runner-up: ${runner.name}, weighted score ${num(s[runner.name] ?? null)} against ${num(s[chosen.name] ?? null)}.`;
    }
    for (const step of sel.steps) {
        const e = step.eliminated.find((x) => x.name === runner.name);
        if (e) {
            return (`Runner-up: ${runner.name}, which lacked ${CRITERION_LABEL[step.criterion]}: ${criterionValue(runner, step.criterion)} ` +
                `against ${criterionValue(chosen, step.criterion)} for ${chosen.name} (difference to the leader ${signed(e.diff)}).`);
        }
    }
    return `Runner-up: ${runner.name}, tied with ${chosen.name} on every criterion; it lacked only the main-metric estimate (${fmt(runner.main)} against ${fmt(chosen.main)}), a difference within noise.`;
}
function capital(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
}
//# sourceMappingURL=explain.js.map