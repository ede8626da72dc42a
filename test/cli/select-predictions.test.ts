import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/select/bootstrap.ts';
import type { Selection } from '../../src/select/index.ts';
import { runCli } from './run-cli.ts';

const CLASSES = ['amecro', 'barswa', 'comrav'];
const HEADER =
  'source,chunk_index,start_s,end_s,primary_label,secondary_labels,png_path,png_sha256,source_sha256,pipeline_hash,birdcall_version,rating,recordist';

interface Chunk {
  source: string;
  start: number;
  end: number;
  primary: number;
  secondary: number[];
}

/**
 * An evaluation manifest written by hand (select --predictions reads only its rows and labels, never the
 * images): 24 recordings of 5.5 s in two 3 s chunks, the second zero-padded (end_s 5.5, nominal end 6), a
 * background species in every third recording, two recordists; and an unlabelled soundscape chunk.
 */
function chunks(): Chunk[] {
  const out: Chunk[] = [];
  for (let r = 0; r < 24; r++) {
    const primary = r % 3;
    const secondary = r % 3 === 0 ? [(primary + 1) % 3] : [];
    out.push({ source: `${CLASSES[primary]}/XC${100 + r}.ogg`, start: 0, end: 3, primary, secondary });
    out.push({ source: `${CLASSES[primary]}/XC${100 + r}.ogg`, start: 3, end: 5.5, primary, secondary });
  }
  return out;
}

function manifestText(rows: Chunk[]): string {
  const lines = rows.map((c, i) =>
    [c.source, i % 2, c.start, c.end, CLASSES[c.primary], c.secondary.map((s) => CLASSES[s]).join(' '), `png/${i}.png`, 'ab', 'cd', 'ef', '0.1.0', 1 + (i % 5), i % 4 < 2 ? 'Ada' : 'Bruno'].join(','),
  );
  lines.push(['soundscapes/S1.ogg', 0, 0, 3, '', '', 'png/s.png', 'ab', 'cd', 'ef', '0.1.0', '', ''].join(','));
  return [HEADER, ...lines].join('\n') + '\n';
}

/** Scores of a model that knows the primary species (strength) and hears background ones (hears). */
function scores(rows: Chunk[], seed: number, strength: number, hears: boolean): number[][] {
  const rand = mulberry32(seed);
  return rows.map((c) =>
    CLASSES.map((_, k) => {
      const mean = k === c.primary ? strength : c.secondary.includes(k) && hears ? 0.5 : -strength;
      return 1 / (1 + Math.exp(-(mean + 2 * (rand() - 0.5))));
    }),
  );
}

/** A predictions CSV: row_id uses the nominal end (6 for the padded chunk), as `birdcall predict` writes. */
function csv(rows: Chunk[], values: number[][], classes = CLASSES, id = (c: Chunk) => `${c.source.split('/')[1].replace('.ogg', '')}_${c.start + 3}`): string {
  return ['row_id,' + classes.join(','), ...rows.map((c, i) => [id(c), ...values[i].map(String)].join(','))].join('\n') + '\n';
}

