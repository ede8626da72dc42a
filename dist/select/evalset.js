import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BirdcallError } from "../errors.js";
import { parseLabelList } from "../store/inputs.js";
import { readOutputManifest } from "../store/manifest.js";
import { loadModel } from "../train/artifacts.js";
import { initBackend } from "../train/backend.js";
import { chooseInputColumn, SpectrogramDataset } from "../train/dataset.js";
import { predictRows } from "../train/train.js";
import { dataHash, modelHash, PredictionCache } from "./cache.js";
/**
 * From a `convert` output manifest and trained model folders to what `selectModels` takes: the EvalSet
 * (one row per chunk; chunks of a recording share its source path, which the bootstrap resamples as one
 * unit) and each model's scores on the same chunks, read from the images or .npy files exactly as the
 * trainer's dataset reads them.
 */
/**
 * BirdCLEF metadata writes list columns as Python lists (`type` = "['call', 'song']"); a slice should be
 * "call, song", not the list's source text.
 */
function metadataValue(value) {
    const trimmed = value.trim();
    return trimmed.startsWith('[') && trimmed.endsWith(']') ? parseLabelList(trimmed).join(', ') : value;
}
/**
 * The EvalSet of manifest rows scored against `classes` (the models' class list). Every row must have a
 * primary label the models know: a label they were never trained on cannot be scored, and dropping it
 * silently would flatter them.
 */
export function evalSetFromRows(rows, classes, manifest = 'the evaluation manifest') {
    const known = new Set(classes);
    const unknown = [...new Set(rows.map((r) => r.primaryLabel).filter((l) => !known.has(l)))].sort();
    if (unknown.length > 0) {
        throw new BirdcallError('SELECT_UNKNOWN_LABEL', `primary label${unknown.length > 1 ? 's' : ''} ${unknown.map((l) => `'${l}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the models' ` +
            `${classes.length} classes (${classes.slice(0, 10).join(', ')}${classes.length > 10 ? ', …' : ''}); evaluate on species the models were trained on`, manifest);
    }
    return {
        classes: [...classes],
        rows: rows.map((r) => ({
            recording: r.source,
            primary: r.primaryLabel,
            secondary: [...r.secondaryLabels],
            metadata: Object.fromEntries(Object.entries(r.metadata).map(([k, v]) => [k, metadataValue(v)])),
        })),
    };
}
async function readJson(path, what) {
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return undefined;
        throw new BirdcallError('MODEL_UNREADABLE', `cannot read ${what} (${code ?? String(error)})`, path);
    }
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new BirdcallError('MODEL_INVALID', `${what} is not valid JSON: ${error.message}`, path);
    }
}
/** Read each model folder's class list and training config; names are unique. */
export async function readModelEntries(dirs) {
    if (dirs.length === 0)
        throw new BirdcallError('USAGE', 'give at least one model folder (--models models/A models/B …)');
    const base = dirs.map((d) => basename(d.replace(/[\\/]+$/, '')) || d);
    const entries = [];
    for (const [i, dir] of dirs.entries()) {
        const classes = await readJson(join(dir, 'classes.json'), 'classes.json');
        if (classes === undefined)
            throw new BirdcallError('MODEL_NOT_FOUND', 'not a model folder (no classes.json); train one with `birdcall train`', dir);
        if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
            throw new BirdcallError('MODEL_INVALID', 'classes.json is not a list of class names', join(dir, 'classes.json'));
        }
        const config = ((await readJson(join(dir, 'train-config.json'), 'train-config.json')) ?? {});
        const name = base.filter((b) => b === base[i]).length > 1 ? dir : base[i];
        entries.push({ name, dir, classes: classes, input: typeof config.input === 'string' ? config.input : undefined, trainConfig: config });
    }
    const seen = new Set();
    for (const e of entries) {
        if (seen.has(e.dir))
            throw new BirdcallError('USAGE', `model folder ${e.dir} is given twice`);
        seen.add(e.dir);
    }
    return entries;
}
/**
 * The class list every model shares, in the first model's order. Models with different class sets cannot
 * be compared on one metric: that is an error naming what differs.
 */
export function agreeOnClasses(models) {
    const [first, ...rest] = models;
    const reference = new Set(first.classes);
    for (const m of rest) {
        const other = new Set(m.classes);
        const missing = first.classes.filter((c) => !other.has(c));
        const extra = m.classes.filter((c) => !reference.has(c));
        if (missing.length > 0 || extra.length > 0 || other.size !== m.classes.length) {
            const parts = [
                missing.length > 0 ? `lacks ${missing.join(', ')}` : '',
                extra.length > 0 ? `adds ${extra.join(', ')}` : '',
                other.size !== m.classes.length ? 'lists a class twice' : '',
            ].filter((p) => p !== '');
            throw new BirdcallError('SELECT_CLASS_MISMATCH', `models '${first.name}' and '${m.name}' were trained on different classes ('${m.name}' ${parts.join(' and ')}); ` +
                'candidates must share one class list to be compared');
        }
    }
    return [...first.classes];
}
/** Scores of `model` on `rows`, columns reordered from the model's class order to `classes`. */
async function scoreModel(entry, rows, root, column, classes, batchSize) {
    const loaded = await loadModel(entry.dir);
    try {
        const dataset = new SpectrogramDataset(rows, { root, classes: loaded.classes, input: column });
        const shape = await dataset.inputShape();
        if (shape.some((d, i) => d !== loaded.inputShape[i])) {
            throw new BirdcallError('INPUT_SHAPE_MISMATCH', `model '${entry.name}' takes inputs of shape [${loaded.inputShape.join(', ')}] but the manifest's ${column} inputs are [${shape.join(', ')}]; ` +
                'evaluate on data converted with the model\'s pipeline', entry.dir);
        }
        const raw = await predictRows(loaded.model, dataset, rows.map((_, i) => i), batchSize);
        const order = classes.map((c) => loaded.classes.indexOf(c));
        return raw.map((r) => Float32Array.from(order, (k) => r[k]));
    }
    finally {
        loaded.model.dispose();
    }
}
/**
 * Build the EvalSet from the manifest's labelled rows and score every model on it, each score read from
 * the cache when this model has already scored these exact inputs.
 */
