import type { Selection } from './types.ts';
/** Writes `selection.json` and `report.html` into `outDir` (created if needed). */
export declare function writeSelection(outDir: string, selection: Selection): Promise<{
    jsonPath: string;
    htmlPath: string;
}>;
/** A few lines for the terminal: the choice, the tie set, and the sentences that justify it. */
export declare function summarize(selection: Selection): string;
