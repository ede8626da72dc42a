import { BirdcallError } from "../errors.js";
import { loadBlockModules, resolvePipeline } from "./pipeline.js";
import { runPipelineOnFile } from "./run.js";
let cached;
export function errorToData(err) {
    if (err instanceof BirdcallError)
        return { code: err.code, reason: err.reason, file: err.file, message: err.message };
    const error = err instanceof Error ? err : new Error(String(err));
    return { code: 'INTERNAL', reason: error.message, message: error.message, stack: error.stack };
}
export function errorFromData(data) {
    if (data.code === 'INTERNAL') {
        const error = new Error(data.message);
        if (data.stack)
            error.stack = data.stack;
        return error;
    }
    return new BirdcallError(data.code, data.reason, data.file);
}
/** Rebuilds the pipeline in this thread: user block modules are imported again (absolute paths in the spec). */
async function rebuild(specJson) {
    const spec = JSON.parse(specJson);
    const modules = spec.blocks ?? [];
    const blocks = await loadBlockModules(modules);
    return resolvePipeline(spec, { blocks, modules });
}
export async function runTask(task) {
    try {
        if (cached?.specJson !== task.specJson)
            cached = { specJson: task.specJson, pipeline: rebuild(task.specJson) };
        const result = await runPipelineOnFile(await cached.pipeline, { path: task.path, bytes: task.bytes });
        return { ok: true, items: result.items.map(({ value: _value, ...rest }) => rest), warnings: result.warnings };
    }
    catch (err) {
        return { ok: false, error: errorToData(err) };
    }
}
//# sourceMappingURL=worker.js.map