import { resample, resampleParams } from '../../audio/resample.ts';
import { defineBlock } from '../block.ts';

export const resampleBlock = defineBlock({
  name: 'resample',
  doc: 'Band-limited resampling to a target rate (default 32000 Hz, the BirdCLEF convention); a no-op at that rate already.',
  input: 'audio',
  output: 'audio',
  params: resampleParams,
  streamAs: 'resample',
  run: (audio, p) => resample(audio, p.sampleRate, { quality: p.quality }),
});
