/**
 * Cross-validation of a recipe on the 80 real clips (10 species x 8 recordings), the figures of docs/real-data.md:
 *   npx tsx scripts/cv-real.ts                                 # the default recipe, 5 folds by recording
 *   npx tsx scripts/cv-real.ts --group-by recordist            # 5 folds by recordist
 *   npx tsx scripts/cv-real.ts --only 1 --params '{"epochs": 10}'   # a quick experiment
 *   npx tsx scripts/cv-real.ts --pipeline docs/experiments/real-clips-db.yaml   # another pipeline, same training
 *
 * A thin call of the library (`crossValidate`, what `birdcall cv` runs): converts the shared manifest's
 * labelled clips with the recipe's pipeline (or --pipeline) into out/real-clips[-NAME]/ (incremental), then
 * cross-validates on the rows with subset=labelled_clips and writes reports/cv-real[-NAME]/ (cv.json, oof.csv,
 * index.html). The manifest, not the clips folder, is converted so that the recordist column is there to group by.
 */
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { convert } from '../src/batch/convert.ts';
import { loadPipelineFile, resolvePipeline } from '../src/pipeline/pipeline.ts';
import { crossValidate, type CrossValidateOptions } from '../src/train/cv.ts';
import { writeCrossValidation } from '../src/train/cv-report.ts';
import { DEFAULT_RECIPE, getRecipe, recordRecipe } from '../src/train/recipes.ts';
import type { TrainParamsInput } from '../src/train/params.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface CvRealPlan {
  /** The manifest to convert, and the folders converted into and reported in. */
  input: string;
  convertDir: string;
  reportDir: string;
  /** A pipeline file in place of the recipe's pipeline (the recipe's training is kept). */
  pipeline?: string;
  recipe: string;
  cv: Omit<CrossValidateOptions, 'manifest'>;
}

/** The command line as a plan: which data, which folders, which cross-validation. */
export function planCvReal(argv: string[]): CvRealPlan {
  const { values } = parseArgs({
    args: argv,
    options: {
      input: { type: 'string', default: resolve(ROOT, '..', 'shared', 'data', 'birdcalls', 'manifest.csv') },
      recipe: { type: 'string', default: DEFAULT_RECIPE },
      pipeline: { type: 'string' },
      name: { type: 'string' },
      folds: { type: 'string', default: '5' },
      only: { type: 'string' },
      'group-by': { type: 'string' },
      params: { type: 'string', default: '{}' },
      tta: { type: 'string', default: '1' },
      pool: { type: 'string', default: 'mean' },
    },
  });
  getRecipe(values.recipe);
  const pipelineName = values.pipeline === undefined ? undefined : basename(values.pipeline, extname(values.pipeline));
  const suffix = (parts: (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').map((p) => `-${p}`).join('');
  const groupBy = values['group-by'];
  return {
    input: values.input,
    convertDir: join(ROOT, 'out', `real-clips${suffix([pipelineName])}`),
    reportDir: join(ROOT, 'reports', `cv-real${suffix([values.name ?? pipelineName, groupBy && `by-${groupBy}`])}`),
    pipeline: values.pipeline,
    recipe: values.recipe,
    cv: {
      folds: Number(values.folds),
      groupBy,
      recipe: values.recipe,
      params: JSON.parse(values.params) as TrainParamsInput,
      where: { subset: 'labelled_clips' },
      tta: Number(values.tta),
      pool: values.pool === 'max' ? 'max' : 'mean',
      only: values.only?.split(',').map(Number),
    },
  };
}

async function main(argv: string[]): Promise<void> {
  const plan = planCvReal(argv);
  const recipe = getRecipe(plan.recipe);
  const pipeline = plan.pipeline === undefined ? resolvePipeline(recipe.pipeline) : await loadPipelineFile(plan.pipeline);
  const summary = await convert({ input: plan.input, outDir: plan.convertDir, pipeline, jobs: 1 });
  if (plan.pipeline === undefined) await recordRecipe(plan.convertDir, recipe);
  console.log(`convert: ${summary.converted} converted, ${summary.skipped} up to date, ${summary.failed} failed; ${summary.chunks} chunks in ${summary.manifestPath}`);
  const cv = await crossValidate({ ...plan.cv, manifest: summary.manifestPath, log: (line) => console.log(line) });
  const paths = await writeCrossValidation(plan.reportDir, cv);
  const f = (x: { mean: number; sd: number }): string => `${x.mean.toFixed(3)} ± ${x.sd.toFixed(3)}`;
  console.log(
    `recording top-1 ${f(cv.mean.recordingTop1)}, ROC-AUC ${f(cv.mean.recordingMacroRocAuc)}; chunk top-1 ${f(cv.mean.chunkTop1)}, ` +
      `ROC-AUC ${f(cv.mean.chunkMacroRocAuc)}; ${cv.mean.trainSeconds.mean.toFixed(0)} s training per fold; wrote ${paths.html}`,
  );
  const w = cv.meanWithoutTta;
  if (w !== undefined) console.log(`without TTA: recording top-1 ${f(w.recordingTop1)}, ROC-AUC ${f(w.recordingMacroRocAuc)}; chunk top-1 ${f(w.chunkTop1)}, ROC-AUC ${f(w.chunkMacroRocAuc)}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
