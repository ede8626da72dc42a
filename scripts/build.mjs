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

/**
 * Worker threads bundled into one file each (the `built` of their BundledWorker in src/): a thread then loads
 * one module instead of some sixty, zod's included, and starts in about half the time. Packages that must
 * stay files (sharp's native addon, the loaders tsx and esbuild that only sources use, piscina) stay imports.
 */
const WORKER_BUNDLES = [
  ['batch/source-thread.js', 'batch/source-thread.bundle.js'],
  ['dsp/mel-worker.js', 'dsp/mel-worker.bundle.js'],
];

/** Bundles the workers with esbuild (a dependency); without it the threads start from their compiled files. */
function bundleWorkers(out) {
  let esbuild;
  try {
    esbuild = createRequire(import.meta.url)('esbuild');
  } catch {
    console.warn('build: esbuild not found; worker threads will start from their compiled files');
    return;
  }
  for (const [entry, bundle] of WORKER_BUNDLES) {
    esbuild.buildSync({
      entryPoints: [join(out, entry)],
      outfile: join(out, bundle),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['sharp', 'piscina', 'tsx', 'esbuild', '@tensorflow/*'],
      logLevel: 'warning',
    });
  }
}

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
bundleWorkers(next);
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
