import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BirdcallError, UsageError } from '../errors.ts';
import type { AnyBlock, Kind, Step } from './block.ts';
import { getBlock, listBlocks, registerBlock } from './registry.ts';
import { describeParams, formatIssues, normalizeParamKeys, parseParams } from '../params.ts';
import { resolveInside } from '../store/paths.ts';
import { presetSettings } from '../dsp/presets.ts';
import { BIRDCALL_VERSION } from '../version.ts';
import { COMPILED } from '../worker-bundle.ts';

/** A pipeline as a file holds it: JSON-serialisable, block names and (possibly partial) params. */
export interface PipelineSpec {
  version: 1;
  steps: StepSpec[];
  /** User block modules, relative to the pipeline file (or absolute once resolved, for worker threads). */
  blocks?: string[];
}

export interface StepSpec {
  block: string;
  params?: Record<string, unknown>;
}

export interface ResolvedStep {
  block: AnyBlock;
  /** Validated, every default filled in: exactly what `block.run` receives. */
  params: Record<string, unknown>;
}

/** A pipeline that has passed every check and can run: blocks found, params complete, kinds chained. */
export interface ResolvedPipeline {
  version: 1;
  steps: ResolvedStep[];
  /** Absolute paths of the user block modules it needs (a worker thread re-imports them). */
  modules: string[];
}

/**
 * Bump when a built-in block's output changes without a package version bump (between releases), so
 * `convert` does not reuse outputs that the new code would make differently.
 */
export const PIPELINE_CODE_SALT = 'birdcall-pipeline/1';

const KIND_WORD: Record<Kind, string> = { file: 'a file', audio: 'audio', spectrogram: 'a spectrogram' };

function stepName(index: number, block: string): string {
  return `step ${index + 1} (${block})`;
}

/** The shortest chain of known blocks that turns `from` into `to`, for "put X between them" hints. */
function bridge(from: Kind, to: Kind): string[] | undefined {
  const queue: { kind: Kind; path: string[] }[] = [{ kind: from, path: [] }];
  const seen = new Set<Kind>([from]);
  while (queue.length) {
    const { kind, path } = queue.shift()!;
    for (const b of listBlocks()) {
      if (b.input !== kind || seen.has(b.output)) continue;
      const next = [...path, b.name];
      if (b.output === to) return next;
      seen.add(b.output);
      queue.push({ kind: b.output, path: next });
    }
  }
  return undefined;
}

function fixHint(from: Kind, to: Kind): string {
  const chain = bridge(from, to);
  return chain ? `; put ${chain.join(' -> ')} before it` : '';
}

/** Checks that neighbours fit: the first step reads a file, each step reads what the previous one gives. */
function checkKinds(steps: ResolvedStep[]): void {
  if (steps.length === 0) throw new UsageError('the pipeline has no steps; start with decode');
  const first = steps[0].block;
  if (first.input !== 'file') {
    throw new UsageError(
      `${stepName(0, first.name)} takes ${KIND_WORD[first.input]}, but a pipeline starts from a source file${fixHint('file', first.input)}`,
    );
  }
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1].block;
    const cur = steps[i].block;
    if (cur.input !== prev.output) {
      throw new UsageError(
        `${stepName(i, cur.name)} takes ${KIND_WORD[cur.input]}, but ${stepName(i - 1, prev.name)} gives ${KIND_WORD[prev.output]}` +
          fixHint(prev.output, cur.input),
      );
    }
  }
  const last = steps[steps.length - 1].block;
  if (last.output === 'file') {
    throw new UsageError(`${stepName(steps.length - 1, last.name)} ends the pipeline with a file; add decode after it`);
  }
}

function resolveStep(block: AnyBlock, rawParams: unknown, index: number): ResolvedStep {
  const where = stepName(index, block.name);
  if (rawParams !== undefined && (rawParams === null || typeof rawParams !== 'object' || Array.isArray(rawParams))) {
    throw new UsageError(`${where}: params must be a mapping of parameter names to values`);
  }
  const named = normalizeParamKeys(describeParams(block.params), (rawParams ?? {}) as Record<string, unknown>, where);
  const params = parseParams(block.params, named, where, { usage: true }) as Record<string, unknown>;
  return { block, params };
}

