import { UsageError } from "../errors.js";
export const DEFAULT_SLICE_COLUMNS = ['type', 'rating', 'region', 'recordist'];
export const MISSING = '(missing)';
export const OTHER = 'other';
function present(v) {
    return v !== undefined && v.trim() !== '';
}
function coordinates(meta) {
    const lat = Number(meta.latitude);
    const lon = Number(meta.longitude);
    if (!present(meta.latitude) || !present(meta.longitude) || !Number.isFinite(lat) || !Number.isFinite(lon))
        return null;
    return { lat, lon };
}
/** xeno-canto ratings: numbers 0-5 (0 = unrated in BirdCLEF metadata) or letters A (best) to E. */
function ratingBin(raw) {
    if (!present(raw))
        return MISSING;
    const letter = 'EDCBA'.indexOf(raw.trim().toUpperCase());
    const r = raw.trim().length === 1 && letter >= 0 ? letter + 1 : Number(raw);
    if (!Number.isFinite(r) || r <= 0)
        return MISSING;
    return r >= 4 ? 'high (4-5)' : r >= 3 ? 'mid (3-3.5)' : 'low (<3)';
}
function regionCell(meta, cell) {
    const c = coordinates(meta);
    if (c === null)
        return MISSING;
    const lat0 = Math.floor(c.lat / cell) * cell;
    const lon0 = Math.floor(c.lon / cell) * cell;
    return `lat ${lat0}..${lat0 + cell}, lon ${lon0}..${lon0 + cell}`;
}
/** Call types are free text lists ('Call, song'); order and case carry no meaning. */
function typeValue(raw) {
    if (!present(raw))
        return MISSING;
    const parts = raw
        .toLowerCase()
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
    return [...new Set(parts)].sort().join(', ');
}
function rowValue(column, meta, cell) {
    if (column === 'rating')
        return ratingBin(meta.rating);
    if (column === 'region')
        return regionCell(meta, cell);
    if (column === 'type')
        return typeValue(meta.type);
    return present(meta[column]) ? meta[column].trim() : MISSING;
}
function columnExists(column, evalSet) {
    if (column === 'region')
        return evalSet.rows.some((r) => coordinates(r.metadata) !== null);
    return evalSet.rows.some((r) => present(r.metadata[column]));
}
/** The columns to slice by: those asked for (which must exist), or the defaults that exist. */
export function resolveSliceColumns(evalSet, asked) {
    if (asked === undefined)
        return DEFAULT_SLICE_COLUMNS.filter((c) => columnExists(c, evalSet));
    for (const c of asked) {
        if (!columnExists(c, evalSet)) {
            throw new UsageError(`slice column '${c}' has no values in the evaluation set` +
                (c === 'region' ? ' (region needs numeric latitude and longitude columns)' : ''));
        }
    }
    return asked;
}
/**
 * Slices of one metadata column. Small slices (fewer than `minSize` recordings) would give intervals so wide
 * that the worst slice would just be the noisiest one, so they are never used silently: 'merge' pools them
 * into 'other' (flagged if still too small), 'flag' keeps them in the table but out of the worst slice.
 */
export function sliceColumn(evalSet, column, minSize, mode, regionCellDegrees) {
    const values = evalSet.rows.map((r) => rowValue(column, r.metadata, regionCellDegrees));
    const recordingsOf = new Map();
    values.forEach((v, i) => {
        if (!recordingsOf.has(v))
            recordingsOf.set(v, new Set());
        recordingsOf.get(v).add(evalSet.rows[i].recording);
    });
    const small = new Set([...recordingsOf].filter(([, recs]) => recs.size < minSize).map(([v]) => v));
    const merge = mode === 'merge' && small.size > 1;
    const label = (v) => (merge && small.has(v) ? OTHER : v);
    const names = [...new Set(values.map(label))].sort((a, b) => a.localeCompare(b));
    const index = new Map(names.map((n, k) => [n, k]));
    const rowSlice = Int32Array.from(values, (v) => index.get(label(v)));
    const slices = names.map((name) => {
        const rows = values.filter((v) => label(v) === name).length;
        const recs = new Set(evalSet.rows.filter((_, i) => label(values[i]) === name).map((r) => r.recording)).size;
        const info = { name, recordings: recs, rows, status: recs < minSize ? 'flagged' : 'ok' };
        if (merge && name === OTHER)
            info.merged = [...small].sort();
        return info;
    });
    return { info: { column, slices }, rowSlice };
}
//# sourceMappingURL=slices.js.map