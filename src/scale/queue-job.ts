import { BirdcallError } from '../errors.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { processSource, removeOutputs, sameBase, type SourceContext } from '../batch/convert-file.ts';
import type { OutputBase } from '../store/plan.ts';

/**
 * What a queue worker does with one job: convert's own per-source step (batch/convert-file.ts), so the outputs,
 * their names and the per-source state are exactly those of one source of `convert`, and `birdcall queue
 * finish` can run plain `convert` over the input and find every source up to date. That final convert
 * re-checks each state (source hash, pipeline hash, output names, output hashes) anyway.
 */

export { outputBaseFor, type OutputBase } from '../store/plan.ts';

/** One queue job: everything a worker needs that is not in the queue's shared settings. */
export interface QueueJobData {
  row: InputRow;
  base: OutputBase;
  pipelineHash: string;
}

/** A worker has no --max-duration or --max-file-size, and checks output folders on every job. */
export type ProcessContext = Pick<SourceContext, 'inputRoot' | 'outDir' | 'pipelineHash' | 'birdcallVersion' | 'store' | 'run' | 'fsync'>;

export interface ProcessResult {
  /** 'skipped' when an earlier attempt (or run) already left a valid state. */
  outcome: 'converted' | 'skipped';
  chunks: number;
}

/**
 * Converts one source and records its state, or does nothing when a valid state is already there (a job
 * retried after its worker died between writing the state and telling Redis). Idempotent: two workers
 * running the same job at once write identical bytes through atomic renames.
 */
export async function processQueuedSource(ctx: ProcessContext, data: QueueJobData): Promise<ProcessResult> {
  const { row, base } = data;
  if (data.pipelineHash !== ctx.pipelineHash) {
    throw new BirdcallError(
      'QUEUE_PIPELINE_MISMATCH',
      `job was queued for pipeline ${data.pipelineHash.slice(0, 12)}, this worker runs ${ctx.pipelineHash.slice(0, 12)}`,
      row.path,
    );
  }
  // The input may be mounted elsewhere on this machine: say where the worker looked.
  const result = await processSource({ ...ctx, notFoundHint: ` (under ${ctx.inputRoot})` }, row, base);
  // Chunks an earlier conversion of this same source made and this one did not (the audio got shorter).
  // Outputs under other names may belong to another source now; only `convert` (finish) sees every source.
  if (result.outcome === 'converted' && result.stale && sameBase(result.stale.base, base)) {
    await removeOutputs(ctx.outDir, result.stale.paths);
  }
  return { outcome: result.outcome, chunks: result.state.rows.length };
}
