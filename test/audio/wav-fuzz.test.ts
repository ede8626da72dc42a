import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { decodeWav, parseWavHeader } from '../../src/audio/wav.ts';
import { BirdcallError } from '../../src/errors.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { CORPUS_DIR } from './corpus/build.ts';

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Offsets of the 4-byte size fields of every chunk (and of the RIFF header). */
  sizeFields: number[];
  /** Offset of the fmt chunk body. */
  fmtBody: number;
  /** Bytes worth mutating byte by byte: the header up to a little past the start of the samples. */
  headerEnd: number;
}

function seed(name: string, file: Uint8Array): Seed {
  const whole = new Uint8Array(file);
  const info = parseWavHeader(whole, name);
  // Keep 4 KiB of samples (whole frames) and every chunk after them, so each case is fast while the
  // header and the trailing chunks are fuzzed as the real file has them.
  const data = info.chunks.find((c) => c.id === 'data');
  const keep = Math.min(info.dataBytes, 4096 - (4096 % info.blockAlign));
  const afterData = info.dataOffset + info.dataBytes + (info.dataBytes & 1);
  const padded = keep + (keep & 1);
  const bytes = new Uint8Array(info.dataOffset + padded + Math.max(0, whole.length - afterData));
  bytes.set(whole.subarray(0, info.dataOffset + keep), 0);
  bytes.set(whole.subarray(afterData), info.dataOffset + padded);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, bytes.length - 8, true);
  view.setUint32((data?.offset ?? 0) + 4, keep, true);
  const reparsed = parseWavHeader(bytes, name);
  const fmt = reparsed.chunks.find((c) => c.id === 'fmt ');
  return {
    name,
    bytes,
    sizeFields: [4, ...reparsed.chunks.map((c) => c.offset + 4)],
    fmtBody: (fmt?.offset ?? 12) + 8,
    headerEnd: Math.min(bytes.length, reparsed.dataOffset + 16),
  };
}

function seeds(): Seed[] {
  const corpus = ['valid.wav', 'extensible-pcm16.wav', 'odd-data-with-pad.wav'];
  const out = corpus.map((f) => seed(`corpus/${f}`, readFileSync(join(CORPUS_DIR, f))));
  if (HAVE_SHARED) {
    const real = [
      'clips/Melozone_crissalis/XC444627.wav',
      'robustness/XC444627_32k_s24.wav',
      'robustness/XC444627_32k_s32.wav',
      'robustness/XC444627_32k_f32.wav',
      'robustness/XC444627_32k_u8.wav',
      'robustness/XC444627_48k_s16_stereo.wav',
      'robustness/audiomoth_with_info_chunk.wav',
    ];
    for (const p of real) out.push(seed(p, readFileSync(join(BIRDCALLS, p))));
  }
  return out;
}

type MutationKind = 'byte' | 'size' | 'fmt16' | 'truncate' | 'insert' | 'delete';

const interesting32 = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
  fc.integer({ min: 0, max: 4096 }),
  fc.integer({ min: 0, max: 0xffffffff }),
);
const interesting16 = fc.oneof(fc.constantFrom(0, 1, 2, 3, 6, 7, 8, 17, 0x55, 0xfffe, 0xffff), fc.integer({ min: 0, max: 0xffff }));
// Positions are fractions of the relevant range, so one arbitrary works for every seed.
const frac = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

interface MutationDraw {
  kind: MutationKind;
  /** Where, as a fraction of the relevant range. */
  f: number;
  g: number;
  v32: number;
  v16: number;
  bytes: Uint8Array;
}

const mutation: fc.Arbitrary<MutationDraw> = fc.record({
  kind: fc.constantFrom<MutationKind>('byte', 'byte', 'size', 'size', 'fmt16', 'fmt16', 'truncate', 'insert', 'delete'),
  f: frac,
  g: frac,
  v32: interesting32,
  v16: interesting16,
  bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
});

function apply(s: Seed, muts: MutationDraw[]): Uint8Array {
  let b = s.bytes.slice();
  for (const m of muts) {
    // Past the 'RIFF' magic: mutating it only ever gives WAV_NOT_RIFF, which the corpus already covers.
    const inHeader = Math.min(b.length, 4 + Math.floor(m.f * (s.headerEnd - 4)));
    switch (m.kind) {
      case 'byte':
        if (inHeader < b.length) b[inHeader] = m.v16 & 0xff;
        break;
      case 'size': {
        const at = s.sizeFields[Math.floor(m.f * s.sizeFields.length)];
        if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, m.v32, true);
        break;
      }
      case 'fmt16': {
        const at = s.fmtBody + 2 * Math.floor(m.f * 13);
        if (at + 2 <= b.length) new DataView(b.buffer).setUint16(at, m.v16, true);
        break;
      }
      case 'truncate':
        b = b.slice(0, Math.floor(m.f * b.length));
        break;
      case 'insert': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, inHeader), 0);
        out.set(m.bytes, inHeader);
        out.set(b.subarray(inHeader), inHeader + m.bytes.length);
        b = out;
        break;
      }
      case 'delete': {
        const count = 1 + Math.floor(m.g * 16);
        const out = new Uint8Array(Math.max(inHeader, b.length - count));
        out.set(b.subarray(0, inHeader), 0);
        out.set(b.subarray(inHeader + count), inHeader);
        b = out;
        break;
      }
    }
  }
  return b;
}

describe('decoder fuzzing: mutated real headers', () => {
  const all = seeds();

  it('the seeds decode as they are, with the chunks after data kept', () => {
    for (const s of all) expect(() => decodeWav(s.bytes, s.name, { onWarning: (m) => expect.fail(`${s.name}: ${m}`) })).not.toThrow();
    const moth = all.find((s) => s.name.includes('audiomoth'));
    if (moth) expect(parseWavHeader(moth.bytes, 'm').chunks.map((c) => c.id)).toEqual(['fmt ', 'data', 'LIST', 'id3 ']);
  });

  it('every mutated file ends in finite samples no larger than the file, or a BirdcallError naming it', () => {
    let cases = 0;
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), (which, muts) => {
        const s = all[which];
        const bytes = apply(s, muts);
        cases++;
        let outcome: string;
        try {
          const a = decodeWav(bytes, s.name);
          let total = 0;
          for (const ch of a.channels) {
            total += ch.length;
            for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i])) return false;
          }
          // At least one byte per sample in the file: nothing is allocated beyond what the file holds.
          if (total > bytes.length) return false;
          if (!(a.sampleRate > 0)) return false;
          outcome = 'samples';
        } catch (err) {
          if (!(err instanceof BirdcallError)) throw err;
          if (!/^WAV_[A-Z_]+$/.test(err.code) || err.file !== s.name) return false;
          outcome = err.code;
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        return true;
      }),
      { numRuns: 3000 },
    );
    console.log(`wav fuzz: ${cases} mutated files from ${all.length} seeds:`, Object.fromEntries([...outcomes].sort()));
    expect(cases).toBeGreaterThanOrEqual(3000);
    // The mutations reach both ends: some files still decode, and several distinct errors are hit.
    expect(outcomes.get('samples') ?? 0).toBeGreaterThan(0);
    expect(outcomes.size).toBeGreaterThan(5);
  });
});
