// Whether the compiled dist/ can stand for the TypeScript sources: shared by bin/birdcall.js and
// scripts/build.mjs (`--if-stale`). Plain JS with no dependencies: it runs before anything is built.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * True when `root`/dist/ was built after the last change to `root`/src/, or there is no src/ (an installed
 * package, which ships dist/ only). Costs a stat per source file, about a millisecond.
 */
export function distIsCurrent(root) {
  const stamp = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(stamp)) return false;
  const src = join(root, 'src');
  if (!existsSync(src)) return true;
  const built = statSync(stamp).mtimeMs;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > built) return false;
  }
  return true;
}
