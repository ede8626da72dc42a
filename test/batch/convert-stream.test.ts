import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pcmBytes } from '../../src/audio/decode.ts';
import { STREAM_HEAD_BYTES } from '../../src/audio/detect.ts';
import { StreamDeclined } from '../../src/audio/stream.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { processSource, type SourceContext } from '../../src/batch/convert-file.ts';
import { convert } from '../../src/batch/convert.ts';
import { BirdcallError } from '../../src/errors.ts';
import { pipelineHash, resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { shouldStream } from '../../src/pipeline/run-stream.ts';
import { createRunner, type PipelineRunner, type RunResult } from '../../src/pipeline/runner.ts';
import type { ItemOutput } from '../../src/pipeline/pool-thread.ts';
import type { InputRow } from '../../src/store/manifest-types.ts';
import { outputBaseFor } from '../../src/store/plan.ts';
import { StateStore } from '../../src/store/state.ts';
import { HAVE_SOX, SOX_SKIP_REASON, sox } from '../helpers/sox.ts';

/**
 * convert streams FLAC, Ogg Vorbis and MP3 sources above --stream-above as it streams WAVs, with the outputs
 * of the whole-file path; a stream that declines (damage found part-way) ends as the whole-file run.
 */

const RATE = 16000;
/** 150.5 s: three 60 s windows when streamed, so damage at 50% or 90% is found after items were written. */
const SECONDS = 150.5;

const PIPELINE = resolvePipeline({
  version: 1,
  steps: [
    { block: 'decode' },
    { block: 'resample', params: { sampleRate: 8000 } },
    { block: 'chunk', params: { seconds: 5, last: 'drop' } },
    { block: 'melspec', params: { nFft: 256, hopLength: 128, nMels: 16 } },
    { block: 'db' },
    { block: 'npy' },
  ],
});

/** Noise plus a chirp every second, from a fixed seed: deterministic, never silent or clipped. */
function birdlike(): Float32Array {
  const x = new Float32Array(Math.round(SECONDS * RATE));
  let state = 7;
  for (let i = 0; i < x.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const inCall = (i / RATE) % 1;
    x[i] = (state / 2147483648 - 0.5) * 0.05 + (inCall < 0.2 ? 0.3 * Math.sin(2 * Math.PI * (1500 + 4000 * inCall) * inCall) : 0);
  }
  return x;
}

/** 64 bytes flipped from `at` (a fraction of the file) on: the FLAC frames there fail their CRC. */
function damaged(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < 64; i++) out[Math.floor(out.length * at) + 97 * i] ^= 0x5a;
  return out;
}

/**
 * Every file under `dir` but convert's own bookkeeping: a CSV's text (errors.csv's lines sorted: it lists
 * sources as they finish, and two run at once), or the sha256 of its bytes.
 */
function tree(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => !f.startsWith('.birdcall') && f !== 'summary.json' && statSync(join(dir, f)).isFile(),
  );
  const content = (f: string): string => {
    if (f === 'errors.csv') return readFileSync(join(dir, f), 'utf8').split('\n').sort().join('\n');
    return f.endsWith('.csv') ? readFileSync(join(dir, f), 'utf8') : sha256(readFileSync(join(dir, f)));
  };
  return new Map(files.sort().map((f) => [f, content(f)]));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A runner that records how each source ran and how many streamed items it gave. On cue, the stream
 * declines after some items, and the whole-file run fails (an Error) or runs on other bytes.
 */
function spying(real: PipelineRunner, cue: { declineAfter?: number; whole?: Error | Uint8Array } = {}) {
  const log = { calls: [] as string[], streamedItems: 0 };
  async function* counted(items: RunResult['items'], path: string): AsyncGenerator<ItemOutput, void, undefined> {
    for await (const item of items) {
      if (log.streamedItems === cue.declineAfter) throw new StreamDeclined(path, 'declined on cue');
      log.streamedItems++;
      yield item;
    }
  }
  const runner: PipelineRunner = {
    streamAbove: real.streamAbove,
    close: () => real.close(),
    run: async (source) => {
      log.calls.push('absPath' in source ? 'stream' : 'whole');
      if ('bytes' in source && cue.whole instanceof Error) throw cue.whole;
      const other = 'bytes' in source && cue.whole instanceof Uint8Array ? cue.whole : undefined;
      const result = await real.run(other ? { path: source.path, bytes: other } : source);
      return 'absPath' in source ? { ...result, items: counted(result.items, source.path) } : result;
    },
  };
  return { runner, log };
}

let input: string;
/** The first 30 s of the clean FLAC, as a FLAC: 6 chunks. */
let shortFlac: Uint8Array;
const FILES = {
  ogg: 'XC1.ogg',
  flac: 'XC2.flac',
  mp3: 'XC3.mp3',
  /** Damage at half-way: the stream declines after its first window (60 s) was written. */
  flacMid: 'XC4.flac',
  /** Damage near the end: two windows written before the decline. */
  flacLate: 'XC5.flac',
  /** 300 bytes of junk between MP3 frames late in the file: the stream declines when opened. */
  mp3Junk: 'XC6.mp3',
  /** A flipped bit in a late Ogg page: the stream declines before its first item. */
  oggDamaged: 'XC7.ogg',
} as const;

