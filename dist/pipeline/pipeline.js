var __rewriteRelativeImportExtension = (this && this.__rewriteRelativeImportExtension) || function (path, preserveJsx) {
    if (typeof path === "string" && /^\.\.?\//.test(path)) {
        return path.replace(/\.(tsx)$|((?:\.d)?)((?:\.[^./]+?)?)\.([cm]?)ts$/i, function (m, tsx, d, ext, cm) {
            return tsx ? preserveJsx ? ".jsx" : ".js" : d && (!ext || !cm) ? m : (d + ext + "." + cm.toLowerCase() + "js");
        });
    }
    return path;
};
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { BirdcallError, UsageError } from "../errors.js";
import { getBlock, listBlocks, registerBlock } from "./registry.js";
import { describeParams, formatIssues, normalizeParamKeys, parseParams } from "../params.js";
import { resolveInside } from "../store/paths.js";
import { presetNames, presets } from "../dsp/presets.js";
import { BIRDCALL_VERSION } from "../version.js";
import { COMPILED } from "../worker-bundle.js";
/**
 * Bump when a built-in block's output changes without a package version bump (between releases), so
 * `convert` does not reuse outputs that the new code would make differently.
 */
export const PIPELINE_CODE_SALT = 'birdcall-pipeline/1';
const KIND_WORD = { file: 'a file', audio: 'audio', spectrogram: 'a spectrogram' };
function stepName(index, block) {
    return `step ${index + 1} (${block})`;
}
/** The shortest chain of known blocks that turns `from` into `to`, for "put X between them" hints. */
function bridge(from, to) {
    const queue = [{ kind: from, path: [] }];
    const seen = new Set([from]);
    while (queue.length) {
        const { kind, path } = queue.shift();
        for (const b of listBlocks()) {
            if (b.input !== kind || seen.has(b.output))
                continue;
            const next = [...path, b.name];
            if (b.output === to)
                return next;
            seen.add(b.output);
            queue.push({ kind: b.output, path: next });
        }
    }
    return undefined;
}
function fixHint(from, to) {
    const chain = bridge(from, to);
    return chain ? `; put ${chain.join(' -> ')} before it` : '';
}
/** Checks that neighbours fit: the first step reads a file, each step reads what the previous one gives. */
function checkKinds(steps) {
    if (steps.length === 0)
        throw new UsageError('the pipeline has no steps; start with decode');
    const first = steps[0].block;
    if (first.input !== 'file') {
        throw new UsageError(`${stepName(0, first.name)} takes ${KIND_WORD[first.input]}, but a pipeline starts from a source file${fixHint('file', first.input)}`);
    }
    for (let i = 1; i < steps.length; i++) {
        const prev = steps[i - 1].block;
        const cur = steps[i].block;
        if (cur.input !== prev.output) {
            throw new UsageError(`${stepName(i, cur.name)} takes ${KIND_WORD[cur.input]}, but ${stepName(i - 1, prev.name)} gives ${KIND_WORD[prev.output]}` +
                fixHint(prev.output, cur.input));
        }
    }
    const last = steps[steps.length - 1].block;
    if (last.output === 'file') {
        throw new UsageError(`${stepName(steps.length - 1, last.name)} ends the pipeline with a file; add decode after it`);
    }
}
function resolveStep(block, rawParams, index) {
    const where = stepName(index, block.name);
    if (rawParams !== undefined && (rawParams === null || typeof rawParams !== 'object' || Array.isArray(rawParams))) {
        throw new UsageError(`${where}: params must be a mapping of parameter names to values`);
    }
    const named = normalizeParamKeys(describeParams(block.params), (rawParams ?? {}), where);
    const params = parseParams(block.params, named, where, { usage: true });
    return { block, params };
}
/**
 * Composes a pipeline in TypeScript, e.g.
 * `pipeline(decode(), resample({ sampleRate: 32000 }), chunk({ seconds: 5 }), melspec(), db(), image())`.
 * Every param is validated and every neighbour checked now, before any file is read; a problem throws one
 * UsageError naming the step.
 */
export function pipeline(...steps) {
    const resolved = steps.map((s, i) => resolveStep(s.block, s.params, i));
    checkKinds(resolved);
    return { version: 1, steps: resolved, modules: [] };
}
/**
 * Resolves a spec (from a file, or built by hand): finds each block (built-ins, registered blocks, and
 * `opts.blocks`), validates params (camelCase or snake_case names), fills defaults and checks neighbours.
 */
