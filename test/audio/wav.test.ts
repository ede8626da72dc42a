import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { decodeWav, openWavStream, parseWavHeader } from '../../src/audio/wav.ts';
import { toMono } from '../../src/audio/mono.ts';
import { readAudioFile } from '../../src/audio/read.ts';
import { BirdcallError } from '../../src/errors.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { chunk, extensibleBody, fmtBody, riff, CORPUS_DIR } from './corpus/build.ts';
import { firstDifference } from './compare.ts';

function bytesOf(values: number[], width: 1 | 2 | 3 | 4 | 8, kind: 'int' | 'uint' | 'float'): Uint8Array {
  const b = new Uint8Array(values.length * width);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    const at = i * width;
    if (kind === 'float') {
      if (width === 8) v.setFloat64(at, x, true);
      else v.setFloat32(at, x, true);
    } else if (kind === 'uint') v.setUint8(at, x);
    else if (width === 2) v.setInt16(at, x, true);
    else if (width === 4) v.setInt32(at, x, true);
    else {
      v.setUint16(at, x & 0xffff, true);
      v.setUint8(at + 2, (x >> 16) & 0xff);
    }
  });
  return b;
}

function wav(fmt: Parameters<typeof fmtBody>[0], data: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  return riff([chunk('fmt ', fmtBody(fmt)), ...extra, chunk('data', data)]);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof BirdcallError) return err.code;
    throw err;
  }
  return 'no error';
}

const tmp = mkdtempSync(join(tmpdir(), 'birdcall-wav-'));

describe('decodeWav: sample scaling as libsndfile', () => {
  it('16-bit: int16 / 32768, full scale maps to -1 and just under +1', () => {
    const a = decodeWav(wav({ bits: 16 }, bytesOf([-32768, -1, 0, 1, 32767], 2, 'int')), 't');
    expect(Array.from(a.channels[0])).toEqual([-1, -1 / 32768, 0, 1 / 32768, Math.fround(32767 / 32768)]);
  });

  it('24-bit: sign extension and int24 / 8388608, including the most negative value', () => {
    const a = decodeWav(wav({ bits: 24 }, bytesOf([-8388608, -1, 0, 8388607, 0x123456], 3, 'int')), 't');
    expect(Array.from(a.channels[0])).toEqual([-1, -1 / 8388608, 0, 8388607 / 8388608, 0x123456 / 8388608]);
  });

  it('32-bit: int32 / 2147483648, rounded to float32 as libsndfile does', () => {
    const vals = [-2147483648, -1, 0, 2147483647, 123456789];
    const a = decodeWav(wav({ bits: 32 }, bytesOf(vals, 4, 'int')), 't');
    expect(Array.from(a.channels[0])).toEqual(vals.map((x) => Math.fround(Math.fround(x) / 2147483648)));
  });

  it('8-bit unsigned: (x - 128) / 128', () => {
    const a = decodeWav(wav({ bits: 8 }, bytesOf([0, 1, 127, 128, 255], 1, 'uint')), 't');
    expect(Array.from(a.channels[0])).toEqual([-1, -127 / 128, -1 / 128, 0, 127 / 128]);
  });

  it('12-bit PCM in 2-byte containers reads like 16-bit (left-justified)', () => {
    const a = decodeWav(wav({ bits: 12, blockAlign: 2 }, bytesOf([-32768, 16, 32752], 2, 'int')), 't');
    expect(Array.from(a.channels[0])).toEqual([-1, 16 / 32768, 32752 / 32768]);
  });

  it('float 32 and 64 keep their values (64 rounded to float32)', () => {
    const vals = [0.1, -0.25, 1.5, 1e-30];
    const f32 = decodeWav(wav({ tag: 3, bits: 32 }, bytesOf(vals, 4, 'float')), 't');
    const f64 = decodeWav(wav({ tag: 3, bits: 64 }, bytesOf(vals, 8, 'float')), 't');
    expect(Array.from(f32.channels[0])).toEqual(vals.map(Math.fround));
    expect(Array.from(f64.channels[0])).toEqual(vals.map(Math.fround));
  });

  it('WAVE_FORMAT_EXTENSIBLE with a float sub-format reads as float', () => {
    const bytes = riff([chunk('fmt ', extensibleBody(3, 32)), chunk('data', bytesOf([0.5, -0.5], 4, 'float'))]);
    const info = parseWavHeader(bytes, 't');
    expect([info.formatTag, info.effectiveFormatTag, info.encoding]).toEqual([0xfffe, 3, 'ieee_float']);
    expect(Array.from(decodeWav(bytes, 't').channels[0])).toEqual([0.5, -0.5]);
  });

  it('interleaved channels are split in order', () => {
    const a = decodeWav(wav({ channels: 3, bits: 16 }, bytesOf([1, 2, 3, 4, 5, 6], 2, 'int')), 't');
    expect(a.channels.map((c) => Array.from(c, (v) => v * 32768))).toEqual([[1, 4], [2, 5], [3, 6]]);
  });
});

