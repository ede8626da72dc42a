import { cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { parseRule } from '../../src/cli/select.ts';
import { convert } from '../../src/batch/convert.ts';
import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import type { Selection } from '../../src/select/index.ts';
import { trainFromManifest } from '../../src/train/run.ts';
import { runCli } from './run-cli.ts';
import { PIPELINE, RATE, tone } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

interface Fixture {
  dir: string;
  manifest: string;
  models: string[];
}

/**
 * Two classes of tones listed in a birdcalls-layout CSV with a recordist column, converted, and two tiny
 * models trained on them with different seeds (seconds). The evaluation manifest is the same data: the test
 * is about the command, not about generalisation.
 */
async function fixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'birdcall-select-cli-'));
  const lines = ['path,primary_label,secondary_labels,recordist'];
  for (const [label, hz] of [['hitone', 2400], ['lowtone', 600]] as const) {
    await mkdir(join(dir, 'audio', label), { recursive: true });
    for (let r = 0; r < 4; r++) {
      await writeFile(join(dir, 'audio', label, `${label}${r}.wav`), encodeWav(tone(hz * (1 + r / 20), 3, r + 1), RATE));
      lines.push(`${label}/${label}${r}.wav,${label},,${r % 2 === 0 ? 'Ada' : 'Bruno'}`);
    }
  }
  await writeFile(join(dir, 'audio', 'manifest.csv'), lines.join('\n') + '\n');
  const pipelineFile = join(dir, 'pipeline.yaml');
  await writeFile(pipelineFile, PIPELINE);
  const out = join(dir, 'converted');
  await convert({ input: join(dir, 'audio', 'manifest.csv'), outDir: out, pipeline: await loadPipelineFile(pipelineFile), jobs: 1 });
  const manifest = join(out, 'manifest.csv');
  const models: string[] = [];
  for (const seed of [1, 2]) {
    const model = join(dir, 'models', `tiny-s${seed}`);
    await trainFromManifest({ manifest, out: model, pipeline: pipelineFile, params: { model: 'tiny', epochs: 1, batchSize: 8, mixupAlpha: 0, seed } });
    models.push(model);
  }
  return { dir, manifest, models };
}

describe('birdcall select', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await fixture();
  });

  it('scores the models, writes selection.json and report.html, prints a summary; a second run reads the cache', async () => {
    const out = join(fx.dir, 'reports', 'run');
    const args = ['select', '--models', ...fx.models, '--data', fx.manifest, '-o', out, '--slice', 'recordist', '--min-slice-size', '2', '--seed', '7'];
    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/backend: wasm/);
    expect(first.stderr.match(/: scored 24 chunks/g)).toHaveLength(2);
    const selection = JSON.parse(await readFile(join(out, 'selection.json'), 'utf8')) as Selection;
    expect(['tiny-s1', 'tiny-s2']).toContain(selection.chosen);
    expect(selection.candidates.map((c) => c.name).sort()).toEqual(['tiny-s1', 'tiny-s2']);
    expect(selection.data).toMatchObject({ rows: 24, recordings: 8, classes: ['hitone', 'lowtone'] });
    expect(selection.slices.map((s) => s.column)).toEqual(['recordist']);
    expect(selection.settings).toMatchObject({ bootstrap: 1000, seed: 7, minSliceSize: 2 });
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-plot="main-metric"');
    expect(first.stdout).toContain('24 chunks of 8 recordings, 2 classes; 0 of 2 models from the cache');
    expect(first.stdout).toMatch(new RegExp(`^  ${selection.chosen} +macro ROC-AUC [0-9.]+ \\[[0-9.]+, [0-9.]+\\] +top-1 [0-9.]+ +chosen$`, 'm'));
    expect(first.stdout).toContain(`Chosen: ${selection.chosen}`);
    expect(first.stdout).toContain(`report: ${join(out, 'report.html')}`);
    expect((await readdir(join(out, '.cache'))).filter((f) => f.endsWith('.json'))).toHaveLength(2);

    const second = await runCli(args);
    expect(second.code).toBe(0);
    expect(second.stderr.match(/: scores from the cache/g)).toHaveLength(2);
    expect(second.stderr).not.toMatch(/backend:/);
    expect(second.stdout).toContain('2 of 2 models from the cache');
    expect(JSON.parse(await readFile(join(out, 'selection.json'), 'utf8'))).toEqual(selection);
  });

  it('refuses candidates trained on different classes with a clear error', async () => {
    const other = join(fx.dir, 'models', 'renamed');
    await cp(fx.models[0], other, { recursive: true });
    await writeFile(join(other, 'classes.json'), JSON.stringify(['hitone', 'midtone']));
    const result = await runCli(['select', '--models', fx.models[0], other, '--data', fx.manifest, '-o', join(fx.dir, 'reports', 'bad')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/models 'tiny-s1' and 'renamed' were trained on different classes \('renamed' lacks lowtone and adds midtone\)/);
  });

  it('rejects bad flags with exit code 2 before scoring anything', async () => {
    const base = ['select', '--models', ...fx.models, '--data', fx.manifest, '-o', join(fx.dir, 'reports', 'flags')];
    const metric = await runCli([...base, '--metric', 'accuracy']);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/--metric must be one of macroRocAuc, paddedCmap, rowwiseMicroF1/);
    const bootstrap = await runCli([...base, '--bootstrap', '10']);
    expect(bootstrap.code).toBe(2);
    expect(bootstrap.stderr).toMatch(/bootstrap/);
    expect((await runCli([...base, '--rule', 'weights'])).code).toBe(2);
  });
});

describe('--rule', () => {
  it('reads a lexicographic order or criterion weights', () => {
    expect(parseRule(undefined)).toBeUndefined();
    expect(parseRule(['lexicographic'])).toEqual({ kind: 'lexicographic', order: ['calibration', 'worstSlice', 'secondary', 'stability'] });
    expect(parseRule(['lexicographic', 'secondary,worstSlice'])).toEqual({ kind: 'lexicographic', order: ['secondary', 'worstSlice'] });
    expect(parseRule(['weights', 'worstSlice=2', 'calibration=0.5'])).toEqual({ kind: 'weights', weights: { worstSlice: 2, calibration: 0.5 } });
    expect(() => parseRule(['lexicographic', 'speed'])).toThrow(/unknown criterion "speed"/);
    expect(() => parseRule(['weights', 'secondary=x'])).toThrow(/must be a number/);
    expect(() => parseRule(['random'])).toThrow(/must start with "lexicographic" or "weights"/);
  });
});
