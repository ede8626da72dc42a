import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BirdcallError } from '../../src/errors.ts';
import { ManifestColumns, readOutputManifest, streamOutputManifest, writeOutputManifest, writeOutputManifestRows } from '../../src/store/manifest.ts';
import type { OutputRow } from '../../src/store/manifest-types.ts';

function row(i: number, extra: Partial<OutputRow> = {}): OutputRow {
  return {
    source: `clips/A_b/XC${i}.wav`,
    chunkIndex: i,
    startSeconds: i * 5,
    endSeconds: i * 5 + 5,
    primaryLabel: 'A_b',
    secondaryLabels: i % 2 ? ['C_d', 'E_f'] : [],
    outputs: { png: `png/A_b/XC${i}_000${i}.png`, npy: `npy/A_b/XC${i}_000${i}.npy` },
    outputHashes: { png: 'a'.repeat(64), npy: 'b'.repeat(64) },
    outputMeta: { png_db_min: -80 - i, png_db_max: 0.25 },
    sourceSha256: 'c'.repeat(64),
    pipelineHash: 'd'.repeat(64),
    birdcallVersion: '0.1.0',
    metadata: { source_path: `orig/${i}.mp3`, notes: 'has, "quotes" and\na newline', rating: '4.5' },
    ...extra,
  };
}

describe('output manifest', () => {
  it('round-trips rows, including metadata columns that end in _path and awkward text', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'birdcall-manifest-')), 'manifest.csv');
    const rows = [row(0), row(1), row(2)];
    expect(await writeOutputManifestRows(path, rows)).toBe(3);
    expect(await readOutputManifest(path)).toEqual(rows);
  });

  it('writes the documented column order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'birdcall-manifest-')), 'manifest.csv');
    await writeOutputManifestRows(path, [row(1)]);
    const header = readFileSync(path, 'utf8').split('\n')[0].split(',');
    expect(header).toEqual([
      'source', 'chunk_index', 'start_s', 'end_s', 'primary_label', 'secondary_labels',
      'png_path', 'png_sha256', 'png_db_min', 'png_db_max', 'npy_path', 'npy_sha256',
      'source_sha256', 'pipeline_hash', 'birdcall_version', 'source_path', 'notes', 'rating',
    ]);
  });

  it('renames a metadata column that clashes with one of its own columns', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'birdcall-manifest-')), 'manifest.csv');
    await writeOutputManifestRows(path, [row(1, { metadata: { source: 'xeno-canto', png_path: 'theirs' } })]);
    const [back] = await readOutputManifest(path);
    expect(back.source).toBe('clips/A_b/XC1.wav');
    expect(back.outputs.png).toBe('png/A_b/XC1_0001.png');
    expect(back.metadata).toEqual({ input_source: 'xeno-canto', input_png_path: 'theirs' });
  });

  it('keeps rows whose artifacts or meta keys differ (empty cells come back absent)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'birdcall-manifest-')), 'manifest.csv');
    const onlyPng = row(3, { outputs: { png: 'png/x.png' }, outputHashes: { png: 'e'.repeat(64) }, outputMeta: {} });
    const rows = [row(0), onlyPng];
    await writeOutputManifestRows(path, rows);
    expect(await readOutputManifest(path)).toEqual(rows);
  });

  it('takes rows rendered ahead under the final columns as if given whole, and refuses ones rendered under others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-manifest-'));
    const rows = [row(0), row(1), row(2), row(3)];
    await writeOutputManifestRows(join(dir, 'whole.csv'), rows);
    const columns = new ManifestColumns();
    for (const r of rows) columns.add(r);
    const ahead = [rows[0], columns.render([rows[1], rows[2]]), rows[3]];
    expect(await writeOutputManifest(join(dir, 'ahead.csv'), ahead, columns)).toBe(4);
    expect(readFileSync(join(dir, 'ahead.csv'), 'utf8')).toBe(readFileSync(join(dir, 'whole.csv'), 'utf8'));

    const early = new ManifestColumns();
    early.add(row(1, { metadata: {} }));
    const stale = early.render([row(1, { metadata: {} })]);
    await expect(writeOutputManifest(join(dir, 'stale.csv'), [stale], columns)).rejects.toThrow(/other columns/);
    expect(readdirSync(dir).sort()).toEqual(['ahead.csv', 'whole.csv']);
  });

  it('streams rows one at a time and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-manifest-'));
    const path = join(dir, 'manifest.csv');
    await writeOutputManifestRows(path, Array.from({ length: 50 }, (_, i) => row(i)));
    let n = 0;
    for await (const r of streamOutputManifest(path)) expect(r.chunkIndex).toBe(n++);
    expect(n).toBe(50);
    expect(readdirSync(dir)).toEqual(['manifest.csv']);
  });

  it('refuses a CSV that is not an output manifest, naming the file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'birdcall-manifest-')), 'other.csv');
    writeFileSync(path, 'path,primary_label\na.wav,x\n');
    const err = await readOutputManifest(path).catch((e: unknown) => e);
    expect((err as BirdcallError).code).toBe('MANIFEST_INVALID');
    expect((err as BirdcallError).message).toContain('other.csv');
    const missing = await readOutputManifest(path + '.nope').catch((e: unknown) => e);
    expect((missing as BirdcallError).code).toBe('MANIFEST_NOT_FOUND');
  });
});
