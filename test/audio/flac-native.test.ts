import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { decodeFlac, firstFrameOffset, parseFlacStreamInfo } from '../../src/audio/flac.ts';
import { decodeFlacNative, decodeFlacNativeWindows, FlacDeclined, FlacMd5Mismatch } from '../../src/audio/flac-native.ts';
import { BirdcallError } from '../../src/errors.ts';
import { decodeWav } from '../../src/audio/wav.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';
import { HAVE_SOX, sox, SOX_SKIP_REASON } from '../helpers/sox.ts';
import { writeFlac } from '../helpers/flac-writer.ts';
import { firstDifference } from './compare.ts';

if (HAVE_SHARED && !HAVE_SOX) console.warn(`${SOX_SKIP_REASON}: skipping the FLAC tests on sox encodes`);

/** Our decoder alone (no fallback): the channels, or undefined when it declines. The MD5 is checked unless told. */
function ours(bytes: Uint8Array, verifyMd5 = true): Float32Array[] | undefined {
  const info = parseFlacStreamInfo(bytes, 'x.flac');
  const at = firstFrameOffset(bytes, info);
  if (at === undefined) return undefined;
  return decodeFlacNative(bytes.subarray(at), { ...info, md5Hex: Buffer.from(info.md5).toString('hex'), verifyMd5 });
}

/**
 * Our decoder reading the stream in windows (the smallest it allows, i.e. four of its largest frames, unless
 * told), fed `piece` bytes per read: the planes joined, or FlacDeclined (FlacMd5Mismatch for a wrong MD5).
 */
async function windowed(bytes: Uint8Array, verifyMd5 = true, windowBytes = 1, piece = 997): Promise<Float32Array[] | FlacDeclined | FlacMd5Mismatch> {
  const info = parseFlacStreamInfo(bytes, 'x.flac');
  let at = firstFrameOffset(bytes, info)!;
  const read = async (into: Uint8Array): Promise<number> => {
    const n = Math.min(piece, into.length, bytes.length - at);
    into.set(bytes.subarray(at, at + n));
    at += n;
    return n;
  };
  const parts: Float32Array[][] = [];
  try {
    for await (const planes of decodeFlacNativeWindows(read, { ...info, md5Hex: Buffer.from(info.md5).toString('hex'), verifyMd5 }, windowBytes)) {
      parts.push(planes.map((p) => p.slice()));
    }
  } catch (error) {
    if (error instanceof FlacDeclined || error instanceof FlacMd5Mismatch) return error;
    throw error;
  }
  return parts[0].map((_, c) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[c].length, 0));
    parts.reduce((o, p) => (out.set(p[c], o), o + p[c].length), 0);
    return out;
  });
}

function expectExactly(got: Float32Array[] | undefined, want: Float32Array[]): void {
  expect(got).toBeDefined();
  expect(got).toHaveLength(want.length);
  for (let c = 0; c < want.length; c++) {
    expect(got![c].length).toBe(want[c].length);
    expect(firstDifference(got![c], want[c])).toBe(-1);
  }
}

/** Integer channels as the floats libsndfile returns: integer / 2^(bits-1). */
const scaled = (chs: Int32Array[], bits: number): Float32Array[] => chs.map((c) => Float32Array.from(c, (v) => v / 2 ** (bits - 1)));

