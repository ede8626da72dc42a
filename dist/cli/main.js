import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BIRDCALL_VERSION } from "../version.js";
import { configureErrors, runProgram } from "./exit.js";
/**
 * Every command, in `--help` order. Imported only when needed, so a command starts without loading the
 * others' libraries (`birdcall --version` loads none; `birdcall convert --help` only convert's).
 */
const COMMANDS = {
    melspec: () => import("./melspec.js"),
    convert: () => import("./convert.js"),
    worker: () => import("./worker.js"),
    queue: () => import("./queue.js"),
    manifest: () => import("./manifest.js"),
    pipeline: () => import("./pipeline.js"),
    blocks: () => import("./blocks.js"),
    train: () => import("./train.js"),
    predict: () => import("./predict.js"),
    select: () => import("./select.js"),
};
/**
 * The commands `args` (the user's arguments) needs: none for a bare `--version`, the one it names
 * (`birdcall convert …`, `birdcall help convert`), else all of them (the overall help, or a misspelt
 * command that commander answers with "did you mean").
 */
export function commandsFor(args) {
    const words = args.filter((a) => !a.startsWith('-'));
    if (words.length === 0 && args.length > 0 && args.every((a) => a === '-V' || a === '--version'))
        return [];
    const name = words[0] === 'help' ? words[1] : words[0];
    return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
}
/** The program with the commands `args` needs (all of them by default). */
export async function buildProgram(args = ['--help']) {
    const program = configureErrors(new Command('birdcall'))
        .description('Lego blocks for bird-call ETL: WAV to librosa-exact mel spectrograms, CNN training and model selection')
        .version(BIRDCALL_VERSION, '-V, --version')
        .showSuggestionAfterError(true);
    const modules = await Promise.all(commandsFor(args).map((name) => COMMANDS[name]()));
    for (const command of modules)
        command.register(program);
    return program;
}
/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export async function main(argv = process.argv) {
    await runProgram(await buildProgram(argv.slice(2)), argv);
}
/**
 * Run only when started as the program (bin/birdcall.js, possibly through an npm symlink, or
 * `tsx src/cli/main.ts`), so tests can import buildProgram without parsing their own argv.
 */
function startedAsProgram() {
    if (!process.argv[1])
        return false;
    let entry;
    try {
        entry = realpathSync(process.argv[1]);
    }
    catch {
        return false;
    }
    const self = fileURLToPath(import.meta.url);
    return entry === self || entry === fileURLToPath(new URL('../../bin/birdcall.js', import.meta.url));
}
if (startedAsProgram())
    await main();
//# sourceMappingURL=main.js.map