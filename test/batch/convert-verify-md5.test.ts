import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { convert, type ConvertOptions } from '../../src/batch/convert.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { testSignal } from '../dsp/reference.ts';
import { soxFlac } from '../helpers/flac-md5.ts';
import { HAVE_SOX, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { smallNpyPipeline } from '../helpers/pipelines.ts';

if (!HAVE_SOX) console.warn(`${SOX_SKIP_REASON}: skipping convert --verify-md5 tests`);

const RATE = 16000;
const pipeline = smallNpyPipeline();

/**
 * `verifyMd5` is a run option, not a decode param: with it a FLAC whose audio does not match its STREAMINFO
 * MD5 fails, whether read whole or streamed, in-process or on source threads; without it (and for every
 * good file) the outputs and the pipeline hash are the same.
 */
describe.skipIf(!HAVE_SOX)('convert with verifyMd5', () => {
  let dir: string;
  let input: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-verify-md5-'));
    input = join(dir, 'in');
    mkdirSync(join(input, 'a'), { recursive: true });
    const wav = join(input, 'a', 'tone.wav');
    writeFileSync(wav, encodeWav(testSignal(3 * RATE, RATE), RATE));
    soxFlac(wav, join(input, 'a', 'good.flac'));
    soxFlac(wav, join(input, 'a', 'bad.flac'), 'wrong');
    soxFlac(wav, join(input, 'a', 'nomd5.flac'), 'none');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (out: string, options: Partial<ConvertOptions> = {}) => convert({ input, outDir: join(dir, out), pipeline, jobs: 1, ...options });
  /** Manifest rows by source: chunk times and output hashes (what must not change). */
  const outputsOf = async (out: string) =>
    (await readOutputManifest(join(dir, out, 'manifest.csv'))).map((r) => `${r.source} ${r.chunkIndex} ${r.startSeconds} ${JSON.stringify(r.outputHashes)}`);
  /** errors.csv's failures (not its warnings). */
  const failures = (out: string) =>
    (parse(readFileSync(join(dir, out, 'errors.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).filter((e) => e.level === 'error');
  /** Output files of one source, on disk. */
  const filesOf = (out: string, stem: string) => (existsSync(join(dir, out, 'npy', 'a')) ? readdirSync(join(dir, out, 'npy', 'a')).filter((f) => f.startsWith(`${stem}_`)) : []);

  it('without it, a FLAC whose STREAMINFO MD5 was altered converts (its frames are valid); with it, that file alone fails with FLAC_MD5_MISMATCH', async () => {
    const plain = await run('plain');
    expect(plain).toMatchObject({ converted: 4, failed: 0 });
    const verified = await run('verified', { verifyMd5: true });
    expect(verified).toMatchObject({ converted: 3, failed: 1, errorsByCode: { FLAC_MD5_MISMATCH: 1 } });
    const [error, ...more] = failures('verified');
    expect(more).toEqual([]);
    expect(error).toMatchObject({ path: 'a/bad.flac', code: 'FLAC_MD5_MISMATCH' });
    expect(error.reason).toMatch(/does not match the MD5/);
    expect(error.reason).not.toMatch(/\n/);

    // The good files (a FLAC with no MD5 among them: nothing to check) give the same outputs either way,
    // under the same pipeline hash and pipeline.json: the option is not part of the pipeline.
    expect(await outputsOf('verified')).toEqual((await outputsOf('plain')).filter((r) => !r.startsWith('a/bad.flac ')));
    expect((await outputsOf('plain')).filter((r) => r.startsWith('a/bad.flac '))).toHaveLength(3);
    expect(verified.pipelineHash).toBe(plain.pipelineHash);
    expect(readFileSync(join(dir, 'verified', 'pipeline.json'), 'utf8')).toBe(readFileSync(join(dir, 'plain', 'pipeline.json'), 'utf8'));
    expect(filesOf('verified', 'bad')).toEqual([]);
  });

  it('reaches the decode block on 2 source threads', async () => {
    const summary = await run('threads', { verifyMd5: true, jobs: 2 });
    expect(summary).toMatchObject({ converted: 3, failed: 1, errorsByCode: { FLAC_MD5_MISMATCH: 1 } });
  });

  it('streamed, the mismatch is found at the end of the stream: the file fails and none of the outputs already written stays', async () => {
    const streamed = await run('streamed', { verifyMd5: true, streamAbove: 0 });
    expect(streamed).toMatchObject({ converted: 3, failed: 1, errorsByCode: { FLAC_MD5_MISMATCH: 1 } });
    expect(failures('streamed')).toMatchObject([{ path: 'a/bad.flac', code: 'FLAC_MD5_MISMATCH' }]);
    expect(filesOf('streamed', 'bad')).toEqual([]);
    expect(filesOf('streamed', 'good')).toHaveLength(3);
    expect((await outputsOf('streamed')).some((r) => r.startsWith('a/bad.flac '))).toBe(false);
    // Streamed without the check, the same file converts.
    expect(await run('streamed-plain', { streamAbove: 0 })).toMatchObject({ converted: 4, failed: 0 });
  });

  it('a re-run with it checks the FLACs an earlier run converted without it, and leaves the WAV alone', async () => {
    expect(await run('rerun')).toMatchObject({ converted: 4, failed: 0 });
    const checked = await run('rerun', { verifyMd5: true });
    // The three FLACs decoded again (the bad one now refused, its rows gone from the manifest); the WAV skipped.
    expect(checked).toMatchObject({ converted: 2, skipped: 1, failed: 1, errorsByCode: { FLAC_MD5_MISMATCH: 1 } });
    expect((await outputsOf('rerun')).some((r) => r.startsWith('a/bad.flac '))).toBe(false);
    // Verified once, the good ones stay up to date.
    expect(await run('rerun', { verifyMd5: true })).toMatchObject({ converted: 0, skipped: 3, failed: 1 });
  });
});
