import { CRITERION_LABEL, METRIC_LABEL, fmt, num } from './explain.ts';
import type { CandidateResult, Estimate, Selection } from './types.ts';

/**
 * The selection as one self-contained HTML page: inline CSS and inline SVG only (no scripts, fonts or
 * network), so it opens from a mail attachment or an offline machine. Every plot is an
 * `<svg class="plot" data-plot="…">` so tests and readers can find it.
 *
 * @param sel - a `selectModels` result (or a selection.json read back).
 * @returns the HTML page.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { renderReport, selectModels } from 'birdcall';
 *
 * const rows = Array.from({ length: 20 }, (_, i) => ({ recording: `XC${i}`, primary: i % 2 ? 'wren' : 'robin', secondary: [], metadata: {} }));
 * const scores = rows.map((_, i) => (i % 2 ? Float32Array.of(0.3, 0.7) : Float32Array.of(0.8, 0.2)));
 * const html = renderReport(selectModels({ classes: ['robin', 'wren'], rows }, [{ name: 'm', scores }]));
 * assert.ok(html.includes('data-plot="main-metric"')); // the main metric with its interval
 * assert.ok(!html.includes('<script')); // self-contained: opens offline, runs nothing
 * ```
 */
export function renderReport(sel: Selection): string {
  const metric = METRIC_LABEL[sel.mainMetric];
  const pct = Math.round(sel.settings.confidence * 100);
  const secondaryOk = sel.candidates.some((c) => c.secondary !== null);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>birdcall model selection: ${esc(sel.chosen)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; } th, td { padding: 4px 8px; border-bottom: 1px solid #eee; text-align: left; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.chosen { color: #1b7837; font-weight: bold; } .out { color: #888; }
svg.plot { display: block; margin: 0.5em 0; font-size: 12px; }
.note { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
</style>
</head>
<body>
<h1>Model selection: <span class="chosen">${esc(sel.chosen)}</span></h1>
<p>Runner-up: <b>${esc(sel.runnerUp ?? 'none')}</b>. Tie set on ${esc(metric)}: ${esc(sel.tieSet.join(', '))}
(${sel.tieSet.length} of ${sel.candidates.length} candidates). ${sel.data.recordings} recordings, ${sel.data.rows} chunks,
${sel.data.classes.length} classes; ${pct}% intervals from ${sel.settings.bootstrap} paired bootstrap resamples over recordings (seed ${sel.settings.seed}).</p>
<h2>Why</h2>
<ol>${sel.explanation.map((l) => `<li>${esc(l)}</li>`).join('\n')}</ol>
<h2>Main metric: ${esc(metric)} on primary labels</h2>
${forestPlot('main-metric', sel, (c) => c.main, `${metric} with ${pct}% interval`)}
<div class="scroll">${candidateTable(sel)}</div>
<h2>Secondary (background) species</h2>
<p class="note">Macro ROC-AUC of each background species over the chunks whose recording lists it, against chunks where it is absent.</p>
${secondaryOk ? forestPlot('secondary', sel, (c) => c.secondary, `secondary-label AUC with ${pct}% interval`) : emptyPlot('secondary', 'No secondary labels in the evaluation set.')}
<h2>Slices: ${esc(metric)} per metadata value</h2>
<p class="note">Slices with fewer than ${sel.settings.minSliceSize} recordings are merged into 'other' or flagged, never used silently. The worst slice is shown with that slice's own interval; the rule compares candidates on each resample's worst slice, which also carries the uncertainty of which slice is worst.</p>
<div class="scroll">${heatmap(sel)}</div>
<h2>Calibration: reliability diagram</h2>
<p class="note">Mean predicted probability against the observed frequency of the label, per score bin, pooled over classes (primary and secondary labels). The diagonal is perfect calibration. The ECE (legend, and the table above) is bias-corrected by the bootstrap, with the basic bootstrap interval: the plain ECE of a finite set grows with binning noise, even for a perfectly calibrated model.</p>
${reliabilityPlot(sel)}
${sel.notes.length > 0 ? `<h2>Notes</h2><ul>${sel.notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}</ul>` : ''}
<h2>Settings</h2>
<p class="note">${esc(JSON.stringify({ rule: sel.rule, ...sel.settings }))}</p>
</body>
</html>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const COLOR = { chosen: '#1b7837', tie: '#2166ac', out: '#9a9a9a' };

function colorOf(sel: Selection, c: CandidateResult): string {
  return c.name === sel.chosen ? COLOR.chosen : c.inTieSet ? COLOR.tie : COLOR.out;
}

/** Sorted candidates: the selection's ranking order. */
function ordered(sel: Selection): CandidateResult[] {
  const by = new Map(sel.candidates.map((c) => [c.name, c]));
  return sel.ranking.map((n) => by.get(n)!);
}

function ticks(lo: number, hi: number, count = 5): number[] {
  const step = (hi - lo) / (count - 1);
  return Array.from({ length: count }, (_, k) => lo + k * step);
}

function emptyPlot(name: string, message: string): string {
  return `<svg class="plot" data-plot="${name}" width="640" height="40" viewBox="0 0 640 40" role="img" aria-label="${esc(message)}">
<text x="10" y="24" fill="#555">${esc(message)}</text></svg>`;
}

/** One row per candidate: the estimate as a dot and its interval as a line, on a shared axis. */
function forestPlot(name: string, sel: Selection, get: (c: CandidateResult) => Estimate | null, title: string): string {
  const rows = ordered(sel);
  const values = rows.flatMap((c) => {
    const e = get(c);
    return e === null ? [] : [e.value, e.lo, e.hi].filter((x): x is number => x !== null);
  });
  if (values.length === 0) return emptyPlot(name, 'No values to plot.');
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = Math.max((hi - lo) * 0.08, 0.005);
  lo -= pad;
  hi += pad;
  const left = 170;
  const width = 640;
  const plotW = width - left - 20;
  const rowH = 26;
  const top = 24;
  const height = top + rows.length * rowH + 34;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * plotW;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="14" fill="#333">${esc(title)}</text>`);
  rows.forEach((c, k) => {
    const y = top + k * rowH + rowH / 2;
    const e = get(c);
    const color = colorOf(sel, c);
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" fill="${color}">${esc(c.name)}</text>`);
    if (e === null || e.value === null) {
      parts.push(`<text x="${left + 4}" y="${y + 4}" fill="#888">n/a</text>`);
      return;
    }
    if (e.lo !== null && e.hi !== null) {
      parts.push(`<line x1="${x(e.lo).toFixed(1)}" x2="${x(e.hi).toFixed(1)}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2.5"/>`);
    }
    parts.push(`<circle cx="${x(e.value).toFixed(1)}" cy="${y}" r="5" fill="${color}"><title>${esc(`${c.name}: ${fmt(e)}`)}</title></circle>`);
  });
  const axisY = top + rows.length * rowH + 4;
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${axisY}" y2="${axisY}" stroke="#444"/>`);
  for (const t of ticks(lo, hi)) {
    parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${axisY}" y2="${axisY + 5}" stroke="#444"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 18}" text-anchor="middle" fill="#444">${t.toFixed(3)}</text>`);
  }
  return `<svg class="plot" data-plot="${name}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
${parts.join('\n')}
</svg>`;
}

