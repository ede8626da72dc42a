import cliProgress from 'cli-progress';
import { BirdcallError, UsageError } from "../errors.js";
import { convert, convertExitCode, parseByteSize } from "../batch/convert.js";
import { loadPipelineFile, presetPipeline } from "../pipeline/pipeline.js";
import { convertShard, resolveShard } from "../scale/shard.js";
import { queueConvert } from "./queue.js";
import { positiveInteger } from "./flags.js";
/** Input problems the user made on the command line (a missing INPUT): exit code 2, like a bad flag. */
const INPUT_USAGE_CODES = new Set(['INPUT_NOT_FOUND', 'INPUT_LAYOUT']);
function positiveNumber(text, flag) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
        throw new UsageError(`${flag} must be a positive number, got "${text}"`);
    return n;
}
async function choosePipeline(flags) {
    if (flags.pipeline !== undefined && flags.preset !== undefined) {
        throw new UsageError('give --pipeline FILE or --preset NAME, not both');
    }
    if (flags.pipeline !== undefined)
        return loadPipelineFile(flags.pipeline);
    return presetPipeline(flags.preset ?? 'default');
}
function formatSeconds(seconds) {
    if (seconds === undefined || !Number.isFinite(seconds))
        return '?';
    if (seconds < 90)
        return `${Math.round(seconds)} s`;
    if (seconds < 5400)
        return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
}
/**
 * Progress on stderr: a bar with files/s and ETA on a terminal; on a pipe or in CI (where a bar would fill
 * the log with carriage returns) one plain line every `intervalSeconds`.
 */
function makeProgress(enabled) {
    if (!enabled)
        return { update: () => { }, stop: () => { } };
    if (process.stderr.isTTY) {
        const bar = new cliProgress.SingleBar({
            stream: process.stderr,
            format: 'convert {bar} {value}/{total} files | {rate} files/s | ETA {etaText} | {failed} failed',
            hideCursor: true,
            clearOnComplete: false,
        }, cliProgress.Presets.shades_classic);
        let started = false;
        return {
            update: (p) => {
                const payload = { rate: p.filesPerSecond.toFixed(1), etaText: formatSeconds(p.etaSeconds), failed: p.failed };
                if (!started) {
                    bar.start(p.total, p.done, payload);
                    started = true;
                }
                else {
                    bar.setTotal(p.total);
                    bar.update(p.done, payload);
                }
            },
            stop: () => {
                if (started)
                    bar.stop();
            },
        };
    }
    const intervalSeconds = 5;
    let lastPrinted = -Infinity;
    return {
        update: (p) => {
            if (p.elapsedSeconds - lastPrinted < intervalSeconds && p.done < p.total)
                return;
            lastPrinted = p.elapsedSeconds;
            process.stderr.write(`convert: ${p.done}/${p.total} files, ${p.filesPerSecond.toFixed(1)} files/s, ETA ${formatSeconds(p.etaSeconds)}, ` +
                `${p.failed} failed\n`);
        },
        stop: () => { },
    };
}
function report(summary) {
    const lines = [
        `converted ${summary.converted}, up to date ${summary.skipped}, failed ${summary.failed} of ${summary.files} files; ` +
            `${summary.chunks} chunks in ${summary.manifestPath}`,
        `${summary.filesPerSecond.toFixed(2)} files/s, real-time factor ${summary.realTimeFactor.toFixed(1)}x ` +
            `(${summary.audioSeconds.toFixed(0)} s of audio in ${summary.elapsedSeconds.toFixed(1)} s, ${summary.jobs} jobs)`,
    ];
    const errors = Object.entries(summary.errorsByCode);
    if (errors.length > 0) {
        lines.push(`failures: ${errors.map(([code, n]) => `${code} ${n}`).join(', ')} (details in ${summary.errorsPath})`);
    }
    const warnings = Object.entries(summary.warningsByKind);
    if (warnings.length > 0) {
        lines.push(`warnings and quality checks: ${warnings.map(([kind, n]) => `${kind} ×${n}`).join('; ')}`);
    }
    if (summary.tempFilesRemoved > 0)
        lines.push(`removed ${summary.tempFilesRemoved} temp files left by an interrupted run`);
    return lines.join('\n') + '\n';
}
export function register(program) {
    program
        .command('convert')
        .description('run a pipeline over a folder of WAVs or a manifest CSV: images/npy per chunk, manifest.csv, errors.csv')
        .argument('<input>', 'a folder (label = parent folder name), a BirdCLEF train_metadata.csv or a birdcalls manifest.csv')
        .requiredOption('-o, --out <dir>', 'output folder')
        .option('--pipeline <file>', 'pipeline file (YAML or JSON)')
        .option('--preset <name>', 'a built-in pipeline (default: "default")')
        .option('--jobs <n>', 'worker threads for the CPU work; 1 runs in-process (default: all cores)')
        .option('--max-duration <seconds>', 'fail files longer than this (seconds)')
        .option('--max-file-size <size>', 'fail files larger than this: bytes, or 50MB (10^6) / 48MiB (2^20)')
        .option('--stream-above <size>', 'stream WAV files larger than this instead of reading them whole (bounded memory, same outputs): bytes or 64MiB (default 64MiB)')
        .option('--fsync', 'flush every output to disk before its rename (survives power loss; slower)')
        .option('--no-progress', 'no progress output')
        .option('--shard <K/N|auto>', 'convert only shard K of N (from 0) of the input; auto: from Kubernetes/Slurm job-array variables')
        .option('--queue <url>', 'enqueue one job per file on redis://HOST:PORT/NAME for `birdcall worker`s instead of converting here')
        .option('--wait', 'with --queue: wait for the workers, then build the manifest in -o OUT')
        .option('--attempts <n>', 'with --queue: tries per file before it fails (default 3)')
        .action(async (input, flags) => {
        if (flags.queue !== undefined) {
            if (flags.shard !== undefined)
                throw new UsageError('--shard and --queue do not mix: a queue already spreads the files over its workers');
            await queueConvert(input, { ...flags, queue: flags.queue });
            return;
        }
        const shard = flags.shard === undefined ? undefined : resolveShard(flags.shard);
        const jobs = positiveInteger(flags.jobs, '--jobs');
        const maxDuration = flags.maxDuration === undefined ? undefined : positiveNumber(flags.maxDuration, '--max-duration');
        const maxFileSize = flags.maxFileSize === undefined ? undefined : parseByteSize(flags.maxFileSize);
        const streamAbove = flags.streamAbove === undefined ? undefined : parseByteSize(flags.streamAbove);
        const pipeline = await choosePipeline(flags);
        const progress = makeProgress(flags.progress !== false);
        let summary;
        try {
            const options = {
                input,
                outDir: flags.out,
                pipeline,
                jobs,
                maxDuration,
                maxFileSize,
                streamAbove,
                fsync: flags.fsync,
                onProgress: progress.update,
            };
            summary = shard ? await convertShard({ ...options, shard }) : await convert(options);
        }
        catch (err) {
            if (err instanceof BirdcallError && INPUT_USAGE_CODES.has(err.code))
                throw new UsageError(err.reason, err.file);
            throw err;
        }
        finally {
            progress.stop();
        }
        process.stderr.write(report(summary));
        const code = convertExitCode(summary);
        if (code !== 0)
            process.exitCode = code;
    });
}
//# sourceMappingURL=convert.js.map