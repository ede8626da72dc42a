/**
 * A custom block in its own file, written without touching birdcall: pre-emphasis, as
 * librosa.effects.preemphasis — y[n] = x[n] - coef * x[n-1] — which lifts high frequencies where most
 * bird song lives before the spectrogram is taken.
 *
 * Use it from a pipeline file (see custom-block.yaml: `blocks: [./my-block.ts]`, then `block: preemphasis`)
 * or from TypeScript:
 *   import { pipeline, decode, melspec, db, stepOf } from 'birdcall';
 *   import { preemphasis } from './my-block.ts';
 *   const p = pipeline(decode(), stepOf(preemphasis)({ coef: 0.97 }), melspec(), db());
 */
import { z } from 'zod';
import { defineBlock } from 'birdcall';

export const preemphasis = defineBlock({
  name: 'preemphasis',
  doc: 'Pre-emphasis filter y[n] = x[n] - coef * x[n-1] (librosa.effects.preemphasis, zi = 2x[0] - x[1]).',
  input: 'audio',
  output: 'audio',
  params: z.object({
    coef: z.number().min(0).max(1).default(0.97).describe('filter coefficient (0 = no change; unitless)'),
  }),
  run: (audio, { coef }) => {
    const x = audio.samples;
    const y = new Float32Array(x.length);
    // librosa's default initial state extrapolates x[-1] = 2 x[0] - x[1], so the first sample is not a step.
    let prev = x.length > 1 ? 2 * x[0] - x[1] : 0;
    for (let n = 0; n < x.length; n++) {
      y[n] = x[n] - coef * prev;
      prev = x[n];
    }
    return { ...audio, samples: y };
  },
});
