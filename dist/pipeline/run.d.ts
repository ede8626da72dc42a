import type { Audio } from '../audio/types.ts';
import type { Spectrogram } from '../dsp/types.ts';
import type { Artifact, KindMap } from './block.ts';
import type { ResolvedPipeline, ResolvedStep } from './pipeline.ts';
/** What one pipeline run makes for one chunk (or for the whole file when there is no chunk block). */
export interface PipelineItem {
    chunkIndex: number;
    startSeconds: number;
    endSeconds: number;
    /** Files the blocks asked for (PNG, npy…), in emit order; the caller writes them. */
    artifacts: Artifact[];
    /** Warnings that concern this item: its own and those raised on the file before it was chunked. */
    warnings: string[];
    /** The last block's output. */
    value: Audio | Spectrogram;
}
export interface FileResult {
    /** One per surviving chunk, in chunk order; empty when a quality check dropped everything. */
    items: PipelineItem[];
    /** Every warning raised while processing the file, once each, in order. */
    warnings: string[];
}
type Value = KindMap[keyof KindMap];
/** One item between steps: a value and where it sits in the source. */
export interface WorkItem {
    value: Value;
    chunkIndex: number;
    startSeconds: number;
    endSeconds: number;
    artifacts: Artifact[];
    warnings: string[];
}
/**
 * Runs a resolved pipeline on one source file, in memory. Pure apart from the blocks themselves: nothing is
 * written — artifacts come back for the caller (convert, predict) to write. A block returning an array fans
 * the item out (chunk); an empty array drops it (a quality check). A BirdcallError from a block propagates
 * unchanged: the caller decides whether the batch goes on.
 */
export declare function runPipelineOnFile(resolved: ResolvedPipeline, file: KindMap['file']): Promise<FileResult>;
/**
 * Runs `steps` in order on `items` (fanning out and dropping as the blocks say), adding each new warning to
 * `fileWarnings` once. `file` is the source the items came from: its path names the source in every block
 * context. Exported for the streaming runner (run-stream.ts), which feeds the steps after `chunk` one chunk
 * at a time, so both runners make the same items.
 */
export declare function runSteps(steps: readonly ResolvedStep[], start: WorkItem[], file: {
    path: string;
}, fileWarnings: string[]): Promise<WorkItem[]>;
export {};
