import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MPEGDecoder } from 'mpg123-decoder';
import { decodeMp3, openMp3Stream, scanCleanMpegFile, scanMpeg } from '../../src/audio/mp3.ts';
import { toMono } from '../../src/audio/mono.ts';
import { declaredLength } from '../../src/audio/decode.ts';
import { StreamDeclined } from '../../src/audio/stream.ts';
import { decodeMp3Native, DECODER_DELAY, openMp3NativeWindows, type Mp3NativeAudio } from '../../src/audio/mp3-native.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { HAVE_SOX, sox, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { firstDifference, maxAbsDiff } from './compare.ts';

if (HAVE_SHARED && !HAVE_SOX) console.warn(`${SOX_SKIP_REASON}: skipping the dr_mp3 tests on sox encodes`);

/**
 * dr_mp3 and libmpg123 both decode in float32 from the same bit stream: measured within 1.3e-6 on 16 sox
 * encodes (mono and stereo, 8-44.1 kHz, 128/320 kb/s CBR and VBR). A wrong dequantisation, a lost frame or a
 * shift of one sample is > 1e-3 on these recordings.
 */
const TOLERANCE = 2e-6;

/** dr_mp3 alone (no fallback), on the audio region the scan finds. */
function ours(bytes: Uint8Array): Mp3NativeAudio | undefined {
  const scan = scanMpeg(bytes);
  return decodeMp3Native(bytes.subarray(scan.firstFrame, scan.firstFrame + scan.audioBytes), scan.samples, scan.channels);
}

/** libmpg123 (mpg123-decoder), what decodeMp3 used for every file before: its two channels and length. */
async function mpg123(bytes: Uint8Array): Promise<{ channelData: Float32Array[]; samplesDecoded: number; sampleRate: number }> {
  const d = new MPEGDecoder();
  await d.ready;
  const out = d.decode(bytes);
  d.free();
  return out;
}

/** The byte offset of the LAME extension in the first frame's Info/Xing tag, or -1. */
function lameAt(bytes: Uint8Array): number {
  const first = scanMpeg(bytes).firstFrame;
  for (let i = first; i < first + 200; i++) if (String.fromCharCode(...bytes.subarray(i, i + 4)) === 'LAME') return i;
  return -1;
}

