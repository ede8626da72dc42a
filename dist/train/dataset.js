import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { BirdcallError } from "../errors.js";
import { resolveInside } from "../store/paths.js";
import { decodeNpy } from "../image/npy.js";
import { TrainRng } from "./random.js";
/** Every label in the rows (primary and secondary), sorted, so a class list is stable across runs. */
export function classList(rows) {
    const set = new Set();
    for (const row of rows) {
        if (row.primaryLabel !== '')
            set.add(row.primaryLabel);
        for (const s of row.secondaryLabels)
            if (s !== '')
                set.add(s);
    }
    return [...set].sort();
}
/**
 * Multi-hot target over `classes`: the primary label 1, each secondary label `secondaryWeight` (a soft target:
 * background species are often faint or absent from a given chunk). Labels not in `classes` are ignored.
 */
export function multiHot(row, classes, secondaryWeight = 1) {
    const target = new Float32Array(classes.length);
    for (const s of row.secondaryLabels) {
        const i = classes.indexOf(s);
        if (i >= 0)
            target[i] = Math.max(target[i], secondaryWeight);
    }
    const p = classes.indexOf(row.primaryLabel);
    if (p >= 0)
        target[p] = 1;
    return target;
}
/**
 * The unit that never straddles a split: the recording, or a metadata value (recordist, site) when `groupBy`
 * is given (an empty value falls back to the recording). Each group is stratified by its most common primary label.
 */
function groupsOf(rows, groupBy) {
    const byKey = new Map();
    rows.forEach((row, i) => {
        const meta = groupBy === undefined ? '' : (row.metadata[groupBy] ?? '');
        const key = meta !== '' ? `meta:${meta}` : `source:${row.source}`;
        const list = byKey.get(key);
        if (list)
            list.push(i);
        else
            byKey.set(key, [i]);
    });
    const keys = [...byKey.keys()].sort();
    return keys.map((key) => {
        const members = byKey.get(key) ?? [];
        const counts = new Map();
        for (const i of members)
            counts.set(rows[i].primaryLabel, (counts.get(rows[i].primaryLabel) ?? 0) + 1);
        const label = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
        return { rows: members, label };
    });
}
/** Groups bucketed by label, each bucket shuffled with the seed; labels in sorted order for repeatability. */
function stratifiedGroups(rows, options) {
    const rng = new TrainRng(options.seed ?? 0);
    const byLabel = new Map();
    for (const g of groupsOf(rows, options.groupBy)) {
        const list = byLabel.get(g.label);
        if (list)
            list.push(g.rows);
        else
            byLabel.set(g.label, [g.rows]);
    }
    return [...byLabel.keys()].sort().map((label) => rng.shuffle(byLabel.get(label) ?? []));
}
/**
 * Train/validation split by recording (or by `groupBy`), stratified by primary label: about
 * `validationFraction` of each label's groups go to validation, at least one when the label has two or more
 * groups, never all of them. A label with a single group stays in training.
 */
export function splitByRecording(rows, options = {}) {
    const fraction = options.validationFraction ?? 0.2;
    if (!(fraction > 0 && fraction < 1))
        throw new BirdcallError('PARAM_INVALID', `validationFraction must be in (0, 1), got ${fraction}`);
    const split = { train: [], validation: [] };
    for (const groups of stratifiedGroups(rows, options)) {
        const nVal = groups.length < 2 ? 0 : Math.min(groups.length - 1, Math.max(1, Math.round(fraction * groups.length)));
        groups.forEach((g, i) => (i < nVal ? split.validation : split.train).push(...g));
    }
    split.train.sort((a, b) => a - b);
    split.validation.sort((a, b) => a - b);
    return split;
}
/**
 * K folds by recording (or `groupBy`), stratified by primary label: each label's shuffled groups are dealt
 * round-robin, continuing where the previous label stopped so fold sizes stay even. Fold i validates on its
 * groups and trains on the rest; every group is validated exactly once.
 */
export function kFoldByRecording(rows, options = {}) {
    const k = options.folds ?? 5;
    if (!Number.isInteger(k) || k < 2)
        throw new BirdcallError('PARAM_INVALID', `folds must be an integer >= 2, got ${k}`);
    const foldOf = new Int32Array(rows.length);
    let next = 0;
    for (const groups of stratifiedGroups(rows, options)) {
        for (const g of groups) {
            for (const i of g)
                foldOf[i] = next;
            next = (next + 1) % k;
        }
    }
    return Array.from({ length: k }, (_, f) => {
        const split = { train: [], validation: [] };
        foldOf.forEach((fold, i) => (fold === f ? split.validation : split.train).push(i));
        return split;
    });
}
/**
 * Read a training input. PNG: converted to greyscale, 8 or 16 bit, scaled to [0, 1] by the bit depth
 * (the image writer already mapped its dB range onto the pixel range). .npy: a [bins, frames] array of any
 * scale, min-max scaled per example to [0, 1] so augmentation parameters mean the same for both kinds.
 */
export async function loadInput(path) {
    let bytes;
    try {
        bytes = await readFile(path);
    }
    catch (error) {
        throw new BirdcallError('INPUT_UNREADABLE', `cannot read training input (${error.code ?? String(error)})`, path);
    }
    return decodeInput(bytes, path);
}
/**
 * Decode an artifact's bytes into a model input; `name` (a path, or e.g. 'x.png') says which kind by its
 * extension and names the input in errors. Training (loadInput) and predict (on freshly made artifacts) both
 * come through here, so a model sees the same numbers either way: images to greyscale scaled by bit depth to
 * [0, 1]; .npy min-max scaled per example to [0, 1].
 */
