import type { Audio, MultiChannelAudio } from './types.ts';

/**
 * Writes the channel mean of the first `frames` samples of `channels` into `out`, rounding to float32 after
 * every addition: numpy's float32 mean over channels (librosa.to_mono) accumulates that way, so the result
 * is bit-identical to librosa's for the channel counts field recorders produce (fewer than 8).
 */
export function mixToMono(channels: Float32Array[], out: Float32Array, frames: number): void {
  const n = channels.length;
  if (n === 1) {
    out.set(channels[0].subarray(0, frames));
    return;
  }
  out.set(channels[0].subarray(0, frames));
  for (let c = 1; c < n; c++) {
    const src = channels[c];
    // Float32Array stores round each partial sum to float32, as numpy's float32 accumulator does.
    for (let i = 0; i < frames; i++) out[i] += src[i];
  }
  for (let i = 0; i < frames; i++) out[i] /= n;
}

/**
 * Channel mean, as librosa's mono=True. A 1-channel input is returned without copying its samples.
 *
 * @param a - decoded audio, one Float32Array per channel (decodeAudio's result).
 * @returns mono audio at the same sample rate.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { toMono } from 'birdcall';
 *
 * const stereo = { channels: [Float32Array.of(1, 0.5), Float32Array.of(0, 0.5)], sampleRate: 8000, source: 'x.wav' };
 * assert.deepEqual(Array.from(toMono(stereo).samples), [0.5, 0.5]);
 * ```
 */
export function toMono(a: MultiChannelAudio): Audio {
  if (a.channels.length === 1) return { samples: a.channels[0], sampleRate: a.sampleRate, source: a.source };
  const frames = a.channels.length === 0 ? 0 : a.channels[0].length;
  const samples = new Float32Array(frames);
  if (frames > 0) mixToMono(a.channels, samples, frames);
  return { samples, sampleRate: a.sampleRate, source: a.source };
}
