import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { saveModelArtifacts, type ModelArtifacts } from '../../src/train/artifacts.ts';

function artifacts(classes: string[]): ModelArtifacts {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: classes.length, inputShape: [3] })] });
  return { model, classes, pipeline: null, trainConfig: {}, history: [{ epoch: 1, loss: 0.5 }], metrics: {}, backend: 'cpu' };
}

describe('saveModelArtifacts', () => {
  it('replaces a model folder as a whole: no file of the old one survives, no temp folder is left', async () => {
    const models = await mkdtemp(join(tmpdir(), 'birdcall-artifacts-'));
    const dir = join(models, 'm');
    await mkdir(dir);
    await writeFile(join(dir, 'classes.json'), '["old"]\n');
    await writeFile(join(dir, 'stale-extra.txt'), 'from an older birdcall\n');
    await saveModelArtifacts(dir, artifacts(['a', 'b']));
    expect((await readdir(dir)).sort()).toEqual(
      ['backend.txt', 'classes.json', 'history.csv', 'metrics.json', 'model.json', 'pipeline.json', 'train-config.json', 'weights.bin'].sort(),
    );
    expect(JSON.parse(await readFile(join(dir, 'classes.json'), 'utf8'))).toEqual(['a', 'b']);
    expect(await readdir(models)).toEqual(['m']);
  });

  it('leaves the old folder in place when the new one cannot be written', async () => {
    const models = await mkdtemp(join(tmpdir(), 'birdcall-artifacts-'));
    const dir = join(models, 'm');
    await mkdir(dir);
    await writeFile(join(dir, 'classes.json'), '["old"]\n');
    const broken = artifacts(['a']);
    broken.model = { save: () => Promise.reject(new Error('disk full')) } as unknown as tf.LayersModel;
    await expect(saveModelArtifacts(dir, broken)).rejects.toThrow('disk full');
    expect(await readdir(dir)).toEqual(['classes.json']);
    expect(await readdir(models)).toEqual(['m']);
  });
});