export function resolvePipeline(spec, opts = {}) {
    const local = new Map((opts.blocks ?? []).map((b) => [b.name, b]));
    const steps = spec.steps.map((step, i) => {
        const block = local.get(step.block) ?? getBlock(step.block);
        if (!block) {
            const known = [...new Set([...listBlocks().map((b) => b.name), ...local.keys()])].join(', ');
            throw new UsageError(`${stepName(i, step.block)}: unknown block "${step.block}"; known blocks: ${known} ` +
                `(a block of your own goes in the pipeline file's "blocks" list)`);
        }
        return resolveStep(block, step.params, i);
    });
    checkKinds(steps);
    return { version: 1, steps, modules: opts.modules ?? [] };
}
/**
 * JSON's view of a value: drops undefined; with `sort`, sorts keys so equal pipelines serialise (and hash)
 * equally. Without it keys keep the schema's order, which reads better.
 */
function canonical(value, sort = true) {
    if (Array.isArray(value))
        return value.map((v) => canonical(v, sort));
    if (value && typeof value === 'object') {
        const out = {};
        const keys = Object.keys(value);
        for (const key of sort ? keys.sort() : keys) {
            const v = value[key];
            if (v !== undefined)
                out[key] = canonical(v, sort);
        }
        return out;
    }
    return value;
}
/** The resolved pipeline as a spec: every default written out (what `birdcall pipeline show` prints). */
export function toSpec(resolved) {
    const spec = {
        version: 1,
        steps: resolved.steps.map((s) => ({ block: s.block.name, params: canonical(s.params, false) })),
    };
    if (resolved.modules.length)
        spec.blocks = [...resolved.modules];
    return spec;
}
/**
 * sha256 (hex) of the canonical resolved pipeline plus the code version: equal for pipelines that make
 * the same outputs whatever their spelling (`n_fft` vs `nFft`, a default written out or not), different
 * when any param, any block version or the birdcall version changes. Module paths are left out: moving a
 * pipeline file does not change what it computes.
 */
export function pipelineHash(resolved) {
    const body = {
        salt: PIPELINE_CODE_SALT,
        birdcall: BIRDCALL_VERSION,
        steps: resolved.steps.map((s) => ({ block: s.block.name, version: s.block.version ?? null, params: s.params })),
    };
    return createHash('sha256').update(JSON.stringify(canonical(body))).digest('hex');
}
const stepSpecSchema = z.union([
    z.string().min(1),
    z.strictObject({
        block: z.string().min(1),
        params: z.record(z.string(), z.unknown()).nullish(),
    }),
]);
const pipelineFileSchema = z.strictObject({
    version: z.literal(1).default(1),
    steps: z.array(stepSpecSchema).min(1),
    blocks: z.array(z.string().min(1)).optional(),
});
/**
 * Parses a pipeline file's text (JSON, or YAML — a superset of JSON — unless the name ends in .json) and
 * checks its structure. A step is `{ block, params }` or just a block name. Params are checked later, by
 * `resolvePipeline`, against each block's schema.
 */
