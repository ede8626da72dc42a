import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { convert } from '../../src/batch/convert.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { mergeManifests } from '../../src/scale/merge.ts';
import { resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { convertShard, parseShard, resolveShard, shardFromEnv, shardOf, shardSources, type ShardRecord } from '../../src/scale/shard.ts';

const paths = (n: number, prefix = 'train_audio/sp'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i % 97}/XC${100000 + i * 7}.ogg`);

describe('shard assignment', () => {
  it('is deterministic and balanced within 5% for 20000 sources', () => {
    const sources = paths(20_000);
    for (const count of [4, 7]) {
      const sizes = new Array<number>(count).fill(0);
      for (const p of sources) sizes[shardOf(p, count)]++;
      const mean = sources.length / count;
      for (const size of sizes) expect(Math.abs(size - mean) / mean).toBeLessThan(0.05);
      expect(sources.slice(0, 200).map((p) => shardOf(p, count))).toEqual(sources.slice(0, 200).map((p) => shardOf(p, count)));
    }
  });

  it('moves only the sources the new shard wins when one shard is added (rendezvous)', () => {
    const sources = paths(10_000);
    let moved = 0;
    for (const p of sources) {
      const before = shardOf(p, 5);
      const after = shardOf(p, 6);
      if (before !== after) {
        moved++;
        expect(after).toBe(5);
      }
    }
    // Ideal is 1/6 of the sources; hash-mod would move about 5/6.
    expect(moved / sources.length).toBeGreaterThan(0.14);
    expect(moved / sources.length).toBeLessThan(0.19);
  });

  it('keeps every existing source in its shard when files are added to the input', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-shard-'));
    const add = (rel: string) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), 'RIFF');
    };
    for (let i = 0; i < 40; i++) add(`sp${i % 3}/a${i}.wav`);
    const before = await Promise.all([0, 1, 2].map(async (k) => (await shardSources(root, { index: k, count: 3 })).sources));
    for (let i = 0; i < 20; i++) add(`sp${i % 4}/b${i}.wav`);
    const after = await Promise.all([0, 1, 2].map(async (k) => (await shardSources(root, { index: k, count: 3 })).sources));
    for (let k = 0; k < 3; k++) expect(after[k].filter((p) => p.includes('/a'))).toEqual(before[k]);
    expect(after.flat().sort()).toHaveLength(60);
    expect(new Set(after.flat()).size).toBe(60);
  });
});

describe('shard flags and scheduler variables', () => {
  it('parses K/N from 0 and refuses what is out of range', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/numbered from 0/);
    expect(() => parseShard('1-4')).toThrow(/K\/N/);
  });

  it('reads Kubernetes Indexed Job and Slurm array variables', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '8' })).toEqual({ index: 3, count: 8 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3' })).toThrow(/JOB_COMPLETIONS/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4' })).toEqual({
      index: 3,
      count: 4,
    });
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '6' })).toThrow(
      /contiguous/,
    );
    expect(shardFromEnv({})).toBeUndefined();
    expect(() => resolveShard('auto', {})).toThrow(/JOB_COMPLETION_INDEX/);
    expect(resolveShard('auto', { JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '2' })).toEqual({ index: 0, count: 2 });
  });
});

describe('convert --shard then manifest merge', () => {
  it('gives the same rows and bytes as one unsharded convert', async () => {
    const rate = 8000;
    const root = join(mkdtempSync(join(tmpdir(), 'birdcall-shard-')), 'audio');
    for (let i = 0; i < 9; i++) {
      const samples = new Float32Array(rate).map((_, t) => 0.3 * Math.sin((2 * Math.PI * (300 + 50 * i) * t) / rate));
      mkdirSync(join(root, `sp${i % 2}`), { recursive: true });
      writeFileSync(join(root, `sp${i % 2}`, `r${i}.wav`), encodeWav(samples, rate));
    }
    const pipeline = resolvePipeline({
      version: 1,
      steps: [{ block: 'decode' }, { block: 'chunk', params: { seconds: 0.5 } }, { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels: 16 } }, { block: 'db' }, { block: 'image' }],
    });
    const out = mkdtempSync(join(tmpdir(), 'birdcall-merged-'));
    const manifests: string[] = [];
    for (let k = 0; k < 3; k++) {
      const summary = await convertShard({ input: root, outDir: join(out, `shard-${k}`), pipeline, jobs: 1, shard: { index: k, count: 3 } });
      manifests.push(summary.manifestPath);
      const record = JSON.parse(readFileSync(join(out, `shard-${k}`, 'shard.json'), 'utf8')) as ShardRecord;
      expect(record.sources).toEqual((await shardSources(root, { index: k, count: 3 })).sources);
      expect(summary.converted).toBe(record.sources.length);
    }
    const merged = await mergeManifests({ out: join(out, 'manifest.csv'), shards: manifests, inputManifest: root });
    expect(merged).toMatchObject({ shards: 3, sources: 9, failed: [] });

    const plain = await convert({ input: root, outDir: mkdtempSync(join(tmpdir(), 'birdcall-plain-')), pipeline, jobs: 1 });
    const key = (r: { source: string; chunkIndex: number }) => `${r.source}#${r.chunkIndex}`;
    const expected = new Map((await readOutputManifest(plain.manifestPath)).map((r) => [key(r), r.outputHashes.png]));
    const rows = await readOutputManifest(join(out, 'manifest.csv'));
    expect(new Map(rows.map((r) => [key(r), r.outputHashes.png]))).toEqual(expected);
    for (const r of rows) expect(readFileSync(join(out, r.outputs.png)).length).toBeGreaterThan(0);

    // A shard left out is named, and nothing is written.
    await expect(mergeManifests({ out: join(out, 'partial.csv'), shards: manifests.slice(1) })).rejects.toThrow(/shard 0\/3 missing/);
  });
});
