import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { stringify } from 'csv-stringify/sync';
import { BirdcallError } from "../errors.js";
import { writeFileAtomic } from "../store/atomic.js";
import { foldBatchNorm } from "./fold.js";
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
/** Write the model in the TF.js layers format (model.json + weights.bin) without tfjs-node's file:// handler. */
export async function saveLayersModel(model, dir) {
    await mkdir(dir, { recursive: true });
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
        if (artifacts.modelTopology === undefined || artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
            throw new Error('model.save produced no topology or weights');
        }
        const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
        const modelJson = {
            modelTopology: artifacts.modelTopology,
            format: artifacts.format ?? 'layers-model',
            generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
            convertedBy: artifacts.convertedBy ?? null,
            weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        };
        // Weights first: a model.json only ever points at a complete weights.bin.
        await writeFileAtomic(join(dir, 'weights.bin'), weights);
        await writeFileAtomic(join(dir, 'model.json'), json(modelJson));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }));
}
/** Read model.json + its weight files from `dir`. */
export async function loadLayersModel(dir) {
    const file = join(dir, 'model.json');
    let parsed;
    try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
    }
    catch (error) {
        throw new BirdcallError('MODEL_UNREADABLE', `cannot read the model (${error.message})`, file);
    }
    if (parsed.modelTopology === undefined || !Array.isArray(parsed.weightsManifest)) {
        throw new BirdcallError('MODEL_INVALID', 'model.json lacks modelTopology or weightsManifest (not a TF.js layers model)', file);
    }
    const specs = [];
    const buffers = [];
    for (const group of parsed.weightsManifest) {
        specs.push(...group.weights);
        for (const path of group.paths) {
            if (path.includes('/') || path.includes('\\') || path.startsWith('.')) {
                throw new BirdcallError('PATH_ESCAPE', `weights path "${path}" must be a file name beside model.json`, file);
            }
            const bytes = await readFile(join(dir, path));
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
    }
    return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: parsed.modelTopology, weightSpecs: specs, weightData: buffers }));
}
/** Write every file of a model folder. */
export async function saveModelArtifacts(dir, artifacts) {
    await saveLayersModel(artifacts.model, dir);
    await writeFileAtomic(join(dir, 'classes.json'), json(artifacts.classes));
    await writeFileAtomic(join(dir, 'pipeline.json'), json(artifacts.pipeline ?? null));
    await writeFileAtomic(join(dir, 'train-config.json'), json(artifacts.trainConfig));
    await writeFileAtomic(join(dir, 'history.csv'), historyCsv(artifacts.history));
    await writeFileAtomic(join(dir, 'metrics.json'), json({ ...artifacts.metrics, backend: artifacts.backend }));
    await writeFileAtomic(join(dir, 'backend.txt'), `${artifacts.backend}\n`);
}
export function historyCsv(history) {
    const columns = [...new Set(history.flatMap((row) => Object.keys(row)))];
    return stringify(history.map((row) => columns.map((c) => row[c] ?? '')), { header: true, columns });
}
export async function loadModel(dir) {
    const saved = await loadLayersModel(dir);
    const model = foldBatchNorm(saved);
    if (model !== saved)
        saved.dispose();
    const readJson = async (name, fallback) => {
        try {
            return JSON.parse(await readFile(join(dir, name), 'utf8'));
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return fallback;
            throw new BirdcallError('MODEL_INVALID', `cannot parse ${name}: ${error.message}`, join(dir, name));
        }
    };
    const classes = await readJson('classes.json', undefined);
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
        throw new BirdcallError('MODEL_INVALID', 'classes.json is missing or is not a list of class names', join(dir, 'classes.json'));
    }
    const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1];
    if (outputs !== classes.length) {
        throw new BirdcallError('MODEL_INVALID', `classes.json lists ${classes.length} classes but the model has ${outputs} outputs`, dir);
    }
    const shape = model.inputs[0].shape.slice(1);
    return {
        model,
        classes: classes,
        pipeline: await readJson('pipeline.json', null),
        inputShape: [shape[0], shape[1], shape[2]],
        trainConfig: (await readJson('train-config.json', {})),
    };
}
//# sourceMappingURL=artifacts.js.map