import cliProgress from 'cli-progress';
import type { ConvertSummary } from '../batch/convert.ts';
import { BirdcallError, UsageError } from '../errors.ts';
import type { ResolvedPipeline } from '../pipeline/pipeline.ts';
import { DEFAULT_RECIPE, getRecipe, type Recipe } from '../train/recipes.ts';

/**
 * What several commands share: the pipeline choice, number and size flags, progress output, exit codes.
 * The library modules load on use, so a command that needs only a number parser does not load a pipeline.
 */

export interface PipelineFlags {
  pipeline?: string;
  preset?: string;
  recipe?: string;
}

/**
 * The recipe a conversion follows: the one named by --recipe, or the default recipe when neither --pipeline
 * nor --preset is given (then `train` takes its training settings too); none with a plain pipeline or preset.
 */
export function recipeFromFlags(flags: PipelineFlags): Recipe | undefined {
  const given = [flags.pipeline && '--pipeline FILE', flags.preset && '--preset NAME', flags.recipe && '--recipe NAME'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`give one of --pipeline FILE, --preset NAME or --recipe NAME, not ${given.join(' and ')}`);
  if (flags.pipeline !== undefined || flags.preset !== undefined) return undefined;
  return getRecipe(flags.recipe ?? DEFAULT_RECIPE);
}

/**
 * The pipeline a command runs: --pipeline FILE, --preset NAME or --recipe NAME (one of them). With none, the
 * default recipe's pipeline when `required`, else undefined (a queue worker then takes the pipeline stored
 * with the queue).
 */
export async function pipelineFromFlags(flags: PipelineFlags, required: boolean): Promise<ResolvedPipeline | undefined> {
  const recipe = recipeFromFlags(flags);
  if (flags.pipeline === undefined && flags.preset === undefined && flags.recipe === undefined && !required) return undefined;
  const { loadPipelineFile, presetPipeline, resolvePipeline } = await import('../pipeline/pipeline.ts');
  if (flags.pipeline !== undefined) return loadPipelineFile(flags.pipeline);
  if (flags.preset !== undefined) return presetPipeline(flags.preset);
  return resolvePipeline(recipe!.pipeline);
}

/** A flag's positive integer (undefined when the flag was not given); anything else is a usage error (exit 2). */
export function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

/** A flag's positive number; anything else is a usage error. */
export function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  return n;
}

/** Parses a byte size: `1000`, `50MB` (10^6), `50MiB` (2^20), `1.5G`, `200k`. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (!match) throw new BirdcallError('USAGE', `"${text}" is not a size; write e.g. 50000000, 50MB or 48MiB`);
  const power = ' kmgt'.indexOf((match[2] || ' ').toLowerCase());
  const base = match[3] ? 1024 : 1000;
  const bytes = Number(match[1]) * base ** power;
  if (!Number.isFinite(bytes) || bytes <= 0) throw new BirdcallError('USAGE', `size must be positive, got "${text}"`);
  return Math.floor(bytes);
}

/** Sets the exit code of a batch (convert, queue finish): 0 all done, 3 some failed, 1 none done. */
export async function setBatchExitCode(summary: ConvertSummary): Promise<void> {
  const { convertExitCode } = await import('../batch/convert.ts');
  const code = convertExitCode(summary);
  if (code !== 0) process.exitCode = code;
}

/** How a command's progress reads. */
export interface ProgressView<P> {
  /** The terminal bar, in cli-progress's format, e.g. `predict {bar} {value}/{total} files | {failed} failed`. */
  bar: string;
  /** Where an update stands, and the values of the bar's other {fields}. */
  read: (p: P) => { done: number; total: number; fields: Record<string, string | number> };
  /** The plain line written instead of the bar on a pipe or in CI. */
  line: (p: P) => string;
  /** Seconds between plain lines; the update that finishes the work always prints. */
  intervalSeconds: number;
  /**
   * When the plain-line clock starts: 'now' waits one interval before the first line, 'first' prints the
   * first update at once.
   */
  firstLine: 'now' | 'first';
}

export interface Progress<P> {
  update: (p: P) => void;
  stop: () => void;
}

/**
 * Progress on stderr: a bar on a terminal; on a pipe or in CI (where a bar would fill the log with carriage
 * returns) one plain line every `intervalSeconds`.
 */
export function startProgress<P>(enabled: boolean, view: ProgressView<P>): Progress<P> {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) return terminalBar(view);
  let last = view.firstLine === 'now' ? performance.now() : -Infinity;
  return {
    update: (p) => {
      const now = performance.now();
      const { done, total } = view.read(p);
      if (now - last < view.intervalSeconds * 1000 && done < total) return;
      last = now;
      process.stderr.write(`${view.line(p)}\n`);
    },
    stop: () => {},
  };
}

function terminalBar<P>(view: ProgressView<P>): Progress<P> {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: view.bar, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      const { done, total, fields } = view.read(p);
      if (!started) {
        bar.start(total, done, fields);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, fields);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
