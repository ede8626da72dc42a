import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BirdcallError } from '../errors.ts';
import { METRIC_LABEL, fmt } from './explain.ts';
import { renderReport } from './report.ts';
import type { Selection } from './types.ts';

/** Write to a temporary name then rename, so a reader never sees a half-written file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new BirdcallError('SELECT_WRITE', `cannot write: ${(err as Error).message}`, path);
  }
}

/**
 * Writes `selection.json` and `report.html` into `outDir` (created if needed), each atomically.
 *
 * @param outDir - the report folder.
 * @param selection - a `selectModels` result.
 * @returns the two paths written.
 * @throws BirdcallError SELECT_WRITE naming the path that could not be written.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, readFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { selectModels, writeSelection } from 'birdcall';
 *
 * const rows = Array.from({ length: 20 }, (_, i) => ({ recording: `XC${i}`, primary: i % 2 ? 'wren' : 'robin', secondary: [], metadata: {} }));
 * const scores = rows.map((_, i) => (i % 2 ? Float32Array.of(0.3, 0.7) : Float32Array.of(0.8, 0.2)));
 * const dir = await mkdtemp(join(tmpdir(), 'birdcall-'));
 * const { jsonPath } = await writeSelection(join(dir, 'report'), selectModels({ classes: ['robin', 'wren'], rows }, [{ name: 'm', scores }]));
 * assert.equal(JSON.parse(await readFile(jsonPath, 'utf8')).chosen, 'm');
 * ```
 */
export async function writeSelection(outDir: string, selection: Selection): Promise<{ jsonPath: string; htmlPath: string }> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new BirdcallError('SELECT_WRITE', `cannot create the output folder: ${(err as Error).message}`, outDir);
  }
  const jsonPath = join(outDir, 'selection.json');
  const htmlPath = join(outDir, 'report.html');
  await writeAtomic(jsonPath, JSON.stringify(selection, null, 2) + '\n');
  await writeAtomic(htmlPath, renderReport(selection));
  return { jsonPath, htmlPath };
}

/**
 * A few lines for the terminal: the choice, the tie set, and the sentences that justify it.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { selectModels, summarize } from 'birdcall';
 *
 * const rows = Array.from({ length: 20 }, (_, i) => ({ recording: `XC${i}`, primary: i % 2 ? 'wren' : 'robin', secondary: [], metadata: {} }));
 * const scores = rows.map((_, i) => (i % 2 ? Float32Array.of(0.3, 0.7) : Float32Array.of(0.8, 0.2)));
 * const text = summarize(selectModels({ classes: ['robin', 'wren'], rows }, [{ name: 'm', scores }]));
 * assert.equal(text.split('\n')[0], 'Chosen: m (macro ROC-AUC 1.000 [1.000, 1.000])');
 * ```
 */
export function summarize(selection: Selection): string {
  const by = new Map(selection.candidates.map((c) => [c.name, c]));
  const chosen = by.get(selection.chosen)!;
  const metric = METRIC_LABEL[selection.mainMetric];
  const lines = [
    `Chosen: ${selection.chosen} (${metric} ${fmt(chosen.main)})`,
    `Tie set: ${selection.tieSet.join(', ')} (${selection.tieSet.length} of ${selection.candidates.length})`,
    ...selection.explanation.filter((l) => l.startsWith('Chosen:') || l.startsWith('Runner-up:')),
  ];
  return lines.join('\n');
}
