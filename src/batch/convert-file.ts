import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type Stats } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { declaredLength } from '../audio/decode.ts';
import { openWavStream } from '../audio/wav.ts';
import { asFsFault, BirdcallError } from '../errors.ts';
import type { Artifact } from '../pipeline/block.ts';
import type { ItemOutput } from '../pipeline/pool-thread.ts';
import type { PipelineRunner, RunSource } from '../pipeline/runner.ts';
import { shouldStream, streamedOrWhole } from '../pipeline/run-stream.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import type { InputRow, OutputRow } from '../store/manifest-types.ts';
import { checkRelativePath, resolveInside } from '../store/paths.ts';
import type { OutputBase } from '../store/plan.ts';
import { md5Unverified, outputsIntact, sha256Hex, type SourceState, type StateStore } from '../store/state.ts';

/**
 * The work `convert` does for one source, shared with the queue workers (scale/queue-job.ts) so both write
 * the same outputs under the same names and the same per-source state: read the source, enforce the size
 * and duration limits, run the pipeline, write every artifact atomically, then the state. A state is
 * written only after its artifacts, so it always proves that its outputs are complete.
 * What a caller does with the outcome (manifest rows, warnings, deleting outputs a source no longer makes)
 * stays with the caller: convert defers deletions to the end of the run, a queue worker cannot.
 */

export interface SourceContext {
  /** Absolute folder every row path is relative to. */
  inputRoot: string;
  outDir: string;
  pipelineHash: string;
  birdcallVersion: string;
  store: StateStore;
  run: PipelineRunner;
  /** fsync every output before its rename. */
  fsync?: boolean;
  /** This thread's folder for temp files (see AtomicWriteOptions.tempDir); default: beside each output. */
  tempDir?: string;
  /** Refuse sources larger than this many bytes (FILE_TOO_LARGE). */
  maxFileSize?: number;
  /** Refuse sources longer than this many seconds (FILE_TOO_LONG). */
  maxDuration?: number;
  /**
   * The run verifies FLAC MD5 signatures (its runner was made with verifyMd5): states say so, and a FLAC
   * whose state was written without the check is converted again.
   */
  verifyMd5?: boolean;
  /**
   * Output folders (relative to outDir) already proven inside it and made, shared by one run so each is
   * checked once. Without it every folder is checked on every write: a long-lived queue worker must notice
   * a folder removed between jobs.
   */
  checkedDirs?: Set<string>;
  /** Appended to the reason of SOURCE_NOT_FOUND, e.g. which root a worker on another machine looked under. */
  notFoundHint?: string;
}

/** Outputs an earlier state of the source recorded that the new one does not (fewer chunks, new names). */
export interface StaleOutputs {
  /** The names the earlier outputs were made under (undefined in a hand-edited state). */
  base: OutputBase | undefined;
  /** Relative to outDir, checked not to climb out of it. */
  paths: string[];
}

export type SourceOutcome =
  /** The stored state is valid: same audio, same pipeline, same names, outputs intact. Nothing was written. */
  | { outcome: 'skipped'; state: SourceState }
  | { outcome: 'converted'; state: SourceState; stale?: StaleOutputs };

const ARTIFACT_NAME = /^[a-z][a-z0-9_-]{0,31}$/i;
const ARTIFACT_EXT = /^[a-z0-9]{1,10}$/i;

/**
 * Converts one source and writes its state, or returns the stored state when it is still valid. Idempotent:
 * two processes converting the same source write identical bytes through atomic renames.
 */
export async function processSource(ctx: SourceContext, row: InputRow, base: OutputBase): Promise<SourceOutcome> {
  const { abs, info } = await findSource(ctx, row);
  const above = ctx.run.streamAbove;
  const stream = above !== undefined && (await shouldStream(abs, row.path, info.size, above));
  // A streamed source is hashed from disk too: holding its bytes is what streaming avoids.
  const bytes = stream ? undefined : await readSource(abs, row.path, async () => readFileSync(abs));
  const sourceSha256 = bytes ? sha256Hex(bytes) : await readSource(abs, row.path, () => sha256File(abs));

  const previous = await ctx.store.read(row.path);
  if (
    previous &&
    previous.sourceSha256 === sourceSha256 &&
    previous.pipelineHash === ctx.pipelineHash &&
    sameBase(previous.outputBase, base) &&
    statePathsSafe(previous) &&
    (await outputsIntact(ctx.outDir, previous)) &&
    !md5Unverified(previous, ctx.verifyMd5, abs)
  ) {
    return { outcome: 'skipped', state: previous };
  }

  const made = bytes
    ? await writeSource(ctx, row, base, { path: row.path, bytes }, sourceSha256)
    : await writeStreamed(ctx, row, base, abs, sourceSha256);
  if (stream) {
    const after = await stat(abs);
    if (after.size !== info.size || after.mtimeMs !== info.mtimeMs) {
      throw new BirdcallError('SOURCE_CHANGED', 'the file changed while it was converted; run again', row.path);
    }
  }
  const { rows, duration } = made;
  const lastEnd = rows.reduce((end, r) => Math.max(end, r.endSeconds), 0);
  const state: SourceState = {
    format: 1,
    input: row,
    sourceSha256,
    pipelineHash: ctx.pipelineHash,
    birdcallVersion: ctx.birdcallVersion,
    outputBase: base,
    // The header's length (see declaredLength); without one, the end of the last chunk (a lower bound when
    // a quality check dropped the last chunks).
    audioSeconds: duration ?? (rows.length > 0 ? lastEnd : undefined),
    rows,
    warnings: made.warnings,
    ...(ctx.verifyMd5 ? { verifiedMd5: true as const } : {}),
  };
  await ctx.store.write(state);
  const stale = previous && statePathsSafe(previous) ? staleOutputs(previous, rows) : undefined;
  return stale ? { outcome: 'converted', state, stale } : { outcome: 'converted', state };
}

