import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * `npm run mutate:select` (stryker.select.config.json): the selector's tests only, against mutants of its
 * decision logic. Spread, not mergeConfig, which would concatenate the include lists and run the whole suite.
 */
export default defineConfig({ ...base, test: { ...base.test, include: ['test/select/**/*.test.ts'] } });
