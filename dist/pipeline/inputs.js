import { createReadStream } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { parse } from 'csv-parse';
import { isAudioPath } from "../audio/detect.js";
import { BirdcallError } from "../errors.js";
import { checkRelativePath } from "./paths.js";
/** Opens INPUT (a folder or a CSV), detects its layout and returns a streaming row source. */
export async function openInputs(input) {
    const abs = resolve(input);
    let info;
    try {
        info = await stat(abs);
    }
    catch {
        throw new BirdcallError('INPUT_NOT_FOUND', 'no such file or folder', input);
    }
    if (info.isDirectory()) {
        return {
            layout: 'folder',
            root: abs,
            input,
            rows: () => walkFolder(abs),
            count: async () => {
                let n = 0;
                for await (const _row of walkFolder(abs))
                    n++;
                return n;
            },
        };
    }
    if (!abs.toLowerCase().endsWith('.csv')) {
        throw new BirdcallError('INPUT_LAYOUT', 'INPUT must be a folder of WAV files or a manifest .csv', input);
    }
    const header = await readHeader(abs, input);
    const layout = detectCsvLayout(header, input);
    const root = layout === 'birdclef' ? await birdclefAudioRoot(abs, input) : dirname(abs);
    return {
        layout,
        root,
        input,
        rows: (options) => readCsvRows(abs, input, layout, options),
        count: async () => {
            let n = 0;
            for await (const _record of csvRecords(abs, input))
                n++;
            return n;
        },
    };
}
/** Streams the rows of INPUT (folder or CSV), whatever its layout. */
export async function* readInputs(input, options) {
    const source = await openInputs(input);
    yield* source.rows(options);
}
/**
 * Parses a label list in any spelling a manifest uses: a Python list (`"['amecro', 'amerob']"`, `[]`), or
 * labels separated by spaces, commas or semicolons. Order kept, duplicates and empties dropped.
 */
export function parseLabelList(text) {
    const trimmed = (text ?? '').trim();
    let labels;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
        const inner = trimmed.slice(1, -1);
        const quoted = [...inner.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
        labels = quoted.length > 0 ? quoted : inner.split(',');
    }
    else {
        labels = trimmed.split(/[\s,;]+/);
    }
    return [...new Set(labels.map((l) => l.trim()).filter((l) => l !== ''))];
}
/** Layout from the CSV header: `filename` + `primary_label` is BirdCLEF, `path` is the birdcalls manifest. */
export function detectCsvLayout(columns, input) {
    const has = new Set(columns);
    if (has.has('path'))
        return 'birdcalls';
    if (has.has('filename') && has.has('primary_label'))
        return 'birdclef';
    throw new BirdcallError('INPUT_LAYOUT', `unrecognised CSV columns (${columns.slice(0, 8).join(', ')}${columns.length > 8 ? ', …' : ''}); expected ` +
        '`path` (birdcalls manifest) or `filename` and `primary_label` (BirdCLEF train_metadata.csv)', input);
}
async function birdclefAudioRoot(csvPath, input) {
    // Older competitions (2021) named the folder train_short_audio; same layout otherwise.
    for (const name of ['train_audio', 'train_short_audio']) {
        const candidate = join(dirname(csvPath), name);
        try {
            if ((await stat(candidate)).isDirectory())
                return candidate;
        }
        catch {
            // try the next name
        }
    }
    throw new BirdcallError('INPUT_NOT_FOUND', 'BirdCLEF layout: no train_audio/ folder beside the CSV (its `filename` column is relative to it)', input);
}
function csvRecords(path, input) {
    const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
    // pipe() does not forward the file's errors (ENOENT, EACCES): without this the parser would wait forever.
    const file = createReadStream(path).on('error', (err) => parser.destroy(err));
    file.pipe(parser);
    return (async function* () {
        try {
            for await (const record of parser)
                yield record;
        }
        catch (err) {
            if (err instanceof BirdcallError)
                throw err;
            throw new BirdcallError('INPUT_CSV', `cannot parse CSV: ${err.message}`, input);
        }
        finally {
            // A consumer that stops early (an error, a break) must not leave the file open.
            file.destroy();
        }
    })();
}
async function readHeader(path, input) {
    const parser = parse({ bom: true, to_line: 1 });
    const file = createReadStream(path).on('error', (err) => parser.destroy(err));
    file.pipe(parser);
    try {
        for await (const record of parser)
            return record;
    }
    catch (err) {
        throw new BirdcallError('INPUT_CSV', `cannot parse CSV header: ${err.message}`, input);
    }
    finally {
        // Only the first line was wanted: close the file now rather than when it is garbage-collected.
        file.destroy();
    }
    throw new BirdcallError('INPUT_CSV', 'the CSV is empty (no header row)', input);
}
const BIRDCLEF_OWN = new Set(['filename', 'primary_label', 'secondary_labels']);
const BIRDCALLS_OWN = new Set(['path', 'primary_label', 'secondary_labels']);
async function* readCsvRows(path, input, layout, options = {}) {
    const own = layout === 'birdclef' ? BIRDCLEF_OWN : BIRDCALLS_OWN;
    const csvName = basename(path);
    let rowNumber = 0;
    for await (const record of csvRecords(path, input)) {
        rowNumber++;
        const primaryLabel = (record.primary_label ?? '').trim();
        let rawPath = layout === 'birdclef' ? (record.filename ?? '') : (record.path ?? '');
        // BirdCLEF 2021 gave bare file names; the file sits in the folder named after its primary label.
        if (layout === 'birdclef' && !/[\\/]/.test(rawPath) && rawPath !== '' && primaryLabel !== '') {
            rawPath = `${primaryLabel}/${rawPath}`;
        }
        let clean;
        try {
            clean = checkRelativePath(rawPath, `${csvName} row ${rowNumber}`);
        }
        catch (err) {
            if (options.onInvalidRow && err instanceof BirdcallError) {
                options.onInvalidRow(err, rawPath);
                continue;
            }
            throw err;
        }
        const metadata = {};
        for (const [key, value] of Object.entries(record))
            if (!own.has(key))
                metadata[key] = value ?? '';
        yield {
            path: clean,
            primaryLabel,
            secondaryLabels: parseLabelList(record.secondary_labels),
            metadata,
            origin: `${csvName} row ${rowNumber}`,
        };
    }
}
/**
 * Every audio file (see AUDIO_EXTENSIONS) below `root`, depth first in sorted order (the same order on every run and platform).
 * Hidden entries are skipped (macOS `._x.wav` resource forks are not audio); symlinked folders are not
 * entered (no cycles), symlinked files are listed and checked against the root when they are read.
 */
async function* walkFolder(root, dir = root) {
    const entries = [];
    for await (const entry of await opendir(dir)) {
        if (entry.name.startsWith('.'))
            continue;
        entries.push({ name: entry.name, isDir: entry.isDirectory(), isFile: entry.isFile() || entry.isSymbolicLink() });
    }
    // Code-unit order, not localeCompare: identical on every machine whatever its locale.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
        const abs = join(dir, entry.name);
        if (entry.isDir)
            yield* walkFolder(root, abs);
        else if (entry.isFile && isAudioPath(entry.name))
            yield folderRow(root, abs);
    }
}
function folderRow(root, abs) {
    const rel = relative(root, abs).split(sep).join(posix.sep);
    return { path: rel, primaryLabel: basename(dirname(abs)), secondaryLabels: [], metadata: {} };
}
//# sourceMappingURL=inputs.js.map