/** What the pipeline made of a source, all written: its rows, warnings and the length its header declares. */
interface Made {
  rows: OutputRow[];
  warnings: string[];
  duration: number | undefined;
}

/**
 * Runs the pipeline on a source and writes each item as it comes (a streamed source's items are made one
 * window at a time: only the rows are kept), adding every output to `written`. A source longer than
 * maxDuration is refused from its header's length, before any output.
 */
async function writeSource(ctx: SourceContext, row: InputRow, base: OutputBase, source: RunSource, sourceSha256: string, written?: Set<string>): Promise<Made> {
  // The header's length is checked before the pipeline runs: from the bytes in hand, or for a WAV on disk
  // from its header alone (its stream first counts a float file's non-finite samples, a pass over the whole
  // file). Other streams read their header when opened, before any sample.
  const declared = checkDuration(
    'bytes' in source ? declaredLength(source.bytes)?.durationSeconds : await openWavStream(source.absPath).then((wav) => wav.info.durationSeconds, () => undefined),
    row.path,
    ctx.maxDuration,
  );
  const result = await ctx.run.run(source);
  const duration = declared ?? checkDuration(result.info?.durationSeconds, row.path, ctx.maxDuration);
  const rows: OutputRow[] = [];
  for await (const item of result.items) {
    const out = await writeItem(ctx, row, base, item, sourceSha256);
    for (const rel of Object.values(out.outputs)) written?.add(rel);
    rows.push(out);
  }
  return { rows, warnings: result.warnings, duration };
}

/**
 * A source given by its file, streamed. A compressed stream may decline (StreamDeclined: at its header, or
 * part-way, after items were written): the source is then converted again from the whole file, and what
 * the streamed attempt wrote that the whole-file run does not list is removed, so the outcome is exactly
 * the whole-file run's. A stream that fails after writing (a FLAC's MD5 is known only at its end) leaves
 * none of its outputs: no state will ever record them.
 */
async function writeStreamed(ctx: SourceContext, row: InputRow, base: OutputBase, abs: string, sourceSha256: string): Promise<Made> {
  const written = new Set<string>();
  const kept = new Set<string>();
  const whole = async (): Promise<Made> => {
    const bytes = await readSource(abs, row.path, async () => readFileSync(abs));
    const made = await writeSource(ctx, row, base, { path: row.path, bytes }, sourceSha256, kept);
    await removeOutputs(ctx.outDir, [...written].filter((rel) => !kept.has(rel)));
    return made;
  };
  try {
    return await streamedOrWhole(() => writeSource(ctx, row, base, { path: row.path, absPath: abs }, sourceSha256, written), whole);
  } catch (error) {
    await removeOutputs(ctx.outDir, [...written, ...kept]);
    throw error;
  }
}

/** The source's absolute path and stat, refusing what is missing, not a file, or over --max-file-size. */
async function findSource(ctx: SourceContext, row: InputRow): Promise<{ abs: string; info: Stats }> {
  const abs = await resolveInside(ctx.inputRoot, row.path, row.origin ?? row.path);
  let info;
  try {
    // Synchronous calls for the source (here and its read): convert runs this on a thread with nothing else
    // to do, and a hop through libuv's 4-thread pool per call cost more than the call (see writeFileAtomic).
    info = statSync(abs);
  } catch {
    throw new BirdcallError('SOURCE_NOT_FOUND', `the file does not exist${ctx.notFoundHint ?? ''}`, row.path);
  }
  if (!info.isFile()) throw new BirdcallError('SOURCE_NOT_FOUND', 'not a regular file', row.path);
  if (ctx.maxFileSize !== undefined && info.size > ctx.maxFileSize) {
    throw new BirdcallError(
      'FILE_TOO_LARGE',
      `${info.size} bytes is over the --max-file-size limit of ${ctx.maxFileSize} bytes`,
      row.path,
    );
  }
  return { abs, info };
}

