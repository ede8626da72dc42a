import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { ConvertSummary } from '../batch/convert.ts';
import type { EnqueueSummary, QueueStatus } from '../scale/queue.ts';
import { pipelineFromFlags, positiveInteger, recipeFromFlags, setBatchExitCode, type PipelineFlags } from './common.ts';
import { recordRecipe } from '../train/recipes.ts';

/** BullMQ and ioredis load on use, not at start-up: every other command starts without them. */
const queueLib = (): Promise<typeof import('../scale/queue.ts')> => import('../scale/queue.ts');

/**
 * `birdcall queue add|status|finish|remove`: the enqueuer's side of queue mode (workers run
 * `birdcall worker`). `birdcall convert INPUT -o OUT --queue URL [--wait]` is `queue add` under another name.
 */

function statusLine(s: QueueStatus): string {
  const c = s.counts;
  const total = s.meta?.sources ?? c.waiting + c.active + c.delayed + c.completed + c.failed;
  return (
    `${s.queue}: ${c.completed + c.failed}/${total} done (${(s.progress * 100).toFixed(1)}%): ${c.completed} completed, ` +
    `${c.failed} failed, ${c.active} running, ${c.waiting} waiting, ${c.delayed} waiting to retry; ${s.workers} worker connection(s)`
  );
}

function finishReport(summary: ConvertSummary): string {
  return (
    `manifest: ${summary.chunks} chunks from ${summary.converted + summary.skipped} sources in ${summary.manifestPath} ` +
    `(${summary.skipped} done by workers, ${summary.converted} converted now, ${summary.failed} failed; details in ${summary.errorsPath})\n`
  );
}

export interface QueueConvertFlags extends PipelineFlags {
  queue: string;
  out?: string;
  wait?: boolean;
  jobs?: string;
  attempts?: string;
  progress?: boolean;
}

/**
 * `convert INPUT --queue URL`: enqueue one job per source; with --wait, also wait for the workers and build
 * the manifest in -o OUT. Sets process.exitCode like convert.
 */
export async function queueConvert(input: string, flags: QueueConvertFlags): Promise<void> {
  const { enqueue, finishQueue, parseQueueUrl, waitForQueue } = await queueLib();
  const target = parseQueueUrl(flags.queue);
  if (flags.wait && flags.out === undefined) throw new UsageError('--wait builds the manifest: give -o OUT (the output root the workers write)');
  const pipeline = (await pipelineFromFlags(flags, true))!;
  const summary: EnqueueSummary = await enqueue({ queue: target, input, pipeline, attempts: positiveInteger(flags.attempts, '--attempts') });
  process.stderr.write(
    `queued ${summary.added} new job(s) on ${summary.queue} (${summary.alreadyQueued} already there, ${summary.sources} sources` +
      `${summary.invalidRows > 0 ? `, ${summary.invalidRows} unusable rows left for the final report` : ''}); pipeline ${summary.pipelineHash.slice(0, 12)}\n`,
  );
  if (!flags.wait) {
    process.stderr.write(`start workers with: birdcall worker --queue ${summary.queue} -o OUT; then: birdcall queue finish --queue ${summary.queue} -o OUT\n`);
    return;
  }
  let last = 0;
  await waitForQueue(target, {
    onStatus: (s) => {
      if (flags.progress === false || Date.now() - last < 5000) return;
      last = Date.now();
      process.stderr.write(statusLine(s) + '\n');
    },
  });
  const result = await finishQueue({ queue: target, outDir: flags.out!, jobs: positiveInteger(flags.jobs, '--jobs') });
  const recipe = recipeFromFlags(flags);
  if (recipe !== undefined) await recordRecipe(flags.out!, recipe);
  process.stderr.write(finishReport(result));
  await setBatchExitCode(result);
}

export function register(program: Command): void {
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
    .action(async (input: string, flags: QueueConvertFlags) => queueConvert(input, flags));

  queue
    .command('status')
    .description('counts and progress of a queued conversion, and the files that failed')
    .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
    .option('--json', 'print the status as JSON on stdout')
    .action(async (flags: { queue: string; json?: boolean }) => {
      const { queueStatus } = await queueLib();
      const status = await queueStatus(flags.queue);
      if (flags.json) {
        const { meta, ...rest } = status;
        const shown = meta ? { ...meta, specJson: undefined, spec: JSON.parse(meta.specJson) as unknown } : undefined;
        process.stdout.write(JSON.stringify({ ...rest, meta: shown }, null, 2) + '\n');
        return;
      }
      const lines = [statusLine(status)];
      if (status.meta) lines.push(`input ${status.meta.input}, pipeline ${status.meta.pipelineHash.slice(0, 12)}, birdcall ${status.meta.birdcallVersion}`);
      else lines.push('no conversion queued here yet');
      for (const f of status.failures) lines.push(`failed: ${f.source}: ${f.reason}`);
      process.stdout.write(lines.join('\n') + '\n');
    });

  queue
    .command('finish')
    .description("build manifest.csv, errors.csv and summary.json in the shared output root once the queue is drained")
    .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
    .requiredOption('-o, --out <dir>', 'the output root the workers wrote')
    .option('--jobs <n>', 'threads for sources the workers did not convert')
    .option('--force', 'do not wait for waiting/running jobs: convert them here')
    .action(async (flags: { queue: string; out: string; jobs?: string; force?: boolean }) => {
      const { finishQueue } = await queueLib();
      const summary = await finishQueue({ queue: flags.queue, outDir: flags.out, jobs: positiveInteger(flags.jobs, '--jobs'), force: flags.force });
      process.stderr.write(finishReport(summary));
      await setBatchExitCode(summary);
    });

  queue
    .command('remove')
    .description('delete a queue, its jobs and its stored pipeline (outputs are kept)')
    .requiredOption('--queue <url>', 'redis://HOST:PORT/NAME')
    .action(async (flags: { queue: string }) => {
      const { parseQueueUrl, removeQueue } = await queueLib();
      await removeQueue(flags.queue);
      process.stderr.write(`removed ${parseQueueUrl(flags.queue).display}\n`);
    });
}