beforeAll(() => {
  if (!HAVE_SOX) return;
  input = mkdtempSync(join(tmpdir(), 'birdcall-convert-stream-in-'));
  const folder = join(input, 'amecro');
  mkdirSync(folder);
  const wav = join(mkdtempSync(join(tmpdir(), 'birdcall-convert-stream-wav-')), 'source.wav');
  writeFileSync(wav, encodeWav(birdlike(), RATE));
  sox([wav, join(folder, FILES.ogg)]);
  sox([wav, join(folder, FILES.flac)]);
  sox([wav, '-C', '-4.2', join(folder, FILES.mp3)]); // VBR with a LAME tag
  const flac = new Uint8Array(readFileSync(join(folder, FILES.flac)));
  writeFileSync(join(folder, FILES.flacMid), damaged(flac, 0.5));
  writeFileSync(join(folder, FILES.flacLate), damaged(flac, 0.9));
  const mp3 = readFileSync(join(folder, FILES.mp3));
  const cut = Math.floor(mp3.length * 0.9);
  writeFileSync(join(folder, FILES.mp3Junk), Buffer.concat([mp3.subarray(0, cut), Buffer.alloc(300, 0x20), mp3.subarray(cut)]));
  const ogg = new Uint8Array(readFileSync(join(folder, FILES.ogg)));
  ogg[Math.floor(ogg.length * 0.9)] ^= 0x10;
  writeFileSync(join(folder, FILES.oggDamaged), ogg);
  const short = join(dirname(wav), 'short.flac');
  sox([wav, short, 'trim', '0', '30']);
  shortFlac = new Uint8Array(readFileSync(short));
});

function context(streamAbove: number, extra: Partial<SourceContext> = {}): SourceContext {
  const outDir = mkdtempSync(join(tmpdir(), 'birdcall-convert-stream-out-'));
  return {
    inputRoot: input,
    outDir,
    pipelineHash: pipelineHash(PIPELINE),
    birdcallVersion: 'test',
    store: new StateStore(outDir),
    run: createRunner(PIPELINE, { threads: 1, inProcess: true, streamAbove }),
    ...extra,
  };
}

function rowOf(name: string): InputRow {
  return { path: `amecro/${name}`, primaryLabel: 'amecro', secondaryLabels: [], metadata: {} };
}

/** One source converted with `streamAbove` one byte under its size, through a spying runner. */
async function streamedRun(name: string, cue: Parameters<typeof spying>[1] = {}, extra: Partial<SourceContext> = {}) {
  const row = rowOf(name);
  const ctx = context(statSync(join(input, row.path)).size - 1, extra);
  const spy = spying(ctx.run, cue);
  const outcome = processSource({ ...ctx, run: spy.runner }, row, outputBaseFor(row, new Map()));
  return { ctx, log: spy.log, outcome };
}

/** The same source read whole (streaming off). */
async function wholeRun(name: string) {
  const row = rowOf(name);
  const ctx = context(Infinity);
  const outcome = await processSource(ctx, row, outputBaseFor(row, new Map()));
  return { ctx, outcome };
}

