import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../store/atomic.ts';
import type { CrossValidation, FoldScores, MeanSd, OutOfFold } from './cv.ts';
import { predictionRecords } from './pool.ts';
import { formatProbability, rowId } from './predict-files.ts';

/**
 * A cross-validation written to a report folder:
 *   cv.json     settings, per-fold and mean ± sd scores, the confusion matrix, each recording's prediction
 *   oof.csv     out-of-fold predictions in the `predict --pool` layout: row_id then one probability column per
 *               class; each recording's chunk rows (`<stem>_<end second>`) then its pooled row (`<stem>`)
 *   index.html  the per-fold table and the recording-level confusion matrix
 *
 * @param dir - the report folder (created if needed).
 * @param cv - a `crossValidate` result.
 * @returns the three paths written.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { readFile } from 'node:fs/promises';
 * import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { convert, pipeline, decode, melspec, db, npy, encodeWav } from 'birdcall';
 * import { crossValidate, writeCrossValidation } from 'birdcall/train';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * for (const [label, hz] of [['low', 500], ['high', 4000]] as const) {
 *   await mkdir(join(dir, 'in', label), { recursive: true }); // the folder names the label
 *   for (let k = 0; k < 4; k++) {
 *     const tone = Float32Array.from({ length: 11025 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * (1 + k / 10) * i) / 22050));
 *     await writeFile(join(dir, 'in', label, `${label}${k}.wav`), encodeWav(tone, 22050));
 *   }
 * }
 * await convert({ input: join(dir, 'in'), outDir: join(dir, 'out'), pipeline: pipeline(decode(), melspec({ nMels: 32 }), db(), npy()), jobs: 1 });
 * const cv = await crossValidate({ manifest: join(dir, 'out', 'manifest.csv'), folds: 2, params: { model: 'tiny', epochs: 1 } });
 * const { csv } = await writeCrossValidation(join(dir, 'cv'), cv);
 * const lines = (await readFile(csv, 'utf8')).trim().split('\n');
 * assert.equal(lines[0], 'row_id,high,low');
 * assert.equal(lines.length, 1 + 8 + 8); // one chunk per recording, then its pooled row
 * ```
 */
export async function writeCrossValidation(dir: string, cv: CrossValidation): Promise<{ json: string; csv: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { json: join(dir, 'cv.json'), csv: join(dir, 'oof.csv'), html: join(dir, 'index.html') };
  await writeFileAtomic(paths.csv, oofCsv(cv));
  await writeFileAtomic(paths.json, `${JSON.stringify(cvJson(cv), null, 2)}\n`);
  await writeFileAtomic(paths.html, renderCrossValidation(cv));
  return paths;
}

function topClass(item: OutOfFold, classes: readonly string[]): { predicted: string; probability: number } {
  let best = 0;
  for (let k = 1; k < item.scores.length; k++) if (item.scores[k] > item.scores[best]) best = k;
  return { predicted: classes[best], probability: item.scores[best] };
}

function cvJson(cv: CrossValidation): unknown {
  return {
    what: `${cv.folds}-fold cross-validation by ${cv.groupBy ?? 'recording'}; the held-out fold never steers training; a recording = ${cv.pool} of its chunks`,
    manifest: cv.manifest,
    recipe: cv.recipe ?? null,
    classes: cv.classes,
    folds: cv.folds,
    groupBy: cv.groupBy ?? null,
    tta: cv.tta,
    pool: cv.pool,
    inputShape: cv.inputShape,
    trainParams: cv.params,
    chance: { top1: 1 / cv.classes.length, macroRocAuc: 0.5 },
    mean: cv.mean,
    meanWithoutTta: cv.meanWithoutTta ?? null,
    perFold: cv.perFold,
    confusion: { rows: 'true primary label', columns: 'predicted', classes: cv.classes, counts: cv.confusion },
    recordings: cv.recordings.map((r) => ({ source: r.row.source, fold: r.fold, label: r.row.primaryLabel, ...topClass(r, cv.classes) })),
  };
}

