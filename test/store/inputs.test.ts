import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BirdcallError } from '../../src/errors.ts';
import { openInputs, parseLabelList, readInputs } from '../../src/store/inputs.ts';
import type { InputRow } from '../../src/store/manifest-types.ts';
import { BIRDCALLS, HAVE_SHARED } from '../helpers/shared.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-inputs-'));
}

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

async function collect(iterable: AsyncIterable<InputRow>): Promise<InputRow[]> {
  const rows: InputRow[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('parseLabelList', () => {
  it.each([
    ["['amecro', 'amerob']", ['amecro', 'amerob']],
    ['["amecro", "amerob"]', ['amecro', 'amerob']],
    ['[]', []],
    ['', []],
    ['amecro amerob', ['amecro', 'amerob']],
    ['amecro, amerob;bkcchi', ['amecro', 'amerob', 'bkcchi']],
    ["['flight call', 'song']", ['flight call', 'song']],
    ["['a', 'a', 'b']", ['a', 'b']],
    ['[amecro, amerob]', ['amecro', 'amerob']],
  ])('%j -> %j', (text, expected) => {
    expect(parseLabelList(text)).toEqual(expected);
  });
});

describe('folder input', () => {
  it('lists every .wav below the folder, sorted, labelled by the folder holding it', async () => {
    const root = join(tempDir(), 'train_audio');
    write(join(root, 'amerob', 'b.WAV'), 'x');
    write(join(root, 'amecro', 'a2.wav'), 'x');
    write(join(root, 'amecro', 'a1.wav'), 'x');
    write(join(root, 'amecro', '._a1.wav'), 'macOS resource fork');
    write(join(root, 'amecro', 'notes.txt'), 'x');
    write(join(root, 'top.wav'), 'x');
    const source = await openInputs(root);
    expect(source.layout).toBe('folder');
    expect(source.root).toBe(root);
    const rows = await collect(source.rows());
    expect(rows.map((r) => [r.path, r.primaryLabel])).toEqual([
      ['amecro/a1.wav', 'amecro'],
      ['amecro/a2.wav', 'amecro'],
      ['amerob/b.WAV', 'amerob'],
      ['top.wav', 'train_audio'],
    ]);
    expect(rows.every((r) => r.secondaryLabels.length === 0)).toBe(true);
    expect(await source.count()).toBe(4);
  });

  it('picks up compressed audio too (.flac, .ogg, .mp3), as Kaggle ships it', async () => {
    const root = join(tempDir(), 'train_audio');
    write(join(root, 'amecro', 'XC1.ogg'), 'x');
    write(join(root, 'amecro', 'XC2.flac'), 'x');
    write(join(root, 'amerob', 'XC3.MP3'), 'x');
    write(join(root, 'amerob', 'XC4.opus'), 'x');
    const rows = await collect((await openInputs(root)).rows());
    expect(rows.map((r) => r.path)).toEqual(['amecro/XC1.ogg', 'amecro/XC2.flac', 'amerob/XC3.MP3']);
  });
});

describe('BirdCLEF train_metadata.csv input', () => {
  it('reads Python-list labels, finds audio in train_audio/ beside the CSV and carries the metadata', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'train_audio'));
    const csv = join(dir, 'train_metadata.csv');
    write(
      csv,
      'primary_label,secondary_labels,type,latitude,longitude,scientific_name,rating,filename\n' +
        `amecro,"['amerob', 'bkcchi']","['call', 'flight call']",44.5,-71.1,Corvus brachyrhynchos,4.5,amecro/XC1.ogg\n` +
        'amerob,[],[\'song\'],,,Turdus migratorius,3,XC2.ogg\n',
    );
    const source = await openInputs(csv);
    expect(source.layout).toBe('birdclef');
    expect(source.root).toBe(join(dir, 'train_audio'));
    const rows = await collect(source.rows());
    expect(rows).toEqual([
      {
        path: 'amecro/XC1.ogg',
        primaryLabel: 'amecro',
        secondaryLabels: ['amerob', 'bkcchi'],
        metadata: {
          type: "['call', 'flight call']",
          latitude: '44.5',
          longitude: '-71.1',
          scientific_name: 'Corvus brachyrhynchos',
          rating: '4.5',
        },
        origin: 'train_metadata.csv row 1',
      },
      // A bare file name (BirdCLEF 2021) sits in the folder of its primary label.
      {
        path: 'amerob/XC2.ogg',
        primaryLabel: 'amerob',
        secondaryLabels: [],
        metadata: { type: "['song']", latitude: '', longitude: '', scientific_name: 'Turdus migratorius', rating: '3' },
        origin: 'train_metadata.csv row 2',
      },
    ]);
  });

  it('says where the audio folder should be when it is missing', async () => {
    const csv = join(tempDir(), 'train_metadata.csv');
    write(csv, 'primary_label,secondary_labels,filename\namecro,[],amecro/XC1.ogg\n');
    await expect(openInputs(csv)).rejects.toThrow(/train_audio/);
  });
});

