import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { HAVE_SOX, sox, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { testSignal } from '../dsp/reference.ts';
import { runCli } from './run-cli.ts';

if (!HAVE_SOX) console.warn(`${SOX_SKIP_REASON}: skipping melspec format tests`);

/** Largest |a - b| in dB over the first `frames` frames of two [bins, frames] spectrograms, on cells within 60 dB of the peak. */
function maxDbDiff(a: { data: ArrayLike<number>; shape: number[] }, b: { data: ArrayLike<number>; shape: number[] }, frames: number): number {
  const [bins, fa] = a.shape;
  const fb = b.shape[1];
  let peak = -Infinity;
  for (let i = 0; i < a.data.length; i++) peak = Math.max(peak, a.data[i]);
  let max = 0;
  for (let m = 0; m < bins; m++) {
    for (let t = 0; t < frames; t++) {
      const x = a.data[m * fa + t];
      if (x > peak - 60) max = Math.max(max, Math.abs(x - b.data[m * fb + t]));
    }
  }
  return max;
}

/**
 * `birdcall melspec` reads what `convert` reads, picked by content. FLAC is lossless, so it must give the
 * WAV's exact bytes; Ogg Vorbis and MP3 are compared with sox's own decode of the same file (libvorbisfile,
 * libmad), written as float WAV and run through melspec: our decoders match those within 1e-5.
 */
describe.skipIf(!HAVE_SOX)('birdcall melspec on FLAC, Ogg Vorbis and MP3', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-melformats-'));
    await writeFile(file('x.wav'), encodeWav(testSignal(48_000), 32000));
    for (const ext of ['flac', 'ogg', 'mp3']) sox([file('x.wav'), file(`x.${ext}`)]);
    for (const ext of ['ogg', 'mp3']) sox([file(`x.${ext}`), '-e', 'floating-point', '-b', '32', file(`${ext}.ref.wav`)]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function melspec(input: string): Promise<Uint8Array> {
    const out = file(`${input}.npy`);
    const r = await runCli(['melspec', file(input), '-o', out, '--db', '--n-fft', '1024', '--hop-length', '256', '--n-mels', '64']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return new Uint8Array(await readFile(out));
  }

  it('FLAC gives the WAV bytes exactly', async () => {
    expect(Buffer.from(await melspec('x.flac')).equals(Buffer.from(await melspec('x.wav')))).toBe(true);
  });

  // sox reads Vorbis at 16 bits: its reference is rounded to half a 16-bit step, which moves the quietest
  // compared cells (60 dB under the peak) by a few hundredths of a dB.
  it("Ogg Vorbis matches sox's decode within 0.05 dB", async () => {
    const ours = decodeNpy(await melspec('x.ogg'));
    const ref = decodeNpy(await melspec('ogg.ref.wav'));
    expect(ours.shape).toEqual(ref.shape);
    expect(maxDbDiff(ours, ref, ours.shape[1])).toBeLessThan(0.05);
  });

  it("MP3 matches sox's decode within 0.01 dB (libmad drops the last frame: compared up to it)", async () => {
    const ours = decodeNpy(await melspec('x.mp3'));
    const ref = decodeNpy(await melspec('mp3.ref.wav'));
    expect(ours.shape[0]).toBe(ref.shape[0]);
    // one MPEG frame (1152 samples) is 4.5 hops of 256; the last frames of ref see its early end
    expect(ours.shape[1] - ref.shape[1]).toBeGreaterThanOrEqual(0);
    expect(ours.shape[1] - ref.shape[1]).toBeLessThanOrEqual(5);
    expect(maxDbDiff(ours, ref, ref.shape[1] - 4)).toBeLessThan(0.01);
  });
});
