import { onlyTests } from './vitest.config.ts';

/** `npm run mutate:dsp` (stryker.dsp.config.json): the tests of the readable DSP blocks only, against their mutants. */
export default onlyTests(['test/dsp/{db,pcen,normalize,stft,mel,parity}.test.ts', 'test/audio/{chunk,mono,resample}.test.ts']);
