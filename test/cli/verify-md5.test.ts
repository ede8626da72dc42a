import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { loadPredictor, predictSource } from '../../src/train/predict-files.ts';
import { soxFlac } from '../helpers/flac-md5.ts';
import { HAVE_SOX, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { runCli } from './run-cli.ts';
import { PIPELINE, RATE, TINY_SECONDS, tinyModelFixture, tone, type TinyModel } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

if (!HAVE_SOX) console.warn(`${SOX_SKIP_REASON}: skipping the --verify-md5 CLI tests`);

/**
 * `--verify-md5` on convert, predict and melspec: a FLAC whose STREAMINFO MD5 was altered (frames intact) is
 * read without it and refused with it, as one failed file among good ones.
 */
describe.skipIf(!HAVE_SOX)('--verify-md5', () => {
  let fx: TinyModel;
  let input: string;
  beforeAll(async () => {
    fx = await tinyModelFixture('birdcall-verify-md5-');
    input = join(fx.dir, 'field');
    await mkdir(join(input, 'x'), { recursive: true });
    await writeFile(join(input, 'x', 'good.wav'), encodeWav(tone(600, TINY_SECONDS, 9), RATE));
    await writeFile(join(input, 'x', 'src.wav'), encodeWav(tone(2400, TINY_SECONDS, 4), RATE));
    soxFlac(join(input, 'x', 'src.wav'), join(input, 'x', 'bad.flac'), 'wrong');
  });

  const rowIds = async (csv: string): Promise<string[]> =>
    (parse(await readFile(csv, 'utf8'), { columns: true }) as { row_id: string }[]).map((r) => r.row_id);

  it('predict: the recording fails (exit 3, one line naming it) and leaves no rows, on 2 worker threads and streamed', async () => {
    const plain = join(fx.dir, 'preds', 'plain.csv');
    expect((await runCli(['predict', '--model', fx.model, input, '-o', plain, '--no-progress', '--jobs', '1'])).code).toBe(0);
    expect((await rowIds(plain)).filter((id) => id.startsWith('bad_'))).toHaveLength(4);
    for (const how of [['--jobs', '2'], ['--jobs', '1', '--stream-above', '1']]) {
      const out = join(fx.dir, 'preds', `verified${how.join('')}.csv`);
      const r = await runCli(['predict', '--model', fx.model, input, '-o', out, '--no-progress', '--verify-md5', ...how]);
      expect(r.code, r.stderr).toBe(3);
      const failures = r.stderr.split('\n').filter((l) => l.includes('bad.flac'));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/^birdcall: x\/bad\.flac: the decoded audio does not match the MD5 .*\[FLAC_MD5_MISMATCH\]$/);
      expect(await rowIds(out)).toEqual((await rowIds(plain)).filter((id) => !id.startsWith('bad_')));
    }
  });

  it('predict -o DIR: a re-run with it checks the FLAC an earlier run predicted without it (the WAV stays up to date)', async () => {
    const out = join(fx.dir, 'archive');
    const first = await runCli(['predict', '--model', fx.model, input, '-o', out, '--no-progress', '--jobs', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/predicted 3, up to date 0, failed 0 of 3 files/);
    const again = await runCli(['predict', '--model', fx.model, input, '-o', out, '--no-progress', '--jobs', '1', '--verify-md5']);
    expect(again.code, again.stderr).toBe(3);
    expect(again.stderr).toMatch(/predicted 0, up to date 2, failed 1 of 3 files/);
    expect(again.stderr).toMatch(/x\/bad\.flac: .*\[FLAC_MD5_MISMATCH\]/);
    const ids = await rowIds(join(out, 'predictions.csv'));
    expect(ids.filter((id) => id.startsWith('good_') || id.startsWith('src_'))).toHaveLength(8);
    expect(ids.filter((id) => id.startsWith('bad_'))).toEqual([]);
  });

  it('convert: exit 3 with the file in errors.csv; with --queue it is a usage error (workers would not check)', async () => {
    const pipeline = join(fx.dir, 'pipeline.yaml');
    await writeFile(pipeline, PIPELINE);
    const plain = await runCli(['convert', input, '-o', join(fx.dir, 'conv-plain'), '--pipeline', pipeline, '--jobs', '1', '--no-progress']);
    expect(plain.code, plain.stderr).toBe(0);
    const out = join(fx.dir, 'conv-verified');
    const verified = await runCli(['convert', input, '-o', out, '--pipeline', pipeline, '--jobs', '1', '--no-progress', '--verify-md5']);
    expect(verified.code, verified.stderr).toBe(3);
    expect(verified.stderr).toMatch(/failures: FLAC_MD5_MISMATCH 1/);
    expect(await readFile(join(out, 'errors.csv'), 'utf8')).toMatch(/^x\/bad\.flac,FLAC_MD5_MISMATCH,the decoded audio does not match the MD5[^\n]*,error$/m);
    const queued = await runCli(['convert', input, '-o', out, '--pipeline', pipeline, '--queue', 'redis://127.0.0.1:1/q', '--verify-md5']);
    expect(queued.code).toBe(2);
    expect(queued.stderr.trim().split('\n')).toHaveLength(1);
    expect(queued.stderr).toMatch(/--verify-md5 does not reach queue workers/);
  });

  it('predictSource (library): refuses the FLAC only when asked', async () => {
    const predictor = await loadPredictor(fx.model);
    const file = { path: 'x/bad.flac', bytes: new Uint8Array(await readFile(join(input, 'x', 'bad.flac'))) };
    expect(await predictSource(predictor, file)).toHaveLength(4);
    await expect(predictSource(predictor, file, 32, { verifyMd5: true })).rejects.toMatchObject({ code: 'FLAC_MD5_MISMATCH' });
  });

  it('melspec: exit 1 with one line naming the file; without the flag the spectrogram is written', async () => {
    const bad = join(input, 'x', 'bad.flac');
    const out = join(fx.dir, 'bad.npy');
    expect((await runCli(['melspec', bad, '-o', out, '--jobs', '1'])).code).toBe(0);
    const r = await runCli(['melspec', bad, '-o', join(fx.dir, 'refused.npy'), '--jobs', '1', '--verify-md5']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.flac: the decoded audio does not match the MD5/);
  });
});
