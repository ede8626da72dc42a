// `npm run build` (also `prepare`, so `npm ci` on a fresh clone and `npm pack` leave a current dist/):
// compiles src/ to ESM JavaScript + .d.ts + source maps (tsconfig.build.json), copies the files the code
// reads at run time through import.meta.url, then swaps the result in for dist/ in one rename, so a
// process running meanwhile (a test, the CLI) never sees half a build. `--if-stale`: only when dist/ is
// older than src/. Plain JS, so it needs nothing but TypeScript.
import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { distIsCurrent } from '../bin/dist-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files loaded at run time relative to a module (grep `import.meta.url`), as paths under src/. */
const ASSETS = ['train/kernels/native/kernels.wasm'];

if (process.argv.includes('--if-stale') && distIsCurrent(root)) process.exit(0);
const dist = join(root, 'dist');
const next = join(root, `dist.${process.pid}.tmp`);
rmSync(next, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}
for (const asset of ASSETS) {
  const to = join(next, asset);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, 'src', asset), to);
}
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
