/**
 * Builds the malformed-WAV corpus kept beside this file. Each entry says what reading it must end in:
 * samples (with how many frames, and whether a warning is due) or a BirdcallError code.
 * `npx tsx test/audio/corpus/build.ts` rewrites the files; a test checks the stored files still equal these.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Expected =
  | { outcome: 'samples'; frames: number; channels: number; warns: boolean }
  | { outcome: 'error'; code: string };

export interface CorpusEntry {
  name: string;
  why: string;
  bytes: Uint8Array;
  expected: Expected;
}

const enc = new TextEncoder();

export function chunk(id: string, body: Uint8Array, declared = body.length, pad = true): Uint8Array {
  const padded = pad && body.length % 2 === 1 ? 1 : 0;
  const out = new Uint8Array(8 + body.length + padded);
  out.set(enc.encode(id), 0);
  new DataView(out.buffer).setUint32(4, declared >>> 0, true);
  out.set(body, 8);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function riff(parts: Uint8Array[], declared?: number, form = 'WAVE', magic = 'RIFF'): Uint8Array {
  const body = concat(enc.encode(form), ...parts);
  const out = new Uint8Array(8 + body.length);
  out.set(enc.encode(magic), 0);
  new DataView(out.buffer).setUint32(4, declared ?? body.length, true);
  out.set(body, 8);
  return out;
}

export interface FmtSpec {
  tag?: number;
  channels?: number;
  rate?: number;
  blockAlign?: number;
  bits?: number;
}

export function fmtBody({ tag = 1, channels = 1, rate = 8000, bits = 16, blockAlign }: FmtSpec): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  const ba = blockAlign ?? channels * Math.ceil(bits / 8);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * ba, true);
  v.setUint16(12, ba, true);
  v.setUint16(14, bits, true);
  return b;
}

/** A 40-byte WAVE_FORMAT_EXTENSIBLE body; `guidTail` overrides the 14 GUID bytes after the sub-format tag. */
export function extensibleBody(sub: number, bits: number, guidTail?: number[]): Uint8Array {
  const b = new Uint8Array(40);
  b.set(fmtBody({ tag: 0xfffe, bits }), 0);
  const v = new DataView(b.buffer);
  v.setUint16(16, 22, true);
  v.setUint16(18, bits, true);
  v.setUint32(20, 4, true);
  v.setUint16(24, sub, true);
  b.set(guidTail ?? [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  return b;
}

/** Deterministic pseudo-random bytes (xorshift32), so the corpus is reproducible. */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** 16-bit samples of a quiet sine, little-endian. */
function pcm16(frames: number, channels = 1): Uint8Array {
  const b = new Uint8Array(frames * channels * 2);
  const v = new DataView(b.buffer);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) v.setInt16((i * channels + c) * 2, Math.round(8000 * Math.sin(i / 5 + c)), true);
  }
  return b;
}

function float32(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat32(i * 4, x, true));
  return b;
}

const samples = (frames: number, warns: boolean, channels = 1): Expected => ({ outcome: 'samples', frames, channels, warns });
const error = (code: string): Expected => ({ outcome: 'error', code });

