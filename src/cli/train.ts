import { dirname } from 'node:path';
import type { Command } from 'commander';
import { BirdcallError, UsageError } from '../errors.ts';
import { trainParams } from '../train/params.ts';
import { recipeTrainParams } from '../train/recipes.ts';
import type { BatchProgress } from '../train/train.ts';
import { addParamOptions, readParamOptions } from './blocks.ts';
import { loadCliProgress } from './common.ts';
import { handleStopSignals, SIGNAL_EXIT } from './signals.ts';

interface TrainFlags {
  data: string;
  out: string;
  pipeline?: string;
  recipe?: string;
  input?: string;
  where?: string[];
  progress?: boolean;
}

/** `--where subset=labelled_clips --where site=A` -> { subset: 'labelled_clips', site: 'A' }. */
export function parseWhere(items: string[] = []): Record<string, string> {
  const where: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--where expects COLUMN=VALUE, got "${item}"`);
    where[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return where;
}

/**
 * Progress within an epoch on stderr: a bar on a terminal; on a pipe or in CI, a plain line every
 * `intervalSeconds` (a bar would fill the log with carriage returns).
 */
function makeBatchProgress(enabled: boolean): { update: (p: BatchProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const cliProgress = loadCliProgress();
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'epoch {epoch} {bar} {value}/{total} batches | loss {loss}', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      update: (p) => {
        const payload = { epoch: p.epoch, loss: p.loss.toFixed(4) };
        if (!running) {
          bar.start(p.batches, p.batch, payload);
          running = true;
        } else bar.update(p.batch, payload);
        if (p.batch === p.batches) {
          bar.stop();
          running = false;
        }
      },
      stop: () => {
        if (running) bar.stop();
      },
    };
  }
  const intervalSeconds = 10;
  let last = performance.now();
  return {
    update: (p) => {
      const now = performance.now();
      if ((now - last) / 1000 < intervalSeconds || p.batch === p.batches) return;
      last = now;
      process.stderr.write(`epoch ${p.epoch}: batch ${p.batch}/${p.batches}, loss ${p.loss.toFixed(4)}\n`);
    },
    stop: () => {},
  };
}

export function register(program: Command): void {
  const command = program
    .command('train')
    .description('train a CNN on a convert output manifest; writes model.json + weights.bin, classes, pipeline, history, metrics. Starts from the recipe convert recorded beside the manifest; flags override it, and the defaults shown are the trainer\'s own, used when no recipe is recorded')
    .requiredOption('--data <manifest>', 'manifest.csv written by `birdcall convert` (inputs are read relative to it)')
    .requiredOption('-o, --out <dir>', 'model folder to write, e.g. models/NAME')
    .option('--recipe <name>', "start from this recipe's training settings (default: the recipe convert recorded beside the manifest; flags override it)")
    .option('--pipeline <file>', 'pipeline file that made the inputs (default: pipeline.json/.yaml beside the manifest)')
    .option('--input <name>', 'artifact column to train on, e.g. png or npy (default: png when every row has one)')
    .option('--where <column=value...>', 'train only on rows whose manifest column has this value (repeatable)')
    .option('--no-progress', 'no progress output within epochs')
    .addHelpText('after', '\nSIGINT/SIGTERM stop before the next batch and leave the model folder as it was; exit 130/143.');
  const infos = addParamOptions(command, trainParams);
  command.action(async (flags: TrainFlags) => {
    const params = readParamOptions(command, infos);
    const where = parseWhere(flags.where);
    const progress = makeBatchProgress(flags.progress !== false);
    // For the "epoch i/N" lines: the recipe's epoch count unless --epochs says otherwise.
    const { params: start } = await recipeTrainParams(dirname(flags.data), params, flags.recipe);
    const epochs = start.epochs ?? trainParams.shape.epochs.parse(undefined);
    // Training stops before its next batch and writes nothing; a save already under way completes (it is
    // one folder rename). Exit 130 (SIGINT) or 143 (SIGTERM) either way.
    const stop = handleStopSignals((signal) => {
      progress.stop();
      process.stderr.write(`train: ${signal}: stopping before the next batch; ${flags.out} is left as it was (${signal} again to quit at once)\n`);
    });
    try {
      // Loaded here, not at the top: every other command starts without TensorFlow.js.
      const { formatEpoch, trainFromManifest } = await import('../train/run.ts');
      const result = await trainFromManifest({
        manifest: flags.data,
        out: flags.out,
        params,
        recipe: flags.recipe,
        pipeline: flags.pipeline,
        input: flags.input,
        where,
        signal: stop.signal,
        log: (line) => process.stderr.write(`${line}\n`),
        onBatch: progress.update,
        onEpoch: (report) => {
          progress.stop();
          process.stdout.write(`${formatEpoch(report, epochs)}\n`);
        },
      });
      const best = result.best.validation;
      process.stdout.write(
        `best epoch ${result.best.epoch}` +
          (best?.top1 !== undefined ? `: top1 ${best.top1.toFixed(3)}` : '') +
          (best?.macroRocAuc !== undefined ? `, roc_auc ${best.macroRocAuc.toFixed(3)}` : '') +
          `; ${result.secondsPerExample.toFixed(4)} s per training example on ${result.backend.name}; saved ${result.out}\n`,
      );
    } catch (err) {
      if (!(err instanceof BirdcallError && err.code === 'INTERRUPTED' && stop.signal.aborted)) throw err;
      process.stderr.write(`train: interrupted (${err.message}); nothing written to ${flags.out}\n`);
    } finally {
      progress.stop();
      stop.dispose();
      const signal = stop.received();
      if (signal !== undefined) process.exitCode = SIGNAL_EXIT[signal];
    }
  });
}