describe('birdcalls manifest.csv input', () => {
  it('reads paths relative to the CSV and space-separated secondary labels', async () => {
    const dir = tempDir();
    const csv = join(dir, 'manifest.csv');
    write(
      csv,
      'path,primary_label,secondary_labels,source_path,notes\n' +
        'clips/A_b/XC1.wav,A_b,C_d E_f,orig/1.mp3,"quoted, with comma"\n' +
        'soundscapes/s1.wav,soundscape,,orig/2.mp3,\n',
    );
    const source = await openInputs(csv);
    expect(source.layout).toBe('birdcalls');
    expect(source.root).toBe(dir);
    const rows = await collect(source.rows());
    expect(rows.map((r) => [r.path, r.primaryLabel, r.secondaryLabels])).toEqual([
      ['clips/A_b/XC1.wav', 'A_b', ['C_d', 'E_f']],
      ['soundscapes/s1.wav', 'soundscape', []],
    ]);
    expect(rows[0].metadata).toEqual({ source_path: 'orig/1.mp3', notes: 'quoted, with comma' });
  });

  it('refuses a CSV whose columns match no layout, listing them', async () => {
    const csv = join(tempDir(), 'other.csv');
    write(csv, 'file,label\na.wav,x\n');
    const err = await openInputs(csv).catch((e: unknown) => e);
    expect((err as BirdcallError).code).toBe('INPUT_LAYOUT');
    expect((err as BirdcallError).message).toMatch(/file, label/);
  });

  it('refuses rows that escape the root, naming the row, or reports and skips them', async () => {
    const dir = tempDir();
    const csv = join(dir, 'manifest.csv');
    write(csv, 'path,primary_label,secondary_labels\nok.wav,a,\n../../etc/passwd,a,\n/etc/shadow,a,\nfine/x.wav,b,\n');
    const strict = await collect(readInputs(csv)).catch((e: unknown) => e);
    expect((strict as BirdcallError).code).toBe('PATH_ESCAPE');
    expect((strict as BirdcallError).message).toContain('manifest.csv row 2');

    const reported: string[] = [];
    const rows = await collect(readInputs(csv, { onInvalidRow: (err, raw) => reported.push(`${err.file}|${raw}`) }));
    expect(rows.map((r) => r.path)).toEqual(['ok.wav', 'fine/x.wav']);
    expect(reported).toEqual(['manifest.csv row 2|../../etc/passwd', 'manifest.csv row 3|/etc/shadow']);
  });

  it('streams a 100k-row manifest without touching any audio file', async () => {
    const dir = tempDir();
    const csv = join(dir, 'manifest.csv');
    const lines = ['path,primary_label,secondary_labels,rating'];
    for (let i = 0; i < 100_000; i++) lines.push(`clips/sp${i % 50}/XC${i}.wav,sp${i % 50},sp${(i + 1) % 50},${i % 5}`);
    write(csv, lines.join('\n') + '\n');
    // None of these files exists: reading rows must not open them.
    const source = await openInputs(csv);
    let n = 0;
    let last: InputRow | undefined;
    for await (const row of source.rows()) {
      n++;
      last = row;
    }
    expect(n).toBe(100_000);
    expect(last?.path).toBe('clips/sp49/XC99999.wav');
  });
});

describe.skipIf(!HAVE_SHARED)('the shared birdcalls manifest', () => {
  it('reads all 98 rows, every path an existing file below the root', async () => {
    const source = await openInputs(join(BIRDCALLS, 'manifest.csv'));
    expect(source.layout).toBe('birdcalls');
    const rows = await collect(source.rows());
    expect(rows).toHaveLength(98);
    for (const row of rows) expect(existsSync(join(source.root, row.path))).toBe(true);
    expect(rows.some((r) => r.secondaryLabels.length > 1)).toBe(true);
  });
});