function candidateTable(sel: Selection): string {
  const head = ['model', 'main metric', 'difference to best', 'top-1', 'secondary AUC', 'worst slice', 'ECE', 'disagreement'];
  const rows = ordered(sel).map((c) => {
    const cls = c.name === sel.chosen ? 'chosen' : c.inTieSet ? '' : 'out';
    const worst = c.worstSlice ? `${fmt(c.worstSlice)} (${c.worstSlice.column} = ${c.worstSlice.slice})` : 'n/a';
    const cells = [fmt(c.main), fmt(c.diffToBest), num(c.top1Accuracy), fmt(c.secondary), worst, fmt(c.calibration), fmt(c.stability)];
    return `<tr class="${cls}"><td>${esc(c.name)}${c.inTieSet ? '' : ' (not tied)'}</td>${cells.map((v) => `<td class="num">${esc(v)}</td>`).join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>
<p class="note">Criteria: ${Object.values(CRITERION_LABEL).map(esc).join('; ')}.</p>`;
}

/** Red (low) to yellow to green (high), on the range of the used cells. */
function heatColor(t: number): string {
  const stops = [
    [215, 48, 39],
    [254, 224, 139],
    [26, 152, 80],
  ];
  const u = Math.min(1, Math.max(0, t)) * 2;
  const k = Math.min(1, Math.floor(u));
  const f = u - k;
  const rgb = stops[k].map((a, i) => Math.round(a + f * (stops[k + 1][i] - a)));
  return `rgb(${rgb.join(',')})`;
}

/** Candidates x slices, colored by the main metric on the slice; flagged or undefined slices in grey. */
function heatmap(sel: Selection): string {
  const cols = sel.slices.flatMap((col) => col.slices.map((s) => ({ column: col.column, slice: s })));
  if (cols.length === 0) return emptyPlot('slices', 'No metadata column to slice by.');
  const rows = ordered(sel);
  const used = rows.flatMap((c) =>
    cols.flatMap(({ column, slice }) => {
      const v = c.slices[column]?.[slice.name]?.value;
      return slice.status === 'ok' && v !== null && v !== undefined ? [v] : [];
    }),
  );
  const lo = used.length > 0 ? Math.min(...used) : 0;
  const hi = used.length > 0 ? Math.max(...used) : 1;
  const left = 170;
  const cellW = 74;
  const cellH = 26;
  const top = 130;
  // Column labels are drawn rotated 45° up and to the right: leave room for the last ones to run past the grid.
  const width = left + cols.length * cellW + top;
  const height = top + rows.length * cellH + 30;
  const parts: string[] = [];
  cols.forEach(({ column, slice }, j) => {
    const cx = left + j * cellW + cellW / 2;
    const label = `${column} = ${slice.name} (${slice.recordings} rec.)${slice.status === 'ok' ? '' : ` [${slice.status}]`}`;
    parts.push(
      `<text transform="translate(${cx},${top - 6}) rotate(-40)" fill="${slice.status === 'ok' ? '#333' : '#999'}">${esc(label.length > 34 ? label.slice(0, 33) + '…' : label)}<title>${esc(label)}</title></text>`,
    );
  });
  rows.forEach((c, k) => {
    const y = top + k * cellH;
    parts.push(`<text x="${left - 8}" y="${y + cellH / 2 + 4}" text-anchor="end" fill="${colorOf(sel, c)}">${esc(c.name)}</text>`);
    cols.forEach(({ column, slice }, j) => {
      const e = c.slices[column]?.[slice.name] ?? null;
      const v = e?.value ?? null;
      const fill = slice.status !== 'ok' || v === null ? '#e5e5e5' : heatColor(hi > lo ? (v - lo) / (hi - lo) : 1);
      const isWorst = c.worstSlice !== null && c.worstSlice.column === column && c.worstSlice.slice === slice.name;
      parts.push(
        `<rect x="${left + j * cellW}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${fill}"${isWorst ? ' stroke="#000" stroke-width="2"' : ''}><title>${esc(`${c.name}, ${column} = ${slice.name}: ${fmt(e)}`)}</title></rect>`,
      );
      parts.push(`<text x="${left + j * cellW + cellW / 2 - 1}" y="${y + cellH / 2 + 3}" text-anchor="middle" fill="#111">${num(v)}</text>`);
    });
  });
  parts.push(`<text x="${left}" y="${height - 8}" fill="#555">black border: the candidate's worst used slice; grey: flagged or undefined slice</text>`);
  return `<svg class="plot" data-plot="slices" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="main metric per slice">
${parts.join('\n')}
</svg>`;
}

const LINE_COLORS = ['#1b7837', '#2166ac', '#b2182b', '#762a83', '#e08214', '#35978f', '#8c510a', '#c51b7d'];

function reliabilityPlot(sel: Selection): string {
  const size = 360;
  const m = 40;
  // Room for the longest legend entry (about 7 px a character at the default font size).
  const legendW = 50 + 7 * Math.max(0, ...sel.candidates.map((c) => `${c.name} (ECE 0.000)`.length));
  const inner = size - 2 * m;
  const x = (v: number): number => m + v * inner;
  const y = (v: number): number => size - m - v * inner;
  const parts: string[] = [];
  parts.push(`<rect x="${m}" y="${m}" width="${inner}" height="${inner}" fill="none" stroke="#444"/>`);
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#999" stroke-dasharray="4 3"/>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<text x="${x(t)}" y="${size - m + 16}" text-anchor="middle" fill="#444">${t}</text>`);
    parts.push(`<text x="${m - 6}" y="${y(t) + 4}" text-anchor="end" fill="#444">${t}</text>`);
  }
  parts.push(`<text x="${size / 2}" y="${size - 6}" text-anchor="middle" fill="#333">mean predicted probability</text>`);
  parts.push(`<text transform="translate(12,${size / 2}) rotate(-90)" text-anchor="middle" fill="#333">observed frequency</text>`);
  ordered(sel).forEach((c, k) => {
    const color = LINE_COLORS[k % LINE_COLORS.length];
    const r = c.reliability;
    const pts = r.meanConfidence.flatMap((conf, b) => {
      const obs = r.observedFrequency[b];
      return conf === null || obs === null ? [] : [{ cx: x(conf), cy: y(obs), n: r.count[b] }];
    });
    if (pts.length > 1) {
      parts.push(`<polyline points="${pts.map((p) => `${p.cx.toFixed(1)},${p.cy.toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of pts) {
      parts.push(`<circle cx="${p.cx.toFixed(1)}" cy="${p.cy.toFixed(1)}" r="${(2 + Math.log10(1 + p.n)).toFixed(1)}" fill="${color}"><title>${esc(`${c.name}: ${p.n} pairs`)}</title></circle>`);
    }
    const ly = m + 14 + k * 18;
    parts.push(`<line x1="${size + 10}" x2="${size + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`);
    parts.push(`<text x="${size + 36}" y="${ly}" fill="#333">${esc(`${c.name} (ECE ${num(c.calibration.value)})`)}</text>`);
  });
  const width = size + legendW;
  return `<svg class="plot" data-plot="reliability" width="${width}" height="${size}" viewBox="0 0 ${width} ${size}" role="img" aria-label="reliability diagram">
${parts.join('\n')}
</svg>`;
}
