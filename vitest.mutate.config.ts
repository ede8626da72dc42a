import { onlyTests } from './vitest.config.ts';

/** `npm run mutate` (stryker.config.json): the metrics tests only, against mutants of src/metrics. */
export default onlyTests(['test/metrics/**/*.test.ts']);
