import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { TEMP_SUFFIX } from '../../src/store/atomic.ts';
import { convert, convertExitCode, warningKind, type ConvertOptions } from '../../src/batch/convert.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { loadPipelineFile, pipelineHash, resolvePipeline, type ResolvedPipeline } from '../../src/pipeline/pipeline.ts';
import { ROOT } from '../helpers/shared.ts';

const RATE = 8000;

/** A small, fast pipeline: 0.5 s chunks, 16 mel bands, PNG and npy per chunk. */
function tinyPipeline(overrides: { nMels?: number; seconds?: number; quality?: Record<string, unknown> } = {}): ResolvedPipeline {
  return resolvePipeline({
    version: 1,
    steps: [
      { block: 'decode' },
      { block: 'chunk', params: { seconds: overrides.seconds ?? 0.5 } },
      ...(overrides.quality ? [{ block: 'quality', params: overrides.quality }] : []),
      { block: 'melspec', params: { nFft: 256, hopLength: 64, nMels: overrides.nMels ?? 16 } },
      { block: 'db' },
      { block: 'image' },
      { block: 'npy' },
    ],
  });
}

/** A tone with a little noise; `seed` varies pitch so every file differs. */
function tone(seconds: number, seed: number, amplitude = 0.3): Uint8Array {
  const samples = new Float32Array(Math.round(seconds * RATE));
  let state = seed * 7919 + 1;
  for (let i = 0; i < samples.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const noise = (state / 2147483648 - 0.5) * 0.02;
    samples[i] = amplitude * Math.sin((2 * Math.PI * (400 + 37 * seed) * i) / RATE) + noise;
  }
  return encodeWav(samples, RATE);
}

function writeFile(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-convert-'));
}

/** A Kaggle-style folder: train_audio/<label>/<file>.wav. */
function makeFolder(files: Record<string, Uint8Array | string>): string {
  const root = join(tempDir(), 'train_audio');
  for (const [rel, bytes] of Object.entries(files)) writeFile(join(root, rel), bytes);
  return root;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listFiles(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, root));
    else out.push(relative(root, path));
  }
  return out;
}

function readErrors(outDir: string): Record<string, string>[] {
  return parse(readFileSync(join(outDir, 'errors.csv')), { columns: true }) as Record<string, string>[];
}

