/**
 * What the CLI needs of a block parameter to make a flag and read it back: plain data and string helpers,
 * without zod, so a command whose flags are precomputed (melspec) starts without loading zod.
 * describeParams (params.ts) derives ParamInfo from a schema.
 */

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

export function toKebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function toCamel(name: string): string {
  return name.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Turns a command-line string into the value a parameter expects: numbers for numeric parameters, `none` for
 * null (librosa's None), `true/false` for booleans, enum words as-is. Anything else is left as a string, so
 * the schema gives its normal "expected …" message.
 */
export function coerceFlagValue(info: ParamInfo, raw: string): unknown {
  const text = raw.trim();
  if (info.item) return text === '' ? [] : text.split(',').map((part) => coerceFlagValue(info.item!, part));
  if (info.nullable && (text === 'none' || text === 'null')) return null;
  const literal = info.literals.find((l) => String(l) === text);
  if (literal !== undefined) return literal;
  if (info.boolean && (text === 'true' || text === 'false')) return text === 'true';
  if (info.numeric && text !== '' && Number.isFinite(Number(text))) return Number(text);
  return raw;
}
