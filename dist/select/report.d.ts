import type { Selection } from './types.ts';
/**
 * The selection as one self-contained HTML page: inline CSS and inline SVG only (no scripts, fonts or
 * network), so it opens from a mail attachment or an offline machine. Every plot is an
 * `<svg class="plot" data-plot="…">` so tests and readers can find it.
 */
export declare function renderReport(sel: Selection): string;
