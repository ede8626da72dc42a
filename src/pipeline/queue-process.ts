import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, extname, join, posix } from 'node:path';
import { parseWavHeader } from '../audio/wav.ts';
import { BirdcallError } from '../errors.ts';
import { writeFileAtomic } from './atomic.ts';
import { outputsIntact, sha256Hex, StateStore, type SourceState } from './cache.ts';
import type { InputRow, OutputRow } from './manifest-types.ts';
import { checkRelativePath, resolveInside, safeName } from './paths.ts';
import type { ItemOutput } from './worker.ts';

/**
 * What a queue worker does with one job: the same work, output names and per-source state file as one
 * source of `convert` (see convert.ts), so `birdcall queue finish` can run plain `convert` over the input
 * and find every source up to date. That final convert re-checks each state (source hash, pipeline hash,
 * output names, output hashes), so if the naming here ever drifted from convert's, finish would convert the
 * source again rather than publish a wrong manifest.
 *
 * LEAD: convert.ts keeps this logic in a closure (processSource) and a private `outputBase`; exporting them
 * would let this file shrink to a call.
 */

/** Label folder and file stem of a source's outputs (convert.ts's OutputBase). */
export interface OutputBase {
  label: string;
  stem: string;
}

/** One queue job: everything a worker needs that is not in the queue's shared settings. */
export interface QueueJobData {
  row: InputRow;
  base: OutputBase;
  pipelineHash: string;
}

export interface ProcessContext {
  /** Absolute input root every row path is relative to (the same path on every worker machine). */
  inputRoot: string;
  outDir: string;
  pipelineHash: string;
  birdcallVersion: string;
  store: StateStore;
  run: (path: string, bytes: Uint8Array) => Promise<{ items: ItemOutput[]; warnings: string[] }>;
  fsync?: boolean;
}

export interface ProcessResult {
  /** 'skipped' when an earlier attempt (or run) already left a valid state. */
  outcome: 'converted' | 'skipped';
  chunks: number;
}

const ARTIFACT_NAME = /^[a-z][a-z0-9_-]{0,31}$/i;
const ARTIFACT_EXT = /^[a-z0-9]{1,10}$/i;

/**
 * Output names of every source, in input order, exactly as convert assigns them: a source whose label
 * folder and stem another source already took gets a hash of its path appended. `taken` carries the names
 * from row to row (lower-cased: one file on case-insensitive disks).
 */
export function outputBaseFor(row: InputRow, taken: Map<string, string>): OutputBase {
  const label = safeName(row.primaryLabel === '' ? 'unlabelled' : row.primaryLabel);
  const fileName = basename(row.path);
  const stem = safeName(fileName.slice(0, fileName.length - extname(fileName).length) || fileName);
  let base = { label, stem };
  const owner = taken.get(baseKey(base));
  if (owner !== undefined && owner !== row.path) base = { label, stem: `${stem}-${sha256Hex(row.path).slice(0, 12)}` };
  taken.set(baseKey(base), row.path);
  return base;
}

function baseKey(base: OutputBase): string {
  return `${base.label}/${base.stem}`.toLowerCase();
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
  const abs = await resolveInside(ctx.inputRoot, row.path, row.origin ?? row.path);
  let info;
  try {
    info = await stat(abs);
  } catch {
    throw new BirdcallError('SOURCE_NOT_FOUND', `the file does not exist (under ${ctx.inputRoot})`, row.path);
  }
  if (!info.isFile()) throw new BirdcallError('SOURCE_NOT_FOUND', 'not a regular file', row.path);
  const bytes = new Uint8Array(await readFile(abs));
  const sourceSha256 = sha256Hex(bytes);

  const previous = await ctx.store.read(row.path);
  if (
    previous &&
    previous.sourceSha256 === sourceSha256 &&
    previous.pipelineHash === ctx.pipelineHash &&
    previous.outputBase?.label === base.label &&
    previous.outputBase.stem === base.stem &&
    statePathsSafe(previous) &&
    (await outputsIntact(ctx.outDir, previous))
  ) {
    return { outcome: 'skipped', chunks: previous.rows.length };
  }

  const result = await ctx.run(row.path, bytes);
  const rows: OutputRow[] = [];
  for (const item of result.items) {
    const outputs: Record<string, string> = {};
    const outputHashes: Record<string, string> = {};
    const outputMeta: Record<string, string | number> = {};
    for (const artifact of item.artifacts) {
      if (!ARTIFACT_NAME.test(artifact.name) || !ARTIFACT_EXT.test(artifact.ext) || artifact.name in outputs) {
        throw new BirdcallError('ARTIFACT_INVALID', `artifact "${artifact.name}.${artifact.ext}" has a bad or repeated name`, row.path);
      }
      const relDir = posix.join(artifact.name, base.label);
      const real = await resolveInside(ctx.outDir, relDir, `output folder for ${row.path}`);
      await mkdir(real, { recursive: true });
      const fileName = `${base.stem}_${String(item.chunkIndex).padStart(4, '0')}.${artifact.ext}`;
      await writeFileAtomic(join(ctx.outDir, relDir, fileName), artifact.bytes, { fsync: ctx.fsync });
      outputs[artifact.name] = posix.join(relDir, fileName);
      outputHashes[artifact.name] = sha256Hex(artifact.bytes);
      for (const [key, value] of Object.entries(artifact.meta ?? {})) {
        outputMeta[key.startsWith(`${artifact.name}_`) ? key : `${artifact.name}_${key}`] = value;
      }
    }
    rows.push({
      source: row.path,
      chunkIndex: item.chunkIndex,
      startSeconds: item.startSeconds,
      endSeconds: item.endSeconds,
      primaryLabel: row.primaryLabel,
      secondaryLabels: row.secondaryLabels,
      outputs,
      outputHashes,
      outputMeta,
      sourceSha256,
      pipelineHash: ctx.pipelineHash,
      birdcallVersion: ctx.birdcallVersion,
      metadata: row.metadata,
    });
  }
  const state: SourceState = {
    format: 1,
    input: row,
    sourceSha256,
    pipelineHash: ctx.pipelineHash,
    birdcallVersion: ctx.birdcallVersion,
    outputBase: base,
    audioSeconds: wavSeconds(bytes, row.path),
    rows,
    warnings: result.warnings,
  };
  await ctx.store.write(state);
  // Chunks an earlier conversion of this same source made and this one did not (the audio got shorter).
  if (previous && statePathsSafe(previous) && previous.outputBase?.stem === base.stem && previous.outputBase.label === base.label) {
    const keep = new Set(rows.flatMap((r) => Object.values(r.outputs)));
    for (const rel of previous.rows.flatMap((r) => Object.values(r.outputs))) {
      if (!keep.has(rel)) await rm(join(ctx.outDir, rel), { force: true });
    }
  }
  return { outcome: 'converted', chunks: rows.length };
}

function statePathsSafe(state: SourceState): boolean {
  try {
    for (const row of state.rows) for (const rel of Object.values(row.outputs)) checkRelativePath(rel, 'state');
    return true;
  } catch {
    return false;
  }
}

/** Duration from the WAV header (no samples decoded), for the real-time factor; undefined if unreadable. */
function wavSeconds(bytes: Uint8Array, path: string): number | undefined {
  try {
    return parseWavHeader(bytes, path).durationSeconds;
  } catch {
    return undefined;
  }
}
