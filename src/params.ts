import { z } from 'zod';
import { BirdcallError, UsageError } from './errors.ts';
import { toCamel, toKebab, toSnake, type ParamInfo } from './param-info.ts';

// Kept in param-info.ts (no zod: the CLI builds flags from them at start-up); re-exported for the library.
export { coerceFlagValue, toCamel, toKebab, toSnake, type ParamInfo } from './param-info.ts';


type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
};


function objectJsonSchema(schema: z.ZodType): JsonSchema {
  // 'input' shows what a user may write (fields with defaults are optional); 'any' keeps a custom block with a
  // transform listable instead of throwing.
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function describeRange(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  else if (s.minimum !== undefined && s.minimum > -MAX_SAFE) parts.push(`>= ${s.minimum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  else if (s.maximum !== undefined && s.maximum < MAX_SAFE) parts.push(`<= ${s.maximum}`);
  return parts.join(' and ');
}

function flatten(s: JsonSchema): JsonSchema[] {
  const alts = s.anyOf ?? s.oneOf;
  return alts ? alts.flatMap(flatten) : [s];
}

function addLiteral(info: ParamInfo, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    info.literals.push(value);
    info.words.push(String(value));
  }
}

function paramFromJson(name: string, s: JsonSchema, required: boolean): ParamInfo {
  const info: ParamInfo = {
    name,
    flag: toKebab(name),
    snake: toSnake(name),
    description: s.description ?? '',
    default: s.default,
    required: required && s.default === undefined,
    type: '',
    words: [],
    literals: [],
    numeric: false,
    integer: false,
    boolean: false,
    nullable: false,
    text: false,
  };
  const typeParts: string[] = [];
  for (const alt of flatten(s)) {
    const types = Array.isArray(alt.type) ? alt.type : alt.type ? [alt.type] : [];
    if (alt.enum) {
      for (const v of alt.enum) {
        if (v === null) info.nullable = true;
        else addLiteral(info, v);
      }
      typeParts.push(...alt.enum.map((v) => (v === null ? 'none' : String(v))));
    } else if (alt.const !== undefined) {
      if (alt.const === null) info.nullable = true;
      else if (typeof alt.const === 'boolean') info.boolean = true;
      else addLiteral(info, alt.const);
      typeParts.push(alt.const === null ? 'none' : String(alt.const));
    } else if (types.length === 0) {
      info.text = true;
      typeParts.push('any');
    } else {
      for (const t of types) {
        if (t === 'integer' || t === 'number') {
          info.numeric = true;
          if (t === 'integer') info.integer = true;
          typeParts.push([t, describeRange(alt)].filter(Boolean).join(' '));
        } else if (t === 'boolean') {
          info.boolean = true;
          typeParts.push('boolean');
        } else if (t === 'null') {
          info.nullable = true;
          typeParts.push('none');
        } else if (t === 'array' && alt.items) {
          info.item = paramFromJson(name, alt.items, true);
          typeParts.push(`list of (${info.item.type})`);
        } else if (t === 'string') {
          info.text = true;
          typeParts.push('text');
        } else {
          info.text = true;
          typeParts.push(t);
        }
      }
    }
  }
  info.type = [...new Set(typeParts)].join(' | ');
  return info;
}

const infoCache = new WeakMap<z.ZodType, ParamInfo[]>();

/**
 * The parameters of a block's schema, in declaration order: what `--help`, `birdcall blocks` and
 * docs/parameters.md show, and what the CLI builds flags from.
 *
 * @param schema - a z.object (possibly refined), e.g. a block's `params`.
 * @returns one ParamInfo per parameter: its spellings (camelCase, kebab-case flag, snake_case), the
 *   `.describe()` text, the default, and its type in words.
 * @throws TypeError when the schema is not an object schema.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dbParams, describeParams } from 'birdcall';
 *
 * const topDb = describeParams(dbParams).find((p) => p.name === 'topDb');
 * assert.deepEqual([topDb?.flag, topDb?.snake, topDb?.default, topDb?.numeric], ['top-db', 'top_db', 80, true]);
 * ```
 */
export function describeParams(schema: z.ZodType): ParamInfo[] {
  const cached = infoCache.get(schema);
  if (cached) return cached;
  const json = objectJsonSchema(schema);
  if (!json.properties) {
    throw new TypeError('a block schema must be a z.object(...) (possibly with .refine/.check)');
  }
  const required = new Set(json.required ?? []);
  const infos = Object.entries(json.properties).map(([name, s]) => paramFromJson(name, s, required.has(name)));
  infoCache.set(schema, infos);
  return infos;
}


/**
 * Accepts a pipeline file's params in camelCase (`nFft`), snake_case (`n_fft`) or kebab-case (`n-fft`) and
 * returns them keyed by the schema's camelCase names. Unknown names and a name given twice are usage errors
 * naming `where` and, when there is an obvious one, the intended name.
 */
export function normalizeParamKeys(
  infos: ParamInfo[],
  raw: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  const byName = new Map<string, ParamInfo>();
  for (const info of infos) {
    byName.set(info.name, info);
    byName.set(info.snake, info);
    byName.set(info.flag, info);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const info = byName.get(key) ?? byName.get(toCamel(key));
    if (!info) {
      const hint = closest(key, infos.map((i) => i.name));
      const known = infos.length ? `known parameters: ${infos.map((i) => i.name).join(', ')}` : 'it takes no parameters';
      throw new UsageError(`${where}: unknown parameter "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; ${known}`);
    }
    if (info.name in out) throw new UsageError(`${where}: parameter "${info.name}" is given twice (as "${key}" too)`);
    out[info.name] = value;
  }
  return out;
}

/** A name within edit distance 2 (case- and separator-blind), for "did you mean". */
function closest(key: string, names: string[]): string | undefined {
  const norm = (s: string) => s.replace(/[-_]/g, '').toLowerCase();
  const k = norm(key);
  let best: string | undefined;
  let bestD = 3;
  for (const name of names) {
    const d = editDistance(k, norm(name));
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** How a parameter error reads. */
export interface ParamStyle {
  /** How to name a parameter (its path, `a.b[0]`): the CLI passes `(name) => '--n-fft'`. */
  spell?: (name: string) => string;
  /** What an issue about the whole value names; default nothing, only the reason. */
  whole?: string;
}

export interface ParseParamsOptions extends ParamStyle {
  /**
   * Throw a UsageError (the user's flag or pipeline file: CLI exit code 2) instead of PARAM_INVALID (a value a
   * program passed to the library).
   */
  usage?: boolean;
  /** The file the parameters were for, named in the error. */
  file?: string;
}

/**
 * Validates params against a schema and fills defaults. Failure is ONE error: `where` (e.g.
 * `step 3 (melspec)`), each parameter in the user's spelling, the reason, and what is allowed.
 *
 * @param schema - a zod schema (a block's params, stftParams, …).
 * @param raw - the user's params; undefined or null mean none.
 * @param where - what the message starts with ('' for nothing).
 * @param options - `usage`: throw a UsageError (CLI exit code 2) instead (default false); `file`: the file
 *   the error names; and how parameter names are spelled in the message.
 * @returns the parsed params, defaults filled in.
 * @throws BirdcallError `PARAM_INVALID` (or UsageError with `usage`).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, UsageError, dbParams, dsp } from 'birdcall';
 *
 * assert.deepEqual(dsp.parseParams(dbParams, { topDb: 60 }, 'db'), { ref: 1, amin: 1e-10, topDb: 60 });
 * assert.throws(() => dsp.parseParams(dbParams, { amin: -1 }, 'step 4 (db)'), (e: unknown) => e instanceof BirdcallError && e.code === 'PARAM_INVALID' && e.message.startsWith('step 4 (db): parameter "amin"'));
 * assert.throws(() => dsp.parseParams(dbParams, { amin: -1 }, 'db', { usage: true }), UsageError);
 * ```
 */
export function parseParams<S extends z.ZodType>(schema: S, raw: unknown, where: string, options: ParseParamsOptions = {}): z.output<S> {
  const key = paramsKey(raw ?? {});
  const parsed = key === undefined ? undefined : PARSED.get(schema)?.get(key);
  if (parsed !== undefined) return copyPlain(parsed) as z.output<S>;
  const result = schema.safeParse(raw ?? {});
  if (result.success) {
    if (key !== undefined) remember(schema, key, result.data);
    return result.data;
  }
  const reason = `${where ? `${where}: ` : ''}${formatIssues(result.error, { ...options, schema })}`;
  throw options.usage ? new UsageError(reason, options.file) : new BirdcallError('PARAM_INVALID', reason, options.file);
}

/**
 * Successful parses by schema and by a key of the raw params. The DSP functions parse their params on every
 * call, also inside a pipeline that calls them on every chunk: zod took about 20 us a call (3.6% of the worker
 * threads' samples in a perf profile of `convert --jobs 2`). Only plain data is cached (see paramsKey); each hit returns a fresh copy, so a caller may
 * change what it gets.
 */
const PARSED = new WeakMap<z.ZodType, Map<string, unknown>>();
const PARSED_PER_SCHEMA = 64;

function remember(schema: z.ZodType, key: string, data: unknown): void {
  if (!isPlain(data)) return;
  let bySchema = PARSED.get(schema);
  if (bySchema === undefined) PARSED.set(schema, (bySchema = new Map()));
  if (bySchema.size >= PARSED_PER_SCHEMA) bySchema.clear();
  bySchema.set(key, copyPlain(data));
}

/**
 * A key that differs whenever two params could parse differently: every value spelled exactly (-0, NaN,
 * undefined included), key order kept; undefined (no caching) for anything but plain objects, arrays and
 * primitives (a class instance, a typed array, a function).
 */
function paramsKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object': {
      if (value === null) return 'n';
      const isArray = Array.isArray(value);
      if (!isArray && !isPlainObject(value)) return undefined;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        const part = paramsKey(v);
        if (part === undefined) return undefined;
        parts.push(`${JSON.stringify(k)}:${part}`);
      }
      return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isPlain(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol' && typeof value !== 'bigint';
  if (Array.isArray(value)) return value.every(isPlain);
  return isPlainObject(value) && Object.values(value).every(isPlain);
}

function copyPlain(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = copyPlain(v);
  return out;
}

/** Throw the stable parameter error with a plain reason. */
export function paramError(reason: string): never {
  throw new BirdcallError('PARAM_INVALID', reason);
}

/**
 * A zod failure as one line: `<name>: <reason>[; allowed: <type>]` per issue, joined by '; '. The allowed
 * values come from `schema` when it is an object schema.
 */
export function formatIssues(error: z.ZodError, style: ParamStyle & { schema?: z.ZodType } = {}): string {
  const spell = style.spell ?? ((name: string) => `parameter "${name}"`);
  let infos: ParamInfo[] = [];
  try {
    if (style.schema) infos = describeParams(style.schema);
  } catch {
    // a non-object schema still gets zod's own message
  }
  return error.issues
    .map((issue) => {
      const info = infos.find((i) => i.name === issue.path[0]);
      const allowed = info ? `; allowed: ${info.type}` : '';
      const text = issue.message.replace(/^Invalid (input|option): /, '');
      const message = text.charAt(0).toLowerCase() + text.slice(1);
      const name = issue.path.length ? spell(pathName(issue.path)) : style.whole;
      return name ? `${name}: ${message}${allowed}` : `${message}${allowed}`;
    })
    .join('; ');
}

/** `steps[0].params`: how a path into a parsed value reads. */
function pathName(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}
