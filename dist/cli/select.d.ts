import type { Command } from 'commander';
import { type SelectOptions, type Selection } from '../select/index.ts';
/**
 * `--rule lexicographic [CRITERION …]` (default order when none is named) or
 * `--rule weights CRITERION=W …`; commas work as separators too.
 */
export declare function parseRule(tokens: readonly string[] | undefined): SelectOptions['rule'];
/** The candidates, ranked, one line each: main metric with its interval, top-1, tie-set membership. */
export declare function candidateTable(selection: Selection): string;
export declare function register(program: Command): void;
