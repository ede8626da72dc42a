import { UsageError } from "../errors.js";
import { positiveInteger } from "./flags.js";
import { loadPipelineFile, presetPipeline } from "../pipeline/pipeline.js";
/** BullMQ and ioredis load on use, not at start-up: every other command starts without them. */
const queueLib = () => import("../scale/queue.js");
export async function pipelineFromFlags(flags, required) {
    if (flags.pipeline !== undefined && flags.preset !== undefined)
        throw new UsageError('give --pipeline FILE or --preset NAME, not both');
    if (flags.pipeline !== undefined)
        return loadPipelineFile(flags.pipeline);
    if (flags.preset !== undefined || required)
        return presetPipeline(flags.preset ?? 'default');
    return undefined;
}
function statusLine(s) {
    const c = s.counts;
    const total = s.meta?.sources ?? c.waiting + c.active + c.delayed + c.completed + c.failed;
    return (`${s.queue}: ${c.completed + c.failed}/${total} done (${(s.progress * 100).toFixed(1)}%): ${c.completed} completed, ` +
        `${c.failed} failed, ${c.active} running, ${c.waiting} waiting, ${c.delayed} waiting to retry; ${s.workers} worker connection(s)`);
}
function finishReport(summary) {
    return (`manifest: ${summary.chunks} chunks from ${summary.converted + summary.skipped} sources in ${summary.manifestPath} ` +
        `(${summary.skipped} done by workers, ${summary.converted} converted now, ${summary.failed} failed; details in ${summary.errorsPath})\n`);
}
function finishExitCode(summary) {
    if (summary.failed === 0)
        return 0;
    return summary.converted + summary.skipped > 0 ? 3 : 1;
}
/**
 * `convert INPUT --queue URL`: enqueue one job per source; with --wait, also wait for the workers and build
 * the manifest in -o OUT. Sets process.exitCode like convert.
 */
export async function queueConvert(input, flags) {
    const { enqueue, finishQueue, parseQueueUrl, waitForQueue } = await queueLib();
    const target = parseQueueUrl(flags.queue);
    if (flags.wait && flags.out === undefined)
        throw new UsageError('--wait builds the manifest: give -o OUT (the output root the workers write)');
    const pipeline = (await pipelineFromFlags(flags, true));
    const summary = await enqueue({ queue: target, input, pipeline, attempts: positiveInteger(flags.attempts, '--attempts') });
    process.stderr.write(`queued ${summary.added} new job(s) on ${summary.queue} (${summary.alreadyQueued} already there, ${summary.sources} sources` +
        `${summary.invalidRows > 0 ? `, ${summary.invalidRows} unusable rows left for the final report` : ''}); pipeline ${summary.pipelineHash.slice(0, 12)}\n`);
    if (!flags.wait) {
        process.stderr.write(`start workers with: birdcall worker --queue ${summary.queue} -o OUT; then: birdcall queue finish --queue ${summary.queue} -o OUT\n`);
        return;
    }
    let last = 0;
    await waitForQueue(target, {
        onStatus: (s) => {
            if (flags.progress === false || Date.now() - last < 5000)
                return;
            last = Date.now();
            process.stderr.write(statusLine(s) + '\n');
        },
    });
    const result = await finishQueue({ queue: target, outDir: flags.out, jobs: positiveInteger(flags.jobs, '--jobs') });
    process.stderr.write(finishReport(result));
    const code = finishExitCode(result);
    if (code !== 0)
        process.exitCode = code;
}
export function register(program) {
    const queue = program.command('queue').description('queue mode on Redis (BullMQ): add a conversion, watch it, build its manifest');
    queue
        .command('add')
        .description('enqueue one job per source of INPUT (same as `convert INPUT --queue URL`); enqueuing again adds nothing')
        .argument('<input>', 'a folder of WAVs, a BirdCLEF train_metadata.csv or a birdcalls manifest.csv')
        .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME (NAME: the queue, one per conversion)')
        .option('--pipeline <file>', 'pipeline file (YAML or JSON)')
        .option('--preset <name>', 'a built-in pipeline (default: "default")')
        .option('--attempts <n>', 'tries per file before it fails, with exponential backoff from 2 s (default 3)')
        .option('--wait', 'wait for the workers, then build the manifest in -o OUT')
        .option('-o, --out <dir>', 'output root the workers write (for --wait)')
        .option('--jobs <n>', 'threads for the final pass (sources the workers could not convert)')
        .option('--no-progress', 'no progress lines while waiting')
        .action(async (input, flags) => queueConvert(input, flags));
    queue
        .command('status')
        .description('counts and progress of a queued conversion, and the files that failed')
        .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
        .option('--json', 'print the status as JSON on stdout')
        .action(async (flags) => {
        const { queueStatus } = await queueLib();
        const status = await queueStatus(flags.queue);
        if (flags.json) {
            const { meta, ...rest } = status;
            const shown = meta ? { ...meta, specJson: undefined, spec: JSON.parse(meta.specJson) } : undefined;
            process.stdout.write(JSON.stringify({ ...rest, meta: shown }, null, 2) + '\n');
            return;
        }
        const lines = [statusLine(status)];
        if (status.meta)
            lines.push(`input ${status.meta.input}, pipeline ${status.meta.pipelineHash.slice(0, 12)}, birdcall ${status.meta.birdcallVersion}`);
        else
            lines.push('no conversion queued here yet');
        for (const f of status.failures)
            lines.push(`failed: ${f.source}: ${f.reason}`);
        process.stdout.write(lines.join('\n') + '\n');
    });
    queue
        .command('finish')
        .description("build manifest.csv, errors.csv and summary.json in the shared output root once the queue is drained")
        .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
        .requiredOption('-o, --out <dir>', 'the output root the workers wrote')
        .option('--jobs <n>', 'threads for sources the workers did not convert')
        .option('--force', 'do not wait for waiting/running jobs: convert them here')
        .action(async (flags) => {
        const { finishQueue } = await queueLib();
        const summary = await finishQueue({ queue: flags.queue, outDir: flags.out, jobs: positiveInteger(flags.jobs, '--jobs'), force: flags.force });
        process.stderr.write(finishReport(summary));
        const code = finishExitCode(summary);
        if (code !== 0)
            process.exitCode = code;
    });
    queue
        .command('remove')
        .description('delete a queue, its jobs and its stored pipeline (outputs are kept)')
        .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
        .action(async (flags) => {
        const { parseQueueUrl, removeQueue } = await queueLib();
        await removeQueue(flags.queue);
        process.stderr.write(`removed ${parseQueueUrl(flags.queue).display}\n`);
    });
}
//# sourceMappingURL=queue.js.map