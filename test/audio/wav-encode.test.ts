import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { BirdcallError } from '../../src/errors.ts';

/** wav-decoder 1.3.0 (no type declarations): an independent decoder to check our bytes against. */
const wavDecoder = createRequire(import.meta.url)('wav-decoder') as {
  decode: { sync(bytes: Buffer, opts?: { symmetric?: boolean }): { sampleRate: number; channelData: Float32Array[] } };
};

/** Read the RIFF chunks of a WAV file by hand: id -> [offset of the payload, size]. */
function chunks(bytes: Uint8Array): Map<string, [number, number]> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  expect(text(0)).toBe('RIFF');
  expect(view.getUint32(4, true)).toBe(bytes.length - 8);
  expect(text(8)).toBe('WAVE');
  const found = new Map<string, [number, number]>();
  for (let pos = 12; pos + 8 <= bytes.length; ) {
    const size = view.getUint32(pos + 4, true);
    found.set(text(pos), [pos + 8, size]);
    pos += 8 + size + (size % 2);
  }
  return found;
}

function decode(bytes: Uint8Array): { sampleRate: number; channelData: Float32Array[] } {
  // symmetric: divide by 2^(bits-1) both ways, as libsndfile and the encoder do
  return wavDecoder.decode.sync(Buffer.from(bytes), { symmetric: true });
}

/** Values on the 16-bit grid, so an exact round trip is expected. */
function onGrid(values: number[], bits = 16): Float32Array {
  return Float32Array.from(values, (v) => Math.round(v * 2 ** (bits - 1)) / 2 ** (bits - 1));
}

describe('encodeWav', () => {
  it('writes a plain PCM header with the right format fields for 16-bit mono by default', () => {
    const bytes = encodeWav(new Float32Array(100), 32000);
    const found = chunks(bytes);
    expect([...found.keys()]).toEqual(['fmt ', 'data']);
    const [fmt, fmtSize] = found.get('fmt ')!;
    const view = new DataView(bytes.buffer);
    expect(fmtSize).toBe(16);
    expect(view.getUint16(fmt, true)).toBe(1); // PCM
    expect(view.getUint16(fmt + 2, true)).toBe(1); // channels
    expect(view.getUint32(fmt + 4, true)).toBe(32000);
    expect(view.getUint32(fmt + 8, true)).toBe(64000); // byte rate
    expect(view.getUint16(fmt + 12, true)).toBe(2); // block align
    expect(view.getUint16(fmt + 14, true)).toBe(16);
    expect(found.get('data')![1]).toBe(200);
  });

  it('interleaves channels and pads an odd-sized 24-bit data chunk to an even length', () => {
    const left = onGrid([0.5, -0.25, 0.125], 24);
    // (wav-decoder reads the 24-bit minimum, -1, as +1: its sign test is off by one, so -1 is checked by hand below)
    const right = onGrid([-0.5, 0.75, -0.875], 24);
    const bytes = encodeWav([left, right], 44100, { bitDepth: 24 });
    const found = chunks(bytes);
    const [fmt] = found.get('fmt ')!;
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(fmt + 2, true)).toBe(2);
    expect(view.getUint16(fmt + 12, true)).toBe(6);
    expect(view.getUint16(fmt + 14, true)).toBe(24);
    expect(found.get('data')![1]).toBe(18);
    const decoded = decode(bytes);
    expect(decoded.channelData[0]).toEqual(left);
    expect(decoded.channelData[1]).toEqual(right);

    const minimum = encodeWav(Float32Array.from([-1]), 44100, { bitDepth: 24 });
    const [data] = chunks(minimum).get('data')!;
    expect([...minimum.subarray(data, data + 3)]).toEqual([0x00, 0x00, 0x80]);
  });

  it('writes float data with format tag 3 and a fact chunk holding the frame count', () => {
    const samples = Float32Array.from([0.1, -0.7, 1.5, -2]);
    const bytes = encodeWav(samples, 16000, { float: true });
    const found = chunks(bytes);
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(found.get('fmt ')![0], true)).toBe(3);
    expect(view.getUint32(found.get('fact')![0], true)).toBe(4);
    // float keeps values outside [-1, 1): no clipping
    expect(decode(bytes).channelData[0]).toEqual(samples);
  });

  it('round-trips every 16-bit value exactly through a standard decoder', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 300 }), (ints) => {
        const samples = Float32Array.from(ints, (v) => v / 32768);
        expect(decode(encodeWav(samples, 22050)).channelData[0]).toEqual(samples);
      }),
      { numRuns: 50 },
    );
  });

  it('round-trips 32-bit integer samples exactly', () => {
    const samples = onGrid([0, 0.999, -1, 0.123456, -0.5], 32);
    expect(decode(encodeWav(samples, 8000, { bitDepth: 32 })).channelData[0]).toEqual(samples);
  });

  it('clips to the integer range: 1.0 and above become the largest value, below -1 the smallest', () => {
    const bytes = encodeWav(Float32Array.from([1, 2, -1, -3, 0.99999]), 8000);
    const [data] = chunks(bytes).get('data')!;
    const view = new DataView(bytes.buffer);
    const ints = [0, 1, 2, 3, 4].map((i) => view.getInt16(data + 2 * i, true));
    expect(ints).toEqual([32767, 32767, -32768, -32768, 32767]);
  });

  it('adds reproducible TPDF dither only when asked, within 1.5 LSB of the undithered value', () => {
    const samples = Float32Array.from({ length: 2000 }, (_, i) => 0.3 * Math.sin(i / 7));
    const plain = decode(encodeWav(samples, 8000)).channelData[0];
    const dithered = decode(encodeWav(samples, 8000, { dither: true })).channelData[0];
    expect(decode(encodeWav(samples, 8000, { dither: true })).channelData[0]).toEqual(dithered);
    let changed = 0;
    for (let i = 0; i < samples.length; i++) {
      expect(Math.abs(plain[i] - samples[i]) * 32768).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(Math.abs(dithered[i] - samples[i]) * 32768).toBeLessThanOrEqual(1.5 + 1e-6);
      if (dithered[i] !== plain[i]) changed++;
    }
    expect(changed).toBeGreaterThan(samples.length / 10);
  });

  it('rejects bad input with a BirdcallError naming the problem', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => encodeWav([new Float32Array(3), new Float32Array(4)], 8000), /channel 1 has 4 samples/],
      [() => encodeWav(Float32Array.from([0, Number.NaN]), 8000), /sample 1 of channel 0 is NaN/],
      [() => encodeWav(new Float32Array(3), 0), /sampleRate/],
      [() => encodeWav(new Float32Array(3), 8000, { float: true, bitDepth: 16 }), /32-bit/],
      [() => encodeWav([], 8000), /no channels/],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(BirdcallError);
      expect(call).toThrow(message);
    }
  });
});
