import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { chunkAudio, chunkParams, planChunks } from '../../src/audio/chunk.ts';
import type { Audio } from '../../src/audio/types.ts';
import { BirdcallError } from '../../src/errors.ts';

/** Samples 1, 2, 3, … so every sample says where it came from (and none is a padding zero). */
function ramp(n: number, sampleRate: number): Audio {
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = i + 1;
  return { samples, sampleRate, source: 'ramp.wav' };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof BirdcallError ? e.code : `not a BirdcallError: ${String(e)}`;
  }
  return undefined;
}

describe('chunkAudio', () => {
  it('cuts fixed windows and zero-pads the last one by default', () => {
    const sr = 32000;
    const audio = ramp(Math.round(12.3 * sr), sr);
    const chunks = chunkAudio(audio, { seconds: 5 });
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(chunks.map((c) => c.samples.length)).toEqual([5 * sr, 5 * sr, 5 * sr]);
    expect(chunks.map((c) => c.startSeconds)).toEqual([0, 5, 10]);
    expect(chunks.map((c) => c.endSeconds)).toEqual([5, 10, 12.3]);
    const last = chunks[2];
    const real = Math.round(2.3 * sr);
    expect(last.samples[0]).toBe(10 * sr + 1);
    expect(last.samples[real - 1]).toBe(audio.samples[audio.samples.length - 1]);
    expect(last.samples.subarray(real).every((v) => v === 0)).toBe(true);
    expect(chunks.every((c) => c.source === 'ramp.wav' && c.sampleRate === sr)).toBe(true);
  });

  it("drops the partial last chunk with last='drop'", () => {
    const chunks = chunkAudio(ramp(12_300, 1000), { seconds: 5, last: 'drop' });
    expect(chunks.map((c) => [c.startSeconds, c.endSeconds])).toEqual([
      [0, 5],
      [5, 10],
    ]);
  });

  it("gives one padded chunk for a recording shorter than a chunk, none with 'drop'", () => {
    const short = ramp(2500, 1000);
    const padded = chunkAudio(short, { seconds: 5 });
    expect(padded).toHaveLength(1);
    expect(padded[0].samples.length).toBe(5000);
    expect(padded[0].endSeconds).toBe(2.5);
    expect(chunkAudio(short, { seconds: 5, last: 'drop' })).toHaveLength(0);
    expect(chunkAudio(ramp(0, 1000), { seconds: 5 })).toHaveLength(0);
  });

  it('overlaps windows and emits no tail chunk lying wholly inside the previous one', () => {
    const chunks = chunkAudio(ramp(10_000, 1000), { seconds: 5, overlap: 2.5 });
    expect(chunks.map((c) => c.startSeconds)).toEqual([0, 2.5, 5]);
    const tail = chunkAudio(ramp(11_000, 1000), { seconds: 5, overlap: 2.5 });
    expect(tail.map((c) => [c.startSeconds, c.endSeconds])).toEqual([
      [0, 5],
      [2.5, 7.5],
      [5, 10],
      [7.5, 11],
    ]);
  });

  it('drops a partial chunk with less real audio than minLastSeconds', () => {
    const audio = ramp(10_400, 1000);
    expect(chunkAudio(audio, { seconds: 5, minLastSeconds: 0.5 })).toHaveLength(2);
    expect(chunkAudio(audio, { seconds: 5, minLastSeconds: 0.4 })).toHaveLength(3);
  });

  it('computes offsets from whole samples, so long files do not drift', () => {
    // 0.1 s is not representable in binary: summing it 1000 times gives 99.9999999999986, not 100.
    const sr = 22050;
    const chunks = chunkAudio(ramp(100 * sr, sr), { seconds: 0.1 });
    expect(chunks).toHaveLength(1000);
    for (const c of chunks) {
      expect(c.startSeconds).toBe((c.index * 2205) / sr);
      expect(c.samples[0]).toBe(c.index * 2205 + 1);
    }
    expect(chunks[999].endSeconds).toBe(100);
    // Ten hours at 44.1 kHz, planned without allocating samples.
    const plan = planChunks(10 * 3600 * 44100, 44100, { seconds: 0.1 });
    expect(plan.starts).toHaveLength(360_000);
    expect(plan.starts[359_999]).toBe(359_999 * 4410);
  });

  it('returns copies, not views of the recording', () => {
    const audio = ramp(10_000, 1000);
    const [first] = chunkAudio(audio, { seconds: 5 });
    expect(first.samples.buffer).not.toBe(audio.samples.buffer);
    first.samples[0] = -1;
    expect(audio.samples[0]).toBe(1);
  });

  it('rejects impossible parameters with a BirdcallError naming the file', () => {
    const audio = ramp(1000, 1000);
    expect(codeOf(() => chunkAudio(audio, { seconds: 5, overlap: 5 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => chunkAudio(audio, { seconds: -1 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => chunkAudio(audio, { seconds: 1e-6 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => chunkAudio(audio, { seconds: 5, minLastSeconds: 6 }))).toBe('PARAM_INVALID');
    expect(codeOf(() => chunkAudio({ ...audio, sampleRate: 0 }))).toBe('AUDIO_BAD_RATE');
    expect(() => chunkAudio(audio, { seconds: 5, overlap: 6 })).toThrow(/ramp\.wav/);
  });

  it('says which limit was broken, naming the step and the file', () => {
    const audio = ramp(1000, 1000);
    expect(() => chunkAudio(audio, { seconds: 1e-6 })).toThrow(/chunk: seconds=0.000001 is less than one sample at 1000 Hz/);
    expect(() => chunkAudio(audio, { seconds: 5, overlap: 6 })).toThrow(/overlap \(6 s\) must be less than seconds \(5 s\)/);
    expect(() => chunkAudio(audio, { seconds: 5, minLastSeconds: 6 })).toThrow(/minLastSeconds \(6 s\) exceeds seconds \(5 s\)/);
    expect(() => chunkAudio({ ...audio, sampleRate: 0 })).toThrow(/cannot chunk audio with sample rate 0 Hz/);
    expect(() => chunkAudio(audio, { seconds: -1 })).toThrow(expect.objectContaining({ file: 'ramp.wav', reason: expect.stringMatching(/^chunk: .*seconds/) }));
    expect(() => planChunks(1000, 1000, { seconds: -1 })).toThrow(expect.objectContaining({ file: 'audio' }));
  });

  it('accepts the limits themselves: a one-sample chunk, minLastSeconds equal to seconds', () => {
    expect(chunkAudio(ramp(3, 1000), { seconds: 0.001 }).map((c) => Array.from(c.samples))).toEqual([[1], [2], [3]]);
    expect(planChunks(2500, 1000, { seconds: 1, minLastSeconds: 1 }).starts).toEqual([0, 1000]);
  });

  it("keeps a last chunk that ends exactly at the end of the recording, also with last='drop'", () => {
    expect(planChunks(2000, 1000, { seconds: 1, last: 'drop' }).starts).toEqual([0, 1000]);
    expect(planChunks(2000, 1000, { seconds: 1 }).starts).toEqual([0, 1000]);
  });

  it('schema fills librosa-style defaults', () => {
    expect(chunkParams.parse({})).toEqual({ seconds: 5, overlap: 0, last: 'pad' });
  });

  it('covers every sample exactly where it belongs, for any geometry (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 399 }),
        fc.constantFrom('pad' as const, 'drop' as const),
        (n, len, ov, last) => {
          fc.pre(ov < len);
          const sr = 100;
          const audio = ramp(n, sr);
          const chunks = chunkAudio(audio, { seconds: len / sr, overlap: ov / sr, last });
          const covered = new Uint8Array(n);
          for (const c of chunks) {
            expect(c.samples.length).toBe(len);
            const start = Math.round(c.startSeconds * sr);
            const end = Math.round(c.endSeconds * sr);
            expect(start).toBe(c.index * (len - ov));
            // One expect per chunk: an expect per sample makes this property take a minute.
            let wrong = -1;
            for (let i = 0; i < len && wrong < 0; i++) if (c.samples[i] !== (start + i < end ? start + i + 1 : 0)) wrong = i;
            expect(wrong).toBe(-1);
            covered.fill(1, start, end);
          }
          if (last === 'pad') expect(covered.every((v) => v === 1)).toBe(true);
          else expect(chunks.every((c) => Math.round(c.endSeconds * sr) - Math.round(c.startSeconds * sr) === len)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
