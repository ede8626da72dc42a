import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/train.ts';
import { writeOutputManifestRows } from '../../src/store/manifest.ts';
import { loadModel } from '../../src/train/artifacts.ts';
import { trainFromManifest } from '../../src/train/run.ts';
import { syntheticSet, type SyntheticSet } from './synthetic.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

const PIPELINE = { version: 1, steps: [{ block: 'melspec', params: { nMels: 16 } }] };

describe('training from a convert manifest', () => {
  let set: SyntheticSet;
  let manifest: string;

  beforeAll(async () => {
    set = await syntheticSet({ classes: 2, recordings: 5, chunks: 2, h: 16, w: 32, seed: 9 });
    manifest = join(set.root, 'manifest.csv');
    await writeOutputManifestRows(manifest, set.rows);
    await writeFile(join(set.root, 'pipeline.json'), JSON.stringify(PIPELINE));
  });

  it('writes a complete model folder with the pipeline found beside the manifest', async () => {
    const out = join(set.root, 'models', 'm1');
    const epochs: string[] = [];
    const result = await trainFromManifest({
      manifest,
      out,
      params: { model: 'tiny', epochs: 2, batchSize: 8, mixupAlpha: 0 },
      onEpoch: (e) => epochs.push(String(e.epoch)),
    });
    expect(epochs).toEqual(['1', '2']);
    const history = (await readFile(join(out, 'history.csv'), 'utf8')).trim().split('\n');
    expect(history[0].split(',')).toEqual(expect.arrayContaining(['epoch', 'loss', 'val_loss', 'val_top1', 'val_macro_roc_auc', 'seconds']));
    expect(history).toHaveLength(3);
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as { backend: string; bestEpoch: number };
    expect(metrics.backend).toMatch(/^wasm/);
    expect(metrics.bestEpoch).toBe(result.best.epoch);
    const config = JSON.parse(await readFile(join(out, 'train-config.json'), 'utf8')) as { model: string; epochs: number; input: string };
    expect(config).toMatchObject({ model: 'tiny', epochs: 2, input: 'png' });
    const loaded = await loadModel(out);
    expect(loaded.classes).toEqual(set.classes);
    expect(loaded.pipeline).toMatchObject(PIPELINE);
  });

  it('`birdcall train` parses its flags, prints one line per epoch and names the backend', async () => {
    const out = join(set.root, 'models', 'cli');
    const stdout: string[] = [];
    const stderr: string[] = [];
    const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    try {
      const program = new Command('birdcall').exitOverride();
      register(program);
      await program.parseAsync(['train', '--data', manifest, '-o', out, '--model', 'tiny', '--epochs', '2', '--batch-size', '4', '--seed', '7', '--mixup-alpha', '0'], { from: 'user' });
    } finally {
      outSpy.mockRestore();
      errSpy.mockRestore();
    }
    const lines = stdout.join('').trim().split('\n');
    expect(lines.filter((l) => /^epoch \d\/2 .*loss .*top1 .* s$/.test(l))).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatch(/best epoch \d.*on wasm; saved/);
    expect(stderr.join('')).toMatch(/backend: wasm/);
    const config = JSON.parse(await readFile(join(out, 'train-config.json'), 'utf8')) as { seed: number; batchSize: number };
    expect(config).toMatchObject({ seed: 7, batchSize: 4 });
  });

  it('trains only on rows matching --where, and says so when none match', async () => {
    const params = { model: 'tiny' as const, epochs: 1, batchSize: 8, mixupAlpha: 0 };
    const result = await trainFromManifest({ manifest, out: join(set.root, 'models', 'w'), where: { recordist: 'person0-0' }, params, pipeline: PIPELINE });
    expect(result.split.train.length + result.split.validation.length).toBe(set.rows.filter((r) => r.metadata.recordist === 'person0-0').length);
    await expect(trainFromManifest({ manifest, out: join(set.root, 'models', 'none'), where: { recordist: 'nobody' }, params })).rejects.toMatchObject({
      code: 'MANIFEST_EMPTY',
    });
  });

  it('rejects a bad flag value naming the parameter', async () => {
    const program = new Command('birdcall').exitOverride();
    register(program);
    await expect(program.parseAsync(['train', '--data', manifest, '-o', join(set.root, 'x'), '--epochs', '0'], { from: 'user' })).rejects.toThrow(/epochs/);
  });
});
