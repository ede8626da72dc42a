import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run mutate:dsp` (stryker.dsp.config.json): the tests of the readable DSP blocks only, against their
 * mutants. Spread, not mergeConfig, which would concatenate the include lists and run the whole suite.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/dsp/{db,pcen,normalize,stft,mel,parity}.test.ts',
      'test/audio/{chunk,mono,resample}.test.ts',
    ],
  },
});
