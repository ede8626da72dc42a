import { normalizeParams, normalizeSpectrogram } from '../../dsp/normalize.ts';
import { defineBlock } from '../block.ts';

export const normalizeBlock = defineBlock({
  name: 'normalize',
  doc: 'Scale each spectrogram on its own statistics: min-max to [0, 1] or standardize to mean 0, std 1.',
  input: 'spectrogram',
  output: 'spectrogram',
  params: normalizeParams,
  run: (spec, p) => normalizeSpectrogram(spec, p),
});