describe('decodeWav: header facts and bad input', () => {
  it('reports the header: format, sizes, frames, duration, chunk list', () => {
    const bytes = wav({ channels: 2, rate: 44100, bits: 24 }, new Uint8Array(6 * 10), [chunk('LIST', new Uint8Array(4))]);
    const info = parseWavHeader(bytes, 't');
    expect(info).toMatchObject({ formatTag: 1, channels: 2, sampleRate: 44100, bitsPerSample: 24, blockAlign: 6, dataBytes: 60, numFrames: 10 });
    expect(info.dataOffset).toBe(12 + 24 + 12 + 8);
    expect(info.durationSeconds).toBeCloseTo(10 / 44100, 12);
    expect(info.chunks.map((c) => [c.id, c.offset, c.size])).toEqual([['fmt ', 12, 16], ['LIST', 36, 4], ['data', 48, 60]]);
    expect(info.warnings).toEqual([]);
  });

  it('maxSeconds refuses long files before decoding (WAV_TOO_LONG) and accepts files at the limit', () => {
    const bytes = wav({ rate: 100 }, new Uint8Array(2 * 250));
    expect(codeOf(() => decodeWav(bytes, 't', { maxSeconds: 2 }))).toBe('WAV_TOO_LONG');
    expect(() => decodeWav(bytes, 't', { maxSeconds: 2 })).toThrow(/2\.500 s .* limit of 2 s/);
    expect(decodeWav(bytes, 't', { maxSeconds: 2.5 }).channels[0]).toHaveLength(250);
  });

  it('RF64 and RIFX are refused by name', () => {
    const base = wav({}, new Uint8Array(4));
    for (const magic of ['RF64', 'RIFX']) {
      const b = base.slice();
      b.set(new TextEncoder().encode(magic), 0);
      expect(() => decodeWav(b, 'x.wav')).toThrow(new RegExp(`^x\\.wav: .*${magic}`));
    }
  });

  it('errors name the file and carry a stable code', () => {
    const err = (() => {
      try {
        decodeWav(new Uint8Array(8), 'dir/bad.wav');
      } catch (e) {
        return e as BirdcallError;
      }
    })();
    expect(err).toBeInstanceOf(BirdcallError);
    expect([err?.code, err?.file]).toEqual(['WAV_NOT_RIFF', 'dir/bad.wav']);
    expect(err?.message).toMatch(/^dir\/bad\.wav: file is 8 bytes/);
  });

  it('each fmt check has its own code', () => {
    const d = new Uint8Array(8);
    expect(codeOf(() => decodeWav(wav({ channels: 0, blockAlign: 2 }, d), 't'))).toBe('WAV_ZERO_CHANNELS');
    expect(codeOf(() => decodeWav(wav({ rate: 0 }, d), 't'))).toBe('WAV_ZERO_SAMPLE_RATE');
    expect(codeOf(() => decodeWav(wav({ blockAlign: 0 }, d), 't'))).toBe('WAV_ZERO_BLOCK_ALIGN');
    expect(codeOf(() => decodeWav(wav({ blockAlign: 4 }, d), 't'))).toBe('WAV_BAD_BLOCK_ALIGN');
    expect(codeOf(() => decodeWav(wav({ bits: 33, blockAlign: 5 }, d), 't'))).toBe('WAV_UNSUPPORTED_BIT_DEPTH');
    expect(codeOf(() => decodeWav(wav({ tag: 3, bits: 24 }, d), 't'))).toBe('WAV_UNSUPPORTED_BIT_DEPTH');
    expect(codeOf(() => decodeWav(wav({ tag: 7, bits: 8 }, d), 't'))).toBe('WAV_COMPRESSED');
    expect(codeOf(() => decodeWav(wav({ tag: 0x77 }, d), 't'))).toBe('WAV_UNSUPPORTED_FORMAT');
    expect(codeOf(() => decodeWav(riff([chunk('data', d)]), 't'))).toBe('WAV_NO_FMT');
    expect(codeOf(() => decodeWav(riff([chunk('fmt ', fmtBody({}))]), 't'))).toBe('WAV_NO_DATA');
    expect(codeOf(() => decodeWav(riff([chunk('fmt ', fmtBody({}).subarray(0, 12)), chunk('data', d)]), 't'))).toBe('WAV_BAD_FMT');
  });

  it('bad data that decodes: all-zero, DC offset, shorter than one frame, 1 Hz and 10 MHz rates give documented results', () => {
    expect(Array.from(decodeWav(wav({}, new Uint8Array(8)), 't').channels[0])).toEqual([0, 0, 0, 0]);
    expect(Array.from(decodeWav(wav({}, bytesOf([16384, 16384], 2, 'int')), 't').channels[0])).toEqual([0.5, 0.5]);
    const warnings: string[] = [];
    const one = decodeWav(wav({ channels: 2 }, new Uint8Array(3)), 't', { onWarning: (m) => warnings.push(m) });
    expect(one.channels.map((c) => c.length)).toEqual([0, 0]);
    expect(warnings.join(' ')).toMatch(/no complete frame/);
    expect(decodeWav(wav({ rate: 1 }, new Uint8Array(4)), 't').sampleRate).toBe(1);
    expect(decodeWav(wav({ rate: 10_000_000 }, new Uint8Array(4)), 't').sampleRate).toBe(10_000_000);
  });
});

