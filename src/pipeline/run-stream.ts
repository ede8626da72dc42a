/**
 * The streaming runner: a long recording (a WAV, FLAC, Ogg Vorbis or MP3, see audio/stream.ts) through
 * `decode -> [resample] -> chunk -> ...` without ever holding the whole recording. runPipelineOnFile decodes
 * the file whole, which for a 60-minute recording means the file bytes, the decoded samples and the
 * resampled samples all at once (over a gigabyte at 48 kHz). Here the chunk plan comes from the header's
 * frame count, and the audio goes through in windows of whole chunks: each window is decoded, resampled if
 * asked, cut into its chunks, and each chunk runs the remaining steps through the same code
 * runPipelineOnFile uses (runSteps). Items come out in the same order, with the same
 * offsets and artifacts; memory stays at one window whatever the length.
 *
 * Exactness: decoding gives the same samples (a stream's blocks equal toMono(decodeAudio(file))). Chunk
 * geometry is planChunks on the same sample count chunkAudio would see. Resampling runs on the decoded
 * blocks through audio/resample.ts's ResampleStream, whose outputs are the whole-file resample's bit for
 * bit; so every chunk, and every artifact made from it, is the in-memory path's exactly.
 */
import { openAudioStream, pcmBytes, streamFormat } from '../audio/decode.ts';
import { StreamDeclined, type SampleStream } from '../audio/stream.ts';
import { formatFromExtension, readHead } from '../audio/detect.ts';
import { planChunks, type ChunkParams } from '../audio/chunk.ts';
import { ResampleStream, type ResampleParams } from '../audio/resample.ts';
import type { Chunk } from '../audio/types.ts';
import { BirdcallError } from '../errors.ts';
import type { RunOptions } from './block.ts';
import type { ResolvedPipeline, ResolvedStep } from './pipeline.ts';
import { pipelineItem, runSteps, type PipelineItem, type WorkItem } from './run.ts';

/**
 * Sources whose audio is above this many bytes as 16-bit PCM stream (64 MiB: about 17 minutes of 32 kHz
 * mono; a WAV by its size, a compressed file by its decoded size, see pcmBytes).
 */
export const DEFAULT_STREAM_ABOVE = 64 * 2 ** 20;

/** Environment variable overriding the threshold: a number of bytes, or `off` to never stream. */
export const STREAM_ABOVE_ENV = 'BIRDCALL_STREAM_ABOVE';

/** Seconds of output audio per window (rounded down to whole chunks): 7.7 MB of float32 at 32 kHz. */
export const DEFAULT_WINDOW_SECONDS = 60;

/** The streaming threshold in bytes: BIRDCALL_STREAM_ABOVE if set (`off` = Infinity), else the default. */
export function streamThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[STREAM_ABOVE_ENV]?.trim();
  if (text === undefined || text === '') return DEFAULT_STREAM_ABOVE;
  if (/^(off|never|no|false)$/i.test(text)) return Infinity;
  const bytes = Number(text);
  if (!Number.isFinite(bytes) || bytes < 0) {
    throw new BirdcallError('USAGE', `${STREAM_ABOVE_ENV}="${text}" is not a number of bytes or "off"`);
  }
  return bytes;
}

/** The steps of a pipeline the streaming runner can take, split where it takes over from chunk. */
export interface StreamShape {
  decode: ResolvedStep;
  resample?: ResolvedStep;
  chunk: ResolvedStep;
  /** Everything after chunk, run per chunk exactly as runPipelineOnFile runs it. */
  rest: ResolvedStep[];
}

/**
 * The pipeline's shape if it streams: blocks that declare `streamAs` decode, optionally resample, then
 * chunk. Anything before chunk that looks at the whole recording (a quality gate on the file) would need a
 * first pass over all of it, so such pipelines keep the in-memory path.
 */
export function streamShape(resolved: ResolvedPipeline): StreamShape | undefined {
  const [first, second, third] = resolved.steps;
  if (first?.block.streamAs !== 'decode') return undefined;
  if (second?.block.streamAs === 'chunk') return { decode: first, chunk: second, rest: resolved.steps.slice(2) };
  if (second?.block.streamAs === 'resample' && third?.block.streamAs === 'chunk') {
    return { decode: first, resample: second, chunk: third, rest: resolved.steps.slice(3) };
  }
  return undefined;
}