describe.skipIf(!HAVE_SOX)(`convert streams compressed sources (${HAVE_SOX ? 'sox makes them' : SOX_SKIP_REASON})`, () => {
  it.each([FILES.ogg, FILES.flac, FILES.mp3])('streams %s just over --stream-above to the whole-file outputs, state and header length', async (name) => {
    const streamed = await streamedRun(name);
    const { state } = await streamed.outcome;
    const whole = await wholeRun(name);
    expect(streamed.log.calls).toEqual(['stream']);
    expect(streamed.log.streamedItems).toBe(30);
    expect(state).toEqual(whole.outcome.state);
    // The duration is the header's, not the end of the last chunk (150 s: the last 0.5 s is dropped).
    expect(state.audioSeconds).toBeCloseTo(SECONDS, 6);
    const outputs = tree(streamed.ctx.outDir);
    expect(outputs.size).toBe(30);
    expect(outputs).toEqual(tree(whole.ctx.outDir));
  });

  it.each([
    [FILES.flacMid, 12],
    [FILES.flacLate, 24],
  ])('a stream of %s declines after %i items were written: converted again whole, with exactly the whole-file outputs', async (name, written) => {
    const streamed = await streamedRun(name);
    const { state } = await streamed.outcome;
    const whole = await wholeRun(name);
    expect(streamed.log).toEqual({ calls: ['stream', 'whole'], streamedItems: written });
    expect(state).toEqual(whole.outcome.state);
    expect(state.warnings.join('\n')).toMatch(/STREAMINFO declares/);
    expect(tree(streamed.ctx.outDir)).toEqual(tree(whole.ctx.outDir));
  });

  it.each([FILES.mp3Junk, FILES.oggDamaged])('a stream of %s declines before any item, and the source is converted whole', async (name) => {
    const streamed = await streamedRun(name);
    const { state } = await streamed.outcome;
    const whole = await wholeRun(name);
    expect(streamed.log).toEqual({ calls: ['stream', 'whole'], streamedItems: 0 });
    expect(state).toEqual(whole.outcome.state);
    expect(state.warnings).not.toEqual([]);
    expect(tree(streamed.ctx.outDir)).toEqual(tree(whole.ctx.outDir));
  });

  it('removes what a declined stream wrote when the whole-file run makes fewer outputs or fails', async () => {
    // A decline after 20 items of a clean FLAC, then a whole-file run that fails: nothing may stay.
    const unreadable = new BirdcallError('FLAC_INVALID', 'the whole-file decoder gave up', 'amecro/XC2.flac');
    const failing = await streamedRun(FILES.flac, { declineAfter: 20, whole: unreadable });
    await expect(failing.outcome).rejects.toBe(unreadable);
    expect(failing.log).toEqual({ calls: ['stream', 'whole'], streamedItems: 20 });
    expect(tree(failing.ctx.outDir)).toEqual(new Map());
    // A decline after 20 items, then a whole-file run that makes 6 (a shorter recording under the same
    // names): the 14 streamed outputs past them go, the whole run's 6 stay, with the whole run's bytes.
    const shorter = await streamedRun(FILES.flac, { declineAfter: 20, whole: shortFlac });
    const { state } = await shorter.outcome;
    expect(shorter.log).toEqual({ calls: ['stream', 'whole'], streamedItems: 20 });
    expect(state.rows).toHaveLength(6);
    const outputs = tree(shorter.ctx.outDir);
    expect([...outputs.keys()]).toEqual(state.rows.map((r) => r.outputs.npy));
    for (const r of state.rows) expect(outputs.get(r.outputs.npy)).toBe(r.outputHashes.npy);
  });

  it('refuses a compressed source over --max-duration from its header, streamed or whole, before any output', async () => {
    for (const name of [FILES.ogg, FILES.flac, FILES.mp3]) {
      const streamed = await streamedRun(name, {}, { maxDuration: 100 });
      await expect(streamed.outcome, name).rejects.toMatchObject({ code: 'FILE_TOO_LONG', reason: expect.stringMatching(/^150\.5 s of audio/) });
      // Refused from the stream's header: not read whole afterwards, and not one item made.
      expect(streamed.log, name).toEqual({ calls: ['stream'], streamedItems: 0 });
      expect(tree(streamed.ctx.outDir), name).toEqual(new Map());
      const row = rowOf(name);
      const ctx = context(Infinity, { maxDuration: 100 });
      const spy = spying(ctx.run);
      await expect(processSource({ ...ctx, run: spy.runner }, row, outputBaseFor(row, new Map())), name).rejects.toMatchObject({ code: 'FILE_TOO_LONG' });
      // Read whole, the header's length refuses it before the pipeline runs.
      expect(spy.log.calls, name).toEqual([]);
    }
  });

  it('measures a file by its audio as 16-bit PCM: a compressed file streams by its decoded size, not its bytes', async () => {
    const pcm = SECONDS * RATE * 2; // 4.8 MB: the size of the source WAV's samples
    for (const name of [FILES.ogg, FILES.flac, FILES.mp3]) {
      const path = join(input, 'amecro', name);
      const size = statSync(path).size;
      const head = readFileSync(path).subarray(0, STREAM_HEAD_BYTES);
      // FLAC from STREAMINFO, exactly; Ogg and MP3 from the head's pages or frames, within 15 %.
      expect(Math.abs(pcmBytes(head, size)! / pcm - 1), name).toBeLessThan(name === FILES.flac ? 1e-9 : 0.15);
      // The Ogg (0.67 MB), the MP3 (0.59 MB) and the FLAC (3.5 MB) all stream above 4 MB, none above 6 MB.
      expect(await shouldStream(path, `amecro/${name}`, size, 4e6), name).toBe(true);
      expect(await shouldStream(path, `amecro/${name}`, size, 6e6), name).toBe(false);
    }
  });

  it('convert writes the same outputs, manifest and errors streamed (in-process and on 2 threads) as read whole', async () => {
    const folder = join(input, 'amecro');
    const above = Math.min(...Object.values(FILES).map((f) => statSync(join(folder, f)).size)) - 1;
    const run = async (streamAbove: number, jobs: number): Promise<Map<string, string>> => {
      const outDir = mkdtempSync(join(tmpdir(), 'birdcall-convert-stream-all-'));
      const summary = await convert({ input: folder, outDir, pipeline: PIPELINE, jobs, streamAbove });
      expect(summary).toMatchObject({ converted: Object.keys(FILES).length, failed: 0 });
      return tree(outDir);
    };
    const whole = await run(Infinity, 1);
    expect([...whole.keys()]).toEqual(expect.arrayContaining(['manifest.csv', 'errors.csv', 'npy/amecro/XC4_0024.npy']));
    for (const jobs of [1, 2]) expect(await run(above, jobs), `jobs ${jobs}`).toEqual(whole);
  });
});
