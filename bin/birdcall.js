#!/usr/bin/env node
// The `birdcall` command. The package runs its compiled JavaScript (dist/, built by `npm run build`, which
// `npm ci` and `npm pack` run through `prepare`). In a source checkout, where src/ sits beside dist/, a
// dist/ older than any source file is not used: the sources then run through tsx, so an edit is never
// hidden behind a stale build (and `npx birdcall` works before any build).
import { existsSync, readdirSync, statSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
const src = new URL('../src/', import.meta.url);

/** True when dist/ was built after the last change to src/ (or there is no src/: an installed package). */
function distIsCurrent() {
  if (!existsSync(dist)) return false;
  if (!existsSync(src)) return true;
  const built = statSync(dist).mtimeMs;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs > built) return false;
  }
  return true;
}

if (distIsCurrent()) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
