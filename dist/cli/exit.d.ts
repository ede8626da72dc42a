import { type Command } from 'commander';
/** Exit codes every command shares; scripts and CI branch on them. */
export declare const EXIT: {
    /** Everything done. */
    readonly OK: 0;
    /** Nothing (useful) done: a bad input file, an internal error. */
    readonly FAILURE: 1;
    /** The command was called wrongly: unknown flag, bad parameter, missing input. Nothing was written. */
    readonly USAGE: 2;
    /** A batch finished but some items failed (listed in its errors file). */
    readonly PARTIAL: 3;
};
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
export declare function exitCodeOf(err: unknown): ExitCode;
/** The one line a user sees for an error: the reason and the file, never a stack trace. */
export declare function errorLine(err: unknown): string;
/**
 * Makes commander throw instead of exiting and keeps it quiet, so `runProgram` prints every failure the
 * same way. Call on the root program before adding commands: subcommands inherit both settings.
 */
export declare function configureErrors(program: Command): Command;
/**
 * Runs the program and exits with the right code. A failure prints ONE line on stderr; with
 * BIRDCALL_DEBUG=1 an unexpected (non-Birdcall) error also prints its stack, for bug reports.
 * A command that finished with partial success sets `process.exitCode = EXIT.PARTIAL` itself.
 */
export declare function runProgram(program: Command, argv?: string[]): Promise<void>;
