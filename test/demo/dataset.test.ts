import { createRequire } from 'node:module';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { generateDemoDataset, METADATA_COLUMNS, SPECIES, REGIONS, RECORDISTS, type DemoDatasetOptions } from '../../src/demo/index.ts';
import { BirdcallError } from '../../src/errors.ts';
import { ROOT } from '../helpers/shared.ts';

/** wav-decoder 1.3.0 (no type declarations): an independent decoder to check our bytes against. */
const wavDecoder = createRequire(import.meta.url)('wav-decoder') as {
  decode: { sync(bytes: Buffer, opts?: { symmetric?: boolean }): { sampleRate: number; channelData: Float32Array[] } };
};

// Small and short so the whole file runs in seconds; the layout and rules are the same as the default's.
const SMALL: DemoDatasetOptions = { species: 6, perSpecies: 2, minSeconds: 5, maxSeconds: 6, seed: 7 };

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'birdcall-demo-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

function parseList(text: string): string[] {
  expect(text).toMatch(/^\[('[a-z]+'(, '[a-z]+')*)?\]$/);
  return [...text.matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
}

describe('generateDemoDataset', () => {
  it('is deterministic: the same seed gives the same bytes, another seed different audio', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map((name) => join(tmp, name));
    await generateDemoDataset({ ...SMALL, out: a });
    await generateDemoDataset({ ...SMALL, out: b });
    await generateDemoDataset({ ...SMALL, out: c, seed: 8 });
    const files = await listFiles(a);
    expect(files).toEqual(await listFiles(b));
    expect(files).toHaveLength(SMALL.species! * SMALL.perSpecies! + 1);
    let differing = 0;
    for (const file of files) {
      const bytesA = await readFile(join(a, file));
      expect(bytesA.equals(await readFile(join(b, file))), file).toBe(true);
      const other = await readFile(join(c, file)).catch(() => undefined);
      if (!other || !bytesA.equals(other)) differing++;
    }
    expect(differing).toBe(files.length);
  });

  it('writes BirdCLEF train_metadata.csv whose rows match the audio files', async () => {
    const out = join(tmp, 'layout');
    const result = await generateDemoDataset({ ...SMALL, out });
    const rows = parse(await readFile(join(out, 'train_metadata.csv')), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...METADATA_COLUMNS]);
    expect(rows).toHaveLength(result.files);

    const codes = SPECIES.slice(0, SMALL.species).map((s) => s.code);
    for (const code of codes) expect(rows.filter((r) => r.primary_label === code)).toHaveLength(SMALL.perSpecies!);
    let seconds = 0;
    for (const row of rows) {
      const species = SPECIES.find((s) => s.code === row.primary_label)!;
      expect(row.common_name).toBe(species.commonName);
      expect(row.scientific_name).toBe(species.scientificName);
      const secondary = parseList(row.secondary_labels);
      for (const label of secondary) {
        expect(label).not.toBe(row.primary_label);
        expect(codes).toContain(label);
      }
      expect(['song', 'call']).toContain(parseList(row.type)[0]);
      expect(Number.isInteger(Number(row.rating))).toBe(true);
      expect(Number(row.rating)).toBeGreaterThanOrEqual(1);
      expect(Number(row.rating)).toBeLessThanOrEqual(5);
      const nearest = Math.min(...REGIONS.map((r) => Math.hypot(r.latitude - Number(row.latitude), r.longitude - Number(row.longitude))));
      expect(nearest).toBeLessThan(1.2);
      expect(row.date).toMatch(/^20(1[5-9]|2[0-4])-(0[1-9]|1[0-2])-(0[1-9]|[12]\d)$/);
      expect(RECORDISTS.map((r) => r.name)).toContain(row.recordist);
      expect(row.author).toBe(row.recordist);
      expect(row.license).toMatch(/^MIT/);
      expect(row.filename).toMatch(new RegExp(`^${row.primary_label}/SYN\\d{5}\\.wav$`));

      const audio = wavDecoder.decode.sync(await readFile(join(out, 'train_audio', row.filename)));
      expect(audio.sampleRate).toBe(32000);
      expect(audio.channelData).toHaveLength(1);
      const duration = audio.channelData[0].length / audio.sampleRate;
      expect(duration).toBeGreaterThanOrEqual(SMALL.minSeconds!);
      expect(duration).toBeLessThanOrEqual(SMALL.maxSeconds! + 0.01);
      seconds += duration;
    }
    expect(result.seconds).toBeCloseTo(seconds, 3);
  });

  it('re-runs cheaply: unchanged files are not rewritten, and stale generated files are removed', async () => {
    const out = join(tmp, 'rerun');
    const first = await generateDemoDataset({ ...SMALL, out });
    expect(first.written).toBe(first.files + 1);
    const again = await generateDemoDataset({ ...SMALL, out });
    expect(again).toMatchObject({ written: 0, unchanged: first.files + 1, removed: 0 });

    const fewer = await generateDemoDataset({ ...SMALL, out, perSpecies: 1 });
    expect(fewer.removed).toBe(SMALL.species! * (SMALL.perSpecies! - 1));
    expect(fewer.written).toBe(1); // only the CSV changed: each recording does not depend on the dataset size
    const files = await listFiles(out);
    expect(files.filter((f) => f.endsWith('.wav'))).toHaveLength(SMALL.species!);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('rejects impossible options with a BirdcallError', async () => {
    const out = join(tmp, 'bad');
    await expect(generateDemoDataset({ out, species: SPECIES.length + 1 })).rejects.toThrow(BirdcallError);
    await expect(generateDemoDataset({ out, species: 1 })).rejects.toThrow(/species/);
    await expect(generateDemoDataset({ out, minSeconds: 9, maxSeconds: 6 })).rejects.toThrow(/minSeconds/);
  });
});

describe('make-demo-data script', () => {
  const run = promisify(execFile);
  const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

  it('documents its options in --help', async () => {
    const { stdout } = await run(tsx, [join(ROOT, 'scripts', 'make-demo-data.ts'), '--help'], { cwd: ROOT });
    for (const flag of ['--species', '--per-species', '--seed', '--out']) expect(stdout).toContain(flag);
  });

  it('generates a dataset and exits 2 with a message on a bad option', async () => {
    const out = join(tmp, 'cli');
    const script = join(ROOT, 'scripts', 'make-demo-data.ts');
    const { stdout } = await run(tsx, [script, '--species', '2', '--per-species', '1', '--seed', '3', '--out', out], { cwd: ROOT });
    expect(stdout).toContain('2 recordings');
    expect(await listFiles(out)).toHaveLength(3);
    const failure = await run(tsx, [script, '--species', '99', '--out', out], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/species/);
  });
});
