import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BIRDCALL_VERSION } from "../pipeline/version.js";
import { configureErrors, runProgram } from "./exit.js";
import * as blocks from "./blocks.js";
import * as convert from "./convert.js";
import * as manifest from "./manifest.js";
import * as melspec from "./melspec.js";
import * as pipeline from "./pipeline.js";
import * as predict from "./predict.js";
import * as queue from "./queue.js";
import * as select from "./select.js";
import * as train from "./train.js";
import * as worker from "./worker.js";
/**
 * Every command module, in `--help` order. Each exports `register(program)`.
 */
const COMMANDS = [melspec, convert, worker, queue, manifest, pipeline, blocks, train, predict, select];
export function buildProgram() {
    const program = configureErrors(new Command('birdcall'))
        .description('Lego blocks for bird-call ETL: WAV to librosa-exact mel spectrograms, CNN training and model selection')
        .version(BIRDCALL_VERSION, '-V, --version')
        .showSuggestionAfterError(true);
    for (const command of COMMANDS)
        command.register(program);
    return program;
}
/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export async function main(argv = process.argv) {
    await runProgram(buildProgram(), argv);
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