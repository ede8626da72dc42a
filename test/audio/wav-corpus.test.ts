import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { decodeWav, parseWavHeader } from '../../src/audio/wav.ts';
import { BirdcallError } from '../../src/errors.ts';
import { buildCorpus, CORPUS_DIR, type Expected } from './corpus/build.ts';

const stored = JSON.parse(readFileSync(join(CORPUS_DIR, 'expected.json'), 'utf8')) as Record<string, Expected & { why: string }>;
const names = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.wav')).sort();

describe('malformed WAV corpus (test/audio/corpus)', () => {
  it('the stored files are exactly what build.ts makes (regenerate with npx tsx test/audio/corpus/build.ts)', () => {
    const built = buildCorpus();
    expect(names).toEqual(built.map((e) => e.name).sort());
    for (const e of built) {
      expect(Buffer.compare(readFileSync(join(CORPUS_DIR, e.name)), Buffer.from(e.bytes)), e.name).toBe(0);
      expect(stored[e.name], e.name).toEqual({ ...e.expected, why: e.why });
    }
  });

  it.each(names)('%s ends in samples or a typed error, as expected.json says', (name) => {
    const bytes = readFileSync(join(CORPUS_DIR, name));
    const expected = stored[name];
    const warnings: string[] = [];
    let outcome: Expected;
    try {
      const a = decodeWav(bytes, name, { onWarning: (m) => warnings.push(m) });
      for (const ch of a.channels) for (const v of ch) expect(Number.isFinite(v)).toBe(true);
      outcome = { outcome: 'samples', frames: a.channels[0].length, channels: a.channels.length, warns: warnings.length > 0 };
    } catch (err) {
      expect(err).toBeInstanceOf(BirdcallError);
      const e = err as BirdcallError;
      expect(e.file).toBe(name);
      expect(e.message.startsWith(`${name}: `)).toBe(true);
      outcome = { outcome: 'error', code: e.code };
    }
    const { why: _why, ...want } = expected;
    expect(outcome, `${name}: ${expected.why}; warnings: ${warnings.join(' | ')}`).toEqual(want);
  });

  it('compressed codecs are named in the error', () => {
    const cases: [string, RegExp][] = [
      ['codec-mulaw.wav', /µ-law.*0x0007/],
      ['codec-alaw.wav', /A-law.*0x0006/],
      ['codec-ms-adpcm.wav', /Microsoft ADPCM.*0x0002/],
      ['codec-ima-adpcm.wav', /IMA ADPCM.*0x0011/],
      ['codec-mpeg.wav', /MPEG.*0x0050/],
      ['codec-mp3.wav', /MP3.*0x0055/],
      ['codec-unknown.wav', /0x1234/],
      ['extensible-mulaw.wav', /µ-law.*EXTENSIBLE/],
    ];
    for (const [name, re] of cases) {
      expect(() => decodeWav(readFileSync(join(CORPUS_DIR, name)), name)).toThrow(re);
    }
  });

  it('a 4 GiB data size in a 1 KiB file is clamped to the bytes present and reported', () => {
    const bytes = readFileSync(join(CORPUS_DIR, 'data-4gib-in-1kib.wav'));
    const info = parseWavHeader(bytes, 'x.wav');
    const data = info.chunks.find((c) => c.id === 'data');
    expect(data?.declaredSize).toBe(0xffffffff);
    expect(info.dataBytes).toBe(bytes.length - info.dataOffset);
    expect(info.warnings.join(' ')).toMatch(/declares 4294967295 bytes/);
  });

  it('NaN and infinite float samples become 0 with a warning; finite ones, even out of range, are kept', () => {
    const warnings: string[] = [];
    const a = decodeWav(readFileSync(join(CORPUS_DIR, 'float-nan-inf.wav')), 'f.wav', { onWarning: (m) => warnings.push(m) });
    expect(Array.from(a.channels[0])).toEqual([0.5, 0, 0, 0, -0.5, 2.5]);
    expect(warnings.join(' ')).toMatch(/3 NaN or infinite/);
  });

  it('odd chunks are skipped with or without their pad byte, and give the same samples', () => {
    const ref = decodeWav(readFileSync(join(CORPUS_DIR, 'valid.wav')), 'v').channels[0];
    for (const name of ['odd-chunk-with-pad.wav', 'odd-chunk-without-pad.wav', 'fmt-after-data.wav', 'extensible-pcm16.wav']) {
      expect(decodeWav(readFileSync(join(CORPUS_DIR, name)), name).channels[0], name).toEqual(ref);
    }
    const padded = decodeWav(readFileSync(join(CORPUS_DIR, 'odd-data-with-pad.wav')), 'a').channels[0];
    expect(decodeWav(readFileSync(join(CORPUS_DIR, 'odd-data-without-pad.wav')), 'b').channels[0]).toEqual(padded);
  });

  it('a truncated data chunk decodes the whole frames present', () => {
    const ref = decodeWav(readFileSync(join(CORPUS_DIR, 'valid.wav')), 'v').channels[0];
    const cut = decodeWav(readFileSync(join(CORPUS_DIR, 'truncated-mid-data.wav')), 'c').channels[0];
    expect(cut).toEqual(ref.subarray(0, 50));
  });
});