/** Writes one item's artifacts atomically under their names, and returns its manifest row. */
async function writeItem(ctx: SourceContext, row: InputRow, base: OutputBase, item: ItemOutput, sourceSha256: string): Promise<OutputRow> {
  const outputs: Record<string, string> = {};
  const outputHashes: Record<string, string> = {};
  const outputMeta: Record<string, string | number> = {};
  for (const artifact of item.artifacts) {
    checkArtifact(artifact, outputs, row.path);
    const relDir = posix.join(artifact.name, base.label);
    const dir = await outputDir(ctx, relDir, `output folder for ${row.path}`);
    const fileName = `${base.stem}_${String(item.chunkIndex).padStart(4, '0')}.${artifact.ext}`;
    await writeFileAtomic(join(dir, fileName), artifact.bytes, { fsync: ctx.fsync, tempDir: ctx.tempDir });
    outputs[artifact.name] = posix.join(relDir, fileName);
    outputHashes[artifact.name] = sha256Hex(artifact.bytes);
    for (const [key, value] of Object.entries(artifact.meta ?? {})) {
      outputMeta[key.startsWith(`${artifact.name}_`) ? key : `${artifact.name}_${key}`] = value;
    }
  }
  return {
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
  };
}

/** Outputs the earlier state recorded that the new rows no longer have. */
function staleOutputs(previous: SourceState, rows: OutputRow[]): StaleOutputs | undefined {
  const keep = new Set(rows.flatMap((r) => Object.values(r.outputs)));
  const stale = previous.rows.flatMap((r) => Object.values(r.outputs)).filter((rel) => !keep.has(rel));
  return stale.length > 0 ? { base: previous.outputBase, paths: stale } : undefined;
}

/** Deletes outputs by their path relative to outDir; one that leads outside it through a symlink is left alone. */
export async function removeOutputs(outDir: string, paths: string[]): Promise<void> {
  for (const rel of paths) {
    const path = await resolveInside(outDir, rel, 'stale output').catch(() => undefined);
    if (path) await rm(path, { force: true });
  }
}

export function sameBase(a: OutputBase | undefined, b: OutputBase): boolean {
  return a?.label === b.label && a.stem === b.stem;
}

/** Makes sure an output folder is inside outDir after symlinks (a pre-made `png -> /etc` is refused). */
async function outputDir(ctx: SourceContext, relDir: string, what: string): Promise<string> {
  if (!ctx.checkedDirs?.has(relDir)) {
    const real = await resolveInside(ctx.outDir, relDir, what);
    await mkdir(real, { recursive: true }).catch((err: unknown) => {
      throw asFsFault(err, 'create folder', join(ctx.outDir, relDir));
    });
    // Again once it exists: a symlink swapped in between the check and mkdir would otherwise go unseen.
    await resolveInside(ctx.outDir, relDir, what);
    ctx.checkedDirs?.add(relDir);
  }
  return join(ctx.outDir, relDir);
}

/** A state file is ours, but a hand-edited one must not make us read or delete outside outDir. */
function statePathsSafe(state: SourceState): boolean {
  try {
    for (const row of state.rows) for (const rel of Object.values(row.outputs)) checkRelativePath(rel, 'state');
    return true;
  } catch {
    return false;
  }
}

function checkArtifact(artifact: Artifact, seen: Record<string, string>, source: string): void {
  if (!ARTIFACT_NAME.test(artifact.name)) {
    throw new BirdcallError('ARTIFACT_INVALID', `artifact name "${artifact.name}" must be letters, digits, '_' or '-'`, source);
  }
  if (!ARTIFACT_EXT.test(artifact.ext)) {
    throw new BirdcallError('ARTIFACT_INVALID', `artifact "${artifact.name}" has extension "${artifact.ext}": letters and digits only`, source);
  }
  if (artifact.name in seen) {
    throw new BirdcallError('ARTIFACT_INVALID', `two artifacts named "${artifact.name}" for one chunk; give each output block its own name`, source);
  }
}

function checkDuration(seconds: number | undefined, path: string, maxDuration: number | undefined): number | undefined {
  if (seconds === undefined) return undefined;
  if (maxDuration !== undefined && seconds > maxDuration) {
    throw new BirdcallError(
      'FILE_TOO_LONG',
      `${seconds.toFixed(1)} s of audio is over the --max-duration limit of ${maxDuration} s`,
      path,
    );
  }
  return seconds;
}

/**
 * Reads a source. A source we may not read fails that source alone (SOURCE_UNREADABLE); running out of file
 * handles is the machine's fault and stops the batch (FsFaultError).
 */
async function readSource<T>(abs: string, path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EMFILE' || code === 'ENFILE') throw asFsFault(err, 'read', abs);
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
    throw new BirdcallError('SOURCE_UNREADABLE', `cannot read the file: ${why}${code ? ` (${code})` : ''}`, path);
  }
}

/** sha256 (hex) of a file read in pieces; equals sha256Hex of its bytes. */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(piece as Buffer);
  return hash.digest('hex');
}
