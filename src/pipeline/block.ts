import type { z } from 'zod';
import type { Audio } from '../audio/types.ts';
import type { Spectrogram } from '../dsp/types.ts';

/**
 * What flows between blocks. Kinds let a pipeline be checked before it runs: a block's `input` kind must
 * equal the previous block's `output` kind.
 *  - 'file': a source file's bytes and path (what a decoder reads)
 *  - 'audio': an Audio (a Chunk is an Audio that knows its offset)
 *  - 'spectrogram': a Spectrogram
 */
export interface KindMap {
  file: SourceFile;
  audio: Audio;
  spectrogram: Spectrogram;
}
export type Kind = keyof KindMap;

export interface SourceFile {
  /** Path as the user gave it (relative to the input root), used in messages and the manifest. */
  path: string;
  bytes: Uint8Array;
}

/** A file a block wants written, e.g. a PNG; the runner writes it atomically and records it in the manifest. */
export interface Artifact {
  /** Short name used as the manifest column prefix and output sub-folder, e.g. 'png', 'npy'. */
  name: string;
  /** File extension without the dot. */
  ext: string;
  bytes: Uint8Array;
  /** Extra manifest columns (e.g. the dB range an image maps to). */
  meta?: Record<string, string | number>;
}

/**
 * Options of a whole run (convert, predict), given to every block through its context. They decide which
 * sources are refused, never what a block makes of one it accepts: so they are not block params and stay
 * out of the pipeline hash (a run with them rewrites nothing a run without them made).
 */
export interface RunOptions {
  /**
   * Check every FLAC's decoded audio against the MD5 signature in its STREAMINFO: a mismatch fails the
   * source (FLAC_MD5_MISMATCH). Default off: frame CRCs are always checked (see decodeAudio).
   */
  verifyMd5?: boolean;
}

/** Per-item context the runner gives a block: where the item came from, and channels for side outputs. */
export interface BlockContext {
  /** The run's options (the decode block reads them). */
  options: RunOptions;
  /** Source path as in the input manifest. */
  source: string;
  /** Chunk index once a chunk block has run, else 0. */
  chunkIndex: number;
  /** Record a file to write for this item. */
  emit(artifact: Artifact): void;
  /** Record a non-fatal problem (shown in the summary and the errors file). */
  warn(message: string): void;
}

/**
 * A block: data plus one function. `run` is a thin wrapper over a pure function in src/audio, src/dsp or
 * src/image. Returning an array fans out (chunk); returning an empty array drops the item (a quality check).
 */
export interface Block<I extends Kind = Kind, O extends Kind = Kind, S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for `birdcall blocks`. */
  doc: string;
  input: I;
  output: O;
  /** Parameters with defaults, units and one-line docs (`.describe`): a `z.object`, refinements allowed. */
  params: S;
  /**
   * Bump when the block's output changes for the same params (a bug fix, a new algorithm): it is part of the
   * pipeline hash, so `convert` recomputes what the block made. Built-in blocks share the package version.
   */
  version?: string;
  /**
   * The part this block can play in the streaming runner (run-stream.ts), which takes a long audio file
   * (WAV, FLAC, Ogg Vorbis, MP3) through `decode -> [resample] -> chunk -> ...` in bounded memory by doing
   * those steps itself, window by window, with the step's params: 'decode' reads blocks of the file, mixed
   * to mono ({ maxSeconds }, and the run's RunOptions); 'resample'
   * resamples each window with a margin (resampleParams); 'chunk' plans the chunks from the length
   * (chunkParams). Declare it only for a block that computes exactly that. Unset: the block sees whole
   * values, and a pipeline with it before chunk is never streamed.
   */
  streamAs?: StreamRole;
  run(
    value: KindMap[I],
    params: z.output<S>,
    ctx: BlockContext,
  ): KindMap[O] | KindMap[O][] | Promise<KindMap[O] | KindMap[O][]>;
}

export type StreamRole = 'decode' | 'resample' | 'chunk';

