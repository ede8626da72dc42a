#!/usr/bin/env node
// The `birdcall` command. The package runs its compiled JavaScript (dist/, built by `npm run build`, which
// `npm ci` and `npm pack` run through `prepare`). In a source checkout a dist/ older than any file in src/
// is not used: the sources then run through tsx, so an edit is never hidden behind a stale build (and
// `npx birdcall` works before any build).
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from './dist-state.js';

if (distIsCurrent(fileURLToPath(new URL('..', import.meta.url)))) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
