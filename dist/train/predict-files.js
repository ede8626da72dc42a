import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { BirdcallError } from "../errors.js";
import { openInputs } from "../store/inputs.js";
import { resolveInside } from "../store/paths.js";
import { loadPipelineFile, toSpec } from "../pipeline/pipeline.js";
import { pipelineWorkerPool } from "../pipeline/runner.js";
import { runPipelineOnFile } from "../pipeline/run.js";
import { errorFromData } from "../pipeline/pool-thread.js";
import { loadModel } from "./artifacts.js";
import { decodeInput } from "./dataset.js";
import { predictBatch } from "./predict.js";
/** Load a model folder and resolve the pipeline saved with it (user block modules must sit in the folder). */
export async function loadPredictor(dir) {
    const loaded = await loadModel(dir);
    if (loaded.pipeline === null || loaded.pipeline === undefined) {
        throw new BirdcallError('MODEL_NO_PIPELINE', 'the model folder has no pipeline.json, so its preprocessing is unknown; retrain with --pipeline FILE', dir);
    }
    // Through the pipeline-file loader, not resolvePipeline: a spec naming user block modules finds them
    // beside pipeline.json, under the same "inside the folder" rule as any pipeline file.
    const pipeline = await loadPipelineFile(join(dir, 'pipeline.json'));
    const input = typeof loaded.trainConfig.input === 'string' ? loaded.trainConfig.input : 'png';
    const chunk = pipeline.steps.find((s) => s.block.name === 'chunk');
    const seconds = chunk?.params.seconds;
    return {
        dir,
        model: loaded.model,
        classes: loaded.classes,
        pipeline,
        input,
        inputShape: loaded.inputShape,
        chunkSeconds: typeof seconds === 'number' ? seconds : undefined,
    };
}
/** `<file stem>_<end second>`: whole seconds as BirdCLEF writes them, else up to milliseconds. */
export function rowId(source, endSeconds) {
    const name = basename(source);
    const stem = name.slice(0, name.length - extname(name).length) || name;
    const rounded = Math.round(endSeconds);
    const end = Math.abs(endSeconds - rounded) < 1e-6 ? String(rounded) : String(Number(endSeconds.toFixed(3)));
    return `${stem}_${end}`;
}
/**
 * Class probabilities for every chunk of one recording. A chunk's row_id ends at its nominal end (start +
 * chunk length), as BirdCLEF's do, even when the last chunk was zero-padded.
 */
export async function predictSource(predictor, file, batchSize = 32) {
    const result = await runPipelineOnFile(predictor.pipeline, file);
    return predictItems(predictor, file.path, result.items, batchSize);
}
/** The chunks one recording's pipeline run made (here or in a worker thread), through the model. */
export async function predictItems(predictor, path, items, batchSize = 32) {
    const inputs = [];
    for (const item of items) {
        const artifact = item.artifacts.find((a) => a.name === predictor.input);
        if (artifact === undefined) {
            throw new BirdcallError('PREDICT_NO_INPUT', `the model reads "${predictor.input}" artifacts but its pipeline made none for chunk ${item.chunkIndex}`, path);
        }
        const decoded = await decodeInput(artifact.bytes, `${path}#${item.chunkIndex}.${artifact.ext}`);
        inputs.push(decoded.data);
        if (decoded.shape.some((d, i) => d !== predictor.inputShape[i])) {
            throw new BirdcallError('INPUT_SHAPE_MISMATCH', `chunk ${item.chunkIndex} gives an input of shape [${decoded.shape.join(', ')}] but the model expects [${predictor.inputShape.join(', ')}]`, path);
        }
    }
    const scores = inputs.length > 0 ? predictBatch(predictor.model, inputs, predictor.inputShape, batchSize) : [];
    return items.map((item, i) => {
        const end = predictor.chunkSeconds !== undefined ? item.startSeconds + predictor.chunkSeconds : item.endSeconds;
        return {
            source: path,
            chunkIndex: item.chunkIndex,
            startSeconds: item.startSeconds,
            endSeconds: end,
            rowId: rowId(path, end),
            scores: scores[i],
        };
    });
}
/**
 * The recordings of INPUT: one audio file (any format the decode block reads), a folder, or a manifest CSV
 * (BirdCLEF train_metadata.csv or a birdcalls manifest), the last two read as `convert` reads them.
 */
