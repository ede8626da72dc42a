import { type Command } from 'commander';
import type { z } from 'zod';
import type { AnyBlock } from '../pipeline/block.ts';
import { type ParamInfo } from '../params.ts';
/**
 * Block params as command-line flags, generated from the block's schema: `nFft` becomes `--n-fft <value>`,
 * a boolean that defaults to true becomes `--no-center`, one that defaults to false `--htk`. Defaults are
 * not given to commander: a flag's value is taken only when the user typed it, so a preset's value is
 * not overwritten by a schema default.
 */
export declare function addParamOptions(command: Command, schema: z.ZodType, opts?: {
    exclude?: string[];
    rename?: Record<string, string>;
}): ParamInfo[];
/** The params the user typed as flags (coerced: numbers, `none` -> null, booleans), keyed by param name. */
export declare function readParamOptions(command: Command, infos: ParamInfo[]): Record<string, unknown>;
export declare function formatValue(value: unknown): string;
/** The `birdcall blocks` text for one block: what it takes and gives, then one line per parameter. */
export declare function describeBlock(block: AnyBlock): string;
/** Machine-readable listing (`birdcall blocks --json`): the schema facts a GUI or a doc generator needs. */
export declare function blocksAsJson(blocks: AnyBlock[]): unknown;
export declare function register(program: Command): void;
