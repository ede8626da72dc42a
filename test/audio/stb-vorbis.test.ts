import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { decodeOggVorbis, scanOgg } from '../../src/audio/ogg.ts';
import { decodeVorbisStb } from '../../src/audio/stb-vorbis.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { maxAbsDiff } from './compare.ts';

function haveSoxVorbis(): boolean {
  try {
    return execFileSync('sox', ['-h'], { encoding: 'utf8' }).includes(' vorbis ');
  } catch {
    return false;
  }
}
const HAVE_SOX = haveSoxVorbis();
if (!HAVE_SOX) console.warn('sox with Vorbis support not found: skipping the stb_vorbis tests (apt-get install sox)');

// a mono 32 kHz clip, the 44.1 kHz stereo robin, and a longer 44.1 kHz recording
const SOURCES = ['clips/Junco_hyemalis/XC137480.wav', 'other/european_robin_stereo_44k.wav', 'other/spinetail_Cranioleuca_erythrops_44k.wav'];

describe.skipIf(!HAVE_SHARED || !HAVE_SOX)('Ogg Vorbis through stb_vorbis in wasm (sox-encoded real recordings)', () => {
  let dir = '';
  const oggOf = (i: number): Uint8Array => new Uint8Array(readFileSync(join(dir, `${i}.ogg`)));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-stb-vorbis-'));
    SOURCES.forEach((wav, i) => execFileSync('sox', [join(BIRDCALLS, wav), join(dir, `${i}.ogg`)]));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(SOURCES.map((s, i) => [s, i] as const))('%s: the samples of libvorbis (the package) to float rounding, same length and channels', async (_name, i) => {
    const bytes = oggOf(i);
    const ours = decodeVorbisStb(bytes, scanOgg(bytes).lastGranule);
    const decoder = new OggVorbisDecoder();
    await decoder.ready;
    const ref = await decoder.decodeFile(bytes);
    decoder.free();
    expect(ours).toBeDefined();
    expect(ours!.sampleRate).toBe(ref.sampleRate);
    expect(ours!.channelData).toHaveLength(ref.channelData.length);
    for (let c = 0; c < ref.channelData.length; c++) {
      expect(ours!.channelData[c].length).toBe(ref.samplesDecoded);
      expect(maxAbsDiff(ours!.channelData[c], ref.channelData[c].subarray(0, ref.samplesDecoded))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('declines a stream whose length differs from what its last page declares, so libvorbis decodes it', () => {
    const bytes = oggOf(0);
    const frames = scanOgg(bytes).lastGranule;
    expect(decodeVorbisStb(bytes, frames - 1)).toBeUndefined();
    expect(decodeVorbisStb(bytes, frames + 1)).toBeUndefined();
    expect(decodeVorbisStb(bytes, frames)).toBeDefined();
  });

  it('declines bytes that are not a Vorbis stream', () => {
    const bytes = oggOf(0).slice();
    bytes.fill(0, 0, 200);
    expect(decodeVorbisStb(bytes, 1000)).toBeUndefined();
  });

  it('a file after a much larger one decodes the same (the module memory is reused)', () => {
    const small = oggOf(0);
    const first = decodeVorbisStb(small, scanOgg(small).lastGranule)!;
    const big = oggOf(2);
    expect(decodeVorbisStb(big, scanOgg(big).lastGranule)).toBeDefined();
    expect(decodeVorbisStb(small, scanOgg(small).lastGranule)!.channelData[0]).toEqual(first.channelData[0]);
  });

  it('a damaged page still goes to libvorbis, which reports it', async () => {
    const bytes = oggOf(0).slice();
    bytes[Math.floor(bytes.length * 0.5)] ^= 0x10;
    const warnings: string[] = [];
    const audio = await decodeOggVorbis(bytes, 'flip.ogg', { onWarning: (m) => warnings.push(m) });
    expect(audio.channels[0].length).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/CRC/);
  });
});