export async function decodeInput(bytes, name) {
    if (name.toLowerCase().endsWith('.npy'))
        return npyInput(bytes, name);
    try {
        const image = sharp(bytes);
        const meta = await image.metadata();
        const wide = meta.depth === 'ushort';
        const { data, info } = await image
            .toColourspace(wide ? 'grey16' : 'b-w')
            .raw({ depth: wide ? 'ushort' : 'uchar' })
            .toBuffer({ resolveWithObject: true });
        const n = info.width * info.height;
        const out = new Float32Array(n);
        const pixels = wide ? new Uint16Array(data.buffer, data.byteOffset, n) : data;
        const scale = 1 / (wide ? 65535 : 255);
        for (let i = 0; i < n; i++)
            out[i] = pixels[i] * scale;
        return { data: out, shape: [info.height, info.width, 1] };
    }
    catch (error) {
        throw new BirdcallError('INPUT_INVALID', `not a readable image: ${error.message}`, name);
    }
}
function npyInput(bytes, name) {
    const { data, shape } = decodeNpy(bytes, name);
    if (shape.length !== 2 && !(shape.length === 3 && shape[2] === 1)) {
        throw new BirdcallError('INPUT_INVALID', `expected a [bins, frames] array, got shape [${shape.join(', ')}]`, name);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    const scale = hi > lo ? 1 / (hi - lo) : 0;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++)
        out[i] = (data[i] - lo) * scale;
    return { data: out, shape: [shape[0], shape[1], 1] };
}
/** Pick the artifact column every row has, preferring PNG. */
export function chooseInputColumn(rows, preferred) {
    const candidates = preferred !== undefined ? [preferred] : ['png', 'npy', ...new Set(rows.flatMap((r) => Object.keys(r.outputs)))];
    for (const name of candidates) {
        if (rows.length > 0 && rows.every((r) => (r.outputs[name] ?? '') !== ''))
            return name;
    }
    throw new BirdcallError('MANIFEST_NO_INPUTS', preferred !== undefined ? `not every row has a "${preferred}" output` : 'no artifact column (png or npy) is present in every row');
}
/**
 * Examples streamed from disk batch by batch: only the requested batch is assembled in memory, plus a
 * bounded LRU cache of decoded inputs (so a small set is decoded once and epochs after the first are fast).
 */
export class SpectrogramDataset {
    rows;
    classes;
    column;
    targets;
    root;
    cacheLimit;
    cache = new Map();
    cacheSize = 0;
    shape;
    constructor(rows, options) {
        this.rows = rows;
        this.root = options.root;
        this.classes = options.classes;
        this.column = chooseInputColumn(rows, options.input);
        this.cacheLimit = options.cacheBytes ?? 512 * 1024 * 1024;
        const weight = options.secondaryWeight ?? 1;
        this.targets = rows.map((row) => multiHot(row, this.classes, weight));
    }
    /** Index of each row's primary label in the class list (-1 when absent, e.g. an unlabelled soundscape). */
    primaryIndex() {
        return Int32Array.from(this.rows, (r) => this.classes.indexOf(r.primaryLabel));
    }
    /** Absolute path of a row's input; a manifest cannot point outside its root (`../`, absolute, symlinks). */
    pathOf(index) {
        return resolveInside(this.root, this.rows[index].outputs[this.column], `manifest row ${index + 1} (${this.rows[index].source})`);
    }
    async get(index) {
        const hit = this.cache.get(index);
        if (hit) {
            // Re-insert to mark as most recently used (Map keeps insertion order).
            this.cache.delete(index);
            this.cache.set(index, hit);
            return hit;
        }
        const path = await this.pathOf(index);
        const loaded = await loadInput(path);
        if (this.shape === undefined)
            this.shape = loaded.shape;
        else if (loaded.shape.some((d, i) => d !== this.shape?.[i])) {
            throw new BirdcallError('INPUT_SHAPE_MISMATCH', `shape [${loaded.shape.join(', ')}] differs from the first input's [${this.shape.join(', ')}]; every input must have the same size`, path);
        }
        const bytes = loaded.data.byteLength;
        if (bytes <= this.cacheLimit) {
            this.cache.set(index, loaded);
            this.cacheSize += bytes;
            for (const [key, value] of this.cache) {
                if (this.cacheSize <= this.cacheLimit)
                    break;
                this.cache.delete(key);
                this.cacheSize -= value.data.byteLength;
            }
        }
        return loaded;
    }
    /** Shape of one example, read from the first row. */
    async inputShape() {
        if (this.shape === undefined) {
            if (this.rows.length === 0)
                throw new BirdcallError('MANIFEST_EMPTY', 'the manifest has no rows to train on');
            await this.get(0);
        }
        return this.shape;
    }
    /** Assemble the rows `indices` into one batch (inputs decoded concurrently; sharp runs off the main thread). */
    async batch(indices) {
        const inputs = await Promise.all(indices.map((i) => this.get(i)));
        const [h, w, c] = await this.inputShape();
        const size = h * w * c;
        const x = new Float32Array(indices.length * size);
        const y = new Float32Array(indices.length * this.classes.length);
        inputs.forEach((input, b) => {
            x.set(input.data, b * size);
            y.set(this.targets[indices[b]], b * this.classes.length);
        });
        return { x, y, size: indices.length };
    }
}
//# sourceMappingURL=dataset.js.map