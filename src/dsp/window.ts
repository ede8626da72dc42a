import { z } from 'zod';
import { paramError } from '../params.ts';

export const windowNames = ['hann', 'hamming', 'blackman', 'rectangular', 'boxcar'] as const;
export type WindowName = (typeof windowNames)[number];

export const windowName = z
  .enum(windowNames)
  .default('hann')
  .describe('analysis window (periodic, as scipy.signal.get_window with fftbins=True); boxcar = rectangular');

/**
 * Cosine-sum coefficients of each window (scipy's general_cosine form). Written as a0 - a1 cos + a2 cos so
 * the periodic window of length M is w[k] = sum_j (-1)^j a_j cos(2 pi j k / M).
 */
const COSINE_TERMS: Record<WindowName, readonly number[]> = {
  hann: [0.5, 0.5],
  hamming: [0.54, 0.46],
  blackman: [0.42, 0.5, 0.08],
  rectangular: [1],
  boxcar: [1],
};

const cache = new Map<string, Float64Array>();

/**
 * The analysis window librosa uses: `scipy.signal.get_window(name, winLength, fftbins=True)` (periodic),
 * centred in a frame of nFft samples with zeros either side (`librosa.util.pad_center`, left pad
 * floor((nFft - winLength) / 2)). The returned array is cached and shared: do not write to it.
 *
 * @param name - 'hann', 'hamming', 'blackman', 'rectangular' or 'boxcar' (the same as rectangular).
 * @param winLength - the window's length in samples (<= nFft).
 * @param nFft - the frame length in samples.
 * @returns nFft coefficients, the window centred among zeros.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { dsp } from 'birdcall';
 *
 * // A periodic Hann window of 4 centred in a frame of 8 (scipy: [0, 0.5, 1, 0.5]).
 * const w = dsp.getWindow('hann', 4, 8);
 * assert.deepEqual([...w].map((v) => Number(v.toFixed(12))), [0, 0, 0, 0.5, 1, 0.5, 0, 0]);
 * assert.equal(dsp.getWindow('hann', 4, 8), w); // cached: the same array
 * ```
 */
export function getWindow(name: WindowName, winLength: number, nFft: number): Float64Array {
  if (!Number.isInteger(winLength) || winLength < 1) paramError(`winLength must be a positive integer, got ${winLength}`);
  if (!Number.isInteger(nFft) || nFft < 1) paramError(`nFft must be a positive integer, got ${nFft}`);
  if (winLength > nFft) paramError(`winLength (${winLength}) must be <= nFft (${nFft})`);
  const terms = COSINE_TERMS[name];
  if (terms === undefined) paramError(`unknown window '${String(name)}' (expected one of ${windowNames.join(', ')})`);
  const key = `${name}/${winLength}/${nFft}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const out = new Float64Array(nFft);
  const left = Math.floor((nFft - winLength) / 2);
  for (let k = 0; k < winLength; k++) {
    // scipy returns ones for a length-1 window whatever its type
    if (winLength === 1) {
      out[left] = 1;
      break;
    }
    let w = 0;
    for (let j = 0; j < terms.length; j++) {
      const sign = j % 2 === 0 ? 1 : -1;
      w += sign * terms[j] * Math.cos((2 * Math.PI * j * k) / winLength);
    }
    out[left + k] = w;
  }
  cache.set(key, out);
  return out;
}