export function buildCorpus(): CorpusEntry[] {
  const fmt = chunk('fmt ', fmtBody({}));
  const data = chunk('data', pcm16(200));
  const valid = riff([fmt, data]);
  const entries: CorpusEntry[] = [];
  const add = (name: string, why: string, bytes: Uint8Array, expected: Expected): void => {
    entries.push({ name, why, bytes, expected });
  };

  add('valid.wav', 'reference: a plain 16-bit mono file', valid, samples(200, false));
  // Truncated headers.
  add('truncated-4-bytes.wav', 'only "RIFF"', valid.subarray(0, 4), error('WAV_NOT_RIFF'));
  add('truncated-12-bytes.wav', 'RIFF/WAVE header and nothing else', valid.subarray(0, 12), error('WAV_NO_FMT'));
  add('truncated-in-fmt-header.wav', 'ends inside the fmt chunk header', valid.subarray(0, 17), error('WAV_NO_FMT'));
  add('truncated-in-fmt-body.wav', 'fmt chunk body cut at 6 of 16 bytes', valid.subarray(0, 26), error('WAV_BAD_FMT'));
  add('truncated-before-data.wav', 'fmt complete, no data chunk', valid.subarray(0, 36), error('WAV_NO_DATA'));
  add('truncated-data-header.wav', 'data header present, no samples', valid.subarray(0, 44), samples(0, true));
  add('truncated-mid-data.wav', 'data cut at 101 of 400 bytes', valid.subarray(0, 44 + 101), samples(50, true));
  // Sizes past the end.
  const bigData = riff([fmt, chunk('data', pcm16(490), 0xffffffff)]);
  add('data-4gib-in-1kib.wav', 'data chunk declares 4 GiB in a 1 KiB file', bigData, samples(490, true));
  add('riff-size-past-end.wav', 'RIFF size 2 GiB, chunks fine', riff([fmt, data], 0x7fffffff), samples(200, true));
  add('list-size-past-end.wav', 'a LIST chunk before data declares 2 GiB', riff([fmt, chunk('LIST', noise(20, 7), 0x7fffffff), data]), error('WAV_NO_DATA'));
  add('fmt-size-past-end.wav', 'fmt declares 1 GiB', riff([chunk('fmt ', fmtBody({}), 0x40000000)]), error('WAV_NO_DATA'));
  // Zero or inconsistent fields.
  add('zero-channels.wav', 'channels = 0', riff([chunk('fmt ', fmtBody({ channels: 0, blockAlign: 2 })), data]), error('WAV_ZERO_CHANNELS'));
  add('zero-block-align.wav', 'blockAlign = 0', riff([chunk('fmt ', fmtBody({ blockAlign: 0 })), data]), error('WAV_ZERO_BLOCK_ALIGN'));
  add('zero-sample-rate.wav', 'sampleRate = 0', riff([chunk('fmt ', fmtBody({ rate: 0 })), data]), error('WAV_ZERO_SAMPLE_RATE'));
  add('bad-block-align.wav', 'blockAlign 3 for 16-bit mono', riff([chunk('fmt ', fmtBody({ blockAlign: 3 })), data]), error('WAV_BAD_BLOCK_ALIGN'));
  add('bits-0.wav', 'PCM with 0 bits per sample', riff([chunk('fmt ', fmtBody({ bits: 0, blockAlign: 1 })), data]), error('WAV_UNSUPPORTED_BIT_DEPTH'));
  add('bits-40.wav', 'PCM with 40 bits per sample', riff([chunk('fmt ', fmtBody({ bits: 40 })), chunk('data', noise(400, 3))]), error('WAV_UNSUPPORTED_BIT_DEPTH'));
  add('float-16.wav', 'IEEE float with 16 bits', riff([chunk('fmt ', fmtBody({ tag: 3, bits: 16 })), data]), error('WAV_UNSUPPORTED_BIT_DEPTH'));
  add('fmt-14-bytes.wav', 'fmt chunk of 14 bytes (old WAVEFORMAT)', riff([chunk('fmt ', fmtBody({}).subarray(0, 14)), data]), error('WAV_BAD_FMT'));
  add('extensible-short.wav', 'tag 0xFFFE but an 18-byte fmt', riff([chunk('fmt ', concat(fmtBody({ tag: 0xfffe }), new Uint8Array(2))), data]), error('WAV_BAD_FMT'));
  // Odd chunks and the pad byte.
  add('odd-chunk-with-pad.wav', '5-byte LIST chunk followed by its pad byte', riff([fmt, chunk('LIST', enc.encode('INFOa')), data]), samples(200, false));
  add('odd-chunk-without-pad.wav', '5-byte LIST chunk, pad byte missing', riff([fmt, chunk('LIST', enc.encode('INFOa'), 5, false), data]), samples(200, true));
  add('odd-data-with-pad.wav', '8-bit data of 201 bytes, pad byte, then a LIST chunk', riff([chunk('fmt ', fmtBody({ bits: 8 })), chunk('data', noise(201, 5)), chunk('LIST', enc.encode('INFO'))]), samples(201, false));
  add('odd-data-without-pad.wav', '8-bit data of 201 bytes, no pad byte, then a LIST chunk', riff([chunk('fmt ', fmtBody({ bits: 8 })), chunk('data', noise(201, 5), 201, false), chunk('LIST', enc.encode('INFO'))]), samples(201, true));
  // Compressed codecs.
  const codecs: [string, number][] = [['mulaw', 0x0007], ['alaw', 0x0006], ['ms-adpcm', 0x0002], ['ima-adpcm', 0x0011], ['mpeg', 0x0050], ['mp3', 0x0055]];
  for (const [name, tag] of codecs) {
    add(`codec-${name}.wav`, `format tag 0x${tag.toString(16)}`, riff([chunk('fmt ', fmtBody({ tag, bits: tag === 6 || tag === 7 ? 8 : 4, blockAlign: 1 })), data]), error('WAV_COMPRESSED'));
  }
  add('codec-unknown.wav', 'format tag 0x1234', riff([chunk('fmt ', fmtBody({ tag: 0x1234 })), data]), error('WAV_UNSUPPORTED_FORMAT'));
  add('extensible-mulaw.wav', 'extensible header with a µ-law sub-format', riff([chunk('fmt ', extensibleBody(7, 8)), data]), error('WAV_COMPRESSED'));
  add('extensible-foreign-guid.wav', 'extensible header with a non-KSDATAFORMAT GUID', riff([chunk('fmt ', extensibleBody(1, 16, Array.from(noise(14, 9)))), data]), error('WAV_UNSUPPORTED_FORMAT'));
  add('extensible-pcm16.wav', 'extensible header, 16-bit PCM sub-format', riff([chunk('fmt ', extensibleBody(1, 16)), data]), samples(200, false));
  // Garbage.
  add('random-after-fmt.wav', 'valid RIFF + fmt, then 1000 random bytes', concat(riff([fmt]), Uint8Array.of(0), noise(999, 11)), error('WAV_NO_DATA'));
  add('random-after-data-header.wav', 'valid header, 1000 random bytes as 16-bit samples', riff([fmt, chunk('data', noise(1000, 13))]), samples(500, false));
  add('random-bytes.wav', '1 KiB of random bytes', noise(1024, 17), error('WAV_NOT_RIFF'));
  add('garbage-id-before-data.wav', 'a chunk id of non-printable bytes before data', riff([fmt, concat(Uint8Array.of(1, 2, 3, 4, 8, 0, 0, 0), noise(8, 19)), data]), error('WAV_NO_DATA'));
  add('trailing-garbage.wav', 'random bytes after the RIFF chunk', concat(valid, Uint8Array.of(0xff), noise(63, 23)), samples(200, false));
  add('not-riff.wav', 'an Ogg page header', concat(enc.encode('OggS'), noise(60, 29)), error('WAV_NOT_RIFF'));
  add('riff-avi.wav', 'RIFF but form type AVI', riff([fmt, data], undefined, 'AVI '), error('WAV_NOT_RIFF'));
  add('rifx.wav', 'big-endian RIFX', riff([fmt, data], undefined, 'WAVE', 'RIFX'), error('WAV_NOT_RIFF'));
  // Chunk order and duplicates.
  add('fmt-after-data.wav', 'data chunk before fmt', riff([data, fmt]), samples(200, true));
  add('no-fmt.wav', 'data only', riff([data]), error('WAV_NO_FMT'));
  add('no-data.wav', 'fmt and a LIST chunk only', riff([fmt, chunk('LIST', enc.encode('INFO'))]), error('WAV_NO_DATA'));
  add('two-data-chunks.wav', 'a second data chunk is ignored', riff([fmt, data, chunk('data', pcm16(10))]), samples(200, true));
  add('many-empty-chunks.wav', '100 zero-size JUNK chunks before data', riff([fmt, ...Array.from({ length: 100 }, () => chunk('JUNK', new Uint8Array(0))), data]), samples(200, false));
  add('empty-data.wav', 'data chunk of 0 bytes', riff([fmt, chunk('data', new Uint8Array(0))]), samples(0, true));
  add('partial-frame.wav', 'stereo 16-bit data of 803 bytes', riff([chunk('fmt ', fmtBody({ channels: 2 })), chunk('data', concat(pcm16(200, 2), noise(3, 37)))]), samples(200, true, 2));
  // Bad data that decodes.
  const f32 = chunk('fmt ', fmtBody({ tag: 3, bits: 32 }));
  add('float-nan-inf.wav', 'float samples with NaN, +Inf, -Inf', riff([f32, chunk('data', float32([0.5, NaN, Infinity, -Infinity, -0.5, 2.5]))]), samples(6, true));
  add('float-all-zero.wav', 'float samples all 0', riff([f32, chunk('data', float32([0, 0, 0, 0]))]), samples(4, false));
  add('rate-1hz.wav', 'sample rate 1 Hz', riff([chunk('fmt ', fmtBody({ rate: 1 })), data]), samples(200, false));
  add('rate-10mhz.wav', 'sample rate 10 MHz', riff([chunk('fmt ', fmtBody({ rate: 10_000_000 })), data]), samples(200, false));
  add('channels-65535.wav', '65535 channels of 8-bit, one frame', riff([chunk('fmt ', fmtBody({ channels: 65535, bits: 8 })), chunk('data', noise(65535, 31))]), samples(1, false, 65535));
  return entries;
}

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const expected: Record<string, Expected & { why: string }> = {};
  for (const e of buildCorpus()) {
    writeFileSync(join(CORPUS_DIR, e.name), e.bytes);
    expected[e.name] = { ...e.expected, why: e.why };
  }
  writeFileSync(join(CORPUS_DIR, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  console.log(`wrote ${Object.keys(expected).length} files to ${CORPUS_DIR}`);
}
