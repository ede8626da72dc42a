import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { BirdcallError } from '../../src/errors.ts';
import { StateStore } from '../../src/store/state.ts';
import type { InputRow } from '../../src/store/manifest-types.ts';
import { pipelineHash, resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { processSource, type SourceContext } from '../../src/batch/convert-file.ts';
import { outputBaseFor } from '../../src/store/plan.ts';
import { createRunner } from '../../src/pipeline/runner.ts';

const RATE = 8000;

function setup(seconds: number): { ctx: SourceContext; row: InputRow; input: string } {
  const root = mkdtempSync(join(tmpdir(), 'birdcall-process-source-'));
  const input = join(root, 'in');
  mkdirSync(join(input, 'amecro'), { recursive: true });
  const samples = new Float32Array(Math.round(seconds * RATE)).map((_, i) => 0.2 * Math.sin(i / 3));
  writeFileSync(join(input, 'amecro', 'XC1.wav'), encodeWav(samples, RATE));
  const pipeline = resolvePipeline({
    version: 1,
    steps: [{ block: 'decode' }, { block: 'chunk', params: { seconds: 1 } }, { block: 'melspec', params: { nFft: 256, nMels: 16 } }, { block: 'db' }, { block: 'npy' }],
  });
  const outDir = join(root, 'out');
  mkdirSync(outDir);
  const ctx: SourceContext = {
    inputRoot: input,
    outDir,
    pipelineHash: pipelineHash(pipeline),
    birdcallVersion: 'test',
    store: new StateStore(outDir),
    run: createRunner(pipeline, { threads: 1, inProcess: true }),
  };
  const row: InputRow = { path: 'amecro/XC1.wav', primaryLabel: 'amecro', secondaryLabels: [], metadata: {} };
  return { ctx, row, input };
}

describe('processSource', () => {
  it('converts a source once, writing every chunk and then its state; a second call skips it', async () => {
    const { ctx, row } = setup(2.5);
    const base = outputBaseFor(row, new Map());
    const first = await processSource(ctx, row, base);
    expect(first.outcome).toBe('converted');
    const outputs = first.state.rows.flatMap((r) => Object.values(r.outputs));
    expect(outputs).toHaveLength(3);
    for (const rel of outputs) expect(existsSync(join(ctx.outDir, rel))).toBe(true);
    const second = await processSource(ctx, row, base);
    expect(second.outcome).toBe('skipped');
    expect(second.state).toEqual(first.state);
  });

  it('recomputes when the audio changes, and names the outputs the new run no longer makes', async () => {
    const { ctx, row, input } = setup(2.5);
    const base = outputBaseFor(row, new Map());
    const first = await processSource(ctx, row, base);
    writeFileSync(join(input, 'amecro', 'XC1.wav'), encodeWav(new Float32Array(RATE).fill(0.1), RATE));
    const again = await processSource(ctx, row, base);
    expect(again.outcome).toBe('converted');
    expect(again.state.sourceSha256).not.toBe(first.state.sourceSha256);
    expect(again.state.rows).toHaveLength(1);
    if (again.outcome === 'converted') expect(again.stale?.paths.length).toBe(2);
    const kept = Object.values(again.state.rows[0].outputs)[0];
    expect(readFileSync(join(ctx.outDir, kept)).length).toBeGreaterThan(0);
  });

  it('refuses a file over --max-file-size before reading it, naming the file', async () => {
    const { ctx, row } = setup(1);
    const error = await processSource({ ...ctx, maxFileSize: 100 }, row, outputBaseFor(row, new Map())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BirdcallError);
    expect((error as BirdcallError).code).toBe('FILE_TOO_LARGE');
    expect((error as BirdcallError).file).toBe('amecro/XC1.wav');
  });
});