const KINDS: readonly Kind[] = ['file', 'audio', 'spectrogram'];
const STREAM_ROLES: readonly StreamRole[] = ['decode', 'resample', 'chunk'];
const BLOCK_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Makes a block, checking what TS cannot: the name (it is a pipeline-file word and a CLI subcommand) and the
 * kinds (a user block written in plain JS has no compiler to catch a typo).
 *
 * @param block - `name` (lower-case words joined by '-'), `doc` (one line for `birdcall blocks`), `input` and
 *   `output` kinds ('file', 'audio', 'spectrogram'), `params` (a zod object: defaults, units in `.describe()`),
 *   and `run(value, params, ctx)`, which returns the output, an array of outputs (fan-out) or [] (drop).
 * @returns the same block, checked; use it with `stepOf(block)(params)` or name its module in a pipeline
 *   file's `blocks:` list (see examples/my-block.ts).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { z } from 'zod';
 * import { defineBlock, stepOf, pipeline, decode, melspec, runPipelineOnFile, encodeWav } from 'birdcall';
 *
 * const gain = defineBlock({
 *   name: 'gain',
 *   doc: 'multiplies every sample by `by`',
 *   input: 'audio',
 *   output: 'audio',
 *   params: z.object({ by: z.number().positive().default(2).describe('factor (linear, not dB)') }),
 *   run: (audio, { by }) => ({ ...audio, samples: audio.samples.map((v) => v * by) }),
 * });
 * const tone = Float32Array.from({ length: 22050 }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * i) / 22050));
 * const p = pipeline(decode(), stepOf(gain)({ by: 2 }), melspec());
 * const { items } = await runPipelineOnFile(p, { path: 'tone.wav', bytes: encodeWav(tone, 22050) });
 * assert.equal(items.length, 1);
 * ```
 */
export function defineBlock<I extends Kind, O extends Kind, S extends z.ZodType>(block: Block<I, O, S>): Block<I, O, S> {
  if (!BLOCK_NAME.test(block.name)) {
    throw new TypeError(`block name "${block.name}" must be lower-case letters, digits and '-', starting with a letter`);
  }
  for (const [side, kind] of [['input', block.input], ['output', block.output]] as const) {
    if (!KINDS.includes(kind)) throw new TypeError(`block "${block.name}": ${side} kind "${String(kind)}" is not one of ${KINDS.join(', ')}`);
  }
  if (typeof block.run !== 'function') throw new TypeError(`block "${block.name}" has no run function`);
  if (block.streamAs !== undefined && !STREAM_ROLES.includes(block.streamAs)) {
    throw new TypeError(`block "${block.name}": streamAs "${String(block.streamAs)}" is not one of ${STREAM_ROLES.join(', ')}`);
  }
  return Object.freeze({ ...block });
}

/**
 * Any block, whatever its kinds and schema: what registries and pipelines hold. (`run` is declared with
 * method syntax, so every concrete block is assignable to this without a cast.)
 */
export type AnyBlock = Block<Kind, Kind, z.ZodType>;

/** The params a user writes for a block (defaults optional). */
export type ParamsIn<B extends Block> = z.input<B['params']>;
/** The params a block's run receives (defaults filled). */
export type ParamsOut<B extends Block> = z.output<B['params']>;

/** One step of a pipeline composed in TypeScript: a block and the params the user gave (not yet validated). */
export interface Step<I extends Kind = Kind, O extends Kind = Kind> {
  block: Block<I, O, z.ZodType>;
  params: unknown;
}

/**
 * Turns a block into a step factory, e.g. `const melspec = stepOf(melspecBlock); melspec({ nMels: 64 })`.
 * The params are typed from the schema; they are validated when the pipeline is composed. The step
 * factories birdcall exports (`decode`, `resample`, `chunk`, `quality`, `melspec`, `db`, `pcen`,
 * `normalize`, `image`, `npy`) are made this way.
 *
 * @param block - a built-in block or one made with defineBlock.
 * @returns a function taking the block's params (default none: every default) and returning a Step for
 *   pipeline(); never throws (pipeline() validates).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { UsageError, decode, melspecBlock, pipeline, stepOf } from 'birdcall';
 *
 * const mel = stepOf(melspecBlock);
 * assert.deepEqual(mel({ nMels: 64 }), { block: melspecBlock, params: { nMels: 64 } });
 * assert.equal(pipeline(decode(), mel({ nMels: 64 })).steps[1].params.nMels, 64);
 * assert.throws(() => pipeline(decode(), mel({ nMels: -1 })), UsageError); // checked when composed
 * ```
 */
export function stepOf<I extends Kind, O extends Kind, S extends z.ZodType>(
  block: Block<I, O, S>,
): (params?: z.input<S>) => Step<I, O> {
  return (params) => ({ block, params: params ?? {} });
}
