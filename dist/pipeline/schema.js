import { z } from 'zod';
import { UsageError } from "../errors.js";
export function toKebab(name) {
    return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
export function toSnake(name) {
    return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
export function toCamel(name) {
    return name.replace(/[_-]([a-z0-9])/g, (_, c) => c.toUpperCase());
}
function objectJsonSchema(schema) {
    // 'input' shows what a user may write (fields with defaults are optional); 'any' keeps a custom block with a
    // transform listable instead of throwing.
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
}
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
function describeRange(s) {
    const parts = [];
    if (s.exclusiveMinimum !== undefined)
        parts.push(`> ${s.exclusiveMinimum}`);
    else if (s.minimum !== undefined && s.minimum > -MAX_SAFE)
        parts.push(`>= ${s.minimum}`);
    if (s.exclusiveMaximum !== undefined)
        parts.push(`< ${s.exclusiveMaximum}`);
    else if (s.maximum !== undefined && s.maximum < MAX_SAFE)
        parts.push(`<= ${s.maximum}`);
    return parts.join(' and ');
}
function flatten(s) {
    const alts = s.anyOf ?? s.oneOf;
    return alts ? alts.flatMap(flatten) : [s];
}
function addLiteral(info, value) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        info.literals.push(value);
        info.words.push(String(value));
    }
}
function paramFromJson(name, s, required) {
    const info = {
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
    const typeParts = [];
    for (const alt of flatten(s)) {
        const types = Array.isArray(alt.type) ? alt.type : alt.type ? [alt.type] : [];
        if (alt.enum) {
            for (const v of alt.enum) {
                if (v === null)
                    info.nullable = true;
                else
                    addLiteral(info, v);
            }
            typeParts.push(...alt.enum.map((v) => (v === null ? 'none' : String(v))));
        }
        else if (alt.const !== undefined) {
            if (alt.const === null)
                info.nullable = true;
            else if (typeof alt.const === 'boolean')
                info.boolean = true;
            else
                addLiteral(info, alt.const);
            typeParts.push(alt.const === null ? 'none' : String(alt.const));
        }
        else if (types.length === 0) {
            info.text = true;
            typeParts.push('any');
        }
        else {
            for (const t of types) {
                if (t === 'integer' || t === 'number') {
                    info.numeric = true;
                    if (t === 'integer')
                        info.integer = true;
                    typeParts.push([t, describeRange(alt)].filter(Boolean).join(' '));
                }
                else if (t === 'boolean') {
                    info.boolean = true;
                    typeParts.push('boolean');
                }
                else if (t === 'null') {
                    info.nullable = true;
                    typeParts.push('none');
                }
                else if (t === 'array' && alt.items) {
                    info.item = paramFromJson(name, alt.items, true);
                    typeParts.push(`list of (${info.item.type})`);
                }
                else if (t === 'string') {
                    info.text = true;
                    typeParts.push('text');
                }
                else {
                    info.text = true;
                    typeParts.push(t);
                }
            }
        }
    }
    info.type = [...new Set(typeParts)].join(' | ');
    return info;
}
const infoCache = new WeakMap();
/** The parameters of a block's schema, in declaration order. */
export function describeParams(schema) {
    const cached = infoCache.get(schema);
    if (cached)
        return cached;
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
 * Turns a command-line string into the value a parameter expects: numbers for numeric parameters, `none` for
 * null (librosa's None), `true/false` for booleans, enum words as-is. Anything else is left as a string, so
 * the schema gives its normal "expected …" message.
 */
export function coerceFlagValue(info, raw) {
    const text = raw.trim();
    if (info.item)
        return text === '' ? [] : text.split(',').map((part) => coerceFlagValue(info.item, part));
    if (info.nullable && (text === 'none' || text === 'null'))
        return null;
    const literal = info.literals.find((l) => String(l) === text);
    if (literal !== undefined)
        return literal;
    if (info.boolean && (text === 'true' || text === 'false'))
        return text === 'true';
    if (info.numeric && text !== '' && Number.isFinite(Number(text)))
        return Number(text);
    return raw;
}
/**
 * Accepts a pipeline file's params in camelCase (`nFft`), snake_case (`n_fft`) or kebab-case (`n-fft`) and
 * returns them keyed by the schema's camelCase names. Unknown names and a name given twice are usage errors
 * naming `where` and, when there is an obvious one, the intended name.
 */
export function normalizeParamKeys(infos, raw, where) {
    const byName = new Map();
    for (const info of infos) {
        byName.set(info.name, info);
        byName.set(info.snake, info);
        byName.set(info.flag, info);
    }
    const out = {};
    for (const [key, value] of Object.entries(raw)) {
        const info = byName.get(key) ?? byName.get(toCamel(key));
        if (!info) {
            const hint = closest(key, infos.map((i) => i.name));
            const known = infos.length ? `known parameters: ${infos.map((i) => i.name).join(', ')}` : 'it takes no parameters';
            throw new UsageError(`${where}: unknown parameter "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; ${known}`);
        }
        if (info.name in out)
            throw new UsageError(`${where}: parameter "${info.name}" is given twice (as "${key}" too)`);
        out[info.name] = value;
    }
    return out;
}
/** A name within edit distance 2 (case- and separator-blind), for "did you mean". */
function closest(key, names) {
    const norm = (s) => s.replace(/[-_]/g, '').toLowerCase();
    const k = norm(key);
    let best;
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
function editDistance(a, b) {
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
/**
 * Validates params against a schema and fills defaults. Failure is ONE usage error: `where` (e.g.
 * `step 3 (melspec)`), the parameter in the user's spelling, the reason, and what is allowed.
 */
export function parseParams(schema, raw, where, 
/** How to spell a parameter in the message: the CLI passes `(name) => '--n-fft'`. */
spell = (name) => `parameter "${name}"`) {
    const result = schema.safeParse(raw ?? {});
    if (result.success)
        return result.data;
    throw new UsageError(`${where ? `${where}: ` : ''}${formatIssues(schema, result.error, spell)}`);
}
function formatIssues(schema, error, spell) {
    let infos = [];
    try {
        infos = describeParams(schema);
    }
    catch {
        // a non-object schema still gets zod's own message
    }
    return error.issues
        .map((issue) => {
        const key = issue.path.length ? String(issue.path[0]) : '';
        const info = infos.find((i) => i.name === key);
        const allowed = info ? `; allowed: ${info.type}` : '';
        const text = issue.message.replace(/^Invalid (input|option): /, '');
        const message = text.charAt(0).toLowerCase() + text.slice(1);
        return key ? `${spell(key)}: ${message}${allowed}` : message;
    })
        .join('; ');
}
//# sourceMappingURL=schema.js.map