export async function evaluateModels(options) {
    const log = options.log ?? (() => undefined);
    const models = await readModelEntries(options.models);
    const classes = agreeOnClasses(models);
    const all = await readOutputManifest(options.manifest);
    const rows = all.filter((r) => r.primaryLabel !== '');
    if (rows.length === 0)
        throw new BirdcallError('SELECT_NO_ROWS', 'the manifest has no labelled rows to evaluate on', options.manifest);
    const evalSet = evalSetFromRows(rows, classes, options.manifest);
    const root = dirname(options.manifest);
    const cache = options.cacheDir === null ? undefined : new PredictionCache(options.cacheDir);
    const dataHashes = new Map();
    const candidates = [];
    let cacheHits = 0;
    let backend;
    for (const entry of models) {
        const column = chooseInputColumn(rows, entry.input);
        const started = performance.now();
        const modelKey = cache ? await modelHash(entry.dir) : '';
        let dataKey = dataHashes.get(column);
        if (cache && dataKey === undefined) {
            dataKey = await dataHash(rows, column, root);
            dataHashes.set(column, dataKey);
        }
        let scores = cache && dataKey !== undefined ? await cache.get(modelKey, dataKey, classes) : undefined;
        if (scores !== undefined) {
            cacheHits++;
            log(`${entry.name}: scores from the cache (${rows.length} chunks)`);
        }
        else {
            if (backend === undefined) {
                backend = await initBackend();
                log(`backend: ${backend.description}`);
            }
            scores = await scoreModel(entry, rows, root, column, classes, options.batchSize ?? 64);
            if (cache && dataKey !== undefined)
                await cache.set(modelKey, dataKey, classes, scores);
            log(`${entry.name}: scored ${rows.length} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
        const info = { path: entry.dir };
        for (const key of ['model', 'seed', 'epochs'])
            if (entry.trainConfig[key] !== undefined)
                info[key] = entry.trainConfig[key];
        candidates.push({ name: entry.name, scores, info });
    }
    return { evalSet, candidates, models, cacheHits, unlabelledRows: all.length - rows.length, backend };
}
//# sourceMappingURL=evalset.js.map