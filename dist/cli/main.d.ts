import { Command } from 'commander';
/**
 * The commands `args` (the user's arguments) needs: none for a bare `--version`, the one it names
 * (`birdcall convert …`, `birdcall help convert`), else all of them (the overall help, or a misspelt
 * command that commander answers with "did you mean").
 */
export declare function commandsFor(args: readonly string[]): string[];
/** The program with the commands `args` needs (all of them by default). */
export declare function buildProgram(args?: readonly string[]): Promise<Command>;
/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export declare function main(argv?: string[]): Promise<void>;
