import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { resolvePipeline } from '../../src/pipeline/pipeline.ts';
import type { ItemOutput } from '../../src/pipeline/pool-thread.ts';
import { createRunner, inProcessRunner, poolRunner, streamingRunner, type Runner } from '../../src/pipeline/runner.ts';
import { testSignal } from '../dsp/reference.ts';
import { soxFlac } from '../helpers/flac-md5.ts';
import { HAVE_SOX } from '../helpers/sox.ts';
import { smallNpyPipeline } from '../helpers/pipelines.ts';

const dir = mkdtempSync(join(tmpdir(), 'birdcall-runner-'));
const wav = join(dir, 'x.wav');
writeFileSync(wav, encodeWav(testSignal(3 * 16000, 16000), 16000));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipeline = smallNpyPipeline();

/** What a runner made, comparable across runners: offsets and artifact bytes per item. */
async function outputs(runner: Runner, source: Parameters<Runner['run']>[0]): Promise<unknown[]> {
  try {
    const result = await runner.run(source);
    const items: ItemOutput[] = [];
    for await (const item of result.items) items.push(item);
    return items.map((it) => ({ index: it.chunkIndex, start: it.startSeconds, npy: Buffer.from(it.artifacts[0].bytes).toString('base64') }));
  } finally {
    await runner.close();
  }
}

describe('runners', () => {
  const bytes = new Uint8Array(readFileSync(wav));

  it('in-process, thread pool and streaming give the same items', async () => {
    const inProcess = await outputs(inProcessRunner(pipeline), { path: 'x.wav', bytes });
    expect(inProcess).toHaveLength(3);
    expect(await outputs(poolRunner(pipeline, 1), { path: 'x.wav', bytes })).toEqual(inProcess);
    expect(await outputs(streamingRunner(pipeline), { path: 'x.wav', absPath: wav })).toEqual(inProcess);
    // A source given by its file is read by the whole-file runners too.
    expect(await outputs(inProcessRunner(pipeline), { path: 'x.wav', absPath: wav })).toEqual(inProcess);
  });

  it('streams a source given by its file, runs one given by its bytes whole', async () => {
    const runner = createRunner(pipeline, { threads: 1, inProcess: true, streamAbove: 0 });
    expect(runner.streamAbove).toBe(0);
    const streamed = await runner.run({ path: 'x.wav', absPath: wav });
    const whole = await runner.run({ path: 'x.wav', bytes });
    expect(Array.isArray(streamed.items)).toBe(false);
    expect(Array.isArray(whole.items)).toBe(true);
    await runner.close();
  });

  it('refuses bytes for streaming, and a pipeline that cannot stream', async () => {
    await expect(streamingRunner(pipeline).run({ path: 'x.wav', bytes })).rejects.toThrow(/must be given by its file/);
    const whole = resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'quality' }, { block: 'chunk' }] });
    expect(() => streamingRunner(whole)).toThrow(/does not start with decode/);
    expect(createRunner(whole, { threads: 1, inProcess: true }).streamAbove).toBeUndefined();
  });
});

describe.skipIf(!HAVE_SOX)('the run\'s verifyMd5 in every runner', () => {
  it('reaches the decode block in this thread, in a pool thread and streamed: a FLAC whose MD5 was altered is refused only with it', async () => {
    const bad = join(dir, 'bad.flac');
    const bytes = soxFlac(wav, bad, 'wrong');
    const source = { path: 'bad.flac', bytes };
    const file = { path: 'bad.flac', absPath: bad };
    const refused = { code: 'FLAC_MD5_MISMATCH', file: 'bad.flac' };
    await expect(outputs(inProcessRunner(pipeline, { verifyMd5: true }), source)).rejects.toMatchObject(refused);
    await expect(outputs(poolRunner(pipeline, 1, { verifyMd5: true }), source)).rejects.toMatchObject(refused);
    await expect(outputs(streamingRunner(pipeline, { verifyMd5: true }), file)).rejects.toMatchObject(refused);
    await expect(outputs(createRunner(pipeline, { threads: 1, inProcess: false, verifyMd5: true }), source)).rejects.toMatchObject(refused);
    await expect(outputs(createRunner(pipeline, { threads: 1, inProcess: true, verifyMd5: true }), file)).rejects.toMatchObject(refused);
    // Without it the frames are all valid: the same items as the WAV the FLAC was made from.
    const wavItems = await outputs(inProcessRunner(pipeline), { path: 'x.wav', absPath: wav });
    expect(await outputs(poolRunner(pipeline, 1), source)).toEqual(wavItems);
    expect(await outputs(streamingRunner(pipeline), file)).toEqual(wavItems);
  });
});
