import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BirdcallError } from "../errors.js";
import { writeFileAtomic } from "../store/atomic.js";
import { resolveInside } from "../store/paths.js";
/**
 * Prediction cache for `birdcall select`: a model's scores on an evaluation manifest, keyed by a hash of the
 * model (its weights, topology and class list) and a hash of the data (each chunk's input bytes, via the
 * sha256 the manifest already records). Retraining a model or regenerating an image changes a key, so a
 * stale entry is never read; re-running select with other options (metric, slices, rule) scores nothing.
 */
/** Bump when the way scores are computed changes (input decoding, batching), so old entries are ignored. */
const SCORING_VERSION = 'birdcall-scores/1';
const CACHE_FORMAT = 1;
/** Files of a model folder that decide its predictions (history, metrics and logs do not). */
const MODEL_FILES = ['model.json', 'classes.json', 'train-config.json'];
/** sha256 of the model's topology, weights, class list and input column. */
export async function modelHash(dir) {
    const hash = createHash('sha256').update(SCORING_VERSION);
    const files = [...MODEL_FILES];
    try {
        const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
        for (const group of manifest.weightsManifest ?? [])
            files.push(...(group.paths ?? []));
    }
    catch (error) {
        throw new BirdcallError('MODEL_UNREADABLE', `cannot read model.json (${error.message})`, dir);
    }
    for (const name of files) {
        let bytes;
        try {
            bytes = await readFile(await resolveInside(dir, name, 'model file'));
        }
        catch (error) {
            if (error.code === 'ENOENT' && name === 'train-config.json')
                continue;
            throw error instanceof BirdcallError ? error : new BirdcallError('MODEL_UNREADABLE', `cannot read ${name}`, dir);
        }
        hash.update(`\0${name}\0${bytes.length}\0`).update(bytes);
    }
    return hash.digest('hex');
}
/**
 * sha256 of the evaluation inputs in row order: each row's source, chunk and the recorded sha256 of its
 * `column` artifact (the file is hashed when the manifest has no sha256 for it).
 */
export async function dataHash(rows, column, root) {
    const hash = createHash('sha256').update(`${SCORING_VERSION}\0${column}\0${rows.length}\n`);
    for (const [i, row] of rows.entries()) {
        let digest = row.outputHashes[column] ?? '';
        if (digest === '') {
            const path = await resolveInside(root, row.outputs[column] ?? '', `manifest row ${i + 1} (${row.source})`);
            digest = createHash('sha256').update(await readFile(path)).digest('hex');
        }
        hash.update(`${row.source}\0${row.chunkIndex}\0${digest}\n`);
    }
    return hash.digest('hex');
}
/** Scores of one model on one evaluation set, stored as `<dir>/<model hash>-<data hash>.json`. */
export class PredictionCache {
    dir;
    constructor(dir) {
        this.dir = dir;
    }
    path(model, data) {
        return join(this.dir, `${model.slice(0, 24)}-${data.slice(0, 24)}.json`);
    }
    /** The cached scores, or undefined when absent, unreadable or not for these hashes and classes. */
    async get(model, data, classes) {
        let entry;
        try {
            entry = JSON.parse(await readFile(this.path(model, data), 'utf8'));
        }
        catch {
            return undefined;
        }
        const valid = entry.format === CACHE_FORMAT &&
            entry.model === model &&
            entry.data === data &&
            Array.isArray(entry.scores) &&
            JSON.stringify(entry.classes) === JSON.stringify(classes) &&
            entry.scores.every((r) => Array.isArray(r) && r.length === classes.length);
        // A float32 printed as a double and parsed back is the same float32: the cache is exact.
        return valid ? entry.scores.map((r) => Float32Array.from(r)) : undefined;
    }
    async set(model, data, classes, scores) {
        await mkdir(this.dir, { recursive: true });
        const entry = { format: CACHE_FORMAT, model, data, classes: [...classes], scores: scores.map((r) => Array.from(r)) };
        await writeFileAtomic(this.path(model, data), JSON.stringify(entry));
    }
}
//# sourceMappingURL=cache.js.map