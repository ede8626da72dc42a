import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BIRDCALL_VERSION } from '../version.ts';
import { configureErrors, runProgram } from './exit.ts';

/** A command module: it adds its command (options, help, action) to the program. */
interface CommandModule {
  register(program: Command): void;
}

/**
 * Every command, in `--help` order. Imported only when needed, so a command starts without loading the
 * others' libraries (`birdcall --version` loads none; `birdcall convert --help` only convert's).
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  melspec: () => import('./melspec.ts'),
  convert: () => import('./convert.ts'),
  worker: () => import('./worker.ts'),
  queue: () => import('./queue.ts'),
  manifest: () => import('./manifest.ts'),
  pipeline: () => import('./pipeline.ts'),
  blocks: () => import('./blocks.ts'),
  recipes: () => import('./recipes.ts'),
  train: () => import('./train.ts'),
  cv: () => import('./cv.ts'),
  predict: () => import('./predict.ts'),
  select: () => import('./select.ts'),
};

/**
 * The commands `args` (the user's arguments) needs: none for a bare `--version`, the one it starts with
 * (`birdcall convert …`, `birdcall help convert`), else all of them (the overall help, also for
 * `birdcall --help convert`, or a misspelt command that commander answers with "did you mean").
 */
export function commandsFor(args: readonly string[]): string[] {
  if (args.length === 1 && (args[0] === '-V' || args[0] === '--version')) return [];
  const name = args[0] === 'help' ? args[1] : args[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
}

/** The program with the commands `args` needs (all of them by default). */
export async function buildProgram(args: readonly string[] = ['--help']): Promise<Command> {
  const program = configureErrors(new Command('birdcall'))
    .description('Lego blocks for bird-call ETL: WAV to librosa-exact mel spectrograms, CNN training and model selection')
    .version(BIRDCALL_VERSION, '-V, --version')
    .showSuggestionAfterError(true);
  const modules = await Promise.all(commandsFor(args).map((name) => COMMANDS[name]()));
  for (const command of modules) command.register(program);
  return program;
}

/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export async function main(argv: string[] = process.argv): Promise<void> {
  await runProgram(await buildProgram(argv.slice(2)), argv);
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