describe.skipIf(!HAVE_SHARED || !HAVE_SOX)('dr_mp3 in wasm against libmpg123 on sox (LAME) encodes', () => {
  let dir = '';
  const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-mp3-native-'));
    const robin = join(BIRDCALLS, 'other/european_robin_stereo_44k.wav');
    const junco = join(BIRDCALLS, 'clips/Junco_hyemalis/XC137480.wav');
    sox([junco, join(dir, 'mono32k.mp3')]); // MPEG-1, mono, CBR 128: no Info frame
    sox([robin, join(dir, 'stereo44k.mp3')]);
    sox([robin, '-C', '320', join(dir, 'stereo320.mp3')]);
    sox([robin, '-r', '22050', join(dir, 'mpeg2.mp3')]); // MPEG-2 (one granule per frame)
    sox([robin, '-r', '8000', '-c', '1', join(dir, 'mpeg25.mp3')]); // MPEG-2.5
    sox([robin, '-C', '-4.2', join(dir, 'vbr.mp3')]); // VBR: a Xing frame with the LAME delay and padding
    sox([junco, '-C', '-2.2', join(dir, 'vbr-mono.mp3')]);
    sox([robin, '-c', '1', join(dir, 'mono44k.mp3')]);
    sox([junco, '-C', '320', join(dir, 'mono320.mp3')]); // 240 KB: several windows of 64 KiB
    // a few frames only (dr_mp3 syncs on a run of frames): 10 ms and 30 ms of tone, VBR and CBR
    sox(['-n', '-r', '32000', '-b', '16', '-c', '1', join(dir, 'tiny.wav'), 'synth', '0.01', 'sine', '440']);
    sox([join(dir, 'tiny.wav'), '-C', '-4.2', join(dir, 'tiny-vbr.mp3')]);
    sox(['-n', '-r', '44100', '-b', '16', '-c', '2', join(dir, 'short.wav'), 'synth', '0.03', 'pinknoise']);
    sox([join(dir, 'short.wav'), join(dir, 'short-cbr.mp3')]);
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['mono32k', 'stereo44k', 'stereo320', 'mpeg2', 'mpeg25', 'vbr', 'vbr-mono', 'tiny-vbr', 'short-cbr'])(
    '%s: the same length, start and channels as libmpg123, samples within 2e-6',
    async (name) => {
      const bytes = file(`${name}.mp3`);
      const got = ours(bytes);
      const ref = await mpg123(bytes);
      expect(got).toBeDefined();
      expect(got!.sampleRate).toBe(ref.sampleRate);
      expect(got!.channelData).toHaveLength(scanMpeg(bytes).channels);
      for (const [c, plane] of got!.channelData.entries()) {
        expect(plane.length).toBe(ref.samplesDecoded);
        expect(maxAbsDiff(plane, ref.channelData[c])).toBeLessThanOrEqual(TOLERANCE);
      }
      // decodeMp3 returns dr_mp3's samples for a clean stream
      const viaReader = await decodeMp3(bytes, `${name}.mp3`);
      for (const [c, plane] of got!.channelData.entries()) expect(firstDifference(viaReader.channels[c], plane)).toBe(-1);
    },
  );

  it('trims the LAME encoder delay + 529 at the start and the padding at the end, as mpg123 does', async () => {
    const bytes = file('vbr.mp3');
    const at = lameAt(bytes);
    expect(at).toBeGreaterThan(0);
    const delay = (bytes[at + 21] << 4) | (bytes[at + 22] >> 4);
    const padding = ((bytes[at + 22] & 0x0f) << 8) | bytes[at + 23];
    const scan = scanMpeg(bytes);
    const base = ours(bytes)!.channelData[0];
    // the Info frame holds no audio; the rest minus delay, decoder delay and padding
    expect(base.length).toBe(scan.samples - 1152 - delay - padding);
    // 100 more samples of declared delay: output starts 100 samples later, 100 shorter
    const later = bytes.slice();
    const more = delay + 100;
    later[at + 21] = more >> 4;
    later[at + 22] = ((more & 0x0f) << 4) | (bytes[at + 22] & 0x0f);
    const shifted = ours(later)!.channelData[0];
    expect(shifted.length).toBe(base.length - 100);
    expect(firstDifference(shifted, base.subarray(100))).toBe(-1);
    expect(DECODER_DELAY).toBe(529);
    const ref = await mpg123(later);
    expect(ref.samplesDecoded).toBe(shifted.length);
    expect(maxAbsDiff(shifted, ref.channelData[0])).toBeLessThanOrEqual(TOLERANCE);
  });

  it('declines a Xing frame without the LAME extension (unknown delay), and decodeMp3 falls back to libmpg123', async () => {
    const bytes = file('vbr.mp3');
    const at = lameAt(bytes);
    bytes.set([0x58, 0x58, 0x58, 0x58], at); // "XXXX"
    expect(ours(bytes)).toBeUndefined();
    const ref = await mpg123(bytes);
    const audio = await decodeMp3(bytes, 'xing.mp3');
    expect(firstDifference(audio.channels[0], ref.channelData[0])).toBe(-1);
  });

  it('declines a channel change mid-stream (a mono file after a stereo one)', () => {
    const a = file('stereo44k.mp3');
    const b = file('mpeg25.mp3');
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    expect(ours(joined)).toBeUndefined();
  });

  it('declines junk between frames, and decodeMp3 still warns about it through libmpg123', async () => {
    const bytes = file('mono32k.mp3');
    const cut = scanMpeg(bytes).firstFrame + 40 * 417; // inside the stream
    const junk = new Uint8Array(bytes.length + 300);
    junk.set(bytes.subarray(0, cut));
    junk.fill(0x20, cut, cut + 300);
    junk.set(bytes.subarray(cut), cut + 300);
    const scan = scanMpeg(junk);
    expect(decodeMp3Native(junk.subarray(scan.firstFrame, scan.firstFrame + scan.audioBytes), scan.samples, scan.channels)).toBeUndefined();
    const warnings: string[] = [];
    await decodeMp3(junk, 'junk.mp3', { onWarning: (m) => void warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/skipped \d+ bytes/);
  });

  /** All the mono blocks of a stream opened on `path`, joined. */
  async function streamed(path: string): Promise<{ length: number; samples: Float32Array; blocks: number }> {
    const stream = await openMp3Stream(path, path);
    const parts: Float32Array[] = [];
    for await (const block of stream.blocks()) parts.push(block);
    const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (samples.set(p, at), at + p.length), 0);
    return { length: stream.info.numFrames, samples, blocks: parts.length };
  }

  it.each(['mono320', 'stereo320', 'vbr', 'mpeg25', 'tiny-vbr'])('%s in the smallest windows (64 KiB, fed 997 bytes a read): decodeMp3Native\'s planes bit for bit', async (name) => {
    const bytes = file(`${name}.mp3`);
    const scan = scanMpeg(bytes);
    const frames = bytes.subarray(scan.firstFrame, scan.firstFrame + scan.audioBytes);
    let at = 0;
    const read = async (into: Uint8Array): Promise<number> => {
      const n = Math.min(997, into.length, frames.length - at);
      into.set(frames.subarray(at, at + n));
      at += n;
      return n;
    };
    const stream = await openMp3NativeWindows(read, scan.samples, scan.channels, 1);
    const whole = ours(bytes)!;
    expect(stream!.length).toBe(whole.channelData[0].length);
    const got = whole.channelData.map(() => [] as Float32Array[]);
    for await (const planes of stream!.chunks()) planes.forEach((p, c) => got[c].push(p.slice()));
    for (const [c, plane] of whole.channelData.entries()) {
      const joined = new Float32Array(got[c].reduce((n, p) => n + p.length, 0));
      got[c].reduce((o, p) => (joined.set(p, o), o + p.length), 0);
      expect(joined.length).toBe(plane.length);
      expect(firstDifference(joined, plane)).toBe(-1);
    }
    if (name === 'mono320') expect(frames.length).toBeGreaterThan(3 << 16); // the window slides three times at least
  });

  it.each(['mono32k', 'stereo44k', 'stereo320', 'mpeg2', 'mpeg25', 'vbr', 'vbr-mono', 'tiny-vbr', 'short-cbr'])(
    '%s read in pieces: the length before any sample, then toMono(decodeMp3) bit for bit',
    async (name) => {
      const path = join(dir, `${name}.mp3`);
      const decoded = toMono(await decodeMp3(file(`${name}.mp3`), path));
      const whole = decoded.samples;
      const got = await streamed(path);
      // the header walk in windows finds what scanMpeg finds on the whole file
      expect(await scanCleanMpegFile(path)).toEqual(scanMpeg(file(`${name}.mp3`)));
      expect(got.length).toBe(whole.length);
      expect(declaredLength(file(`${name}.mp3`))).toEqual({ sampleRate: decoded.sampleRate, durationSeconds: whole.length / decoded.sampleRate });
      expect(got.samples.length).toBe(whole.length);
      expect(firstDifference(got.samples, whole)).toBe(-1);
      // the longer files come in several 64k-sample blocks (the trimming then falls in different blocks)
      if (whole.length > 1 << 16) expect(got.blocks).toBeGreaterThan(1);
    },
  );

  it('reads past an ID3v2 tag at the start and an ID3v1 tag at the end, as scanMpeg and decodeMp3 do', async () => {
    const bytes = file('vbr.mp3');
    const id3v2 = new Uint8Array(10 + 3000);
    id3v2.set([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 3000 >> 7, 3000 & 0x7f]); // "ID3" v2.3, 3000 bytes (syncsafe)
    const id3v1 = new Uint8Array(128);
    id3v1.set([0x54, 0x41, 0x47]); // "TAG"
    const tagged = Buffer.concat([id3v2, bytes, id3v1]);
    const path = join(dir, 'tagged.mp3');
    writeFileSync(path, tagged);
    const scan = await scanCleanMpegFile(path);
    expect(scan).toEqual(scanMpeg(tagged));
    expect(scan!.firstFrame).toBe(3010 + scanMpeg(bytes).firstFrame);
    const got = await streamed(path);
    expect(firstDifference(got.samples, toMono(await decodeMp3(tagged, path)).samples)).toBe(-1);
  });

  it('declines, before any sample, what decodeMp3 hands to libmpg123: junk between frames, a Xing frame without LAME, a cut', async () => {
    const bytes = file('vbr.mp3');
    const noLame = bytes.slice();
    noLame.set([0x58, 0x58, 0x58, 0x58], lameAt(bytes));
    const first = scanMpeg(bytes).firstFrame;
    const junk = new Uint8Array(bytes.length + 300);
    junk.set(bytes.subarray(0, first + 5000));
    junk.set(bytes.subarray(first + 5000), first + 5300);
    const cut = bytes.subarray(0, bytes.length - 100);
    for (const [name, b] of Object.entries({ noLame, junk, cut })) {
      const path = join(dir, `declined-${name}.mp3`);
      writeFileSync(path, b);
      await expect(openMp3Stream(path, path), name).rejects.toBeInstanceOf(StreamDeclined);
      if (name !== 'noLame') expect(await scanCleanMpegFile(path), name).toBeUndefined();
    }
  });

  it('declines part-way a stream dr_mp3 stops on (a mono stream after a stereo one at the same rate)', async () => {
    const a = file('stereo44k.mp3');
    const b = file('mono44k.mp3');
    const path = join(dir, 'declined-joined.mp3');
    writeFileSync(path, Buffer.concat([a, b.subarray(scanMpeg(b).firstFrame)]));
    const stream = await openMp3Stream(path, path);
    let blocks = 0;
    const read = async (): Promise<void> => {
      for await (const block of stream.blocks()) blocks += block.length > 0 ? 1 : 0;
    };
    await expect(read()).rejects.toBeInstanceOf(StreamDeclined);
    expect(blocks).toBeGreaterThan(0);
  });
});
