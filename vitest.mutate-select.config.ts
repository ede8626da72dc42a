import { onlyTests } from './vitest.config.ts';

/** `npm run mutate:select` (stryker.select.config.json): the selector's tests only, against mutants of its decision logic. */
export default onlyTests(['test/select/**/*.test.ts']);
