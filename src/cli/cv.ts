import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { trainParams } from '../train/params.ts';
import { POOL_METHODS, type PoolMethod } from '../train/pool.ts';
import { addParamOptions, readParamOptions } from './blocks.ts';
import { positiveInteger } from './common.ts';
import { parseWhere } from './train.ts';

interface CvFlags {
  data: string;
  out: string;
  folds?: string;
  recipe?: string;
  input?: string;
  where?: string[];
  tta?: string;
  pool?: string;
  only?: string;
  progress?: boolean;
}

/** `--only 1,3` -> [1, 3], each a fold number within 1..folds. */
function parseOnly(text: string | undefined, folds: number): number[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((part) => positiveInteger(part.trim(), '--only') ?? 0);
  const outside = list.filter((f) => f > folds);
  if (outside.length > 0) throw new UsageError(`--only names fold ${outside[0]}, but there are ${folds} folds`);
  return list;
}

export function parsePool(text: string | undefined): PoolMethod {
  if (text === undefined) return 'mean';
  if (!(POOL_METHODS as readonly string[]).includes(text)) throw new UsageError(`--pool must be one of ${POOL_METHODS.join(', ')}, got "${text}"`);
  return text as PoolMethod;
}

export function register(program: Command): void {
  const command = program
    .command('cv')
    .description('k-fold cross-validation by recording (or by a metadata group) of the recipe a manifest was converted with; writes cv.json, oof.csv and index.html. Training flags override the recipe; the defaults shown are the trainer\'s own, used when no recipe is recorded')
    .requiredOption('--data <manifest>', 'manifest.csv written by `birdcall convert`')
    .requiredOption('-o, --out <dir>', 'report folder to write, e.g. reports/NAME')
    .option('--folds <k>', 'number of folds (default: 5)')
    .option('--recipe <name>', "start from this recipe's training settings (default: the recipe recorded beside the manifest; `birdcall recipes` lists them)")
    .option('--input <name>', 'artifact column to train on, e.g. png or npy (default: png when every row has one)')
    .option('--where <column=value...>', 'use only rows whose manifest column has this value (repeatable)')
    .option('--tta <n>', 'average n time-shifted copies of each held-out chunk (default: 1, none)')
    .option('--pool <mean|max>', "a recording's scores from its chunks' (default: mean)")
    .option('--only <folds>', 'run only these folds, e.g. 1,3 (a quick look; the means are then over them)')
    .option('--no-progress', 'no per-epoch lines');
  const infos = addParamOptions(command, trainParams);
  command.action(async (flags: CvFlags) => {
    const params = readParamOptions(command, infos);
    const folds = positiveInteger(flags.folds, '--folds') ?? 5;
    if (folds < 2) throw new UsageError(`--folds must be at least 2, got ${folds}`);
    const only = parseOnly(flags.only, folds);
    const tta = positiveInteger(flags.tta, '--tta') ?? 1;
    const pool = parsePool(flags.pool);
    const where = parseWhere(flags.where);
    // Loaded here, not at the top: every other command starts without TensorFlow.js.
    const { crossValidate } = await import('../train/cv.ts');
    const { writeCrossValidation } = await import('../train/cv-report.ts');
    const log = (line: string): void => void process.stderr.write(`${line}\n`);
    const cv = await crossValidate({
      manifest: flags.data,
      folds,
      recipe: flags.recipe,
      params,
      where,
      input: flags.input,
      tta,
      pool,
      only,
      log: flags.progress === false ? undefined : log,
      onEpoch:
        flags.progress === false
          ? undefined
          : (fold, r) => log(`fold ${fold}/${folds} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, ${r.seconds.toFixed(1)} s`),
    });
    const paths = await writeCrossValidation(flags.out, cv);
    const m = cv.mean;
    const f = (x: { mean: number; sd: number }): string => `${x.mean.toFixed(3)} ± ${Number.isFinite(x.sd) ? x.sd.toFixed(3) : 'n/a'}`;
    process.stdout.write(
      `${cv.perFold.length} folds by ${cv.groupBy ?? 'recording'}: recording top-1 ${f(m.recordingTop1)}, ROC-AUC ${f(m.recordingMacroRocAuc)}; ` +
        `chunk top-1 ${f(m.chunkTop1)}, ROC-AUC ${f(m.chunkMacroRocAuc)}; ${m.trainSeconds.mean.toFixed(0)} s training per fold\n` +
        (cv.meanWithoutTta === undefined
          ? ''
          : `the same models without TTA: recording top-1 ${f(cv.meanWithoutTta.recordingTop1)}, ROC-AUC ${f(cv.meanWithoutTta.recordingMacroRocAuc)}; ` +
            `chunk top-1 ${f(cv.meanWithoutTta.chunkTop1)}, ROC-AUC ${f(cv.meanWithoutTta.chunkMacroRocAuc)}\n`) +
        `wrote ${paths.html}, ${paths.json}, ${paths.csv}\n`,
    );
  });
}
