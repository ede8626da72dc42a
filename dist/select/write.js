import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BirdcallError } from "../errors.js";
import { METRIC_LABEL, fmt } from "./explain.js";
import { renderReport } from "./report.js";
/** Write to a temporary name then rename, so a reader never sees a half-written file. */
async function writeAtomic(path, text) {
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    try {
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, path);
    }
    catch (err) {
        await rm(tmp, { force: true });
        throw new BirdcallError('SELECT_WRITE', `cannot write: ${err.message}`, path);
    }
}
/** Writes `selection.json` and `report.html` into `outDir` (created if needed). */
export async function writeSelection(outDir, selection) {
    try {
        await mkdir(outDir, { recursive: true });
    }
    catch (err) {
        throw new BirdcallError('SELECT_WRITE', `cannot create the output folder: ${err.message}`, outDir);
    }
    const jsonPath = join(outDir, 'selection.json');
    const htmlPath = join(outDir, 'report.html');
    await writeAtomic(jsonPath, JSON.stringify(selection, null, 2) + '\n');
    await writeAtomic(htmlPath, renderReport(selection));
    return { jsonPath, htmlPath };
}
/** A few lines for the terminal: the choice, the tie set, and the sentences that justify it. */
export function summarize(selection) {
    const by = new Map(selection.candidates.map((c) => [c.name, c]));
    const chosen = by.get(selection.chosen);
    const metric = METRIC_LABEL[selection.mainMetric];
    const lines = [
        `Chosen: ${selection.chosen} (${metric} ${fmt(chosen.main)})`,
        `Tie set: ${selection.tieSet.join(', ')} (${selection.tieSet.length} of ${selection.candidates.length})`,
        ...selection.explanation.filter((l) => l.startsWith('Chosen:') || l.startsWith('Runner-up:')),
    ];
    return lines.join('\n');
}
//# sourceMappingURL=write.js.map