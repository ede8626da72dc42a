import { z } from 'zod';
/**
 * One block parameter as the rest of the tool sees it: the CLI makes a flag of it, `birdcall blocks` lists it,
 * a pipeline file is checked against it. Everything here is read from the block's zod schema (through zod's
 * JSON Schema export, which is zod's public, stable way to introspect a schema), so a block author writes
 * the schema once and never a flag or a help line.
 */
export interface ParamInfo {
    /** camelCase name, as in TS and in the parsed params (`nFft`). */
    name: string;
    /** Kebab-case CLI flag without dashes (`n-fft`). */
    flag: string;
    /** snake_case spelling a pipeline file may use (`n_fft`), as librosa writes it. */
    snake: string;
    description: string;
    /** The default as a JSON value; `undefined` when the parameter has none (optional, or computed later). */
    default: unknown;
    required: boolean;
    /** What the value may be, e.g. `integer >= 2`, `hann | hamming`, `number > 0 | max`, `boolean`. */
    type: string;
    /** Accepted words (enum members and literals, as typed), e.g. ['max'] for `ref`, ['8', '16'] for `bitDepth`. */
    words: string[];
    /** The enum members and literals themselves, with their types (8, not '8'). */
    literals: (string | number | boolean)[];
    /** Accepts numbers (integer or not). */
    numeric: boolean;
    integer: boolean;
    boolean: boolean;
    /** Accepts null: the CLI spells it `none` (librosa's `None`). */
    nullable: boolean;
    /** Accepts free text (a path, a name). */
    text: boolean;
    /** A list: the CLI takes it comma-separated; `item` describes one element. */
    item?: ParamInfo;
}
export declare function toKebab(name: string): string;
export declare function toSnake(name: string): string;
export declare function toCamel(name: string): string;
/** The parameters of a block's schema, in declaration order. */
export declare function describeParams(schema: z.ZodType): ParamInfo[];
/**
 * Turns a command-line string into the value a parameter expects: numbers for numeric parameters, `none` for
 * null (librosa's None), `true/false` for booleans, enum words as-is. Anything else is left as a string, so
 * the schema gives its normal "expected …" message.
 */
export declare function coerceFlagValue(info: ParamInfo, raw: string): unknown;
/**
 * Accepts a pipeline file's params in camelCase (`nFft`), snake_case (`n_fft`) or kebab-case (`n-fft`) and
 * returns them keyed by the schema's camelCase names. Unknown names and a name given twice are usage errors
 * naming `where` and, when there is an obvious one, the intended name.
 */
export declare function normalizeParamKeys(infos: ParamInfo[], raw: Record<string, unknown>, where: string): Record<string, unknown>;
/**
 * Validates params against a schema and fills defaults. Failure is ONE usage error: `where` (e.g.
 * `step 3 (melspec)`), the parameter in the user's spelling, the reason, and what is allowed.
 */
export declare function parseParams<S extends z.ZodType>(schema: S, raw: unknown, where: string, 
/** How to spell a parameter in the message: the CLI passes `(name) => '--n-fft'`. */
spell?: (name: string) => string): z.output<S>;
