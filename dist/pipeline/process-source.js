import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, extname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { PIPELINE_WORKER, workerEntry } from "../worker-bundle.js";
import { openWavStream, parseWavHeader } from "../audio/wav.js";
import { BirdcallError } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";
import { outputsIntact, sha256Hex } from "./cache.js";
import { checkRelativePath, resolveInside, safeName } from "./paths.js";
import { toSpec } from "./pipeline.js";
import { runPipelineOnFile } from "./run.js";
import { shouldStream, streamPipelineOnWav, streamShape, streamThreshold } from "./run-stream.js";
import { errorFromData } from "./worker.js";
const ARTIFACT_NAME = /^[a-z][a-z0-9_-]{0,31}$/i;
const ARTIFACT_EXT = /^[a-z0-9]{1,10}$/i;
/**
 * Converts one source and writes its state, or returns the stored state when it is still valid. Idempotent:
 * two processes converting the same source write identical bytes through atomic renames.
 */
export async function processSource(ctx, row, base) {
    const abs = await resolveInside(ctx.inputRoot, row.path, row.origin ?? row.path);
    let info;
    try {
        info = await stat(abs);
    }
    catch {
        throw new BirdcallError('SOURCE_NOT_FOUND', `the file does not exist${ctx.notFoundHint ?? ''}`, row.path);
    }
    if (!info.isFile())
        throw new BirdcallError('SOURCE_NOT_FOUND', 'not a regular file', row.path);
    if (ctx.maxFileSize !== undefined && info.size > ctx.maxFileSize) {
        throw new BirdcallError('FILE_TOO_LARGE', `${info.size} bytes is over the --max-file-size limit of ${ctx.maxFileSize} bytes`, row.path);
    }
    const stream = ctx.run.stream && (await shouldStream(abs, row.path, info.size, ctx.run.stream.above)) ? ctx.run.stream : undefined;
    // A streamed source is hashed from disk too: holding its bytes is what streaming avoids.
    const bytes = stream ? undefined : new Uint8Array(await readFile(abs));
    const sourceSha256 = bytes ? sha256Hex(bytes) : await sha256File(abs);
    const previous = await ctx.store.read(row.path);
    if (previous &&
        previous.sourceSha256 === sourceSha256 &&
        previous.pipelineHash === ctx.pipelineHash &&
        sameBase(previous.outputBase, base) &&
        statePathsSafe(previous) &&
        (await outputsIntact(ctx.outDir, previous))) {
        return { outcome: 'skipped', state: previous };
    }
    const duration = bytes
        ? probeDuration(bytes, row.path, ctx.maxDuration)
        : checkDuration(await openWavStream(abs).then((wav) => wav.info.durationSeconds, () => undefined), row.path, ctx.maxDuration);
    const result = bytes ? await ctx.run(row.path, bytes) : await streamPipelineOnWav(stream.pipeline, { path: row.path, absPath: abs });
    const rows = [];
    // Streamed items arrive one at a time and are written as they come: only the rows are kept.
    for await (const item of result.items) {
        const outputs = {};
        const outputHashes = {};
        const outputMeta = {};
        for (const artifact of item.artifacts) {
            checkArtifact(artifact, outputs, row.path);
            const relDir = posix.join(artifact.name, base.label);
            const dir = await outputDir(ctx, relDir, `output folder for ${row.path}`);
            const fileName = `${base.stem}_${String(item.chunkIndex).padStart(4, '0')}.${artifact.ext}`;
            await writeFileAtomic(join(dir, fileName), artifact.bytes, { fsync: ctx.fsync });
            outputs[artifact.name] = posix.join(relDir, fileName);
            outputHashes[artifact.name] = sha256Hex(artifact.bytes);
            for (const [key, value] of Object.entries(artifact.meta ?? {})) {
                outputMeta[key.startsWith(`${artifact.name}_`) ? key : `${artifact.name}_${key}`] = value;
            }
        }
        rows.push({
            source: row.path,
            chunkIndex: item.chunkIndex,
            startSeconds: item.startSeconds,
            endSeconds: item.endSeconds,
            primaryLabel: row.primaryLabel,
            secondaryLabels: row.secondaryLabels,
            outputs,
            outputHashes,
            outputMeta,
            sourceSha256,
            pipelineHash: ctx.pipelineHash,
            birdcallVersion: ctx.birdcallVersion,
            metadata: row.metadata,
        });
    }
    if (!bytes) {
        const after = await stat(abs);
        if (after.size !== info.size || after.mtimeMs !== info.mtimeMs) {
            throw new BirdcallError('SOURCE_CHANGED', 'the file changed while it was converted; run again', row.path);
        }
    }
    const state = {
        format: 1,
        input: row,
        sourceSha256,
        pipelineHash: ctx.pipelineHash,
        birdcallVersion: ctx.birdcallVersion,
        outputBase: base,
        audioSeconds: duration,
        rows,
        warnings: result.warnings,
    };
    await ctx.store.write(state);
    if (previous && statePathsSafe(previous)) {
        const keep = new Set(rows.flatMap((r) => Object.values(r.outputs)));
        const stale = previous.rows.flatMap((r) => Object.values(r.outputs)).filter((rel) => !keep.has(rel));
        if (stale.length > 0)
            return { outcome: 'converted', state, stale: { base: previous.outputBase, paths: stale } };
    }
    return { outcome: 'converted', state };
}
/** Deletes outputs by their path relative to outDir; one that leads outside it through a symlink is left alone. */
export async function removeOutputs(outDir, paths) {
    for (const rel of paths) {
        const path = await resolveInside(outDir, rel, 'stale output').catch(() => undefined);
        if (path)
            await rm(path, { force: true });
    }
}
/**
 * Label folder and file stem of a source. Sanitized with safeName; if another source of this run already has
 * the same folder and stem (same file name under two folders, or names differing only in case), this one
 * gets a hash of its path appended, so no two sources ever write the same output file. Called on every
 * source in input order, with one `taken` map carried from row to row.
 */