/**
 * Composes a pipeline in TypeScript, e.g.
 * `pipeline(decode(), resample({ sampleRate: 32000 }), chunk({ seconds: 5 }), melspec(), db(), image())`.
 * Every param is validated and every neighbour checked now, before any file is read; a problem throws one
 * UsageError naming the step.
 *
 * @param steps - step factories called with their block's params: `decode()`, `resample({ sampleRate })`,
 *   `chunk({ seconds })`, `melspec({ nFft, hopLength, nMels, ... })`, `db()`, `pcen()`, `normalize()`,
 *   `image()`, `npy()`, or `stepOf(myBlock)(params)`. Every block's params, units and defaults:
 *   [parameters](../parameters.md).
 * @returns the resolved pipeline (every default filled in) for runPipelineOnFile, convert or pipelineHash.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { pipeline, decode, resample, chunk, melspec, db, image, pipelineHash } from 'birdcall';
 *
 * const p = pipeline(decode(), resample({ sampleRate: 32000 }), chunk({ seconds: 5 }), melspec({ nMels: 128 }), db(), image());
 * assert.equal(p.steps[3].params.nFft, 2048); // melspec, its defaults filled in
 * assert.match(pipelineHash(p), /^[0-9a-f]{64}$/);
 * assert.throws(() => pipeline(decode(), db())); // db needs a spectrogram, decode gives audio
 * ```
 */
export function pipeline(...steps: Step[]): ResolvedPipeline {
  const resolved = steps.map((s, i) => resolveStep(s.block, s.params, i));
  checkKinds(resolved);
  return { version: 1, steps: resolved, modules: [] };
}

/**
 * Resolves a spec (from a file, or built by hand): finds each block (built-ins, registered blocks, and
 * `opts.blocks`), validates params (camelCase, snake_case or kebab-case names), fills defaults and checks
 * that each step's output kind is the next one's input.
 *
 * @param spec - the steps as block names and (partial) params.
 * @param opts - `blocks`: user blocks to look up first (not registered); `modules`: their absolute module
 *   paths, kept in the result for worker threads. Both default to none.
 * @returns the resolved pipeline, every default filled in.
 * @throws UsageError naming the step for an unknown block, a bad param or kinds that do not chain.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { UsageError, resolvePipeline } from 'birdcall';
 *
 * const p = resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params: { n_fft: 1024, 'hop-length': 256 } }] });
 * assert.deepEqual([p.steps[1].params.nFft, p.steps[1].params.hopLength, p.steps[1].params.nMels], [1024, 256, 128]);
 * assert.throws(() => resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspectrogram' }] }), (e: unknown) => e instanceof UsageError && /step 2.*unknown block "melspectrogram"/.test(e.message));
 * assert.throws(() => resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params: { nMels: 0 } }] }), UsageError);
 * ```
 */
export function resolvePipeline(spec: PipelineSpec, opts: { blocks?: AnyBlock[]; modules?: string[] } = {}): ResolvedPipeline {
  const local = new Map((opts.blocks ?? []).map((b) => [b.name, b]));
  const steps = spec.steps.map((step, i) => {
    const block = local.get(step.block) ?? getBlock(step.block);
    if (!block) {
      const known = [...new Set([...listBlocks().map((b) => b.name), ...local.keys()])].join(', ');
      throw new UsageError(
        `${stepName(i, step.block)}: unknown block "${step.block}"; known blocks: ${known} ` +
          `(a block of your own goes in the pipeline file's "blocks" list)`,
      );
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
function canonical(value: unknown, sort = true): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, sort));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (const key of sort ? keys.sort() : keys) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v, sort);
    }
    return out;
  }
  return value;
}

/**
 * The resolved pipeline as a spec: every default written out (what `birdcall pipeline show` prints).
 *
 * @param resolved - a pipeline from pipeline(), resolvePipeline() or loadPipelineFile().
 * @returns a JSON-serialisable spec that resolves back to the same pipeline (same pipelineHash); never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { db, decode, melspec, pipeline, pipelineHash, resolvePipeline, toSpec } from 'birdcall';
 *
 * const p = pipeline(decode(), melspec({ nMels: 64 }), db());
 * const spec = toSpec(p);
 * assert.deepEqual(spec.steps.map((s) => s.block), ['decode', 'melspec', 'db']);
 * assert.equal(spec.steps[1].params?.nMels, 64);
 * assert.equal(spec.steps[1].params?.nFft, 2048); // the default, written out
 * assert.equal(pipelineHash(resolvePipeline(JSON.parse(JSON.stringify(spec)))), pipelineHash(p));
 * ```
 */
export function toSpec(resolved: ResolvedPipeline): PipelineSpec {
  const spec: PipelineSpec = {
    version: 1,
    steps: resolved.steps.map((s) => ({ block: s.block.name, params: canonical(s.params, false) as Record<string, unknown> })),
  };
  if (resolved.modules.length) spec.blocks = [...resolved.modules];
  return spec;
}

