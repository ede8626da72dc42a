import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeAudio } from '../../src/audio/decode.ts';
import { decodeFlac } from '../../src/audio/flac.ts';
import { decodeOggVorbis } from '../../src/audio/ogg.ts';
import { decodeMp3 } from '../../src/audio/mp3.ts';
import { decodeWav } from '../../src/audio/wav.ts';
import { toMono } from '../../src/audio/mono.ts';
import type { MultiChannelAudio } from '../../src/audio/types.ts';
import { melSpectrogram, powerToDb } from '../../src/dsp/index.ts';
import { BirdcallError } from '../../src/errors.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { HAVE_SOX, sox, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { firstDifference, maxAbsDiff } from './compare.ts';

/**
 * Real recordings made compressed in the test setup with sox, and decoded back by sox as the reference:
 * libvorbisfile for Ogg, libmad for MP3 (an independent fixed-point decoder), libFLAC for FLAC.
 * sox needs the MP3 format module: `apt-get install -y --no-install-recommends sox libsox-fmt-mp3`.
 */
if (HAVE_SHARED && !HAVE_SOX) {
  console.warn(`${SOX_SKIP_REASON}: skipping compressed-audio tests`);
}

const CLIPS = [
  'clips/Melozone_crissalis/XC444627.wav',
  'clips/Junco_hyemalis/XC137480.wav',
  'clips/Spinus_psaltria/XC282617.wav',
  'other/european_robin_stereo_44k.wav',
];

/**
 * Vorbis reference: sox reads Vorbis through ov_read at 16 bits, so it is rounded to half a 16-bit step;
 * plus 1e-6 because clean files decode through stb_vorbis, whose float arithmetic differs from
 * libvorbis's by up to 3e-7 (test/audio/stb-vorbis.test.ts bounds that difference by 1e-6).
 */
const OGG_TOLERANCE = 0.5 / 32768 + 1e-6;
/**
 * MP3 reference: libmad computes in 28-bit fixed point, mpg123 in float32; the same bit stream decodes
 * to samples that differ by a few 1e-7 (measured 7e-7). 1e-5 (-100 dBFS, a third of a 16-bit step) bounds
 * that with margin, and is far below any coding error (a wrong dequantisation or a lost frame is >1e-2).
 */
const MP3_TOLERANCE = 1e-5;
/**
 * Mel spectrogram (nFft 2048, hop 512, 128 mels, power_to_db ref 1, topDb 80) of our decode against the
 * reference decode's: the largest |dB difference| over the cells within 60 dB of the spectrogram's peak,
 * and the mean over all cells. Measured on these clips: Ogg max 0.035-0.11 dB, mean 0.01-0.06 dB; MP3 max
 * 0.0013-0.0022 dB, mean 1e-4-7e-4 dB. The Ogg figure is the reference's own 16-bit rounding (quietest
 * cells, down at -80 dB, differ by up to 1.2 dB for that reason alone), hence the 60 dB window.
 */
const MEL_DB = { ogg: { max: 0.2, mean: 0.1 }, mp3: { max: 0.01, mean: 0.005 } };
const MPEG_FRAME = 1152;


function melDb(samples: Float32Array, sr: number): Float32Array | Float64Array {
  return powerToDb(melSpectrogram(samples, { sr, nFft: 2048, hopLength: 512, nMels: 128 }), { ref: 1, topDb: 80 }).values;
}

/** Max |dB difference| over the reference's cells within 60 dB of its peak, and the mean over all cells. */
function melDbDifference(ours: Float32Array, ref: Float32Array, sr: number): { max: number; mean: number } {
  const a = melDb(ours, sr);
  const b = melDb(ref, sr);
  let peak = -Infinity;
  for (const v of b) peak = Math.max(peak, v);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (b[i] >= peak - 60) max = Math.max(max, d);
  }
  return { max, mean: sum / b.length };
}

function collect(): { warnings: string[]; onWarning: (m: string) => void } {
  const warnings: string[] = [];
  return { warnings, onWarning: (m) => warnings.push(m) };
}