describe('birdcall select --predictions', () => {
  let dir: string;
  let manifest: string;
  const rows = chunks();
  const a = scores(rows, 1, 2.5, true);
  const b = scores(rows, 2, 2.5, false);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-select-csv-'));
    manifest = join(dir, 'manifest.csv');
    await writeFile(manifest, manifestText(rows));
    await writeFile(join(dir, 'hears.csv'), csv(rows, a));
    await writeFile(join(dir, 'deaf.csv'), csv(rows, b));
  });

  // The secondary-label criterion first: these cases are built to differ there (the default order is the study's).
  const select = (files: string[], out: string, extra: string[] = ['--rule', 'lexicographic', 'secondary', 'stability']) =>
    runCli(['select', '--predictions', ...files.map((f) => join(dir, f)), '--data', manifest, '-o', join(dir, out), '--slice', 'recordist', ...extra]);

  it('ranks prediction CSVs like model folders and picks the one that hears background species', async () => {
    const result = await select(['deaf.csv', 'hears.csv'], 'ok');
    expect(result.code, result.stderr).toBe(0);
    const selection = JSON.parse(await readFile(join(dir, 'ok', 'selection.json'), 'utf8')) as Selection;
    expect(selection.data).toMatchObject({ rows: 48, recordings: 24, classes: CLASSES });
    expect(selection.tieSet.sort()).toEqual(['deaf', 'hears']);
    expect(selection.chosen).toBe('hears');
    expect(result.stdout).toContain('48 chunks of 24 recordings, 3 classes; 2 prediction CSVs');
    expect(result.stdout).toMatch(/Runner-up: deaf, which lacked secondary-label AUC/);
    expect(await readFile(join(dir, 'ok', 'report.html'), 'utf8')).toContain('data-plot="main-metric"');
  });

  it('gives the same pick and the same words whatever the order of the files', async () => {
    await writeFile(join(dir, 'twin.csv'), csv(rows, a));
    const forward = await select(['hears.csv', 'twin.csv', 'deaf.csv'], 'forward');
    const reversed = await select(['deaf.csv', 'twin.csv', 'hears.csv'], 'reversed');
    expect(forward.code, forward.stderr).toBe(0);
    const summary = (s: string) => s.split('\n').filter((l) => /^(Chosen|Tie set|Runner-up)/.test(l));
    expect(summary(reversed.stdout)).toEqual(summary(forward.stdout));
    // hears and twin have identical scores: nothing can separate them, and the words must say so
    expect(forward.stdout).toMatch(
      /Chosen: hears, because its secondary-label AUC .* beat deaf; then tied with twin on every remaining criterion; picked hears by the tie-break rule \(.*\): their main-metric estimates are equal/,
    );
  });

  it("accepts the manifest's end_s in row_id as well as the nominal end", async () => {
    await writeFile(join(dir, 'end-s.csv'), csv(rows, a, CLASSES, (c) => `${c.source.split('/')[1].replace('.ogg', '')}_${c.end}`));
    const result = await select(['end-s.csv', 'deaf.csv'], 'end-s');
    expect(result.code, result.stderr).toBe(0);
  });

  const bad: [string, (text: string) => string, RegExp][] = [
    ['missing rows', (t) => t.split('\n').filter((l) => !l.startsWith('XC105_')).join('\n'), /no row for 2 chunk\(s\) of the evaluation manifest: XC105_3, XC105_6/],
    ['extra rows', (t) => `${t}XC999_3,0.1,0.2,0.3\n`, /1 row\(s\) name no chunk of the evaluation manifest: XC999_3/],
    ['an unknown class', (t) => t.replace('row_id,amecro,', 'row_id,amecrx,'), /unknown classes: .*'bad' lacks amecro and adds amecrx/],
    ['NaN', (t) => t.replace(/^(XC103_3,)[^,]+/m, '$1NaN'), /line 8 \(row_id XC103_3\): "NaN" in column amecro is not a probability \(NaN\)/],
    ['a probability above 1', (t) => t.replace(/^(XC103_3,)[^,]+/m, '$11.5'), /line 8 \(row_id XC103_3\): 1\.5 in column amecro is outside \[0, 1\]/],
    ['a negative probability', (t) => t.replace(/^(XC103_3,[^,]+,)[^,]+/m, '$1-0.2'), /-0\.2 in column barswa is outside \[0, 1\]/],
    ['an empty cell', (t) => t.replace(/^(XC103_3,)[^,]+/m, '$1'), /empty cell in column amecro is not a probability/],
    ['a repeated row_id', (t) => t.replace(/^XC104_3,/m, 'XC103_3,'), /row_id XC103_3 appears twice/],
    ['no row_id column', (t) => t.replace('row_id,', 'id,'), /the first column must be "row_id"/],
  ];
  for (const [what, corrupt, message] of bad) {
    it(`refuses a CSV with ${what}: one line naming the file, exit 2`, async () => {
      await writeFile(join(dir, 'bad.csv'), corrupt(csv(rows, a)));
      const result = await select(['deaf.csv', 'bad.csv'], `bad-${what.replace(/\W+/g, '-')}`);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      if (!/unknown classes/.test(result.stderr)) expect(result.stderr).toContain(join(dir, 'bad.csv'));
    });
  }

  it('refuses a primary label that no CSV has a column for, and both --models and --predictions at once', async () => {
    const two = CLASSES.slice(0, 2);
    await writeFile(join(dir, 'two-a.csv'), csv(rows, a.map((r) => r.slice(0, 2)), two));
    await writeFile(join(dir, 'two-b.csv'), csv(rows, b.map((r) => r.slice(0, 2)), two));
    const missing = await select(['two-a.csv', 'two-b.csv'], 'two');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/primary label 'comrav' is not among the models' 2 classes/);
    const both = await runCli(['select', '--predictions', join(dir, 'deaf.csv'), '--models', dir, '--data', manifest, '-o', join(dir, 'both')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either as --models DIR … or as --predictions CSV …, not both/);
  });
});