/** Chunk rows then the pooled row, recording by recording: what `predict --pool` writes. */
export function oofCsv(cv: CrossValidation): string {
  const chunksOf = new Map<string, { rowId: string; source: string; scores: Float32Array }[]>();
  for (const c of cv.chunks) {
    const entry = { rowId: rowId(c.row.source, c.row.endSeconds), source: c.row.source, scores: c.scores };
    chunksOf.set(c.row.source, [...(chunksOf.get(c.row.source) ?? []), entry]);
  }
  const records = [['row_id', ...cv.classes]];
  for (const r of cv.recordings) records.push(...predictionRecords(chunksOf.get(r.row.source) ?? [], cv.pool, formatProbability));
  return stringify(records);
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const pm = (m: MeanSd): string => `${num(m.mean)} ± ${num(m.sd)}`;

function foldRow(s: FoldScores): string {
  const cells = [s.recording.top1, s.recording.macroRocAuc, s.chunk.top1, s.chunk.macroRocAuc].map(num);
  return `<tr><td>${s.fold}</td><td class="num">${s.testRecordings} / ${s.testChunks}</td>${cells.map((c) => `<td class="num">${c}</td>`).join('')}<td class="num">${s.trainSeconds.toFixed(0)}</td></tr>`;
}

function confusionTable(cv: CrossValidation): string {
  const max = Math.max(1, ...cv.confusion.flat());
  const head = cv.classes.map((c) => `<th class="rot"><span>${esc(c)}</span></th>`).join('');
  const body = cv.confusion
    .map((row, t) => {
      const cells = row.map((n, p) => {
        const alpha = (n / max).toFixed(2);
        const colour = t === p ? `rgba(27,120,55,${alpha})` : `rgba(178,24,43,${alpha})`;
        return `<td class="num" style="background:${colour}">${n === 0 ? '' : n}</td>`;
      });
      return `<tr><th>${esc(cv.classes[t])}</th>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<table class="confusion"><tr><th>true \\ predicted</th>${head}</tr>\n${body}</table>`;
}

/** The cross-validation as one self-contained HTML page (inline CSS, no scripts). */
export function renderCrossValidation(cv: CrossValidation): string {
  const title = `${cv.folds}-fold cross-validation by ${cv.groupBy ?? 'recording'}${cv.recipe === undefined ? '' : `, recipe ${cv.recipe.name} v${cv.recipe.version}`}`;
  const m = cv.mean;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>birdcall cv: ${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 1em 0; } th, td { padding: 4px 8px; border-bottom: 1px solid #eee; text-align: left; }
td.num { font-variant-numeric: tabular-nums; text-align: right; } tr.mean td { font-weight: bold; border-top: 2px solid #999; }
table.confusion td { width: 2.2em; text-align: center; border: 1px solid #eee; } th.rot { height: 9em; vertical-align: bottom; }
th.rot span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
.note { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="note">${esc(cv.manifest)}: ${cv.recordings.length} recordings, ${cv.chunks.length} chunks, ${cv.classes.length} classes (chance: top-1 ${num(1 / cv.classes.length)}, ROC-AUC 0.500).
Each fold's model never saw its held-out ${cv.groupBy === undefined ? 'recordings' : `${esc(cv.groupBy)} groups`}, and they never steered its training (no validation set, no early stopping on them).
A recording's scores are the ${cv.pool} of its chunks'${cv.tta > 1 ? `; each chunk the mean of ${cv.tta} time-shifted copies` : ''}. Model ${esc(cv.params.model)}, ${cv.params.epochs} epochs, learning rate ${cv.params.learningRate}, mixup ${cv.params.mixupAlpha}.</p>
<h2>Per fold</h2>
<table>
<tr><th>fold</th><th>held out (recordings / chunks)</th><th>recording top-1</th><th>recording ROC-AUC</th><th>chunk top-1</th><th>chunk ROC-AUC</th><th>train s</th></tr>
${cv.perFold.map(foldRow).join('\n')}
<tr class="mean"><td>mean ± sd</td><td></td><td class="num">${pm(m.recordingTop1)}</td><td class="num">${pm(m.recordingMacroRocAuc)}</td><td class="num">${pm(m.chunkTop1)}</td><td class="num">${pm(m.chunkMacroRocAuc)}</td><td class="num">${num(m.trainSeconds.mean)}</td></tr>
</table>
<h2>Recording-level confusion (out of fold)</h2>
${confusionTable(cv)}
<p class="note">Out-of-fold predictions: oof.csv (the predict layout). Settings and each recording's prediction: cv.json.</p>
</body>
</html>
`;
}