/**
 * sha256 (hex) of the canonical resolved pipeline plus the code version: equal for pipelines that make
 * the same outputs whatever their spelling (`n_fft` vs `nFft`, a default written out or not), different
 * when any param, any block version or the birdcall version changes. Module paths are left out: moving a
 * pipeline file does not change what it computes.
 *
 * @param resolved - the pipeline.
 * @returns 64 hex digits; convert stores it in every manifest row (`pipeline_hash`) and reuses outputs only
 *   when it matches. Never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { pipelineHash, resolvePipeline } from 'birdcall';
 *
 * const hash = (params: Record<string, unknown>) => pipelineHash(resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params }] }));
 * assert.equal(hash({ n_fft: 2048 }), hash({})); // the default, spelled out or not
 * assert.equal(hash({ nMels: 64 }), hash({ n_mels: 64 }));
 * assert.notEqual(hash({ nMels: 64 }), hash({}));
 * assert.match(hash({}), /^[0-9a-f]{64}$/);
 * ```
 */
export function pipelineHash(resolved: ResolvedPipeline): string {
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
 *
 * @param text - the file's text.
 * @param opts - `path`: the file's name, which picks the syntax (`.json` is JSON, anything else YAML) and
 *   labels errors.
 * @returns the spec (version 1, the steps, the `blocks` module list when present); nothing is resolved.
 * @throws UsageError naming the file (and the line, for YAML) for bad syntax or a bad structure.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { UsageError, parsePipelineFile } from 'birdcall';
 *
 * const spec = parsePipelineFile('steps:\n  - decode\n  - block: melspec\n    params: { n_mels: 64 }\n', { path: 'p.yaml' });
 * assert.deepEqual(spec, { version: 1, steps: [{ block: 'decode' }, { block: 'melspec', params: { n_mels: 64 } }] });
 * assert.throws(() => parsePipelineFile('{ "steps": [] }', { path: 'p.json' }), (e: unknown) => e instanceof UsageError && e.file === 'p.json');
 * assert.throws(() => parsePipelineFile('steps: [decode', { path: 'p.yaml' }), /not valid YAML at line 1/);
 * ```
 */
export function parsePipelineFile(text: string, opts: { path: string }): PipelineSpec {
  let data: unknown;
  // yaml is loaded when a YAML file is read: the convert threads rebuild pipelines from JSON and start without it.
  const yaml = extname(opts.path).toLowerCase() === '.json' ? undefined : (createRequire(import.meta.url)('yaml') as typeof import('yaml'));
  try {
    data = yaml ? yaml.parse(text) : JSON.parse(text);
  } catch (err) {
    const where = yaml && err instanceof yaml.YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new UsageError(`not valid ${extname(opts.path) === '.json' ? 'JSON' : 'YAML'}${where}: ${(err as Error).message.split('\n')[0]}`, opts.path);
  }
  const parsed = pipelineFileSchema.safeParse(data);
  if (!parsed.success) {
    const hint = ' (expected { version: 1, steps: [{ block: NAME, params: {...} }, ...], blocks?: [module paths] })';
    throw new UsageError(`${formatIssues(parsed.error, { spell: (at) => at, whole: 'the file' })}${hint}`, opts.path);
  }
  const spec: PipelineSpec = {
    version: 1,
    steps: parsed.data.steps.map((s) => (typeof s === 'string' ? { block: s } : { block: s.block, params: s.params ?? undefined })),
  };
  if (parsed.data.blocks) spec.blocks = parsed.data.blocks;
  return spec;
}

function isBlock(value: unknown): value is AnyBlock {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.name === 'string' && typeof v.run === 'function' && typeof v.input === 'string' && typeof v.output === 'string' &&
    // Duck-typed, not instanceof: a user module may bring its own copy of zod.
    typeof (v.params as { safeParse?: unknown } | undefined)?.safeParse === 'function';
}

let tsxRegistered = false;

/**
 * Imports one block module. A TypeScript module (`.ts`, `.mts`, `.cts`) needs a loader: the sources run under
 * tsx already, but the built package (dist/) does not, so there tsx is registered before the first one.
 * (Registered once: Node caches a failed import, so try-then-register would not work.)
 */
async function importBlockModule(abs: string): Promise<Record<string, unknown>> {
  if (COMPILED && !tsxRegistered && /\.[cm]?ts$/.test(abs)) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
}

/**
 * Imports user block modules (absolute paths, already checked) and returns every block each exports
 * (the default export and named exports made with `defineBlock`). The blocks are not registered.
 *
 * @param absPaths - the modules' absolute paths (.js, .mjs, or .ts).
 * @returns the blocks, module by module.
 * @throws BirdcallError `BLOCK_MODULE` naming the module when it cannot be imported or exports no block.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BirdcallError, loadBlockModules } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'blocks-'));
 * try {
 *   const empty = join(dir, 'empty.mjs');
 *   await writeFile(empty, 'export const answer = 42;\n');
 *   await assert.rejects(loadBlockModules([empty]), (e: unknown) => e instanceof BirdcallError && e.code === 'BLOCK_MODULE' && e.file === empty);
 *   await assert.rejects(loadBlockModules([join(dir, 'none.mjs')]), (e: unknown) => e instanceof BirdcallError && e.code === 'BLOCK_MODULE');
 *   assert.deepEqual(await loadBlockModules([]), []);
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function loadBlockModules(absPaths: string[]): Promise<AnyBlock[]> {
  const blocks: AnyBlock[] = [];
  for (const abs of absPaths) {
    let mod: Record<string, unknown>;
    try {
      mod = await importBlockModule(abs);
    } catch (err) {
      throw new BirdcallError('BLOCK_MODULE', `cannot load block module: ${(err as Error).message.split('\n')[0]}`, abs);
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
 *
 * @param path - the pipeline file (YAML, or JSON when it ends in .json).
 * @returns the resolved pipeline, with the user block modules' absolute paths in `modules`.
 * @throws UsageError naming the file for a missing file, bad syntax or structure, a block module outside
 *   the file's folder, a taken block name, or a bad step (see resolvePipeline); BirdcallError
 *   `BLOCK_MODULE` for a module that cannot be imported or exports no block.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { UsageError, loadPipelineFile } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'pipeline-'));
 * try {
 *   const path = join(dir, 'pipeline.yaml');
 *   await writeFile(path, 'steps:\n  - decode\n  - { block: resample, params: { sample_rate: 32000 } }\n  - { block: chunk, params: { seconds: 5 } }\n  - melspec\n  - db\n');
 *   const p = await loadPipelineFile(path);
 *   assert.deepEqual(p.steps.map((s) => s.block.name), ['decode', 'resample', 'chunk', 'melspec', 'db']);
 *   assert.equal(p.steps[1].params.sampleRate, 32000);
 *
 *   await writeFile(path, 'steps: [decode]\nblocks: [../elsewhere/block.mjs]\n');
 *   await assert.rejects(loadPipelineFile(path), (e: unknown) => e instanceof UsageError && /blocks\[0\]/.test(e.message));
 *   await assert.rejects(loadPipelineFile(join(dir, 'none.yaml')), /pipeline file not found/);
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function loadPipelineFile(path: string): Promise<ResolvedPipeline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? 'pipeline file not found' : `cannot read pipeline file (${code ?? (err as Error).message})`, path);
  }
  const spec = parsePipelineFile(text, { path });
  const modules: string[] = [];
  for (const [i, rel] of (spec.blocks ?? []).entries()) {
    try {
      modules.push(await resolveInside(dirname(path), rel, `blocks[${i}]`));
    } catch (err) {
      // A pipeline file pointing outside its folder is a mistake in how the tool is called: usage error.
      if (err instanceof BirdcallError) throw new UsageError(`${err.reason} (block modules must sit inside the pipeline file's folder)`, `${path}: blocks[${i}]`);
      throw err;
    }
  }
  const blocks = await loadBlockModules(modules);
  for (const b of blocks) {
    try {
      registerBlock(b);
    } catch (err) {
      throw new UsageError((err as Error).message, path);
    }
  }
  return resolvePipeline(spec, { blocks, modules });
}

// Kept with the presets (a light module: melspec's start-up needs them without the blocks); re-exported here.
export { DEFAULT_PRESET, presetSettings } from '../dsp/presets.ts';

/**
 * The standard image pipeline for a dsp preset: decode -> resample to the preset's rate -> 5 s chunks ->
 * melspec -> db (ref max) -> 8-bit PNG. "default" is the BirdCLEF preset.
 *
 * @param name - 'default', or a dsp preset: 'librosa', 'birdclef', 'kaggle2020', 'birdnet'.
 * @returns the resolved pipeline, as `birdcall convert --preset NAME` runs it.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { presetPipeline } from 'birdcall';
 *
 * const p = presetPipeline('kaggle2020');
 * assert.deepEqual(p.steps.map((s) => s.block.name), ['decode', 'resample', 'chunk', 'melspec', 'db', 'image']);
 * assert.equal(p.steps[1].params.sampleRate, 32000);
 * ```
 */
export function presetPipeline(name: string): ResolvedPipeline {
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
