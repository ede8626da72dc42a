import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const config = defineConfig({
  // Tests run the TypeScript sources, also where code imports the package by name (examples/my-block.ts).
  resolve: {
    alias: [
      { find: /^birdcall$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^birdcall\/train$/, replacement: fileURLToPath(new URL('./src/train/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['test/helpers/setup.ts'],
  },
});

export default config;

/**
 * This configuration with only the given tests: what each Stryker run (stryker*.json) runs against its
 * mutants. Spread, not mergeConfig, which would concatenate the include lists and run the whole suite.
 */
export function onlyTests(include: string[]): typeof config {
  return defineConfig({ ...config, test: { ...config.test, include } });
}
