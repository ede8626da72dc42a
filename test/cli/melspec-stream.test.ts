import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { closeMelWorkers } from '../../src/dsp/parallel.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { testSignal } from '../dsp/reference.ts';
import { runCli } from './run-cli.ts';

/**
 * `birdcall melspec` streams a WAV file in blocks (bounded memory) or splits it across threads (--jobs);
 * both must write exactly what the whole-file block pipeline (--no-stream) writes.
 */
describe('birdcall melspec streaming and --jobs', () => {
  let dir: string;
  let mono: string;
  let stereo: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-melstream-'));
    // 4.3 s at 32 kHz: three 65536-sample blocks with a ragged end, so frames straddle block edges
    const x = testSignal(137_777);
    mono = join(dir, 'mono.wav');
    await writeFile(mono, encodeWav(x, 32000));
    const right = Float32Array.from(x, (v, i) => 0.5 * v * Math.sin(i / 300));
    stereo = join(dir, 'stereo.wav');
    await writeFile(stereo, encodeWav([x, right], 32000, { float: true }));
  });
  afterAll(async () => {
    await closeMelWorkers();
    await rm(dir, { recursive: true, force: true });
  });

  async function melspec(input: string, name: string, args: string[]): Promise<Uint8Array> {
    const out = join(dir, name);
    const r = await runCli(['melspec', input, '-o', out, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return new Uint8Array(await readFile(out));
  }

  const settings: [string, string[]][] = [
    ['kaggle2020 preset, dB', ['--preset', 'kaggle2020', '--db']],
    ['reflect padding, float64, dB ref 1', ['--n-fft', '2048', '--hop-length', '512', '--n-mels', '96', '--pad-mode', 'reflect', '--dtype', 'float64', '--db', '--ref', '1']],
    ['no centring, power', ['--n-fft', '1000', '--hop-length', '333', '--n-mels', '40', '--no-center']],
  ];

  it.each(settings)('streams a mono WAV to the same .npy bytes as the whole-file path: %s', async (name, args) => {
    const whole = await melspec(mono, `${name}-whole.npy`, ['--no-stream', ...args]);
    const streamed = await melspec(mono, `${name}-stream.npy`, ['--jobs', '1', ...args]);
    expect(decodeNpy(streamed).shape).toEqual(decodeNpy(whole).shape);
    expect(Buffer.from(streamed).equals(Buffer.from(whole))).toBe(true);
  });

  it('streams a stereo float WAV (mixed to mono block by block) to the same bytes as the whole-file path', async () => {
    const args = ['--preset', 'kaggle2020', '--db'];
    const whole = await melspec(stereo, 'stereo-whole.npy', ['--no-stream', ...args]);
    expect(Buffer.from(await melspec(stereo, 'stereo-stream.npy', ['--jobs', '1', ...args])).equals(Buffer.from(whole))).toBe(true);
  });

  it('--jobs 2 writes the same bytes as one thread', async () => {
    // hop 32 makes 4306 frames: enough for two parts of at least MIN_FRAMES_PER_PART, so a worker runs
    const args = ['--n-fft', '256', '--hop-length', '32', '--n-mels', '32', '--db'];
    const one = await melspec(mono, 'jobs1.npy', ['--jobs', '1', ...args]);
    expect(Buffer.from(await melspec(mono, 'jobs2.npy', ['--jobs', '2', ...args])).equals(Buffer.from(one))).toBe(true);
  });

  it('by default splits a long enough WAV across the cores (read block by block) and writes the same bytes', async () => {
    const args = ['--n-fft', '256', '--hop-length', '32', '--n-mels', '32', '--db'];
    const one = await melspec(stereo, 'default-jobs1.npy', ['--jobs', '1', ...args]);
    expect(Buffer.from(await melspec(stereo, 'default-all.npy', args)).equals(Buffer.from(one))).toBe(true);
    expect(Buffer.from(await melspec(stereo, 'default-3.npy', ['--jobs', '3', ...args])).equals(Buffer.from(one))).toBe(true);
  });

  it('refuses --jobs 0 with a usage error naming the flag', async () => {
    const r = await runCli(['melspec', mono, '-o', join(dir, 'x.npy'), '--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--jobs must be a whole number of threads >= 1, got "0"/);
  });

  it('reports a missing input file the same way on the streaming path', async () => {
    const r = await runCli(['melspec', join(dir, 'absent.wav'), '-o', join(dir, 'x.npy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/absent\.wav: input file not found/);
  });
});
