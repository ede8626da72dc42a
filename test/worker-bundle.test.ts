import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { melFramesInto, melSpectrogramConfig } from '../src/dsp/mel.ts';
import { MelWorkerPool } from '../src/dsp/parallel.ts';
import { frameLayout } from '../src/dsp/stft.ts';
import { ensureBundle, melWorkerEntry, PIPELINE_WORKER, withoutTsxFlags, workerEntry } from '../src/worker-bundle.ts';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { pipeline, toSpec } from '../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../src/pipeline/run.ts';
import { decode, melspec, db, npy } from '../src/pipeline/steps.ts';
import type { WorkerResult, WorkerTask } from '../src/pipeline/pool-thread.ts';
import { testSignal } from './dsp/reference.ts';

const tmp = mkdtempSync(join(tmpdir(), 'birdcall-bundle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mel worker bundle', () => {
  it('starts the pool from the esbuild bundle, without tsx flags', () => {
    const entry = melWorkerEntry();
    expect(entry.reason).toBeUndefined();
    expect(entry.bundled).toBe(true);
    expect(entry.url.pathname.endsWith('.mjs')).toBe(true);
    expect((entry.execArgv ?? []).some((a) => a.includes('tsx'))).toBe(false);
  });

  it('gives values identical to the single-threaded frames, as the tsx worker does', async () => {
    const x = testSignal(40000);
    const params = { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 };
    const config = melSpectrogramConfig(params);
    const { frames } = frameLayout(x.length, config.stft);
    const expected = new Float32Array(64 * frames);
    melFramesInto(x, config, 0, frames, expected);
    const samples = new SharedArrayBuffer(x.byteLength);
    new Float32Array(samples).set(x);
    for (const kind of ['bundle', 'tsx'] as const) {
      const pool = new MelWorkerPool(1, { entry: kind });
      expect(pool.entry.bundled).toBe(kind === 'bundle');
      const out = new SharedArrayBuffer(4 * 64 * frames);
      try {
        await pool.run({ samples, samplesFloat64: false, length: x.length, out, outFloat64: false, params, t0: 0, t1: frames });
      } finally {
        await pool.close();
      }
      expect(Array.from(new Float32Array(out))).toEqual(Array.from(expected));
    }
  }, 30_000);

  it('reuses a current bundle and rebuilds it when an input file changes', async () => {
    const src = join(tmp, 'src');
    const cache = join(tmp, 'cache');
    writeFileSync(join(tmp, 'package.json'), '{"type": "module"}');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'entry.ts'), "import { value } from './dep.ts';\nexport const answer: number = value * 2;\n");
    writeFileSync(join(src, 'dep.ts'), 'export const value: number = 21;\n');
    const first = ensureBundle(join(src, 'entry.ts'), cache, 'probe');
    const built = statSync(first).mtimeMs;
    expect(((await import(`${pathToFileURL(first).href}?v=1`)) as { answer: number }).answer).toBe(42);
    expect(ensureBundle(join(src, 'entry.ts'), cache, 'probe')).toBe(first);
    expect(statSync(first).mtimeMs).toBe(built);
    writeFileSync(join(src, 'dep.ts'), 'export const value: number = 500;\n');
    ensureBundle(join(src, 'entry.ts'), cache, 'probe');
    expect(readFileSync(first, 'utf8')).toContain('500');
    expect(((await import(`${pathToFileURL(first).href}?v=2`)) as { answer: number }).answer).toBe(1000);
  });

  it("bundles convert's pipeline worker, which gives the in-process pipeline's items", async () => {
    const entry = workerEntry(PIPELINE_WORKER);
    expect(entry.reason).toBeUndefined();
    expect(entry.bundled).toBe(true);
    const worker = (await import(entry.url.href)) as { runTask(task: WorkerTask): Promise<WorkerResult> };
    const p = pipeline(decode(), melspec({ nFft: 512, hopLength: 128, nMels: 32 }), db(), npy());
    const bytes = encodeWav(testSignal(16000), 16000);
    const result = await worker.runTask({ specJson: JSON.stringify(toSpec(p)), path: 'a.wav', bytes });
    if (!result.ok) throw new Error(result.error.message);
    const local = await runPipelineOnFile(p, { path: 'a.wav', bytes });
    expect(result.items.map((i) => i.artifacts.map((a) => Buffer.from(a.bytes).toString('hex')))).toEqual(
      local.items.map((i) => i.artifacts.map((a) => Buffer.from(a.bytes).toString('hex'))),
    );
  });

  it('drops only the tsx loader flags from the flags a bundled worker inherits', () => {
    const argv = [
      '--require',
      '/repo/node_modules/tsx/dist/preflight.cjs',
      '--import',
      'file:///repo/node_modules/tsx/dist/loader.mjs',
      '--import=tsx',
      '--max-old-space-size=4096',
      '--require',
      './other-hook.cjs',
    ];
    expect(withoutTsxFlags(argv)).toEqual(['--max-old-space-size=4096', '--require', './other-hook.cjs']);
  });
});
