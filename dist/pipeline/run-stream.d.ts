import { type WavInfo } from '../audio/wav.ts';
import type { ResolvedPipeline, ResolvedStep } from './pipeline.ts';
import { type PipelineItem } from './run.ts';
/** Sources above this many bytes stream (64 MiB: about 17 minutes of 32 kHz 16-bit mono). */
export declare const DEFAULT_STREAM_ABOVE: number;
/** Environment variable overriding the threshold: a number of bytes, or `off` to never stream. */
export declare const STREAM_ABOVE_ENV = "BIRDCALL_STREAM_ABOVE";
/** Seconds of output audio per window (rounded down to whole chunks): 7.7 MB of float32 at 32 kHz. */
export declare const DEFAULT_WINDOW_SECONDS = 60;
/** The streaming threshold in bytes: BIRDCALL_STREAM_ABOVE if set (`off` = Infinity), else the default. */
export declare function streamThreshold(env?: NodeJS.ProcessEnv): number;
/** The steps of a pipeline the streaming runner can take, split where it takes over from chunk. */
export interface StreamShape {
    decode: ResolvedStep;
    resample?: ResolvedStep;
    chunk: ResolvedStep;
    /** Everything after chunk, run per chunk exactly as runPipelineOnFile runs it. */
    rest: ResolvedStep[];
}
/**
 * The pipeline's shape if it streams: built-in decode, optionally built-in resample, then built-in chunk.
 * Anything before chunk that looks at the whole recording (a quality gate on the file) would need a first
 * pass over all of it, so such pipelines keep the in-memory path.
 */
export declare function streamShape(resolved: ResolvedPipeline): StreamShape | undefined;
/**
 * Whether a file on disk should stream: larger than `above` bytes, WAV by content, and named as a WAV or
 * not as audio at all (a mislabelled file gets decode's "the extension says..." warning on the in-memory
 * path; streaming it would drop that warning).
 */
export declare function shouldStream(absPath: string, displayPath: string, size: number, above: number): Promise<boolean>;
export interface StreamResult {
    /** The header, as read before any sample. */
    info: WavInfo;
    /** Items in chunk order, made as they are iterated (once). */
    items: AsyncGenerator<PipelineItem, void, undefined>;
    /** Every warning, once each; complete when `items` is exhausted. */
    warnings: string[];
}
export interface StreamOptions {
    /** Seconds of output audio per window, rounded down to whole chunk hops (at least one chunk). */
    windowSeconds?: number;
}
/**
 * Runs a streamable pipeline (see streamShape) on a WAV file read from `file.absPath`; `file.path` is the
 * name every message and item uses, as in runPipelineOnFile. Header errors throw here, before any item.
 */
export declare function streamPipelineOnWav(resolved: ResolvedPipeline, file: {
    path: string;
    absPath: string;
}, opts?: StreamOptions): Promise<StreamResult>;
/**
 * Input samples either side of an output position that the resampler's filters can reach, with room to
 * spare. Kaiser's length for the sharpest filter resample.ts designs (the one-stage polyphase, 10% of the
 * lower Nyquist as transition band, 110 dB plus its 10 dB short-filter margin) bounds the one-stage reach
 * (about half of it) and the two-stage reach (half of it, plus a second stage at most a third as long).
 */
export declare function resampleMargin(inRate: number, outRate: number): number;
