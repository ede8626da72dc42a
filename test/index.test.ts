import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/shared.ts';

/** What a user's script sees: the package by name, resolved through package.json `exports`, in a fresh process. */
function probe(code: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' }).trim();
}

describe('the package entry points', () => {
  it("'birdcall' gives the blocks, pipelines, convert, metrics and the selector, without loading TensorFlow.js", () => {
    const out = probe(`
      import { createRequire } from 'node:module';
      const b = await import('birdcall');
      const names = ['pipeline', 'decode', 'melspec', 'defineBlock', 'runPipelineOnFile', 'convert', 'readOutputManifest', 'selectModels', 'melSpectrogram'];
      const tfjsLoaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@tensorflow'));
      console.log(JSON.stringify({ missing: names.filter((n) => typeof b[n] !== 'function'), auc: typeof b.metrics.macroRocAuc, tfjsLoaded }));
    `);
    expect(JSON.parse(out)).toEqual({ missing: [], auc: 'function', tfjsLoaded: false });
  });

  it("'birdcall/train' gives the trainer and predictor", () => {
    const out = probe(`
      const t = await import('birdcall/train');
      console.log(['trainFromManifest', 'trainModel', 'loadModel', 'predictBatch', 'loadPredictor', 'initBackend'].filter((n) => typeof t[n] !== 'function').join(','));
    `);
    expect(out).toBe('');
  });
});