/**
 * Whether a file on disk should stream (in convert and predict alike): its audio above `above` bytes as
 * 16-bit PCM (pcmBytes: a WAV's size, a compressed file's decoded size), of a format that streams by its
 * content (streamFormat: any of STREAM_FORMATS), and named as that format or not as audio at all (a
 * mislabelled file gets decode's "the extension says..." warning on the in-memory path; streaming it
 * would drop that warning).
 */
export async function shouldStream(absPath: string, displayPath: string, size: number, above: number): Promise<boolean> {
  const byName = formatFromExtension(displayPath);
  // Only WAV content streams under a .wav name, and a WAV is measured by its size: no need to open it. A
  // compressed file may hold any amount of audio per byte (a FLAC of near-silence), so it is opened.
  if (!(size > above) && (byName === 'wav' || above === Infinity)) return false;
  const head = readHead(absPath);
  const format = streamFormat(head);
  if (format === undefined || (byName !== undefined && byName !== format)) return false;
  return (pcmBytes(head, size, format) ?? size) > above;
}

/**
 * Runs `streamed`, and `whole` instead when the stream declines (StreamDeclined: a compressed file whose
 * header, or a frame found part-way, says it must be read whole; see audio/stream.ts). `whole` undoes
 * whatever the streamed attempt started. Other errors go through.
 */
export async function streamedOrWhole<T>(streamed: () => Promise<T>, whole: () => Promise<T>): Promise<T> {
  try {
    return await streamed();
  } catch (error) {
    if (!(error instanceof StreamDeclined)) throw error;
  }
  return whole();
}

export interface StreamResult {
  /** The header, as read before any sample. */
  info: SampleStream['info'];
  /** Items in chunk order, made as they are iterated (once). */
  items: AsyncGenerator<PipelineItem, void, undefined>;
  /**
   * The same recording as windows of audio, for a caller that runs the steps after chunk elsewhere (worker
   * threads) with runWindow: iterate either this or `items`, not both.
   */
  windows: AsyncGenerator<AudioWindow, void, undefined>;
  /** Decode's warnings, which every item carries (runWindow's `itemWarnings`). */
  itemWarnings: string[];
  /** Every warning, once each; complete when `items` is exhausted. */
  warnings: string[];
}

/** How to stream, and the run's options (given to the decoder and to every block, as runPipelineOnFile's). */
export interface StreamOptions extends RunOptions {
  /** Seconds of output audio per window, rounded down to whole chunk hops (at least one chunk). */
  windowSeconds?: number;
}

/**
 * Runs a streamable pipeline (see streamShape) on an audio file read from `file.absPath` in windows (any
 * format openAudioStream reads; StreamDeclined when a compressed file must be read whole); `file.path` is the
 * name every message and item uses, as in runPipelineOnFile. Header errors throw here, before any item;
 * checks of the whole audio (a FLAC's MD5 with `verifyMd5`) fail the iteration at its end, after every item.
 */
export async function streamPipelineOnFile(
  resolved: ResolvedPipeline,
  file: { path: string; absPath: string },
  opts: StreamOptions = {},
): Promise<StreamResult> {
  const shape = streamShape(resolved);
  if (!shape) throw new TypeError('streamPipelineOnFile: the pipeline does not start with decode [-> resample] -> chunk');
  const fileWarnings: string[] = [];
  // What decode raises, in order and with repeats, exactly as runSteps would give every chunk.
  const decodeRaised: string[] = [];
  const raiseDecode = (message: string): void => {
    decodeRaised.push(message);
    addOnce(fileWarnings, `${shape.decode.block.name}: ${message}`);
  };
  let afterHeader = false;
  const wav = await renamingErrors(file, () =>
    openAudioStream(file.absPath, file.path, {
      // Once the header and the non-finite count are in, a late warning (the file shrank under us) can only
      // go to the file's list: earlier chunks have left already.
      onWarning: (message) => (afterHeader ? addOnce(fileWarnings, `${shape.decode.block.name}: ${message}`) : raiseDecode(message)),
      maxSeconds: (shape.decode.params as { maxSeconds?: number }).maxSeconds,
      verifyMd5: opts.verifyMd5,
    }),
  );
  // decodeWav reports NaN/Inf float samples after the header's warnings and before any chunk exists, so
  // every chunk carries it: counting them takes a pass of its own, for float files only (PCM cannot hold them).
  if (wav.info.encoding === 'ieee_float') await renamingErrors(file, () => drain(wav));
  afterHeader = true;
  const streamable = shape;
  const itemWarnings = decodeRaised.map((w) => `${shape.decode.block.name}: ${w}`);
  const runOptions: RunOptions = { verifyMd5: opts.verifyMd5 };

  async function* items(): AsyncGenerator<PipelineItem, void, undefined> {
    for await (const window of audioWindows(wav, file, streamable, opts)) {
      for (const it of await runWindow(streamable.rest, window, file, fileWarnings, itemWarnings, runOptions)) yield it;
    }
  }

  return { info: wav.info, items: items(), warnings: fileWarnings, windows: audioWindows(wav, file, streamable, opts), itemWarnings };
}

