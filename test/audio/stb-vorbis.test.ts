import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { decodeOggVorbis, scanOgg } from '../../src/audio/ogg.ts';
import { decodeVorbisStb, decodeVorbisStbPieces } from '../../src/audio/stb-vorbis.ts';
import { openAudioStream } from '../../src/audio/decode.ts';
import { toMono } from '../../src/audio/mono.ts';
import { StreamDeclined } from '../../src/audio/stream.ts';
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

  /** `bytes` in pieces of `size` bytes, as a file read stream gives them. */
  async function* piecesOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array, void, undefined> {
    for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
  }

  it.each([
    [0, 997],
    [1, 4096],
    [2, 1 << 20],
  ])('pushdata in pieces gives the pulldata samples bit for bit (file %i, pieces of %i bytes)', async (i, size) => {
    const bytes = oggOf(i);
    const whole = decodeVorbisStb(bytes, scanOgg(bytes).lastGranule)!;
    const blocks: Float32Array[][] = [];
    for await (const block of decodeVorbisStbPieces(piecesOf(bytes, size))) blocks.push(block);
    expect(blocks.length).toBeGreaterThan(1); // more than one block: the joins are tested
    for (let c = 0; c < whole.channelData.length; c++) {
      const joined = new Float32Array(blocks.reduce((n, b) => n + b[c].length, 0));
      blocks.reduce((at, b) => (joined.set(b[c], at), at + b[c].length), 0);
      expect(joined).toEqual(whole.channelData[c]);
    }
  });

  it('a stream of the file gives its length first, then toMono of the whole-file decode; damage declines', async () => {
    const path = join(dir, '1.ogg');
    const stream = await openAudioStream(path, '1.ogg', {});
    const whole = toMono(await decodeOggVorbis(oggOf(1), '1.ogg'));
    expect(stream.info.numFrames).toBe(whole.samples.length);
    const parts: Float32Array[] = [];
    for await (const block of stream.blocks()) parts.push(block);
    expect(Float32Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(whole.samples);

    const damaged = oggOf(1).slice();
    damaged[Math.floor(damaged.length * 0.5)] ^= 0x10;
    writeFileSync(join(dir, 'damaged.ogg'), damaged);
    const bad = await openAudioStream(join(dir, 'damaged.ogg'), 'damaged.ogg', {});
    const drain = async (): Promise<void> => {
      for await (const block of bad.blocks()) void block;
    };
    await expect(drain()).rejects.toThrow(StreamDeclined);
    // Cut short: the last page is not the end-of-stream page, so it declines before any sample.
    writeFileSync(join(dir, 'cut.ogg'), oggOf(1).slice(0, Math.floor(damaged.length * 0.7)));
    await expect(openAudioStream(join(dir, 'cut.ogg'), 'cut.ogg', {})).rejects.toThrow(StreamDeclined);
  });
});
