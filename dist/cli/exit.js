import { CommanderError } from 'commander';
import { BirdcallError } from "../errors.js";
/** Exit codes every command shares; scripts and CI branch on them. */
export const EXIT = {
    /** Everything done. */
    OK: 0,
    /** Nothing (useful) done: a bad input file, an internal error. */
    FAILURE: 1,
    /** The command was called wrongly: unknown flag, bad parameter, missing input. Nothing was written. */
    USAGE: 2,
    /** A batch finished but some items failed (listed in its errors file). */
    PARTIAL: 3,
};
/** BirdcallError codes that mean "called wrongly" rather than "the data is bad". */
const USAGE_CODES = new Set(['USAGE', 'PARAM_INVALID']);
/** Commander's "not an error" exits: --help and --version. */
const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version']);
export function exitCodeOf(err) {
    if (err instanceof CommanderError) {
        // 'commander.help' is help shown because a command group was called without a subcommand: usage error
        // (commander already printed the help), unless commander itself calls it a success.
        if (COMMANDER_OK.has(err.code) || (err.code === 'commander.help' && err.exitCode === 0))
            return EXIT.OK;
        return EXIT.USAGE;
    }
    if (err instanceof BirdcallError)
        return USAGE_CODES.has(err.code) ? EXIT.USAGE : EXIT.FAILURE;
    return EXIT.FAILURE;
}
/** The one line a user sees for an error: the reason and the file, never a stack trace. */
export function errorLine(err) {
    let message;
    if (err instanceof CommanderError) {
        // Commander puts its "(Did you mean --n-fft?)" on a second line; keep it, on the same line.
        message = err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    }
    else if (err instanceof Error) {
        message = err.message.replace(/\s*\n\s*/g, ' ');
    }
    else {
        message = String(err);
    }
    return `birdcall: ${message}`;
}
/**
 * Makes commander throw instead of exiting and keeps it quiet, so `runProgram` prints every failure the
 * same way. Call on the root program before adding commands: subcommands inherit both settings.
 */
export function configureErrors(program) {
    return program.exitOverride().configureOutput({ outputError: () => { } });
}
/**
 * Runs the program and exits with the right code. A failure prints ONE line on stderr; with
 * BIRDCALL_DEBUG=1 an unexpected (non-Birdcall) error also prints its stack, for bug reports.
 * A command that finished with partial success sets `process.exitCode = EXIT.PARTIAL` itself.
 */
export async function runProgram(program, argv = process.argv) {
    try {
        await program.parseAsync(argv);
    }
    catch (err) {
        const code = exitCodeOf(err);
        // Help shown for a bare command group is its own message; '(outputHelp)' would add nothing.
        const helpShown = err instanceof CommanderError && err.code === 'commander.help';
        if (code !== EXIT.OK && !helpShown) {
            process.stderr.write(errorLine(err) + '\n');
            const unexpected = !(err instanceof BirdcallError) && !(err instanceof CommanderError);
            if (unexpected && process.env.BIRDCALL_DEBUG === '1' && err instanceof Error)
                process.stderr.write(`${err.stack}\n`);
        }
        process.exitCode = code;
    }
}
//# sourceMappingURL=exit.js.map