import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, it, expect } from 'vitest';
import { decodeWav, parseWavHeader } from '../../src/audio/wav.ts';
import { toMono } from '../../src/audio/mono.ts';
import { readAudioFile } from '../../src/audio/read.ts';
import { BIRDCALLS, FIXTURES, HAVE_SHARED } from '../helpers/shared.ts';
import { firstDifference, maxAbsDiff, peakAbs } from './compare.ts';

interface ManifestRow {
  path: string;
  sample_rate: string;
  channels: string;
  bit_depth: string;
  encoding: string;
  wav_format_tag: string;
  duration_s: string;
  wav_chunks: string;
}

const ROBUST = join(BIRDCALLS, 'robustness');
const CLIP = join(BIRDCALLS, 'clips', 'Melozone_crissalis', 'XC444627.wav');

describe.skipIf(!HAVE_SHARED)('real recordings in ../shared/data/birdcalls', () => {
  const rows: ManifestRow[] = HAVE_SHARED
    ? parse(readFileSync(join(BIRDCALLS, 'manifest.csv')), { columns: true, skip_empty_lines: true })
    : [];

  it('the manifest lists 98 WAV files', () => {
    expect(rows.filter((r) => r.path.endsWith('.wav'))).toHaveLength(98);
  });

  it.each(rows.map((r) => [r.path, r] as const))('%s decodes with the header the manifest records', (path, row) => {
    const bytes = readFileSync(join(BIRDCALLS, path));
    const warnings: string[] = [];
    const info = parseWavHeader(bytes, path);
    const audio = decodeWav(bytes, path, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(info.sampleRate).toBe(Number(row.sample_rate));
    expect(audio.sampleRate).toBe(Number(row.sample_rate));
    expect(audio.channels).toHaveLength(Number(row.channels));
    expect(info.bitsPerSample).toBe(Number(row.bit_depth));
    expect(info.encoding).toBe(row.encoding);
    expect(info.formatTag).toBe(parseInt(row.wav_format_tag, 16));
    // wav_chunks lists four-character ids separated by one space ('fmt  data LIST id3 ').
    const ids = Array.from({ length: Math.ceil(row.wav_chunks.length / 5) }, (_, i) => row.wav_chunks.slice(i * 5, i * 5 + 4));
    expect(info.chunks.map((c) => c.id)).toEqual(ids);
    expect(audio.channels[0].length / audio.sampleRate).toBeCloseTo(Number(row.duration_s), 2);
    const peak = Math.max(...audio.channels.map(peakAbs));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(1);
  });

  it('24-bit (plain and extensible), 32-bit and float variants decode to exactly the 16-bit clip', () => {
    const ref = decodeWav(readFileSync(CLIP), 'clip').channels[0];
    for (const f of ['XC444627_32k_s24.wav', 'XC444627_32k_s24_plainfmt.wav', 'XC444627_32k_s32.wav', 'XC444627_32k_f32.wav']) {
      const a = decodeWav(readFileSync(join(ROBUST, f)), f);
      expect(a.channels, f).toHaveLength(1);
      expect(a.sampleRate).toBe(32000);
      expect(firstDifference(a.channels[0], ref), f).toBe(-1);
    }
  });

  it('the dithered 8-bit variant stays within sox dither of the clip, with no bias', () => {
    const ref = decodeWav(readFileSync(CLIP), 'clip').channels[0];
    const u8 = decodeWav(readFileSync(join(ROBUST, 'XC444627_32k_u8.wav')), 'u8').channels[0];
    expect(u8.length).toBe(ref.length);
    let maxErr = 0;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = u8[i] - ref[i];
      maxErr = Math.max(maxErr, Math.abs(d));
      sum += d;
      sumSq += d * d;
    }
    // sox's TPDF dither adds up to +-1 LSB on top of +-0.5 LSB rounding, so single samples may differ by
    // more than 1/128; the RMS error stays under one 8-bit step and the mean under a tenth of one.
    expect(maxErr).toBeLessThanOrEqual(2 / 128);
    expect(Math.sqrt(sumSq / ref.length)).toBeLessThan(1 / 128);
    expect(Math.abs(sum / ref.length)).toBeLessThan(0.1 / 128);
  });

  it('stereo becomes the channel mean, and the 48 kHz mono variant is close to that mean', async () => {
    const stereo = decodeWav(readFileSync(join(ROBUST, 'XC444627_48k_s16_stereo.wav')), 'st');
    const mono = toMono(stereo).samples;
    for (let i = 0; i < mono.length; i += 997) {
      expect(mono[i]).toBe(Math.fround((stereo.channels[0][i] + stereo.channels[1][i]) / 2));
    }
    const soxMono = (await readAudioFile(join(ROBUST, 'XC444627_48k_s16_mono.wav'))).samples;
    expect(soxMono.length).toBe(mono.length);
    const maxErr = maxAbsDiff(soxMono, mono);
    // sox remix rounds (and may dither) the mean back to 16 bits: a few LSBs.
    expect(maxErr).toBeLessThan(4 / 32768);
  });

  it('chunks after data (LIST, id3) are listed and skipped', () => {
    const info = parseWavHeader(readFileSync(join(ROBUST, 'audiomoth_with_info_chunk.wav')), 'moth');
    const data = info.chunks.find((c) => c.id === 'data');
    expect(info.chunks.map((c) => c.id)).toEqual(['fmt ', 'data', 'LIST', 'id3 ']);
    expect(info.dataOffset).toBe((data?.offset ?? 0) + 8);
    expect(info.numFrames).toBe((data?.size ?? 0) / 2);
  });
});

describe.skipIf(!HAVE_SHARED)('librosa fixture signals in ../shared/fixtures/signals', () => {
  const index = HAVE_SHARED ? JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) : { signals: {} };
  const signals = Object.entries(index.signals as Record<string, { sr: number; n_samples: number; wav_pcm16: string; wav_f32: string; samples_f32: { file: string } }>);

  it('there are signals to check', () => {
    expect(signals.length).toBeGreaterThanOrEqual(3);
  });

  it.each(signals)('%s: the pcm16 WAV, the float WAV and the raw samples hold exactly the same values', async (_name, s) => {
    const raw = readFileSync(join(FIXTURES, s.samples_f32.file));
    const expected = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    expect(expected.length).toBe(s.n_samples);
    for (const wav of [s.wav_pcm16, s.wav_f32]) {
      const a = await readAudioFile(join(FIXTURES, wav));
      expect(a.sampleRate, wav).toBe(s.sr);
      expect(firstDifference(a.samples, expected), wav).toBe(-1);
    }
  });
});