/** Every manifest row points at an existing, decodable output with the recorded hash; no output twice. */
async function checkOutputs(outDir: string): Promise<number> {
  const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
  const seen = new Set<string>();
  for (const row of rows) {
    for (const [name, rel] of Object.entries(row.outputs)) {
      expect(seen.has(rel), `${rel} listed twice`).toBe(false);
      seen.add(rel);
      const bytes = readFileSync(join(outDir, rel));
      expect(sha256(bytes)).toBe(row.outputHashes[name]);
      if (name === 'png') expect((await sharp(bytes).raw().toBuffer()).length).toBeGreaterThan(0);
      if (name === 'npy') expect(decodeNpy(bytes).shape[0]).toBeGreaterThan(0);
    }
  }
  const keys = rows.map((r) => `${r.source}#${r.chunkIndex}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(listFiles(outDir).filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
  return rows.length;
}

function options(input: string, outDir: string, pipeline = tinyPipeline(), extra: Partial<ConvertOptions> = {}): ConvertOptions {
  return { input, outDir, pipeline, jobs: 1, ...extra };
}

describe('convert a folder', () => {
  it('writes one PNG and one npy per chunk in the predictable layout, with a manifest row for each', async () => {
    const input = makeFolder({ 'amecro/XC1.wav': tone(1.2, 1), 'amerob/XC2.wav': tone(0.7, 2) });
    const outDir = join(tempDir(), 'out');
    const summary = await convert(options(input, outDir));
    expect(summary).toMatchObject({ files: 2, converted: 2, skipped: 0, failed: 0, chunks: 5 });
    expect(convertExitCode(summary)).toBe(0);
    expect(listFiles(outDir).filter((f) => !f.startsWith('.birdcall')).sort()).toEqual([
      'errors.csv',
      'manifest.csv',
      'npy/amecro/XC1_0000.npy',
      'npy/amecro/XC1_0001.npy',
      'npy/amecro/XC1_0002.npy',
      'npy/amerob/XC2_0000.npy',
      'npy/amerob/XC2_0001.npy',
      'pipeline.json',
      'png/amecro/XC1_0000.png',
      'png/amecro/XC1_0001.png',
      'png/amecro/XC1_0002.png',
      'png/amerob/XC2_0000.png',
      'png/amerob/XC2_0001.png',
      'summary.json',
    ]);
    // The spec beside the outputs resolves to the very pipeline that made them (train saves it with the model).
    const saved = resolvePipeline(JSON.parse(readFileSync(join(outDir, 'pipeline.json'), 'utf8')));
    expect(pipelineHash(saved)).toBe(summary.pipelineHash);
    const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
    expect(rows.map((r) => [r.source, r.chunkIndex, r.startSeconds, r.endSeconds, r.primaryLabel])).toEqual([
      ['amecro/XC1.wav', 0, 0, 0.5, 'amecro'],
      ['amecro/XC1.wav', 1, 0.5, 1, 'amecro'],
      ['amecro/XC1.wav', 2, 1, 1.2, 'amecro'],
      ['amerob/XC2.wav', 0, 0, 0.5, 'amerob'],
      ['amerob/XC2.wav', 1, 0.5, 0.7, 'amerob'],
    ]);
    expect(rows[0].sourceSha256).toBe(sha256(readFileSync(join(input, 'amecro/XC1.wav'))));
    expect(rows[0].pipelineHash).toBe(summary.pipelineHash);
    expect(rows[0].outputMeta).toHaveProperty('png_db_min');
    expect(await checkOutputs(outDir)).toBe(5);
    expect(readErrors(outDir)).toEqual([]);
    expect(JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8'))).toMatchObject({ converted: 2, chunks: 5 });
  });

  it('refuses an empty folder', async () => {
    const input = makeFolder({ 'notes.txt': 'no audio here' });
    await expect(convert(options(input, join(tempDir(), 'out')))).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
  });
});

describe('incremental re-runs', () => {
  it('skips unchanged sources and recomputes what a change affects', async () => {
    const input = makeFolder({ 'a/one.wav': tone(1, 1), 'a/two.wav': tone(1, 2), 'b/three.wav': tone(1, 3) });
    const outDir = join(tempDir(), 'out');
    const first = await convert(options(input, outDir));
    expect(first.converted).toBe(3);
    const pngPath = join(outDir, 'png/a/one_0000.png');
    const before = statSync(pngPath).mtimeMs;

    const again = await convert(options(input, outDir));
    expect(again).toMatchObject({ converted: 0, skipped: 3, failed: 0, chunks: 6 });
    expect(statSync(pngPath).mtimeMs).toBe(before);
    expect(readFileSync(join(outDir, 'manifest.csv'))).toEqual(readFileSync(join(outDir, 'manifest.csv')));

    // One file's audio changes: only it is converted again.
    writeFileSync(join(input, 'a/two.wav'), tone(1, 20));
    expect(await convert(options(input, outDir))).toMatchObject({ converted: 1, skipped: 2 });

    // A damaged output is noticed through its hash and rewritten.
    writeFileSync(pngPath, 'not a png');
    expect(await convert(options(input, outDir))).toMatchObject({ converted: 1, skipped: 2 });
    await checkOutputs(outDir);

    // A changed parameter changes the pipeline hash: everything is recomputed.
    const changed = await convert(options(input, outDir, tinyPipeline({ nMels: 20 })));
    expect(changed).toMatchObject({ converted: 3, skipped: 0 });
    expect(changed.pipelineHash).not.toBe(first.pipelineHash);
    const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
    expect(new Set(rows.map((r) => r.pipelineHash))).toEqual(new Set([changed.pipelineHash]));
    expect(decodeNpy(readFileSync(join(outDir, 'npy/a/one_0000.npy'))).shape[0]).toBe(20);
    await checkOutputs(outDir);
  });

  it('removes outputs a re-run no longer makes (fewer chunks)', async () => {
    const input = makeFolder({ 'a/one.wav': tone(1.2, 1) });
    const outDir = join(tempDir(), 'out');
    await convert(options(input, outDir));
    expect(existsSync(join(outDir, 'png/a/one_0002.png'))).toBe(true);
    const summary = await convert(options(input, outDir, tinyPipeline({ seconds: 1 })));
    expect(summary.chunks).toBe(2);
    expect(existsSync(join(outDir, 'png/a/one_0002.png'))).toBe(false);
    await checkOutputs(outDir);
  });

  it('takes edited labels from the input without recomputing', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'clips/x.wav'), tone(0.5, 1));
    const csv = join(dir, 'manifest.csv');
    writeFileSync(csv, 'path,primary_label,secondary_labels,rating\nclips/x.wav,sp_a,,3\n');
    const outDir = join(dir, 'out');
    await convert(options(csv, outDir));
    writeFileSync(csv, 'path,primary_label,secondary_labels,rating\nclips/x.wav,sp_a,sp_b sp_c,5\n');
    expect(await convert(options(csv, outDir))).toMatchObject({ converted: 0, skipped: 1 });
    const [row] = await readOutputManifest(join(outDir, 'manifest.csv'));
    expect(row.secondaryLabels).toEqual(['sp_b', 'sp_c']);
    expect(row.metadata.rating).toBe('5');
  });

  it('removes temp files an interrupted run left behind', async () => {
    const input = makeFolder({ 'a/one.wav': tone(0.5, 1) });
    const outDir = join(tempDir(), 'out');
    writeFile(join(outDir, 'png/a', `.one_0000.png.123-abcd${TEMP_SUFFIX}`), 'half a png');
    writeFile(join(outDir, '.birdcall/state/ab', `.x.json.9-ff${TEMP_SUFFIX}`), '{');
    const summary = await convert(options(input, outDir));
    expect(summary.tempFilesRemoved).toBe(2);
    await checkOutputs(outDir);
  });
});

describe('bad input', () => {
  it('sends a bad file to errors.csv and goes on (partial success)', async () => {
    const input = makeFolder({
      'a/good.wav': tone(0.5, 1),
      'a/bad.wav': 'this is not a RIFF file at all',
      'b/good2.wav': tone(0.5, 2),
    });
    const outDir = join(tempDir(), 'out');
    const summary = await convert(options(input, outDir));
    expect(summary).toMatchObject({ converted: 2, failed: 1 });
    expect(convertExitCode(summary)).toBe(3);
    const errors = readErrors(outDir);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'a/bad.wav', level: 'error' });
    expect(errors[0].code).toMatch(/^WAV_/);
    expect(await checkOutputs(outDir)).toBe(2);
  });

  it('exit code 1 when every file fails', async () => {
    const input = makeFolder({ 'a/bad.wav': 'junk', 'a/bad2.wav': 'junk' });
    const summary = await convert(options(input, join(tempDir(), 'out')));
    expect(summary.failed).toBe(2);
    expect(convertExitCode(summary)).toBe(1);
  });

  it('enforces --max-file-size and --max-duration with clear per-file errors', async () => {
    const input = makeFolder({ 'a/short.wav': tone(0.5, 1), 'a/long.wav': tone(3, 2) });
    const outDir = join(tempDir(), 'out');
    const bySize = await convert(options(input, outDir, tinyPipeline(), { maxFileSize: 20_000 }));
    expect(bySize).toMatchObject({ converted: 1, failed: 1, errorsByCode: { FILE_TOO_LARGE: 1 } });
    expect(readErrors(outDir)[0].reason).toMatch(/48044 bytes is over the --max-file-size limit of 20000 bytes/);
    const byDuration = await convert(options(input, outDir, tinyPipeline(), { maxDuration: 2 }));
    expect(byDuration).toMatchObject({ skipped: 1, failed: 1, errorsByCode: { FILE_TOO_LONG: 1 } });
    expect(readErrors(outDir)[0]).toMatchObject({ path: 'a/long.wav', code: 'FILE_TOO_LONG' });
    expect(readErrors(outDir)[0].reason).toMatch(/3\.0 s of audio is over the --max-duration limit of 2 s/);
  });

  it('refuses manifest rows that reach outside the input root, naming the row', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'secret.wav'), tone(0.5, 9));
    const root = join(dir, 'data');
    writeFile(join(root, 'clips/ok.wav'), tone(0.5, 1));
    symlinkSync(join(dir, 'secret.wav'), join(root, 'clips/link.wav'));
    const csv = join(root, 'manifest.csv');
    writeFileSync(
      csv,
      'path,primary_label,secondary_labels\nclips/ok.wav,a,\n../secret.wav,a,\n' +
        `${join(dir, 'secret.wav')},a,\nclips/link.wav,a,\n`,
    );
    const outDir = join(dir, 'out');
    const summary = await convert(options(csv, outDir));
    expect(summary).toMatchObject({ converted: 1, failed: 3, errorsByCode: { PATH_ESCAPE: 3 } });
    const errors = readErrors(outDir);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['../secret.wav', 'PATH_ESCAPE'],
      [join(dir, 'secret.wav'), 'PATH_ESCAPE'],
      ['clips/link.wav', 'PATH_ESCAPE'],
    ]);
    expect(errors[0].reason).toContain('manifest.csv row 2');
    expect(errors[1].reason).toContain('manifest.csv row 3');
    expect(errors[2].reason).toMatch(/manifest\.csv row 4: .*symlink/);
    expect(existsSync(join(outDir, 'png/a/secret_0000.png'))).toBe(false);
  });

  it('refuses to write through an output folder that is a symlink pointing out', async () => {
    const input = makeFolder({ 'a/one.wav': tone(0.5, 1) });
    const dir = tempDir();
    const outDir = join(dir, 'out');
    mkdirSync(join(dir, 'elsewhere'));
    mkdirSync(outDir);
    symlinkSync(join(dir, 'elsewhere'), join(outDir, 'png'));
    const summary = await convert(options(input, outDir));
    expect(summary.errorsByCode).toEqual({ PATH_ESCAPE: 1 });
    expect(readdirSync(join(dir, 'elsewhere'))).toEqual([]);
  });

  it('refuses to run while another live run holds the output folder', async () => {
    const input = makeFolder({ 'a/one.wav': tone(0.5, 1) });
    const outDir = join(tempDir(), 'out');
    // The parent of this process is alive and is not us: its lock must be respected.
    writeFile(join(outDir, '.birdcall/lock'), `${process.ppid} ${(await import('node:os')).hostname()}`);
    await expect(convert(options(input, outDir))).rejects.toMatchObject({ code: 'OUTDIR_LOCKED' });
    // A lock whose owner is gone (a killed run) is taken over.
    writeFile(join(outDir, '.birdcall/lock'), `999999999 ${(await import('node:os')).hostname()}`);
    expect((await convert(options(input, outDir))).converted).toBe(1);
    expect(existsSync(join(outDir, '.birdcall/lock'))).toBe(false);
  });
});

describe('output names', () => {
  it('sanitizes labels and stems, and keeps same-named files of one label apart', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x/call.wav'), tone(0.5, 1));
    writeFile(join(dir, 'y/call.wav'), tone(0.5, 2));
    writeFile(join(dir, 'y/CALL.WAV'), tone(0.5, 3));
    writeFile(join(dir, 'z/my song é.wav'), tone(0.5, 4));
    const csv = join(dir, 'manifest.csv');
    writeFileSync(
      csv,
      'path,primary_label,secondary_labels\n' +
        'x/call.wav,a/b,\ny/call.wav,a/b,\ny/CALL.WAV,a/b,\nz/my song é.wav,Pájaro ..,\n',
    );
    const outDir = join(dir, 'out');
    expect((await convert(options(csv, outDir))).converted).toBe(4);
    const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
    const pngs = rows.map((r) => r.outputs.png);
    expect(new Set(pngs.map((p) => p.toLowerCase())).size).toBe(4);
    for (const png of pngs) expect(png).toMatch(/^png\/[A-Za-z0-9_-][A-Za-z0-9._-]*\/[A-Za-z0-9_-][A-Za-z0-9._-]*_0000\.png$/);
    expect(pngs[0]).toMatch(/^png\/a_b-[0-9a-f]{12}\/call_0000\.png$/);
    await checkOutputs(outDir);
    // Same names on a re-run: nothing is recomputed.
    expect((await convert(options(csv, outDir))).skipped).toBe(4);
  });
});

describe('output names across runs', () => {
  it('never deletes a file another source now owns when names move between sources', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x/call.wav'), tone(1, 1));
    writeFile(join(dir, 'y/call.wav'), tone(1, 2));
    const csv = join(dir, 'manifest.csv');
    const header = 'path,primary_label,secondary_labels\n';
    writeFileSync(csv, header + 'x/call.wav,l,\ny/call.wav,l,\n');
    const outDir = join(dir, 'out');
    await convert(options(csv, outDir));
    // Reversed order: y/call.wav now gets the plain name, x/call.wav the hashed one.
    writeFileSync(csv, header + 'y/call.wav,l,\nx/call.wav,l,\n');
    expect(await convert(options(csv, outDir))).toMatchObject({ converted: 2, chunks: 4 });
    const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
    expect(rows[0]).toMatchObject({ source: 'y/call.wav', outputs: { png: 'png/l/call_0000.png' } });
    await checkOutputs(outDir);
    const listed = rows.flatMap((r) => Object.values(r.outputs)).sort();
    const onDisk = listFiles(outDir).filter((f) => f.startsWith('png/') || f.startsWith('npy/')).sort();
    expect(onDisk).toEqual(listed);
  });
});

/**
 * A pipeline file whose block module fails a file converted on the main thread: which thread ran the
 * per-file work, seen from the outcome.
 */
async function offMainThreadPipeline(): Promise<ResolvedPipeline> {
  const dir = tempDir();
  const blockUrl = pathToFileURL(join(ROOT, 'src', 'pipeline', 'block.ts')).href;
  const zodUrl = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('zod')).href;
  writeFileSync(
    join(dir, 'where.mts'),
    `import { isMainThread } from 'node:worker_threads';\nimport { z } from '${zodUrl}';\nimport { defineBlock } from '${blockUrl}';\n` +
      `export const offMain = defineBlock({ name: 'off-main', doc: 'fails on the main thread', input: 'audio', output: 'audio',\n` +
      `  params: z.object({}), run: (audio) => { if (isMainThread) throw new Error('ran on the main thread'); return audio; } });\n`,
  );
  writeFileSync(join(dir, 'p.yaml'), 'version: 1\nblocks: [./where.mts]\nsteps:\n  - decode\n  - off-main\n  - block: melspec\n    params: { n_fft: 256, hop_length: 64, n_mels: 16 }\n  - db\n  - npy\n');
  return loadPipelineFile(join(dir, 'p.yaml'));
}

describe('worker threads', () => {
  it('gives the same manifest with 1 and 2 workers as in-process', async () => {
    const input = makeFolder({ 'a/one.wav': tone(1, 1), 'a/two.wav': tone(0.6, 2), 'b/three.wav': tone(0.8, 3) });
    const [outIn, outOne, outTwo] = [join(tempDir(), 'out'), join(tempDir(), 'out'), join(tempDir(), 'out')];
    await convert(options(input, outIn, tinyPipeline(), { inProcess: true }));
    expect(await convert(options(input, outOne))).toMatchObject({ converted: 3, failed: 0, jobs: 1 });
    const summary = await convert(options(input, outTwo, tinyPipeline(), { jobs: 2 }));
    expect(summary).toMatchObject({ converted: 3, failed: 0, jobs: 2 });
    for (const out of [outOne, outTwo]) expect(readFileSync(join(out, 'manifest.csv'), 'utf8')).toBe(readFileSync(join(outIn, 'manifest.csv'), 'utf8'));
    await checkOutputs(outTwo);
  });

  it('converts off the main thread with --jobs 1; only inProcess runs sources on it', async () => {
    const custom = await offMainThreadPipeline();
    const input = makeFolder({ 'a/one.wav': tone(1, 1), 'b/two.wav': tone(0.6, 2) });
    expect(await convert(options(input, join(tempDir(), 'out'), custom))).toMatchObject({ converted: 2, failed: 0 });
    const inProcess = join(tempDir(), 'out');
    expect(await convert(options(input, inProcess, custom, { inProcess: true }))).toMatchObject({ converted: 0, failed: 2 });
    expect(readErrors(inProcess).map((e) => e.reason)).toEqual([expect.stringContaining('ran on the main thread'), expect.stringContaining('ran on the main thread')]);
  });

  it('refuses inProcess with more than one job', async () => {
    const input = makeFolder({ 'a/one.wav': tone(1, 1) });
    await expect(convert(options(input, join(tempDir(), 'out'), tinyPipeline(), { jobs: 2, inProcess: true }))).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('runs a pipeline with a TypeScript block module on 2 workers (they start through tsx, not the bundle)', async () => {
    const custom = await loadPipelineFile(join(ROOT, 'examples', 'custom-block.yaml'));
    const input = makeFolder({ 'a/one.wav': tone(1, 1), 'b/two.wav': tone(0.6, 2) });
    const outOne = join(tempDir(), 'out');
    const outTwo = join(tempDir(), 'out');
    await convert(options(input, outOne, custom));
    expect(await convert(options(input, outTwo, custom, { jobs: 2 }))).toMatchObject({ converted: 2, failed: 0, jobs: 2 });
    expect(readFileSync(join(outTwo, 'manifest.csv'), 'utf8')).toBe(readFileSync(join(outOne, 'manifest.csv'), 'utf8'));
  });

  it('reports a bad file from a worker with its error code', async () => {
    const input = makeFolder({ 'a/one.wav': tone(0.5, 1), 'a/bad.wav': 'RIFF junk' });
    const outDir = join(tempDir(), 'out');
    const summary = await convert(options(input, outDir, tinyPipeline(), { jobs: 2 }));
    expect(summary.failed).toBe(1);
    expect(readErrors(outDir)[0].code).toMatch(/^WAV_/);
  });
});

describe('quality checks', () => {
  it('summarises warned and dropped chunks by check', async () => {
    const silent = encodeWav(new Float32Array(RATE), RATE);
    const input = makeFolder({ 'a/loud.wav': tone(1, 1), 'a/silent.wav': silent });
    const outDir = join(tempDir(), 'out');
    const summary = await convert(options(input, outDir, tinyPipeline({ quality: { action: 'drop', checks: ['nearSilent'] } })));
    expect(summary.chunks).toBe(2);
    expect(summary.warningsByKind).toEqual({ 'quality nearSilent: dropped': 2 });
    expect(readErrors(outDir).map((e) => [e.path, e.level])).toEqual([
      ['a/silent.wav', 'warning'],
      ['a/silent.wav', 'warning'],
    ]);
  });

  it('groups warnings of other blocks by their text with numbers blurred', () => {
    expect(warningKind('decode: 12 NaN or infinite float sample(s) replaced by 0')).toBe(
      'decode: N NaN or infinite float sample(s) replaced by N',
    );
    expect(warningKind('quality: chunk 3 (15.00 s): clipping: 2% of samples')).toBe('quality clipping: warned');
  });
});
