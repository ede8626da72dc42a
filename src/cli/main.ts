import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BIRDCALL_VERSION } from '../pipeline/version.ts';
import { configureErrors, runProgram } from './exit.ts';
import * as blocks from './blocks.ts';
import * as convert from './convert.ts';
import * as cv from './cv.ts';
import * as manifest from './manifest.ts';
import * as melspec from './melspec.ts';
import * as pipeline from './pipeline.ts';
import * as predict from './predict.ts';
import * as queue from './queue.ts';
import * as recipes from './recipes.ts';
import * as select from './select.ts';
import * as train from './train.ts';
import * as worker from './worker.ts';

/**
 * Every command module, in `--help` order. Each exports `register(program)`.
 */
const COMMANDS: { register(program: Command): void }[] = [melspec, convert, worker, queue, manifest, pipeline, blocks, recipes, train, cv, predict, select];

export function buildProgram(): Command {
  const program = configureErrors(new Command('birdcall'))
    .description('Lego blocks for bird-call ETL: WAV to librosa-exact mel spectrograms, CNN training and model selection')
    .version(BIRDCALL_VERSION, '-V, --version')
    .showSuggestionAfterError(true);
  for (const command of COMMANDS) command.register(program);
  return program;
}

/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export async function main(argv: string[] = process.argv): Promise<void> {
  await runProgram(buildProgram(), argv);
}

/**
 * Run only when started as the program (bin/birdcall.js, possibly through an npm symlink, or
 * `tsx src/cli/main.ts`), so tests can import buildProgram without parsing their own argv.
 */
function startedAsProgram(): boolean {
  if (!process.argv[1]) return false;
  let entry: string;
  try {
    entry = realpathSync(process.argv[1]);
  } catch {
    return false;
  }
  const self = fileURLToPath(import.meta.url);
  return entry === self || entry === fileURLToPath(new URL('../../bin/birdcall.js', import.meta.url));
}

if (startedAsProgram()) await main();
