import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { fmt, METRIC_LABEL } from '../select/explain.ts';
import { CRITERIA, DEFAULT_ORDER, MAIN_METRICS, type Criterion, type SelectOptions, type Selection } from '../select/types.ts';
import type { Candidate, EvalSet } from '../select/index.ts';

interface SelectFlags {
  models?: string[];
  predictions?: string[];
  data: string;
  out: string;
  metric?: string;
  bootstrap?: string;
  seed?: string;
  epsilon?: string;
  confidence?: string;
  slice?: string[];
  minSliceSize?: string;
  smallSlices?: string;
  rule?: string[];
  cacheDir?: string;
  cache?: boolean;
}

function number(text: string | undefined, flag: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${integer ? 'an integer' : 'a number'}, got "${text}"`);
  }
  return n;
}

/**
 * `--rule lexicographic [CRITERION …]` (default order when none is named) or
 * `--rule weights CRITERION=W …`; commas work as separators too.
 */
export function parseRule(tokens: readonly string[] | undefined): SelectOptions['rule'] {
  if (tokens === undefined || tokens.length === 0) return undefined;
  const [kind, ...rest] = tokens.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  const isCriterion = (c: string): c is Criterion => (CRITERIA as readonly string[]).includes(c);
  if (kind === 'lexicographic') {
    for (const c of rest) if (!isCriterion(c)) throw new UsageError(`--rule lexicographic: unknown criterion "${c}"; criteria: ${CRITERIA.join(', ')}`);
    return { kind: 'lexicographic', order: rest.length > 0 ? (rest as Criterion[]) : [...DEFAULT_ORDER] };
  }
  if (kind === 'weights') {
    if (rest.length === 0) throw new UsageError('--rule weights needs CRITERION=WEIGHT pairs, e.g. --rule weights worstSlice=2 secondary=1');
    const weights: Partial<Record<Criterion, number>> = {};
    for (const pair of rest) {
      const [name, value, extra] = pair.split('=');
      if (!isCriterion(name) || value === undefined || extra !== undefined) {
        throw new UsageError(`--rule weights: expected CRITERION=WEIGHT with CRITERION one of ${CRITERIA.join(', ')}, got "${pair}"`);
      }
      weights[name] = number(value, `--rule weights ${name}`);
    }
    return { kind: 'weights', weights };
  }
  throw new UsageError(`--rule must start with "lexicographic" or "weights", got "${kind ?? ''}"`);
}

/** The candidates, ranked, one line each: main metric with its interval, top-1, tie-set membership. */
export function candidateTable(selection: Selection): string {
  const by = new Map(selection.candidates.map((c) => [c.name, c]));
  const width = Math.max(...selection.ranking.map((n) => n.length));
  return selection.ranking
    .map((name) => {
      const c = by.get(name)!;
      const mark = name === selection.chosen ? 'chosen' : c.inTieSet ? 'tied' : 'not tied';
      return `  ${name.padEnd(width)}  ${METRIC_LABEL[selection.mainMetric]} ${fmt(c.main)}  top-1 ${c.top1Accuracy.toFixed(3)}  ${mark}`;
    })
    .join('\n');
}

interface Evaluated {
  evalSet: EvalSet;
  candidates: Candidate[];
  unlabelledRows: number;
  /** Where the scores came from, for the first line of output. */
  source: string;
}

async function fromPredictions(paths: string[], manifest: string): Promise<Evaluated> {
  const { evaluatePredictions } = await import('../select/predictions-csv.ts');
  const evaluated = await evaluatePredictions(paths, manifest);
  return { ...evaluated, source: `${paths.length} prediction CSVs` };
}

async function fromModels(models: string[], flags: SelectFlags): Promise<Evaluated> {
  // Loaded here, not at the top: every other command starts without TensorFlow.js.
  const { evaluateModels } = await import('../select/evalset.ts');
  const evaluated = await evaluateModels({
    models,
    manifest: flags.data,
    cacheDir: flags.cache === false ? null : (flags.cacheDir ?? join(flags.out, '.cache')),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  return { ...evaluated, source: `${evaluated.cacheHits} of ${evaluated.candidates.length} models from the cache` };
}

export function register(program: Command): void {
  program
    .command('select')
    .description('score candidate models (model folders or prediction CSVs) on one evaluation manifest and pick the most robust of those tied on the main metric; writes selection.json + report.html')
    .option('--models <dirs...>', 'model folders written by `birdcall train` (two or more to choose between)')
    .option('--predictions <csvs...>', 'or: prediction CSVs from any framework, the `birdcall predict` layout (row_id = <file stem>_<end second>, then one probability column per class; see README)')
    .requiredOption('--data <manifest>', 'evaluation manifest.csv written by `birdcall convert` (labelled chunks the models never trained on)')
    .requiredOption('-o, --out <dir>', 'report folder, e.g. reports/NAME')
    .option('--metric <name>', `main metric on primary labels: ${MAIN_METRICS.join(', ')} (default: macroRocAuc)`)
    .option('--bootstrap <n>', 'paired bootstrap resamples over recordings, >= 1000 (default: 1000)')
    .option('--seed <n>', 'seed of the resampling (default: 42)')
    .option('--epsilon <e>', 'main-metric difference below which candidates tie, in metric units (default: 0.005)')
    .option('--confidence <c>', 'coverage of the intervals, 0-1 (default: 0.95)')
    .option('--slice <columns...>', 'metadata columns to slice by (default: type, rating, region, recordist where present)')
    .option('--min-slice-size <n>', 'recordings a slice needs to count (default: 10)')
    .option('--small-slices <mode>', 'merge small slices into "other" or flag them (default: merge)')
    .option('--rule <spec...>', `how tie-set criteria combine: "lexicographic [${CRITERIA.join(' ')}]" or "weights CRITERION=W …" (default: lexicographic ${DEFAULT_ORDER.join(' ')})`)
    .option('--cache-dir <dir>', 'prediction cache folder (default: OUT/.cache)')
    .option('--no-cache', 'score every model again, ignoring and not writing the cache')
    .action(async (flags: SelectFlags) => {
      const options: SelectOptions = {
        mainMetric: flags.metric as SelectOptions['mainMetric'],
        bootstrap: number(flags.bootstrap, '--bootstrap', true),
        seed: number(flags.seed, '--seed', true),
        epsilon: number(flags.epsilon, '--epsilon'),
        confidence: number(flags.confidence, '--confidence'),
        sliceColumns: flags.slice,
        minSliceSize: number(flags.minSliceSize, '--min-slice-size', true),
        smallSlices: flags.smallSlices as SelectOptions['smallSlices'],
        rule: parseRule(flags.rule),
      };
      if (flags.metric !== undefined && !(MAIN_METRICS as readonly string[]).includes(flags.metric)) {
        throw new UsageError(`--metric must be one of ${MAIN_METRICS.join(', ')}, got "${flags.metric}"`);
      }
      // Drop unset keys so the schema's defaults apply.
      const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SelectOptions;
      if ((flags.models === undefined) === (flags.predictions === undefined)) {
        throw new UsageError('give the candidates either as --models DIR … or as --predictions CSV …, not both');
      }
      const evaluated = flags.predictions !== undefined ? await fromPredictions(flags.predictions, flags.data) : await fromModels(flags.models ?? [], flags);
      // Loaded when the command runs: `birdcall select --help` starts without the selection code.
      const { selectModels, summarize, writeSelection } = await import('../select/index.ts');
      const selection = selectModels(evaluated.evalSet, evaluated.candidates, given);
      const { htmlPath } = await writeSelection(flags.out, selection);
      const notes = evaluated.unlabelledRows > 0 ? [`(${evaluated.unlabelledRows} unlabelled chunks of the manifest were left out)`] : [];
      process.stdout.write(
        [
          `${selection.data.rows} chunks of ${selection.data.recordings} recordings, ${selection.data.classes.length} classes; ${evaluated.source}`,
          ...notes,
          candidateTable(selection),
          summarize(selection),
          `report: ${htmlPath}`,
        ].join('\n') + '\n',
      );
    });
}