export function parsePipelineFile(text, opts) {
    let data;
    try {
        data = extname(opts.path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
    }
    catch (err) {
        const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
        throw new UsageError(`not valid ${extname(opts.path) === '.json' ? 'JSON' : 'YAML'}${where}: ${err.message.split('\n')[0]}`, opts.path);
    }
    const parsed = pipelineFileSchema.safeParse(data);
    if (!parsed.success) {
        const hint = ' (expected { version: 1, steps: [{ block: NAME, params: {...} }, ...], blocks?: [module paths] })';
        throw new UsageError(`${formatIssues(parsed.error, { spell: (at) => at, whole: 'the file' })}${hint}`, opts.path);
    }
    const spec = {
        version: 1,
        steps: parsed.data.steps.map((s) => (typeof s === 'string' ? { block: s } : { block: s.block, params: s.params ?? undefined })),
    };
    if (parsed.data.blocks)
        spec.blocks = parsed.data.blocks;
    return spec;
}
function isBlock(value) {
    if (!value || typeof value !== 'object')
        return false;
    const v = value;
    return typeof v.name === 'string' && typeof v.run === 'function' && typeof v.input === 'string' && typeof v.output === 'string' &&
        // Duck-typed, not instanceof: a user module may bring its own copy of zod.
        typeof v.params?.safeParse === 'function';
}
let tsxRegistered = false;
/**
 * Imports one block module. A TypeScript module (`.ts`, `.mts`, `.cts`) needs a loader: the sources run under
 * tsx already, but the built package (dist/) does not, so there tsx is registered before the first one.
 * (Registered once: Node caches a failed import, so try-then-register would not work.)
 */
async function importBlockModule(abs) {
    if (COMPILED && !tsxRegistered && /\.[cm]?ts$/.test(abs)) {
        const { register } = await import('tsx/esm/api');
        register();
        tsxRegistered = true;
    }
    return (await import(__rewriteRelativeImportExtension(pathToFileURL(abs).href)));
}
/**
 * Imports user block modules (absolute paths, already checked) and returns every block each exports
 * (the default export and named exports made with `defineBlock`).
 */
export async function loadBlockModules(absPaths) {
    const blocks = [];
    for (const abs of absPaths) {
        let mod;
        try {
            mod = await importBlockModule(abs);
        }
        catch (err) {
            throw new BirdcallError('BLOCK_MODULE', `cannot load block module: ${err.message.split('\n')[0]}`, abs);
        }
        const found = [...new Set(Object.values(mod).filter(isBlock))];
        if (found.length === 0) {
            throw new BirdcallError('BLOCK_MODULE', 'exports no block (export one made with defineBlock from "birdcall")', abs);
        }
        blocks.push(...found);
    }
    return blocks;
}
/**
 * Reads, checks and resolves a pipeline file. User block modules named in `blocks` must lie inside the
 * pipeline file's folder (a shared pipeline file must not make the tool run code from anywhere else); they
 * are imported and registered, then every step is validated — all before any audio file is touched.
 */
export async function loadPipelineFile(path) {
    let text;
    try {
        text = await readFile(path, 'utf8');
    }
    catch (err) {
        const code = err.code;
        throw new UsageError(code === 'ENOENT' ? 'pipeline file not found' : `cannot read pipeline file (${code ?? err.message})`, path);
    }
    const spec = parsePipelineFile(text, { path });
    const modules = [];
    for (const [i, rel] of (spec.blocks ?? []).entries()) {
        try {
            modules.push(await resolveInside(dirname(path), rel, `blocks[${i}]`));
        }
        catch (err) {
            // A pipeline file pointing outside its folder is a mistake in how the tool is called: usage error.
            if (err instanceof BirdcallError)
                throw new UsageError(`${err.reason} (block modules must sit inside the pipeline file's folder)`, `${path}: blocks[${i}]`);
            throw err;
        }
    }
    const blocks = await loadBlockModules(modules);
    for (const b of blocks) {
        try {
            registerBlock(b);
        }
        catch (err) {
            throw new UsageError(err.message, path);
        }
    }
    return resolvePipeline(spec, { blocks, modules });
}
/** `convert` without --pipeline/--preset uses this preset: 32 kHz, the BirdCLEF convention. */
export const DEFAULT_PRESET = 'birdclef';
/**
 * A dsp preset split the way blocks need it: the rate audio is resampled to, and the melspec params
 * (the preset's `sr` is not a melspec param: melspec reads the rate from the audio).
 */
export function presetSettings(name) {
    const key = name === 'default' ? DEFAULT_PRESET : name;
    if (!presetNames.includes(key)) {
        throw new UsageError(`unknown preset "${name}"; presets: ${presetNames.join(', ')} (and "default" = ${DEFAULT_PRESET})`);
    }
    const { sr, ...melspec } = presets[key].params;
    return { sampleRate: sr, melspec };
}
/**
 * The standard image pipeline for a dsp preset: decode -> resample to the preset's rate -> 5 s chunks ->
 * melspec -> db (ref max) -> 8-bit PNG. "default" is the BirdCLEF preset.
 */
export function presetPipeline(name) {
    const { sampleRate, melspec } = presetSettings(name);
    return resolvePipeline({
        version: 1,
        steps: [
            { block: 'decode' },
            { block: 'resample', params: { sampleRate } },
            { block: 'chunk', params: { seconds: 5 } },
            { block: 'melspec', params: melspec },
            { block: 'db' },
            { block: 'image' },
        ],
    });
}
//# sourceMappingURL=pipeline.js.map