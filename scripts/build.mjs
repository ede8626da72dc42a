// `npm run build` (also `prepare`, so `npm ci` on a fresh clone and `npm pack` leave a current dist/):
// compiles src/ to ESM JavaScript + .d.ts + source maps in dist/ (tsconfig.build.json), then copies the
// files the code reads at run time through import.meta.url. Plain JS so it needs nothing but TypeScript.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files loaded at run time relative to a module (grep `import.meta.url`), as paths under src/. */
const ASSETS = ['train/kernels/native/kernels.wasm'];

rmSync(join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
for (const asset of ASSETS) {
  const to = join(root, 'dist', asset);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, 'src', asset), to);
}
