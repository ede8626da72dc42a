function isChunk(value) {
    const c = value;
    return typeof c.index === 'number' && typeof c.startSeconds === 'number' && typeof c.endSeconds === 'number';
}
function isAudio(value) {
    return value.samples instanceof Float32Array && typeof value.sampleRate === 'number';
}
/**
 * Runs a resolved pipeline on one source file, in memory. Pure apart from the blocks themselves: nothing is
 * written — artifacts come back for the caller (convert, predict) to write. A block returning an array fans
 * the item out (chunk); an empty array drops it (a quality check). A BirdcallError from a block propagates
 * unchanged: the caller decides whether the batch goes on.
 */
export async function runPipelineOnFile(resolved, file) {
    const fileWarnings = [];
    const start = [{ value: file, chunkIndex: 0, startSeconds: 0, endSeconds: 0, artifacts: [], warnings: [] }];
    const items = await runSteps(resolved.steps, start, file, fileWarnings);
    return {
        items: items.map((it) => ({
            chunkIndex: it.chunkIndex,
            startSeconds: it.startSeconds,
            endSeconds: it.endSeconds,
            artifacts: it.artifacts,
            warnings: it.warnings,
            value: it.value,
        })),
        warnings: fileWarnings,
    };
}
/**
 * Runs `steps` in order on `items` (fanning out and dropping as the blocks say), adding each new warning to
 * `fileWarnings` once. `file` is the source the items came from: its path names the source in every block
 * context. Exported for the streaming runner (run-stream.ts), which feeds the steps after `chunk` one chunk
 * at a time, so both runners make the same items.
 */
export async function runSteps(steps, start, file, fileWarnings) {
    let items = start;
    for (const step of steps) {
        const next = [];
        for (const item of items) {
            const emitted = [];
            const raised = [];
            const ctx = {
                source: file.path,
                chunkIndex: item.chunkIndex,
                emit: (artifact) => emitted.push(artifact),
                warn: (message) => raised.push(message),
            };
            const out = await step.block.run(item.value, step.params, ctx);
            for (const w of raised) {
                const text = `${step.block.name}: ${w}`;
                if (!fileWarnings.includes(text))
                    fileWarnings.push(text);
            }
            const warnings = [...item.warnings, ...raised.map((w) => `${step.block.name}: ${w}`)];
            const artifacts = [...item.artifacts, ...emitted];
            const outputs = Array.isArray(out) ? out : [out];
            outputs.forEach((value, k) => {
                const child = {
                    value,
                    chunkIndex: item.chunkIndex,
                    startSeconds: item.startSeconds,
                    endSeconds: item.endSeconds,
                    // Artifacts made before a fan-out belong to the file: they go with the first child only, so the
                    // caller writes them once.
                    artifacts: k === 0 ? artifacts : [],
                    warnings,
                };
                if (isChunk(value)) {
                    child.chunkIndex = value.index;
                    child.startSeconds = value.startSeconds;
                    child.endSeconds = value.endSeconds;
                }
                else if (item.value === file && isAudio(value)) {
                    // No chunk block (yet): the item is the whole file, whose length the decoder just told us.
                    child.endSeconds = value.samples.length / value.sampleRate;
                }
                next.push(child);
            });
        }
        items = next;
    }
    return items;
}
//# sourceMappingURL=run.js.map