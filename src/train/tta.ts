/**
 * Test-time augmentation: a chunk's scores are the mean over copies of it shifted in time (circularly, as
 * the trainer's time-shift augmentation shifts), so a call cut at the chunk's edge is seen whole in one copy.
 */

/** The fraction of the frames that training shifts at most (the trainer's `timeShift` default); TTA stays inside it. */
export const TTA_MAX_SHIFT = 0.25;

/**
 * The shifts, in frames, of `copies` copies: 0, then +d, -d, +2d, -2d, ... up to `maxFraction` of `width`
 * either way. One copy is the chunk itself.
 *
 * @param copies - copies per chunk (a whole number >= 1).
 * @param width - the input's width (frames).
 * @param maxFraction - the largest shift as a fraction of the width (default 0.25, the trainer's `timeShift`).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { ttaShifts } from 'birdcall/train';
 *
 * assert.deepEqual(ttaShifts(5, 100), [0, 13, -13, 25, -25]); // steps of 12.5 frames, rounded
 * assert.deepEqual(ttaShifts(1, 100), [0]);
 * ```
 */
export function ttaShifts(copies: number, width: number, maxFraction = TTA_MAX_SHIFT): number[] {
  if (!Number.isInteger(copies) || copies < 1) throw new Error(`tta copies must be a positive integer, got ${copies}`);
  const steps = Math.ceil((copies - 1) / 2);
  const step = steps > 0 ? (maxFraction * width) / steps : 0;
  const shifts = [0];
  for (let i = 1; shifts.length < copies; i++) {
    shifts.push(Math.round(i * step));
    if (shifts.length < copies) shifts.push(-Math.round(i * step));
  }
  return shifts;
}

/**
 * Roll one example in place along time (the width axis of an [h, w, c] image stored at `base` in x) by
 * `shift` frames, wrapping around. `row` is scratch space of at least w * c values.
 */
export function rollTime(x: Float32Array, base: number, shape: readonly number[], shift: number, row: Float32Array): void {
  const [h, w, c = 1] = shape;
  const rowLength = w * c;
  const offset = (((shift % w) + w) % w) * c;
  if (offset === 0) return;
  for (let r = 0; r < h; r++) {
    const start = base + r * rowLength;
    row.set(x.subarray(start, start + rowLength));
    x.set(row.subarray(rowLength - offset), start);
    x.set(row.subarray(0, rowLength - offset), start + offset);
  }
}
