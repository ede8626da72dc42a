import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { encodeNpy } from '../../src/image/npy.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { loadModel } from '../../src/train/artifacts.ts';
import { decodeInput, loadInput } from '../../src/train/dataset.ts';
import { rowId } from '../../src/train/predict-files.ts';
import { predictBatch } from '../../src/train/predict.ts';
import { runCli } from './run-cli.ts';
import { RATE, TINY_SECONDS, tinyModelFixture, tone, type TinyModel } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

const SECONDS = TINY_SECONDS;

describe('birdcall predict', () => {
  let fx: TinyModel;
  beforeAll(async () => {
    fx = await tinyModelFixture('birdcall-predict-');
  });

  it('writes one row per chunk with BirdCLEF row_ids and the probabilities predictBatch gives on the same inputs', async () => {
    const out = join(fx.dir, 'preds', 'folder.csv');
    const result = await runCli(['predict', '--model', fx.model, fx.audio, '-o', out, '--no-progress']);
    expect(result.stderr).toMatch(/backend: wasm/);
    expect(result.code).toBe(0);
    const { model, classes } = await loadModel(fx.model);
    const table = parse(await readFile(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const header = Object.keys(table[0]);
    expect(header).toEqual(['row_id', ...classes]);

    // Every chunk convert made from the same audio, in the same order, with the same row_id.
    const rows = await readOutputManifest(fx.manifest);
    expect(table.map((r) => r.row_id)).toEqual(rows.map((r) => `${basename(r.source, '.wav')}_${r.chunkIndex + 1}`));
    const inputs = await Promise.all(rows.map((r) => loadInput(join(fx.manifest, '..', r.outputs.png))));
    const expected = predictBatch(model, inputs.map((i) => i.data), inputs[0].shape);
    table.forEach((row, i) => {
      classes.forEach((c, k) => expect(Number(row[c])).toBeCloseTo(expected[i][k], 6));
    });
  });

  it('writes the same CSV, in input order, with the pipeline on 2 worker threads as in-process', async () => {
    const one = join(fx.dir, 'preds', 'jobs1.csv');
    const two = join(fx.dir, 'preds', 'jobs2.csv');
    expect((await runCli(['predict', '--model', fx.model, fx.audio, '-o', one, '--jobs', '1', '--no-progress'])).code).toBe(0);
    expect((await runCli(['predict', '--model', fx.model, fx.audio, '-o', two, '--jobs', '2', '--no-progress'])).code).toBe(0);
    expect(await readFile(two, 'utf8')).toBe(await readFile(one, 'utf8'));
    expect((await runCli(['predict', '--model', fx.model, fx.audio, '-o', two, '--jobs', '0'])).code).toBe(2);
  });

  it('predicts a single file and a manifest CSV of the input layouts convert reads', async () => {
    const single = join(fx.dir, 'preds', 'one.csv');
    const one = await runCli(['predict', '--model', fx.model, join(fx.audio, 'lowtone', 'lowtone1.wav'), '-o', single, '--no-progress']);
    expect(one.code).toBe(0);
    const ids = (parse(await readFile(single, 'utf8'), { columns: true }) as { row_id: string }[]).map((r) => r.row_id);
    // 3.5 s in 1 s chunks: the padded last chunk ends at its nominal 4 s.
    expect(ids).toEqual(['lowtone1_1', 'lowtone1_2', 'lowtone1_3', 'lowtone1_4']);

    const csv = join(fx.audio, 'list.csv');
    await writeFile(csv, 'path,primary_label,secondary_labels\nhitone/hitone0.wav,hitone,\nlowtone/lowtone2.wav,lowtone,\n');
    const listed = join(fx.dir, 'preds', 'listed.csv');
    expect((await runCli(['predict', '--model', fx.model, csv, '-o', listed, '--no-progress'])).code).toBe(0);
    const listedIds = (parse(await readFile(listed, 'utf8'), { columns: true }) as { row_id: string }[]).map((r) => r.row_id);
    expect(listedIds.filter((id) => id.startsWith('hitone0_'))).toHaveLength(4);
    expect(listedIds.filter((id) => id.startsWith('lowtone2_'))).toHaveLength(4);
    expect(listedIds).toHaveLength(8);
  });

  it('reports a bad file on stderr, keeps the others and exits 3; exits 1 when nothing could be predicted', async () => {
    const mixed = join(fx.dir, 'mixed');
    await mkdir(join(mixed, 'x'), { recursive: true });
    await writeFile(join(mixed, 'x', 'good.wav'), encodeWav(tone(600, SECONDS, 9), RATE));
    await writeFile(join(mixed, 'x', 'broken.wav'), 'RIFF but not really a wave file');
    const out = join(fx.dir, 'preds', 'mixed.csv');
    const partial = await runCli(['predict', '--model', fx.model, mixed, '-o', out, '--no-progress']);
    expect(partial.code).toBe(3);
    expect(partial.stderr).toMatch(/x\/broken\.wav: .+\[WAV_/);
    const ids = (parse(await readFile(out, 'utf8'), { columns: true }) as { row_id: string }[]).map((r) => r.row_id);
    expect(ids).toEqual(['good_1', 'good_2', 'good_3', 'good_4']);

    const none = await runCli(['predict', '--model', fx.model, join(mixed, 'x', 'broken.wav'), '-o', join(fx.dir, 'preds', 'none.csv'), '--no-progress']);
    expect(none.code).toBe(1);
    const missing = await runCli(['predict', '--model', fx.model, join(fx.dir, 'nowhere'), '-o', join(fx.dir, 'preds', 'x.csv'), '--no-progress']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere: no such file or folder/);
    expect(existsSync(join(fx.dir, 'preds', 'x.csv'))).toBe(false);
    const noModel = await runCli(['predict', '--model', fx.audio, fx.audio, '-o', join(fx.dir, 'preds', 'y.csv'), '--no-progress']);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/model\.json/);
  });

  it('decodes artifact bytes exactly as the trainer decodes the same bytes from a file', async () => {
    const rows = await readOutputManifest(fx.manifest);
    const png = join(fx.manifest, '..', rows[0].outputs.png);
    const fromFile = await loadInput(png);
    const fromBytes = await decodeInput(new Uint8Array(await readFile(png)), 'chunk.png');
    expect(fromBytes.shape).toEqual(fromFile.shape);
    expect(fromBytes.data).toEqual(fromFile.data);

    const values = Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i) * 40 - 20);
    const npy = join(fx.dir, 'x.npy');
    const bytes = encodeNpy(values, [6, 5]);
    await writeFile(npy, bytes);
    const npyFile = await loadInput(npy);
    const npyBytes = await decodeInput(bytes, 'x.npy');
    expect(npyBytes.shape).toEqual([6, 5, 1]);
    expect(npyBytes.data).toEqual(npyFile.data);
  });

  it('names rows <file stem>_<end second>, whole seconds as integers', () => {
    expect(rowId('birds/XC123.ogg', 5)).toBe('XC123_5');
    expect(rowId('soundscape_1.wav', 10.0000001)).toBe('soundscape_1_10');
    expect(rowId('a/b.c.wav', 7.5)).toBe('b.c_7.5');
  });
});