export function outputBaseFor(row, taken) {
    const label = safeName(row.primaryLabel === '' ? 'unlabelled' : row.primaryLabel);
    const fileName = basename(row.path);
    const stem = safeName(fileName.slice(0, fileName.length - extname(fileName).length) || fileName);
    let base = { label, stem };
    const owner = taken.get(baseKey(base));
    if (owner !== undefined && owner !== row.path)
        base = { label, stem: `${stem}-${sha256Hex(row.path).slice(0, 12)}` };
    taken.set(baseKey(base), row.path);
    return base;
}
/** Output names compared case-insensitively: `XC1` and `xc1` are one file on macOS and Windows disks. */
export function baseKey(base) {
    return `${base.label}/${base.stem}`.toLowerCase();
}
export function sameBase(a, b) {
    return a?.label === b.label && a.stem === b.stem;
}
/**
 * Runs the pipeline in this thread, or in a pool of `threads` worker threads. The pool is what a caller
 * wants when the main thread must stay responsive (a queue worker renewing its job locks).
 */
export function createRunner(pipeline, options) {
    const runner = poolOrInProcess(pipeline, options);
    if (streamShape(pipeline))
        runner.stream = { pipeline, above: options.streamAbove ?? streamThreshold() };
    return runner;
}
/**
 * Sources that stream (see PipelineRunner.stream) run in the calling thread whatever this chooses: their
 * memory stays bounded only if nobody copies their samples to a worker.
 */
function poolOrInProcess(pipeline, options) {
    if (options.inProcess)
        return (path, bytes) => runPipelineOnFile(pipeline, { path, bytes });
    const spec = toSpec(pipeline);
    const pool = pipelineWorkerPool(spec, options.threads);
    const specJson = JSON.stringify(spec);
    const run = async (path, bytes) => {
        const result = await pool.run({ specJson, path, bytes });
        if (!result.ok)
            throw errorFromData(result.error);
        return result;
    };
    let closed;
    run.close = () => (closed ??= pool.destroy());
    return run;
}
/**
 * `threads` worker threads that run the pipeline (src/pipeline/worker.ts). User block modules may be
 * TypeScript, which only the tsx entry can import; without them the workers start from the esbuild bundle
 * (src/worker-bundle.ts): 0.3 s of CPU each instead of 1 s, which had made `convert --jobs 2` on 80 clips
 * slower than --jobs 1.
 */
export function pipelineWorkerPool(spec, threads) {
    const entry = (spec.blocks ?? []).length > 0 ? workerEntry(PIPELINE_WORKER, 'tsx') : workerEntry(PIPELINE_WORKER);
    return new Piscina({
        filename: fileURLToPath(entry.url),
        name: entry.bundled ? 'runTask' : 'default',
        execArgv: entry.execArgv,
        maxThreads: threads,
        minThreads: threads,
    });
}
/** Makes sure an output folder is inside outDir after symlinks (a pre-made `png -> /etc` is refused). */
async function outputDir(ctx, relDir, what) {
    if (!ctx.checkedDirs?.has(relDir)) {
        const real = await resolveInside(ctx.outDir, relDir, what);
        await mkdir(real, { recursive: true });
        // Again once it exists: a symlink swapped in between the check and mkdir would otherwise go unseen.
        await resolveInside(ctx.outDir, relDir, what);
        ctx.checkedDirs?.add(relDir);
    }
    return join(ctx.outDir, relDir);
}
/** A state file is ours, but a hand-edited one must not make us read or delete outside outDir. */
function statePathsSafe(state) {
    try {
        for (const row of state.rows)
            for (const rel of Object.values(row.outputs))
                checkRelativePath(rel, 'state');
        return true;
    }
    catch {
        return false;
    }
}
function checkArtifact(artifact, seen, source) {
    if (!ARTIFACT_NAME.test(artifact.name)) {
        throw new BirdcallError('ARTIFACT_INVALID', `artifact name "${artifact.name}" must be letters, digits, '_' or '-'`, source);
    }
    if (!ARTIFACT_EXT.test(artifact.ext)) {
        throw new BirdcallError('ARTIFACT_INVALID', `artifact "${artifact.name}" has extension "${artifact.ext}": letters and digits only`, source);
    }
    if (artifact.name in seen) {
        throw new BirdcallError('ARTIFACT_INVALID', `two artifacts named "${artifact.name}" for one chunk; give each output block its own name`, source);
    }
}
/**
 * The source's duration from its WAV header (no samples decoded), enforcing maxDuration. A header we
 * cannot read is left to the pipeline's decoder, which reports it properly.
 */
function probeDuration(bytes, path, maxDuration) {
    let seconds;
    try {
        seconds = parseWavHeader(bytes, path).durationSeconds;
    }
    catch {
        return undefined;
    }
    return checkDuration(seconds, path, maxDuration);
}
function checkDuration(seconds, path, maxDuration) {
    if (seconds === undefined)
        return undefined;
    if (maxDuration !== undefined && seconds > maxDuration) {
        throw new BirdcallError('FILE_TOO_LONG', `${seconds.toFixed(1)} s of audio is over the --max-duration limit of ${maxDuration} s`, path);
    }
    return seconds;
}
/** sha256 (hex) of a file read in pieces; equals sha256Hex of its bytes. */
async function sha256File(path) {
    const hash = createHash('sha256');
    for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 }))
        hash.update(piece);
    return hash.digest('hex');
}
//# sourceMappingURL=process-source.js.map