/**
 * A window of the recording after decode (and resample): whole chunks of it, as plain data that can cross to
 * a worker thread. `samples[0]` is output sample `from`; chunk `firstIndex + k` starts at `starts[k]`.
 */
export interface AudioWindow {
  samples: Float32Array;
  sampleRate: number;
  from: number;
  starts: number[];
  firstIndex: number;
  /** Chunk length and the recording's length, in output samples (the last chunk is zero-padded past it). */
  length: number;
  total: number;
}

/** The recording in windows of whole chunks (each window's samples are its own copy). */
async function* audioWindows(wav: SampleStream, file: { path: string; absPath: string }, shape: StreamShape, opts: StreamOptions): AsyncGenerator<AudioWindow, void, undefined> {
  const windows = new WindowReader(wav, file, shape);
  const { plan, total, rate } = windows;
  const perWindow = Math.max(1, Math.floor(((opts.windowSeconds ?? DEFAULT_WINDOW_SECONDS) * rate) / plan.hop));
  try {
    for (let i0 = 0; i0 < plan.starts.length; i0 += perWindow) {
      const i1 = Math.min(i0 + perWindow, plan.starts.length);
      const from = plan.starts[i0];
      const to = Math.min(plan.starts[i1 - 1] + plan.length, total);
      const samples = (await windows.read(from, to)).slice();
      yield { samples, sampleRate: rate, from, starts: plan.starts.slice(i0, i1), firstIndex: i0, length: plan.length, total };
    }
    // To the end of the stream, past the last chunk's samples: its end checks (a compressed stream's
    // length and checksum, StreamDeclined on damage) run before the recording counts as done.
    await windows.drain();
  } finally {
    // Also when the consumer stops early (an error while writing): the stream's file handle closes.
    await windows.close();
  }
}

/**
 * The steps after chunk on every chunk of a window, as runPipelineOnFile runs them: in this thread, or in a
 * pipeline worker (pool-thread.ts). `itemWarnings` are decode's, which every item carries; `options` the
 * run's, for the blocks' contexts.
 */
export async function runWindow(
  rest: readonly ResolvedStep[],
  window: AudioWindow,
  file: { path: string },
  fileWarnings: string[],
  itemWarnings: readonly string[],
  options: RunOptions = {},
): Promise<PipelineItem[]> {
  const out: PipelineItem[] = [];
  for (let k = 0; k < window.starts.length; k++) {
    const index = window.firstIndex + k;
    const chunk = cutChunk(window.samples, window.from, window.starts[k], window.length, window.total, window.sampleRate, file.path, index);
    const start: WorkItem = {
      value: chunk,
      chunkIndex: index,
      startSeconds: chunk.startSeconds,
      endSeconds: chunk.endSeconds,
      artifacts: [],
      warnings: [...itemWarnings],
    };
    for (const it of await runSteps(rest, [start], file, fileWarnings, options)) out.push(pipelineItem(it));
  }
  return out;
}

/** One chunk as chunkAudio cuts it: a copy (never a view of the window), zero-padded at the end. */
function cutChunk(
  window: Float32Array,
  windowStart: number,
  start: number,
  length: number,
  total: number,
  rate: number,
  source: string,
  index: number,
): Chunk {
  const end = Math.min(start + length, total);
  let samples: Float32Array;
  if (end - start === length) samples = window.slice(start - windowStart, end - windowStart);
  else {
    samples = new Float32Array(length);
    samples.set(window.subarray(start - windowStart, end - windowStart));
  }
  return { samples, sampleRate: rate, source, index, startSeconds: start / rate, endSeconds: end / rate };
}