describe.skipIf(!HAVE_SHARED || !HAVE_SOX)('compressed copies of real recordings (sox-encoded)', () => {
  let dir = '';
  const path = (clip: string, ext: string): string => join(dir, `${basename(clip, '.wav')}.${ext}`);
  const bytesOf = (file: string): Uint8Array => new Uint8Array(readFileSync(file));
  const wavOf = (clip: string): MultiChannelAudio => decodeWav(readFileSync(join(BIRDCALLS, clip)), clip);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-compressed-'));
    for (const clip of CLIPS) {
      const wav = join(BIRDCALLS, clip);
      for (const ext of ['flac', 'ogg', 'mp3']) sox([wav, path(clip, ext)]);
      // References as 32-bit float WAV, so sox adds no rounding of its own beyond its decoder's output.
      for (const ext of ['ogg', 'mp3']) sox([path(clip, ext), '-e', 'floating-point', '-b', '32', path(clip, `${ext}.ref.wav`)]);
    }
    sox([join(BIRDCALLS, 'robustness/XC444627_32k_s24.wav'), join(dir, 's24.flac')]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('FLAC', () => {
    it.each(CLIPS)('%s decodes to exactly the WAV samples, with no warning', async (clip) => {
      const { warnings, onWarning } = collect();
      const flac = await decodeAudio(bytesOf(path(clip, 'flac')), 'x.flac', { onWarning });
      const wav = wavOf(clip);
      expect(flac.sampleRate).toBe(wav.sampleRate);
      expect(flac.channels).toHaveLength(wav.channels.length);
      for (let c = 0; c < wav.channels.length; c++) expect(firstDifference(flac.channels[c], wav.channels[c])).toBe(-1);
      expect(warnings).toEqual([]);
    });

    it('24-bit FLAC decodes to exactly the 24-bit WAV samples (integer / 2^23, as libsndfile)', async () => {
      const flac = await decodeFlac(bytesOf(join(dir, 's24.flac')), 's24.flac');
      const wav = decodeWav(readFileSync(join(BIRDCALLS, 'robustness/XC444627_32k_s24.wav')), 's24.wav');
      expect(firstDifference(flac.channels[0], wav.channels[0])).toBe(-1);
    });

    it('a flipped bit that decodes to wrong samples is caught by the MD5 or the sample count', async () => {
      const bytes = bytesOf(path(CLIPS[0], 'flac'));
      bytes[Math.floor(bytes.length * 0.6)] ^= 0x01;
      const { warnings, onWarning } = collect();
      await decodeFlac(bytes, 'flip.flac', { onWarning });
      expect(warnings.join('\n')).toMatch(/MD5|truncated or corrupt/);
    });
  });

  describe('Ogg Vorbis', () => {
    it.each(CLIPS)('%s matches libvorbisfile (sox) within half a 16-bit step, same length', async (clip) => {
      const { warnings, onWarning } = collect();
      const ogg = await decodeAudio(bytesOf(path(clip, 'ogg')), 'x.ogg', { onWarning });
      const ref = decodeWav(readFileSync(path(clip, 'ogg.ref.wav')), 'ref');
      expect(ogg.sampleRate).toBe(ref.sampleRate);
      expect(ogg.channels).toHaveLength(ref.channels.length);
      for (let c = 0; c < ref.channels.length; c++) {
        expect(ogg.channels[c].length).toBe(ref.channels[c].length);
        expect(maxAbsDiff(ogg.channels[c], ref.channels[c])).toBeLessThanOrEqual(OGG_TOLERANCE);
      }
      expect(warnings).toEqual([]);
    });

    it.each(CLIPS)('%s: mel dB within 0.2 dB of the reference decode (cells within 60 dB of the peak)', async (clip) => {
      const ogg = toMono(await decodeOggVorbis(bytesOf(path(clip, 'ogg')), 'x.ogg'));
      const ref = toMono(decodeWav(readFileSync(path(clip, 'ogg.ref.wav')), 'ref'));
      const diff = melDbDifference(ogg.samples, ref.samples, ref.sampleRate);
      expect(diff.max).toBeLessThan(MEL_DB.ogg.max);
      expect(diff.mean).toBeLessThan(MEL_DB.ogg.mean);
    });
  });

  describe('MP3', () => {
    it.each(CLIPS)('%s matches libmad (sox) within 1e-5, at most one MPEG frame longer', async (clip) => {
      const { warnings, onWarning } = collect();
      const mp3 = await decodeAudio(bytesOf(path(clip, 'mp3')), 'x.mp3', { onWarning });
      const ref = decodeWav(readFileSync(path(clip, 'mp3.ref.wav')), 'ref');
      expect(mp3.sampleRate).toBe(ref.sampleRate);
      // mpg123-decoder always returns two channels; a mono stream must come back as one.
      expect(mp3.channels).toHaveLength(ref.channels.length);
      for (let c = 0; c < ref.channels.length; c++) {
        // libmad (in sox) does not output the final frame; mpg123 does.
        expect(mp3.channels[c].length - ref.channels[c].length).toBeGreaterThanOrEqual(0);
        expect(mp3.channels[c].length - ref.channels[c].length).toBeLessThanOrEqual(MPEG_FRAME);
        expect(maxAbsDiff(mp3.channels[c], ref.channels[c])).toBeLessThanOrEqual(MP3_TOLERANCE);
      }
      expect(warnings).toEqual([]);
    });

    it.each(CLIPS)('%s: mel dB within 0.01 dB of the reference decode (cells within 60 dB of the peak)', async (clip) => {
      const mp3 = toMono(await decodeMp3(bytesOf(path(clip, 'mp3')), 'x.mp3'));
      const ref = toMono(decodeWav(readFileSync(path(clip, 'mp3.ref.wav')), 'ref'));
      const diff = melDbDifference(mp3.samples.subarray(0, ref.samples.length), ref.samples, ref.sampleRate);
      expect(diff.max).toBeLessThan(MEL_DB.mp3.max);
      expect(diff.mean).toBeLessThan(MEL_DB.mp3.mean);
    });

    it('skips ID3v2 and ID3v1 tags: the same samples as the untagged file, no warning', async () => {
      const plain = bytesOf(path(CLIPS[0], 'mp3'));
      const body = 500;
      const id3v2 = new Uint8Array(10 + body);
      id3v2.set(new TextEncoder().encode('ID3\x03'));
      id3v2[8] = body >> 7;
      id3v2[9] = body & 0x7f;
      const id3v1 = new Uint8Array(128);
      id3v1.set(new TextEncoder().encode('TAGSong title'));
      const tagged = new Uint8Array(id3v2.length + plain.length + id3v1.length);
      tagged.set(id3v2);
      tagged.set(plain, id3v2.length);
      tagged.set(id3v1, id3v2.length + plain.length);
      const { warnings, onWarning } = collect();
      const a = await decodeAudio(tagged, 'tagged.mp3', { onWarning });
      const b = await decodeAudio(plain, 'plain.mp3');
      expect(firstDifference(a.channels[0], b.channels[0])).toBe(-1);
      expect(warnings).toEqual([]);
    });
  });

  describe('decoder reuse', () => {
    it.each(['flac', 'ogg', 'mp3'])('%s: files decoded concurrently and after a damaged file equal each decoded alone', async (ext) => {
      const files = CLIPS.map((clip) => bytesOf(path(clip, ext)));
      const alone: MultiChannelAudio[] = [];
      for (const [i, b] of files.entries()) alone.push(await decodeAudio(b, `${i}.${ext}`));
      const damaged = files[3].slice(0, files[3].length >> 1);
      damaged.fill(0x55, damaged.length >> 1, (damaged.length >> 1) + 500);
      const mixed = await Promise.all([
        ...files.map((b, i) => decodeAudio(b, `${i}.${ext}`)),
        decodeAudio(damaged, `damaged.${ext}`, { onWarning: () => undefined }).catch(() => undefined),
        ...files.map((b, i) => decodeAudio(b, `${i}.${ext}`)),
      ]);
      const again = [...mixed.slice(0, files.length), ...mixed.slice(files.length + 1)];
      for (const [k, audio] of again.entries()) {
        const ref = alone[k % files.length];
        expect(audio?.channels).toHaveLength(ref.channels.length);
        for (let c = 0; c < ref.channels.length; c++) expect(firstDifference(audio?.channels[c] ?? [], ref.channels[c])).toBe(-1);
      }
    });
  });

  describe('content decides, the extension only warns', () => {
    it.each([
      ['flac', 'XC1.wav', 'FLAC'],
      ['ogg', 'XC1.mp3', 'Ogg Vorbis'],
      ['mp3', 'XC1.ogg', 'MPEG-1 Layer III'],
    ])('%s content named %s decodes as %s with one warning', async (ext, name, what) => {
      const { warnings, onWarning } = collect();
      const bytes = bytesOf(path(CLIPS[3], ext));
      const audio = await decodeAudio(bytes, name, { onWarning });
      expect(audio.channels).toHaveLength(2);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`the content is ${what}`);
      expect(audio.source).toBe(name);
    });
  });

  describe('corrupt and truncated streams end in samples with a warning, or a typed error', () => {
    const FORMATS = ['flac', 'ogg', 'mp3'] as const;
    const CODE = { flac: /^FLAC_/, ogg: /^OGG_/, mp3: /^MP3_/ };

    async function outcome(bytes: Uint8Array, name: string): Promise<{ frames?: number; warnings: string[]; error?: BirdcallError }> {
      const { warnings, onWarning } = collect();
      try {
        const audio = await decodeAudio(bytes, name, { onWarning });
        expect(audio.sampleRate).toBeGreaterThan(0);
        for (const ch of audio.channels) expect(ch.length).toBe(audio.channels[0].length);
        return { frames: audio.channels[0].length, warnings };
      } catch (err) {
        if (!(err instanceof BirdcallError)) throw err;
        expect(err.file).toBe(name);
        return { warnings, error: err };
      }
    }

    it.each(FORMATS)('%s cut in half (mid-frame): the first part, and a truncation warning', async (ext) => {
      const whole = bytesOf(path(CLIPS[0], ext));
      const full = await decodeAudio(whole, `x.${ext}`);
      const cut = await outcome(whole.subarray(0, Math.floor(whole.length / 2) + 7), `cut.${ext}`);
      expect(cut.error).toBeUndefined();
      expect(cut.frames).toBeGreaterThan(0);
      expect(cut.frames).toBeLessThan(full.channels[0].length);
      expect(cut.warnings.join('\n')).toMatch(/truncated/);
    });

    it.each(FORMATS)('%s cut to its first 100 bytes: a typed error', async (ext) => {
      const r = await outcome(bytesOf(path(CLIPS[0], ext)).subarray(0, 100), `head.${ext}`);
      expect(r.error?.code).toMatch(CODE[ext]);
    });

    it.each(FORMATS)('%s with 2 KiB zeroed in the middle: samples and a warning', async (ext) => {
      const bytes = bytesOf(path(CLIPS[3], ext));
      bytes.fill(0, bytes.length >> 1, (bytes.length >> 1) + 2048);
      const r = await outcome(bytes, `hole.${ext}`);
      expect(r.error).toBeUndefined();
      expect(r.warnings.length).toBeGreaterThan(0);
    });

    it.each(FORMATS)('%s with everything after the magic bytes replaced by noise: a typed error', async (ext) => {
      const bytes = bytesOf(path(CLIPS[1], ext));
      let seed = 99;
      for (let i = 4; i < bytes.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const r = await outcome(bytes, `noise.${ext}`);
      expect(r.error?.code).toMatch(CODE[ext]);
    });

    it.each(FORMATS)('%s with random cuts and flipped bytes: never an untyped error or ragged channels', async (ext) => {
      const original = bytesOf(path(CLIPS[3], ext));
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: original.length }),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }),
          async (length, flips) => {
            const bytes = original.slice(0, length);
            for (const [at, mask] of flips) bytes[at % length] ^= mask;
            await outcome(bytes, `fuzz.${ext}`);
          },
        ),
        { numRuns: 12, seed: 9 },
      );
    });
  });

  describe('maxSeconds', () => {
    it.each([
      ['flac', 'FLAC_TOO_LONG'],
      ['ogg', 'OGG_TOO_LONG'],
      ['mp3', 'MP3_TOO_LONG'],
    ])('refuses a %s longer than the limit (%s), naming the file', async (ext, code) => {
      const err = await decodeAudio(bytesOf(path(CLIPS[0], ext)), `long.${ext}`, { maxSeconds: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BirdcallError);
      expect((err as BirdcallError).code).toBe(code);
      expect((err as BirdcallError).file).toBe(`long.${ext}`);
    });
  });
});
