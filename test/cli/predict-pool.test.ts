import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert } from '../../src/batch/convert.ts';
import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import { trainFromManifest } from '../../src/train/run.ts';
import { runCli } from './run-cli.ts';
import { PIPELINE, toneFolder } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

describe('birdcall predict --pool and --tta', () => {
  let dir: string;
  let audio: string;
  let model: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-predict-pool-'));
    audio = await toneFolder(join(dir, 'audio'), 2, 3.5);
    const pipelineFile = join(dir, 'pipeline.yaml');
    await writeFile(pipelineFile, PIPELINE);
    const out = join(dir, 'converted');
    await convert({ input: audio, outDir: out, pipeline: await loadPipelineFile(pipelineFile), jobs: 1 });
    model = join(dir, 'model');
    await trainFromManifest({ manifest: join(out, 'manifest.csv'), out: model, pipeline: pipelineFile, params: { model: 'tiny', epochs: 1, batchSize: 8, mixupAlpha: 0 } });
  });

  const predict = async (name: string, flags: string[]): Promise<Record<string, string>[]> => {
    const out = join(dir, `${name}.csv`);
    const result = await runCli(['predict', '--model', model, audio, '-o', out, '--jobs', '1', '--no-progress', ...flags]);
    expect(result.code).toBe(0);
    return parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
  };

  it('adds one row per recording after its chunks: the mean, or the max, of their probabilities', async () => {
    const plain = await predict('plain', []);
    const mean = await predict('mean', ['--pool', 'mean']);
    const max = await predict('max', ['--pool', 'max']);
    const classes = Object.keys(plain[0]).slice(1);
    // 4 recordings of 3.5 s in 1 s chunks: 4 chunk rows each (the last padded), then the recording's row.
    expect(plain).toHaveLength(16);
    expect(mean.map((r) => r.row_id).slice(0, 5)).toEqual(['hitone0_1', 'hitone0_2', 'hitone0_3', 'hitone0_4', 'hitone0']);
    expect(mean.filter((r) => !/_\d+$/.test(r.row_id))).toHaveLength(4);
    expect(mean.filter((r) => /_\d+$/.test(r.row_id))).toEqual(plain);
    for (const c of classes) {
      const chunks = plain.slice(0, 4).map((r) => Number(r[c]));
      expect(Number(mean[4][c])).toBeCloseTo(chunks.reduce((a, b) => a + b, 0) / 4, 6);
      expect(Number(max[4][c])).toBeCloseTo(Math.max(...chunks), 6);
    }
  });

  it('--tta averages time-shifted copies (different scores, same rows); --pool and --tta refuse bad values', async () => {
    const plain = await predict('plain2', []);
    const tta = await predict('tta', ['--tta', '3']);
    expect(tta.map((r) => r.row_id)).toEqual(plain.map((r) => r.row_id));
    expect(tta).not.toEqual(plain);
    const bad = await runCli(['predict', '--model', model, audio, '-o', join(dir, 'bad.csv'), '--pool', 'median']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('birdcall: --pool must be one of mean, max, got "median"\n');
    expect((await runCli(['predict', '--model', model, audio, '-o', join(dir, 'bad.csv'), '--tta', 'x'])).code).toBe(2);
  });
});
