import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run mutate` (stryker.config.json): the metrics tests only, against mutants of src/metrics. Spread, not
 * mergeConfig, which would concatenate the include lists and run the whole suite.
 */
export default defineConfig({ ...base, test: { ...base.test, include: ['test/metrics/**/*.test.ts'] } });
