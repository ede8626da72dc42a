import { Command } from 'commander';
export declare function buildProgram(): Command;
/** Runs the CLI on `argv` (node, script, then the user's arguments); sets process.exitCode. */
export declare function main(argv?: string[]): Promise<void>;
//# sourceMappingURL=main.d.ts.map