describe('our FLAC decoder on streams our test writer makes (variable block sizes, escapes, wasted bits)', () => {
  const n = 4608 + 17 + 1000 + 256 + 300 + 1;
  const sizes = [4608, 17, 1000, 256, 300, 1];
  function signal(bits: number, seed: number): Int32Array[] {
    const amp = 2 ** (bits - 1) * 0.6;
    let r = seed;
    const noise = () => ((r = (r * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * amp * 0.02;
    const left = Int32Array.from({ length: n }, (_, i) => 2 * Math.round((Math.sin(i * 0.05) * amp + noise()) / 2));
    const right = Int32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 0.011 + 1) * amp * 0.5 + noise()));
    right.fill(-3, 4625, 5625); // the 1000-sample frame: a CONSTANT subframe
    return [left, right];
  }

  // 23456 Hz has no frame header code: those frames take the rate from STREAMINFO
  it.each([
    [8, 22050],
    [12, 23456],
    [16, 44100],
    [20, 96000],
    [24, 23456],
  ])('%i-bit stereo at %i Hz: exactly the integers / 2^(bits-1), whole and in windows', async (bits, rate) => {
    const chs = signal(bits, bits);
    const bytes = writeFlac(chs, bits, rate, sizes, ['fixed2', 'verbatim', 'wasted']);
    expectExactly(ours(bytes), scaled(chs, bits));
    expectExactly((await windowed(bytes)) as Float32Array[], scaled(chs, bits));
  });

  it('Rice parameter 0 on large residuals (unary codes longer than the 64-bit cache)', () => {
    const chs = signal(16, 7);
    const bytes = writeFlac(chs, 16, 32000, sizes, ['fixed2k0', 'fixed2']);
    expectExactly(ours(bytes), scaled(chs, 16));
  });

  it('libFLAC decodes the writer\'s stream to the same integers (the writer follows the format)', async () => {
    const chs = signal(16, 3);
    const bytes = writeFlac(chs, 16, 22050, sizes, ['fixed2', 'wasted', 'verbatim', 'fixed2k0']);
    const d = new FLACDecoder();
    await d.ready;
    const ref = await d.decodeFile(bytes);
    d.free();
    expect(ref.errors).toEqual([]);
    expect(ref.samplesDecoded).toBe(n);
    for (let c = 0; c < 2; c++) expect(firstDifference(Float32Array.from(ref.channelData[c], (v) => Math.round(v * 32767)), Float32Array.from(chs[c]))).toBe(-1);
  });

  it('declines a stream whose STREAMINFO MD5 does not match the samples, when asked to check it; in windows that is a mismatch, not a decline', async () => {
    const bytes = writeFlac(signal(16, 5), 16, 22050, sizes, ['fixed2']);
    bytes[8 + 18 + 5] ^= 1; // a byte of the MD5 in STREAMINFO
    expect(ours(bytes)).toBeUndefined();
    // Every frame was clean: read whole, libFLAC would refuse the same samples, so the stream fails at its end.
    expect(await windowed(bytes)).toBeInstanceOf(FlacMd5Mismatch);
  });

  it('an all-zero STREAMINFO MD5 (the encoder computed none) is not checked, even when asked', async () => {
    const chs = signal(16, 5);
    const bytes = writeFlac(chs, 16, 22050, sizes, ['fixed2']);
    bytes.fill(0, 8 + 18, 8 + 34);
    expectExactly(ours(bytes), scaled(chs, 16));
    expectExactly((await windowed(bytes)) as Float32Array[], scaled(chs, 16));
    const warnings: string[] = [];
    expectExactly((await decodeFlac(bytes, 'nomd5.flac', { verifyMd5: true, onWarning: (m) => void warnings.push(m) })).channels, scaled(chs, 16));
    expect(warnings).toEqual([]);
  });

  it('by default leaves the MD5 to the caller (as libFLAC does): CRC-clean frames decode exactly, a wrong STREAMINFO MD5 is not looked at', async () => {
    const chs = signal(16, 5);
    const bytes = writeFlac(chs, 16, 22050, sizes, ['fixed2']);
    bytes[8 + 18 + 5] ^= 1;
    expectExactly(ours(bytes, false), scaled(chs, 16));
    expectExactly((await windowed(bytes, false)) as Float32Array[], scaled(chs, 16));
    const { warnings, onWarning } = { warnings: [] as string[], onWarning: (m: string) => void warnings.push(m) };
    expectExactly((await decodeFlac(bytes, 'md5.flac', { onWarning })).channels, scaled(chs, 16));
    expect(warnings).toEqual([]);
    // Asked to verify, the file is refused with one error naming it.
    const refused = await decodeFlac(bytes, 'md5.flac', { onWarning, verifyMd5: true }).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(BirdcallError);
    expect(refused).toMatchObject({ code: 'FLAC_MD5_MISMATCH', file: 'md5.flac', message: expect.stringMatching(/^md5\.flac: .*MD5/) });
  });

  it('without the check a flipped bit gives a warning; with it, the damaged audio is refused (FLAC_MD5_MISMATCH)', async () => {
    const bytes = writeFlac(signal(16, 6), 16, 22050, sizes, ['fixed2']);
    const flipped = bytes.slice();
    flipped[flipped.length - 200] ^= 0x10; // inside the last big frame's residual: libFLAC drops that frame
    const warnings: string[] = [];
    await decodeFlac(flipped, 'flip.flac', { onWarning: (m) => void warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/truncated or corrupt/);
    // Fewer samples than the encoder hashed: not the signed audio either.
    await expect(decodeFlac(flipped, 'flip.flac', { verifyMd5: true })).rejects.toMatchObject({ code: 'FLAC_MD5_MISMATCH' });
  });

  it('without the MD5 check, a flipped bit in a frame is still declined (CRC-16) and decodeFlac warns', async () => {
    const bytes = writeFlac(signal(16, 6), 16, 22050, sizes, ['fixed2']);
    const flipped = bytes.slice();
    flipped[flipped.length - 200] ^= 0x10; // inside the last big frame's residual
    expect(ours(flipped, false)).toBeUndefined();
    expect(await windowed(flipped, false)).toBeInstanceOf(FlacDeclined);
    const warnings: string[] = [];
    await decodeFlac(flipped, 'flip.flac', { onWarning: (m) => void warnings.push(m) });
    expect(warnings.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAVE_SHARED || !HAVE_SOX)('our FLAC decoder on sox (libFLAC) encodes: exactly the WAV samples', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'birdcall-flac-native-'));
    const robin = join(BIRDCALLS, 'other/european_robin_stereo_44k.wav');
    for (const bits of [8, 16, 24]) sox([robin, '-b', String(bits), join(dir, `robin${bits}.wav`)]);
    // 16-bit content in 24-bit samples: every subframe has 8 wasted bits
    sox([join(BIRDCALLS, 'clips/Junco_hyemalis/XC137480.wav'), '-b', '24', join(dir, 'junco24.wav')]);
    // synthetic: an odd length (a short last block), silence (CONSTANT), 8 kHz, a mono tone with noise
    sox(['-n', '-r', '8000', '-b', '16', '-c', '1', join(dir, 'tone.wav'), 'synth', '3.0001', 'sine', '440', 'whitenoise', 'gain', '-6', 'pad', '0.5', '0.3']);
    sox(['-n', '-r', '48000', '-b', '24', '-c', '2', join(dir, 'noise24.wav'), 'synth', '1.2345', 'pinknoise', 'sine', '1000']);
  }, 60_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const wavPath = (name: string) => (name.includes('/') ? join(BIRDCALLS, name) : join(dir, name));
  const cases: [string, number][] = [
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((c) => ['clips/Melozone_crissalis/XC444627.wav', c] as [string, number]),
    ...['robin8.wav', 'robin16.wav', 'robin24.wav'].flatMap((w) => [0, 5, 8].map((c) => [w, c] as [string, number])),
    ['robustness/XC444627_32k_s24.wav', 5],
    ['junco24.wav', 5],
    ['tone.wav', 8],
    ['tone.wav', 2],
    ['noise24.wav', 8],
  ];

  it.each(cases)('%s at -C %i', async (wav, level) => {
    const flac = join(dir, `out-${level}-${wav.replace(/\W/g, '_')}.flac`);
    sox([wavPath(wav), '-C', String(level), flac]);
    const bytes = new Uint8Array(readFileSync(flac));
    const want = decodeWav(readFileSync(wavPath(wav)), wav).channels;
    expectExactly(ours(bytes), want);
    // in windows (several for the longer files), with and without the MD5
    expectExactly((await windowed(bytes)) as Float32Array[], want);
    expectExactly((await windowed(bytes, false, 1, 1 << 20)) as Float32Array[], want);
    const warnings: string[] = [];
    const audio = await decodeFlac(bytes, 'x.flac', { onWarning: (m) => warnings.push(m) });
    expectExactly(audio.channels, want);
    expect(warnings).toEqual([]);
  });

  describe('damage: ours declines, libFLAC decodes with a warning (the behaviour of before)', () => {
    let clean = new Uint8Array();
    beforeAll(() => {
      sox([join(BIRDCALLS, 'clips/Junco_hyemalis/XC137480.wav'), join(dir, 'd.flac')]);
      clean = new Uint8Array(readFileSync(join(dir, 'd.flac')));
    });

    it.each([0.3, 0.5, 0.7, 0.9])('a byte flipped at %f of the file', async (where) => {
      const bytes = clean.slice();
      bytes[Math.floor(bytes.length * where)] ^= 0x24;
      expect(ours(bytes)).toBeUndefined();
      expect(await windowed(bytes, false)).toBeInstanceOf(FlacDeclined);
      const warnings: string[] = [];
      const audio = await decodeFlac(bytes, 'x.flac', { onWarning: (m) => warnings.push(m) });
      expect(audio.channels[0].length).toBeGreaterThan(0);
      expect(warnings.length).toBeGreaterThan(0);
    });

    it('a truncated file', async () => {
      expect(ours(clean.subarray(0, clean.length - 100))).toBeUndefined();
      expect(await windowed(clean.subarray(0, clean.length - 100), false)).toBeInstanceOf(FlacDeclined);
    });

    it('trailing bytes after the last frame', async () => {
      const bytes = new Uint8Array(clean.length + 128);
      bytes.set(clean);
      bytes.set(new TextEncoder().encode('TAGjunk'), clean.length);
      expect(ours(bytes)).toBeUndefined();
      expect(await windowed(bytes, false)).toBeInstanceOf(FlacDeclined);
    });

    it('a smaller file after a larger one decodes the same (the module memory is reused)', () => {
      const first = ours(clean)!;
      sox([join(dir, 'robin24.wav'), join(dir, 'big.flac')]);
      expect(ours(new Uint8Array(readFileSync(join(dir, 'big.flac'))))).toBeDefined();
      expectExactly(ours(clean), first);
    });
  });
});
