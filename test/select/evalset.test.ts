import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BirdcallError } from '../../src/errors.ts';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { dataHash, modelHash, PredictionCache } from '../../src/select/cache.ts';
import { agreeOnClasses, evalSetFromRows } from '../../src/select/evalset.ts';

function row(source: string, chunkIndex: number, primaryLabel: string, extra: Partial<OutputRow> = {}): OutputRow {
  return {
    source,
    chunkIndex,
    startSeconds: chunkIndex * 5,
    endSeconds: chunkIndex * 5 + 5,
    primaryLabel,
    secondaryLabels: [],
    outputs: { png: `png/${source}_${chunkIndex}.png` },
    outputHashes: { png: `hash-${source}-${chunkIndex}` },
    outputMeta: {},
    sourceSha256: '',
    pipelineHash: '',
    birdcallVersion: 'test',
    metadata: {},
    ...extra,
  };
}

describe('evalSetFromRows', () => {
  it('keys rows by recording, keeps labels and turns Python-list metadata into plain slice values', () => {
    const set = evalSetFromRows(
      [
        row('a/XC1.wav', 0, 'amecro', { secondaryLabels: ['amerob'], metadata: { type: "['call', 'song']", rating: '4.5' } }),
        row('a/XC1.wav', 1, 'amecro', { metadata: { type: "['song']", rating: '4.5' } }),
        row('b/XC2.wav', 0, 'amerob', { metadata: { type: '', rating: '3' } }),
      ],
      ['amecro', 'amerob'],
    );
    expect(set.classes).toEqual(['amecro', 'amerob']);
    expect(set.rows.map((r) => r.recording)).toEqual(['a/XC1.wav', 'a/XC1.wav', 'b/XC2.wav']);
    expect(set.rows[0]).toMatchObject({ primary: 'amecro', secondary: ['amerob'], metadata: { type: 'call, song', rating: '4.5' } });
    expect(set.rows[1].metadata.type).toBe('song');
    expect(set.rows[2].metadata.type).toBe('');
  });

  it('refuses rows whose primary label the models were not trained on, naming the label', () => {
    const call = (): unknown => evalSetFromRows([row('x.wav', 0, 'amecro'), row('y.wav', 0, 'norcar')], ['amecro', 'amerob'], 'eval/manifest.csv');
    expect(call).toThrow(BirdcallError);
    expect(call).toThrow(/eval\/manifest\.csv: primary label 'norcar' is not among the models' 2 classes/);
  });
});

describe('agreeOnClasses', () => {
  it("accepts the same classes in another order and returns the first model's order", () => {
    expect(agreeOnClasses([{ name: 'A', classes: ['b', 'a', 'c'] }, { name: 'B', classes: ['a', 'b', 'c'] }])).toEqual(['b', 'a', 'c']);
  });
  it('names the models and the classes that differ', () => {
    const call = (): unknown => agreeOnClasses([{ name: 'A', classes: ['a', 'b'] }, { name: 'B', classes: ['a', 'c'] }]);
    expect(call).toThrow(/models 'A' and 'B' were trained on different classes \('B' lacks b and adds c\)/);
  });
});

describe('prediction cache keys and entries', () => {
  it('returns exactly the float32 scores it stored, and nothing for other keys or classes', async () => {
    const cache = new PredictionCache(join(await mkdtemp(join(tmpdir(), 'birdcall-cache-')), '.cache'));
    const scores = [Float32Array.of(0.1, 0.7, 1 / 3), Float32Array.of(1e-8, 0.999999, 0.5)];
    await cache.set('m'.repeat(64), 'd'.repeat(64), ['a', 'b', 'c'], scores);
    expect(await cache.get('m'.repeat(64), 'd'.repeat(64), ['a', 'b', 'c'])).toEqual(scores);
    expect(await cache.get('m'.repeat(64), 'e'.repeat(64), ['a', 'b', 'c'])).toBeUndefined();
    expect(await cache.get('m'.repeat(64), 'd'.repeat(64), ['a', 'c', 'b'])).toBeUndefined();
  });

  it('changes the data hash when an input, its order or the column changes', async () => {
    const rows = [row('x.wav', 0, 'a'), row('x.wav', 1, 'a')];
    const base = await dataHash(rows, 'png', '/nowhere');
    expect(await dataHash(rows, 'png', '/nowhere')).toBe(base);
    expect(await dataHash([rows[1], rows[0]], 'png', '/nowhere')).not.toBe(base);
    expect(await dataHash([rows[0], { ...rows[1], outputHashes: { png: 'other' } }], 'png', '/nowhere')).not.toBe(base);
    const withNpy = rows.map((r) => ({ ...r, outputHashes: { ...r.outputHashes, npy: 'n' } }));
    expect(await dataHash(withNpy, 'npy', '/nowhere')).not.toBe(await dataHash(withNpy, 'png', '/nowhere'));
  });

  it('changes the model hash when the weights change, not when the training history does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-model-'));
    await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }));
    await writeFile(join(dir, 'classes.json'), '["a","b"]');
    await writeFile(join(dir, 'weights.bin'), Uint8Array.of(1, 2, 3));
    const before = await modelHash(dir);
    await writeFile(join(dir, 'history.csv'), 'epoch\n1\n');
    expect(await modelHash(dir)).toBe(before);
    await writeFile(join(dir, 'weights.bin'), Uint8Array.of(1, 2, 4));
    expect(await modelHash(dir)).not.toBe(before);
  });
});
