import type { AnyBlock, Step } from './block.ts';
import { type PresetName } from '../dsp/presets.ts';
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
export declare const PIPELINE_CODE_SALT = "birdcall-pipeline/1";
/**
 * Composes a pipeline in TypeScript, e.g.
 * `pipeline(decode(), resample({ sampleRate: 32000 }), chunk({ seconds: 5 }), melspec(), db(), image())`.
 * Every param is validated and every neighbour checked now, before any file is read; a problem throws one
 * UsageError naming the step.
 */
export declare function pipeline(...steps: Step[]): ResolvedPipeline;
/**
 * Resolves a spec (from a file, or built by hand): finds each block (built-ins, registered blocks, and
 * `opts.blocks`), validates params (camelCase or snake_case names), fills defaults and checks neighbours.
 */
export declare function resolvePipeline(spec: PipelineSpec, opts?: {
    blocks?: AnyBlock[];
    modules?: string[];
}): ResolvedPipeline;
/** The resolved pipeline as a spec: every default written out (what `birdcall pipeline show` prints). */
export declare function toSpec(resolved: ResolvedPipeline): PipelineSpec;
/**
 * sha256 (hex) of the canonical resolved pipeline plus the code version: equal for pipelines that make
 * the same outputs whatever their spelling (`n_fft` vs `nFft`, a default written out or not), different
 * when any param, any block version or the birdcall version changes. Module paths are left out: moving a
 * pipeline file does not change what it computes.
 */
export declare function pipelineHash(resolved: ResolvedPipeline): string;
/**
 * Parses a pipeline file's text (JSON, or YAML — a superset of JSON — unless the name ends in .json) and
 * checks its structure. A step is `{ block, params }` or just a block name. Params are checked later, by
 * `resolvePipeline`, against each block's schema.
 */
export declare function parsePipelineFile(text: string, opts: {
    path: string;
}): PipelineSpec;
/**
 * Imports user block modules (absolute paths, already checked) and returns every block each exports
 * (the default export and named exports made with `defineBlock`).
 */
export declare function loadBlockModules(absPaths: string[]): Promise<AnyBlock[]>;
/**
 * Reads, checks and resolves a pipeline file. User block modules named in `blocks` must lie inside the
 * pipeline file's folder (a shared pipeline file must not make the tool run code from anywhere else); they
 * are imported and registered, then every step is validated — all before any audio file is touched.
 */
export declare function loadPipelineFile(path: string): Promise<ResolvedPipeline>;
/** `convert` without --pipeline/--preset uses this preset: 32 kHz, the BirdCLEF convention. */
export declare const DEFAULT_PRESET: PresetName;
/**
 * A dsp preset split the way blocks need it: the rate audio is resampled to, and the melspec params
 * (the preset's `sr` is not a melspec param: melspec reads the rate from the audio).
 */
export declare function presetSettings(name: string): {
    sampleRate: number;
    melspec: Record<string, unknown>;
};
/**
 * The standard image pipeline for a dsp preset: decode -> resample to the preset's rate -> 5 s chunks ->
 * melspec -> db (ref max) -> 8-bit PNG. "default" is the BirdCLEF preset.
 */
export declare function presetPipeline(name: string): ResolvedPipeline;