export async function predictionSources(input) {
    let info;
    try {
        info = await stat(input);
    }
    catch {
        throw new BirdcallError('INPUT_NOT_FOUND', 'no such file or folder', input);
    }
    if (info.isFile() && !input.toLowerCase().endsWith('.csv')) {
        const single = { path: basename(input), abs: resolve(input) };
        return { count: 1, sources: (async function* () { yield single; })() };
    }
    const source = await openInputs(input);
    const count = await source.count();
    const sources = (async function* () {
        for await (const row of source.rows()) {
            yield { path: row.path, abs: await resolveInside(source.root, row.path, row.origin ?? row.path) };
        }
    })();
    return { count, sources };
}
/** Predict every recording of INPUT; a bad recording is reported and skipped, never ends the run. */
export async function predictFiles(predictor, input, options = {}) {
    const { count, sources } = await predictionSources(input);
    const summary = { files: 0, failed: 0, chunks: 0, errors: [] };
    const jobs = options.jobs ?? 1;
    const spec = toSpec(predictor.pipeline);
    const pool = jobs > 1 ? pipelineWorkerPool(spec, jobs) : undefined;
    const specJson = JSON.stringify(spec);
    const prepare = async (source) => {
        try {
            let bytes;
            try {
                bytes = new Uint8Array(await readFile(source.abs));
            }
            catch (error) {
                const code = error.code;
                throw new BirdcallError('SOURCE_NOT_FOUND', code === 'ENOENT' ? 'the file does not exist' : `cannot read the file (${code ?? String(error)})`, source.path);
            }
            if (pool === undefined)
                return { source, items: (await runPipelineOnFile(predictor.pipeline, { path: source.path, bytes })).items };
            const result = await pool.run({ specJson, path: source.path, bytes });
            if (!result.ok)
                throw errorFromData(result.error);
            return { source, items: result.items };
        }
        catch (error) {
            return { source, error };
        }
    };
    const finish = async (prepared) => {
        const { source } = prepared;
        summary.files++;
        try {
            if ('error' in prepared)
                throw prepared.error;
            const rows = await predictItems(predictor, source.path, prepared.items, options.batchSize);
            summary.chunks += rows.length;
            await options.onPredictions?.(rows);
        }
        catch (error) {
            const failure = error instanceof BirdcallError
                ? { path: source.path, code: error.code, reason: error.file && error.file !== source.path ? `${error.file}: ${error.reason}` : error.reason }
                : { path: source.path, code: 'INTERNAL', reason: error instanceof Error ? error.message : String(error) };
            summary.failed++;
            summary.errors.push(failure);
            options.onError?.(failure);
        }
        options.onProgress?.({ done: summary.files, total: Math.max(count, summary.files), failed: summary.failed, chunks: summary.chunks, source: source.path });
    };
    // With workers, jobs + 1 recordings in flight keep every worker busy while this thread predicts the
    // oldest; results are taken in input order.
    const depth = pool === undefined ? 1 : jobs + 1;
    const inFlight = [];
    try {
        for await (const source of sources) {
            inFlight.push(prepare(source));
            if (inFlight.length >= depth)
                await finish(await inFlight.shift());
        }
        while (inFlight.length > 0)
            await finish(await inFlight.shift());
    }
    finally {
        await Promise.allSettled(inFlight);
        await pool?.destroy();
    }
    return summary;
}
/** A probability as text: 9 significant digits round-trip a float32 exactly, without float64 noise digits. */
export function formatProbability(value) {
    return String(Number(value.toPrecision(9)));
}
//# sourceMappingURL=predict-files.js.map