import type { Audio, Chunk } from '../audio/types.ts';
import type { Spectrogram } from '../dsp/types.ts';
import type { Artifact, BlockContext, KindMap, RunOptions } from './block.ts';
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

function isChunk(value: Value): value is Chunk {
  const c = value as Partial<Chunk>;
  return typeof c.index === 'number' && typeof c.startSeconds === 'number' && typeof c.endSeconds === 'number';
}

function isAudio(value: Value): value is Audio {
  return (value as Partial<Audio>).samples instanceof Float32Array && typeof (value as Partial<Audio>).sampleRate === 'number';
}

/**
 * Runs a resolved pipeline on one source file, in memory. Pure apart from the blocks themselves: nothing is
 * written — artifacts come back for the caller (convert, predict) to write. A block returning an array fans
 * the item out (chunk); an empty array drops it (a quality check). A BirdcallError from a block propagates
 * unchanged: the caller decides whether the batch goes on.
 *
 * @param resolved - a pipeline from `pipeline(...)`, `loadPipelineFile` or `presetPipeline`.
 * @param file - `{ path, bytes }`: the file's name (for errors, chunk ids and the format check) and its bytes.
 * @param options - the run's options, given to every block (`verifyMd5`: refuse a FLAC whose audio does not
 *   match its MD5 signature, FLAC_MD5_MISMATCH); they never change what a block makes. Default none.
 * @returns `items`, one per output item (one per chunk after `chunk`), each with its final `value`, its
 *   `artifacts` (name, extension and bytes, e.g. the PNG) and its chunk index and times; and `warnings`.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { runPipelineOnFile, pipeline, decode, chunk, melspec, db, npy, encodeWav } from 'birdcall';
 *
 * const tone = Float32Array.from({ length: 2 * 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
 * const p = pipeline(decode(), chunk({ seconds: 1 }), melspec({ nMels: 64 }), db(), npy());
 * const { items } = await runPipelineOnFile(p, { path: 'tone.wav', bytes: encodeWav(tone, 22050) });
 * assert.equal(items.length, 2); // two 1-second chunks
 * assert.equal(items[0].artifacts[0].ext, 'npy');
 * ```
 */
export async function runPipelineOnFile(resolved: ResolvedPipeline, file: KindMap['file'], options: RunOptions = {}): Promise<FileResult> {
  const fileWarnings: string[] = [];
  const start: WorkItem[] = [{ value: file, chunkIndex: 0, startSeconds: 0, endSeconds: 0, artifacts: [], warnings: [] }];
  const items = await runSteps(resolved.steps, start, file, fileWarnings, options);

  return { items: items.map(pipelineItem), warnings: fileWarnings };
}

/** A finished work item as the runners hand it out (its value is the last block's: audio or spectrogram). */
export function pipelineItem(it: WorkItem): PipelineItem {
  return {
    chunkIndex: it.chunkIndex,
    startSeconds: it.startSeconds,
    endSeconds: it.endSeconds,
    artifacts: it.artifacts,
    warnings: it.warnings,
    value: it.value as Audio | Spectrogram,
  };
}

/**
 * Runs `steps` in order on `items` (fanning out and dropping as the blocks say), adding each new warning to
 * `fileWarnings` once. `file` is the source the items came from: its path names the source in every block
 * context, with the run's `options`. Exported for the streaming runner (run-stream.ts), which feeds the steps after `chunk` one chunk
 * at a time, so both runners make the same items.
 */
export async function runSteps(
  steps: readonly ResolvedStep[],
  start: WorkItem[],
  file: { path: string },
  fileWarnings: string[],
  options: RunOptions = {},
): Promise<WorkItem[]> {
  let items = start;
  for (const step of steps) {
    const next: WorkItem[] = [];
    for (const item of items) {
      const emitted: Artifact[] = [];
      const raised: string[] = [];
      const ctx: BlockContext = {
        options,
        source: file.path,
        chunkIndex: item.chunkIndex,
        emit: (artifact) => emitted.push(artifact),
        warn: (message) => raised.push(message),
      };
      const out = await step.block.run(item.value, step.params, ctx);
      for (const w of raised) {
        const text = `${step.block.name}: ${w}`;
        if (!fileWarnings.includes(text)) fileWarnings.push(text);
      }
      const warnings = [...item.warnings, ...raised.map((w) => `${step.block.name}: ${w}`)];
      const artifacts = [...item.artifacts, ...emitted];
      const outputs = Array.isArray(out) ? out : [out];
      outputs.forEach((value, k) => {
        const child: WorkItem = {
          value,
          chunkIndex: item.chunkIndex,
          startSeconds: item.startSeconds,
          endSeconds: item.endSeconds,
          // Artifacts made before a fan-out belong to the file: they go with the first child only, so the
          // caller writes them once.
          artifacts: k === 0 ? artifacts : [],
          warnings,
        };
        if (isChunk(value)) {
          child.chunkIndex = value.index;
          child.startSeconds = value.startSeconds;
          child.endSeconds = value.endSeconds;
        } else if (item.value === file && isAudio(value)) {
          // No chunk block (yet): the item is the whole file, whose length the decoder just told us.
          child.endSeconds = value.samples.length / value.sampleRate;
        }
        next.push(child);
      });
    }
    items = next;
  }

  return items;
}