/**
 * The audio after decode (and resample) for any range of output samples, asked for in increasing order.
 * Holds the output between the last range's start and its end: one window.
 */
class WindowReader {
  readonly plan: ReturnType<typeof planChunks>;
  /** Output samples of the whole recording (after resampling). */
  readonly total: number;
  /** Output sample rate. */
  readonly rate: number;
  private readonly output: RollingSamples;

  constructor(wav: SampleStream, file: { path: string; absPath: string }, shape: StreamShape) {
    const { sampleRate: inRate, numFrames } = wav.info;
    const params = shape.resample?.params as ResampleParams | undefined;
    let blocks = wav.blocks();
    if (params && params.sampleRate !== inRate) {
      const stream = new ResampleStream(inRate, params.sampleRate, params.quality, file.path);
      this.rate = params.sampleRate;
      this.total = Math.ceil((numFrames * params.sampleRate) / inRate);
      blocks = resampled(blocks, stream);
    } else {
      this.rate = inRate;
      this.total = numFrames;
    }
    this.plan = planChunks(this.total, this.rate, shape.chunk.params as ChunkParams, file.path);
    this.output = new RollingSamples(blocks, this.total, file);
  }

  /** Output samples [from, to), as a view valid until the next call. */
  read(from: number, to: number): Promise<Float32Array> {
    return this.output.get(from, to);
  }

  drain(): Promise<void> {
    return this.output.drain();
  }

  close(): Promise<void> {
    return this.output.close();
  }
}

/** Decoded blocks through the resampler: its outputs equal resample() of the whole recording, bit for bit. */
async function* resampled(blocks: AsyncIterable<Float32Array>, stream: ResampleStream): AsyncGenerator<Float32Array, void, undefined> {
  for await (const block of blocks) {
    const out = stream.push(block);
    if (out.length > 0) yield out;
  }
  yield stream.end();
}

/**
 * Samples for ranges whose starts never decrease: blocks from the stream (decoded, or resampled) are
 * appended to one buffer and what lies before the latest start is dropped.
 */
class RollingSamples {
  private buf = new Float32Array(0);
  /** Input index of buf[0]. */
  private start = 0;
  private length = 0;
  private readonly blocks: AsyncIterator<Float32Array>;

  constructor(
    blocks: AsyncIterable<Float32Array>,
    /** Samples the whole recording has. */
    private readonly frames: number,
    private readonly file: { path: string },
  ) {
    this.blocks = blocks[Symbol.asyncIterator]();
  }

  async get(a: number, b: number): Promise<Float32Array> {
    while (this.start + this.length < b) {
      const next = await this.blocks.next();
      if (next.done) break;
      this.append(next.value);
    }
    if (this.start + this.length < b) {
      throw new BirdcallError(
        'SOURCE_CHANGED',
        `the file ended after ${this.start + this.length} of its ${this.frames} frames while it was read; was it changed?`,
        this.file.path,
      );
    }
    if (a > this.start) {
      const drop = a - this.start;
      this.buf.copyWithin(0, drop, this.length);
      this.start = a;
      this.length -= drop;
    }
    return this.buf.subarray(a - this.start, b - this.start);
  }

  async drain(): Promise<void> {
    while (!(await this.blocks.next()).done);
  }

  async close(): Promise<void> {
    // Ends the stream's generator early, which closes its file handle.
    await this.blocks.return?.();
  }

  private append(block: Float32Array): void {
    if (this.length + block.length > this.buf.length) {
      // Grows to the largest window seen (plus a block), then stays: no allocation per window after that.
      const bigger = new Float32Array(Math.max(this.length + block.length, 2 * this.buf.length));
      bigger.set(this.buf.subarray(0, this.length));
      this.buf = bigger;
    }
    this.buf.set(block, this.length);
    this.length += block.length;
  }
}

function addOnce(list: string[], text: string): void {
  if (!list.includes(text)) list.push(text);
}

/** Reads every block once, for the warnings a full pass raises. */
async function drain(wav: SampleStream): Promise<void> {
  for await (const block of wav.blocks()) void block;
}

/**
 * Errors from the WAV reader name the path it opened (absolute); the in-memory decoder names the source as
 * the user gave it, and so must we.
 */
async function renamingErrors<T>(file: { path: string; absPath: string }, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BirdcallError && err.file === file.absPath) throw new BirdcallError(err.code, err.reason, file.path);
    throw err;
  }
}
