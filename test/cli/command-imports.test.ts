import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { ROOT } from '../helpers/shared.ts';

/**
 * Which heavy packages a command's module graph loads, in a fresh process. The model runtime (TensorFlow.js,
 * and sharp through the dataset reader) costs a few hundred ms of start-up on the main thread; a convert
 * that loaded it would pay that in every run, beside the worker threads it has just started.
 */
function loadedBy(setup: string): string[] {
  const code = `
    import { createRequire } from 'node:module';
    ${setup}
    const cjs = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(['@tensorflow', 'sharp'].filter((p) => cjs.some((k) => k.includes('node_modules/' + p + '/')))));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' }).trim()) as string[];
}

describe('command start-up', () => {
  it('convert (which loads its --shard support) loads neither TensorFlow.js nor sharp', () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-imports-'));
    mkdirSync(join(dir, 'in', 'a'), { recursive: true });
    writeFileSync(join(dir, 'in', 'a', 'tone.wav'), encodeWav(Float32Array.from({ length: 32000 }, (_, i) => Math.sin(i / 5)), 32000));
    const run = `const { main } = await import('./src/cli/main.ts'); await main(['node', 'birdcall', 'convert', ${JSON.stringify(join(dir, 'in'))}, '-o', ${JSON.stringify(join(dir, 'out'))}, '--no-progress']);`;
    try {
      expect(loadedBy(run)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the probe sees them when a module does load them (predict)', () => {
    expect(loadedBy(`await import('./src/train/predict-archive.ts');`)).toContain('@tensorflow');
  });
});