describe('readAudioFile', () => {
  it('reads, decodes and mixes to mono; the source is the path', async () => {
    const p = join(tmp, 'stereo.wav');
    writeFileSync(p, wav({ channels: 2 }, bytesOf([100, 300, -100, -300], 2, 'int')));
    const a = await readAudioFile(p);
    expect(a.source).toBe(p);
    expect(Array.from(a.samples, (v) => v * 32768)).toEqual([200, -200]);
  });

  it('a missing file is FILE_UNREADABLE naming the path; maxBytes gives FILE_TOO_LARGE', async () => {
    await expect(readAudioFile(join(tmp, 'nope.wav'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE', file: join(tmp, 'nope.wav') });
    const p = join(tmp, 'big.wav');
    writeFileSync(p, wav({}, new Uint8Array(1000)));
    await expect(readAudioFile(p, { maxBytes: 500 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });
});

async function streamAll(path: string, blockFrames: number): Promise<{ samples: Float32Array; blocks: number[] }> {
  const s = await openWavStream(path, { blockFrames });
  const parts: Float32Array[] = [];
  for await (const b of s.blocks()) parts.push(b);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return { samples: out, blocks: parts.map((p) => p.length) };
}

describe('openWavStream', () => {
  it('yields mono blocks equal to decodeWav + toMono, for 3 channels, any block size, chunks before and after data', async () => {
    const vals = Array.from({ length: 3 * 1001 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const bytes = riff([chunk('LIST', new Uint8Array(5)), chunk('fmt ', fmtBody({ channels: 3 })), chunk('data', bytesOf(vals, 2, 'int')), chunk('id3 ', new Uint8Array(9))]);
    const p = join(tmp, 'three.wav');
    writeFileSync(p, bytes);
    const whole = toMono(decodeWav(bytes, p)).samples;
    for (const blockFrames of [1, 97, 1000, 1001, 65536]) {
      const { samples, blocks } = await streamAll(p, blockFrames);
      expect(firstDifference(samples, whole), `blockFrames ${blockFrames}`).toBe(-1);
      expect(Math.max(...blocks)).toBeLessThanOrEqual(blockFrames);
    }
  });

  it('reads truncated data and float NaN the same way as decodeWav', async () => {
    for (const name of ['truncated-mid-data.wav', 'float-nan-inf.wav', 'data-4gib-in-1kib.wav', 'odd-chunk-without-pad.wav']) {
      const p = join(CORPUS_DIR, name);
      const whole = toMono(decodeWav(readFileSync(p), p)).samples;
      expect(firstDifference((await streamAll(p, 7)).samples, whole), name).toBe(-1);
    }
  });

  it('header errors are the same BirdcallErrors; a missing file is FILE_UNREADABLE', async () => {
    await expect(openWavStream(join(CORPUS_DIR, 'codec-mulaw.wav'))).rejects.toMatchObject({ code: 'WAV_COMPRESSED' });
    await expect(openWavStream(join(CORPUS_DIR, 'fmt-size-past-end.wav'))).rejects.toMatchObject({ code: 'WAV_NO_DATA' });
    await expect(openWavStream(join(tmp, 'missing.wav'))).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it.skipIf(!HAVE_SHARED)('a real stereo recording streams to the same samples as decodeWav + toMono', async () => {
    const p = join(BIRDCALLS, 'robustness', 'XC444627_48k_s16_stereo.wav');
    const whole = toMono(decodeWav(readFileSync(p), p)).samples;
    const { samples } = await streamAll(p, 10_000);
    expect(firstDifference(samples, whole)).toBe(-1);
  });
});

describe('toMono', () => {
  it('one channel is passed through without a copy', () => {
    const ch = new Float32Array([0.1, 0.2]);
    expect(toMono({ channels: [ch], sampleRate: 8000, source: 's' }).samples).toBe(ch);
  });

  it('is the float32 channel mean, accumulated in float32 as numpy does', () => {
    const c = [new Float32Array([0.1, 1e-8]), new Float32Array([0.2, 1]), new Float32Array([0.3, -1])];
    const m = toMono({ channels: c, sampleRate: 8000, source: 's' }).samples;
    const f = Math.fround;
    for (let i = 0; i < 2; i++) expect(m[i]).toBe(f(f(f(c[0][i] + c[1][i]) + c[2][i]) / 3));
    // float32 accumulation loses the 1e-8 next to 1, as numpy's float32 mean does.
    expect(m[1]).toBe(0);
  });

  it('no channels gives no samples', () => {
    expect(toMono({ channels: [], sampleRate: 8000, source: 's' }).samples).toHaveLength(0);
  });
});
