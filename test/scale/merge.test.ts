import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputManifestRows } from '../../src/store/manifest.ts';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { mergeManifests } from '../../src/scale/merge.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { SHARD_ASSIGNMENT, type ShardRecord } from '../../src/scale/shard.ts';

function row(source: string, chunkIndex: number, hash = 'h1'): OutputRow {
  return {
    source,
    chunkIndex,
    startSeconds: chunkIndex * 5,
    endSeconds: chunkIndex * 5 + 5,
    primaryLabel: 'wren',
    secondaryLabels: [],
    outputs: { png: `png/wren/${source.replace('.wav', '')}_${String(chunkIndex).padStart(4, '0')}.png` },
    outputHashes: { png: 'ab' },
    outputMeta: {},
    sourceSha256: 'cd',
    pipelineHash: hash,
    birdcallVersion: '0.1.0',
    metadata: {},
  };
}

/** A shard folder under `root` with its manifest and (unless `record` is false) its shard.json. */
async function shard(root: string, index: number, count: number, sources: string[], opts: { rows?: OutputRow[]; failed?: string[]; record?: boolean } = {}) {
  const dir = join(root, `shard-${index}`);
  mkdirSync(dir, { recursive: true });
  await writeOutputManifestRows(join(dir, 'manifest.csv'), opts.rows ?? sources.filter((s) => !opts.failed?.includes(s)).map((s) => row(s, 0)));
  if (opts.record !== false) {
    const record: ShardRecord = { format: 1, assignment: SHARD_ASSIGNMENT, shard: { index, count }, input: '/data/in', pipelineHash: 'h1', sources, failed: opts.failed ?? [] };
    writeFileSync(join(dir, 'shard.json'), JSON.stringify(record));
  }
  return join(dir, 'manifest.csv');
}

describe('manifest merge', () => {
  it('joins shards, rebasing output paths onto the merged manifest folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-merge-'));
    const a = await shard(root, 0, 2, ['a.wav', 'b.wav']);
    const b = await shard(root, 1, 2, ['c.wav', 'd.wav'], { failed: ['d.wav'] });
    const summary = await mergeManifests({ out: join(root, 'manifest.csv'), shards: [b, a] });
    expect(summary).toMatchObject({ shards: 2, sources: 4, chunks: 3, failed: ['d.wav'] });
    const rows = await readOutputManifest(join(root, 'manifest.csv'));
    expect(rows.map((r) => r.source)).toEqual(['a.wav', 'b.wav', 'c.wav']);
    expect(rows[2].outputs.png).toBe('shard-1/png/wren/c_0000.png');
  });

  it('refuses a source covered by two shards, naming it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-merge-'));
    const a = await shard(root, 0, 2, ['a.wav', 'b.wav']);
    const b = await shard(root, 1, 2, ['b.wav', 'c.wav']);
    await expect(mergeManifests({ out: join(root, 'manifest.csv'), shards: [a, b] })).rejects.toMatchObject({
      code: 'MERGE_COVERAGE',
      message: expect.stringMatching(/b\.wav \(shard 0\/2/),
    });
    expect(existsSync(join(root, 'manifest.csv'))).toBe(false);
  });

  it('refuses input sources no shard covers, and chunks listed twice in manifests without records', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-merge-'));
    const input = join(root, 'input.csv');
    writeFileSync(input, 'path,primary_label\na.wav,wren\nb.wav,wren\nz.wav,wren\n');
    const a = await shard(root, 0, 1, ['a.wav', 'b.wav']);
    await expect(mergeManifests({ out: join(root, 'm.csv'), shards: [a], inputManifest: input })).rejects.toThrow(/1 of 3 input source\(s\) covered by no shard: z\.wav/);
    const x = await shard(root, 5, 9, [], { rows: [row('x.wav', 0), row('x.wav', 0)], record: false });
    await expect(mergeManifests({ out: join(root, 'm.csv'), shards: [x] })).rejects.toThrow(/x\.wav chunk 0/);
  });

  it('refuses shards made with different pipelines or shard counts', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-merge-'));
    const a = await shard(root, 0, 2, ['a.wav']);
    const b = await shard(root, 1, 3, ['c.wav'], { rows: [row('c.wav', 0, 'h2')] });
    await expect(mergeManifests({ out: join(root, 'm.csv'), shards: [a, b] })).rejects.toThrow(/different shard counts.*different pipelines/);
  });

  it("carries the shards' recipe.json to the merged manifest; different recipes are refused with nothing written", async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-merge-recipe-'));
    const manifests = [await shard(root, 0, 2, ['a.wav']), await shard(root, 1, 2, ['b.wav'])];
    const recipe = JSON.stringify({ name: 'real-clips', version: 1, train: { epochs: 20 } }, null, 2) + '\n';
    for (const m of manifests) writeFileSync(join(dirname(m), 'recipe.json'), recipe);
    await mergeManifests({ out: join(root, 'manifest.csv'), shards: manifests });
    expect(readFileSync(join(root, 'recipe.json'), 'utf8')).toBe(recipe);

    writeFileSync(join(dirname(manifests[1]), 'recipe.json'), recipe.replace('"version": 1', '"version": 2'));
    await expect(mergeManifests({ out: join(root, 'other.csv'), shards: manifests })).rejects.toThrow(/different recipes .*real-clips v1.*real-clips v2/);
    expect(existsSync(join(root, 'other.csv'))).toBe(false);
    // One shard without a recipe is a disagreement too; none at all removes a stale recipe.json.
    rmSync(join(dirname(manifests[1]), 'recipe.json'));
    await expect(mergeManifests({ out: join(root, 'other.csv'), shards: manifests })).rejects.toThrow(/different recipes .*none/);
    rmSync(join(dirname(manifests[0]), 'recipe.json'));
    await mergeManifests({ out: join(root, 'manifest.csv'), shards: manifests });
    expect(existsSync(join(root, 'recipe.json'))).toBe(false);
  });
});

