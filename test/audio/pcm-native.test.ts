import { describe, expect, it } from 'vitest';
import { pcm16IntoPlanes } from '../../src/audio/pcm-native.ts';
import { decodeWav } from '../../src/audio/wav.ts';
import { chunk, fmtBody, riff } from './corpus/build.ts';

/** Interleaved 16-bit samples: both extremes, zero, and a spread of others (a fixed LCG). */
function pcm(samples: number): Int16Array {
  const out = new Int16Array(samples);
  let x = 12345;
  for (let i = 0; i < samples; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = i % 97 === 0 ? -32768 : i % 89 === 0 ? 32767 : i % 83 === 0 ? 0 : (x >>> 16) - 32768;
  }
  return out;
}

/** The scaling decodeWav promises (as libsndfile): x / 32768, to float32. */
function expected(ints: Int16Array, channels: number, c: number): Float32Array {
  return Float32Array.from({ length: ints.length / channels }, (_, i) => ints[i * channels + c] / 32768);
}

describe('16-bit PCM to float planes in wasm', () => {
  it('equals x / 32768 bit for bit, mono and stereo, at lengths around the vector width and the block', () => {
    for (const channels of [1, 2]) {
      for (const frames of [1, 7, 8, 9, 1023, 1024, 1031, 65536, 65536 + 13, 140_001]) {
        const ints = pcm(frames * channels);
        const bytes = new Uint8Array(ints.buffer);
        const out = Array.from({ length: channels }, () => new Float32Array(frames));
        pcm16IntoPlanes(bytes, 0, frames, out, 0);
        for (let c = 0; c < channels; c++) expect(out[c], `${channels} ch, ${frames} frames`).toEqual(expected(ints, channels, c));
      }
    }
  });

  it('reads from an odd byte offset and writes at an output offset', () => {
    const ints = pcm(2 * 3000);
    const bytes = new Uint8Array(1 + ints.byteLength);
    bytes.set(new Uint8Array(ints.buffer), 1);
    const out = [new Float32Array(3005).fill(9), new Float32Array(3005).fill(9)];
    pcm16IntoPlanes(bytes, 1, 3000, out, 5);
    for (let c = 0; c < 2; c++) {
      expect([...out[c].subarray(0, 5)]).toEqual([9, 9, 9, 9, 9]);
      expect(out[c].subarray(5)).toEqual(expected(ints, 2, c));
    }
  });

  it('refuses other channel counts', () => {
    expect(() => pcm16IntoPlanes(new Uint8Array(12), 0, 2, [new Float32Array(2), new Float32Array(2), new Float32Array(2)], 0)).toThrow(RangeError);
  });

  it('is what decodeWav gives for 16-bit mono, stereo and 3-channel files (the last through the JavaScript loop)', () => {
    for (const channels of [1, 2, 3]) {
      const frames = 5000;
      const ints = pcm(frames * channels);
      const wav = riff([chunk('fmt ', fmtBody({ channels, rate: 16000 })), chunk('data', new Uint8Array(ints.buffer))]);
      const audio = decodeWav(wav, 'pcm.wav');
      for (let c = 0; c < channels; c++) expect(audio.channels[c], `${channels} ch`).toEqual(expected(ints, channels, c));
    }
  });
});
