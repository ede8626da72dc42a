import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { classList, kFoldByRecording, loadInput, multiHot, SpectrogramDataset, splitByRecording } from '../../src/train/dataset.ts';
import { row, writeGreyPng } from './synthetic.ts';

/** 10 species x 8 recordings x 3 chunks, like the shared clips; recordist shared by pairs of recordings. */
function clipRows(): OutputRow[] {
  const rows: OutputRow[] = [];
  for (let k = 0; k < 10; k++) {
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 3; c++) {
        rows.push(row(`sp${k}/XC${k}${r}.wav`, c, `sp${k}`, [], { metadata: { recordist: `rec-${k}-${Math.floor(r / 2)}` } }));
      }
    }
  }
  return rows;
}

function sidesOf(rows: OutputRow[], indices: number[], key: (r: OutputRow) => string): Set<string> {
  return new Set(indices.map((i) => key(rows[i])));
}

describe('labels', () => {
  it('lists every primary and secondary label once, sorted', () => {
    const rows = [row('a.wav', 0, 'wren', ['robin']), row('b.wav', 0, 'crow', ['wren', 'jay'])];
    expect(classList(rows)).toEqual(['crow', 'jay', 'robin', 'wren']);
  });

  it('marks the primary label 1 and secondary labels with the configured weight', () => {
    const classes = ['crow', 'jay', 'robin', 'wren'];
    const r = row('a.wav', 0, 'wren', ['robin', 'crow', 'unknown']);
    expect(Array.from(multiHot(r, classes))).toEqual([1, 0, 1, 1]);
    expect(Array.from(multiHot(r, classes, 0.5))).toEqual([0.5, 0, 0.5, 1]);
    expect(Array.from(multiHot(r, classes, 0))).toEqual([0, 0, 0, 1]);
  });

  it('keeps the primary at 1 when it is also listed as secondary', () => {
    expect(Array.from(multiHot(row('a.wav', 0, 'jay', ['jay']), ['crow', 'jay'], 0.3))).toEqual([0, 1]);
  });
});

describe('split by recording', () => {
  it('never puts chunks of one recording on both sides, and holds out about the fraction of each label', () => {
    const rows = clipRows();
    for (const seed of [0, 1, 2, 3]) {
      const split = splitByRecording(rows, { validationFraction: 0.25, seed });
      expect(split.train.length + split.validation.length).toBe(rows.length);
      const train = sidesOf(rows, split.train, (r) => r.source);
      for (const s of sidesOf(rows, split.validation, (r) => r.source)) expect(train.has(s)).toBe(false);
      // Stratified: 2 of each species' 8 recordings (6 chunks) are held out.
      for (let k = 0; k < 10; k++) {
        expect(split.validation.filter((i) => rows[i].primaryLabel === `sp${k}`).length).toBe(6);
      }
    }
  });

  it('depends on the seed and repeats with it', () => {
    const rows = clipRows();
    expect(splitByRecording(rows, { seed: 5 })).toEqual(splitByRecording(rows, { seed: 5 }));
    expect(splitByRecording(rows, { seed: 5 }).validation).not.toEqual(splitByRecording(rows, { seed: 6 }).validation);
  });

  it('keeps every recordist on one side when grouped by recordist', () => {
    const rows = clipRows();
    const split = splitByRecording(rows, { validationFraction: 0.25, groupBy: 'recordist', seed: 1 });
    const train = sidesOf(rows, split.train, (r) => r.metadata.recordist);
    for (const who of sidesOf(rows, split.validation, (r) => r.metadata.recordist)) expect(train.has(who)).toBe(false);
    expect(split.validation.length).toBe(10 * 6);
  });

  it('keeps a label with a single recording in training', () => {
    const rows = [...clipRows(), row('lonely.wav', 0, 'rare'), row('lonely.wav', 1, 'rare')];
    const split = splitByRecording(rows, { seed: 0 });
    expect(split.validation.some((i) => rows[i].primaryLabel === 'rare')).toBe(false);
    expect(split.train.filter((i) => rows[i].primaryLabel === 'rare')).toHaveLength(2);
  });

  it('k-fold validates every recording exactly once, stratified', () => {
    const rows = clipRows();
    const folds = kFoldByRecording(rows, { folds: 5, seed: 3 });
    expect(folds).toHaveLength(5);
    const seen = new Map<string, number>();
    for (const fold of folds) {
      const train = sidesOf(rows, fold.train, (r) => r.source);
      for (const s of sidesOf(rows, fold.validation, (r) => r.source)) {
        expect(train.has(s)).toBe(false);
        seen.set(s, (seen.get(s) ?? 0) + 1);
      }
      for (let k = 0; k < 10; k++) {
        const recordings = sidesOf(rows, fold.validation.filter((i) => rows[i].primaryLabel === `sp${k}`), (r) => r.source).size;
        expect(recordings === 1 || recordings === 2).toBe(true);
      }
    }
    expect(seen.size).toBe(80);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });

  it('rejects a fraction outside [0, 1), and trains on every row with 0', () => {
    expect(() => splitByRecording(clipRows(), { validationFraction: 1 })).toThrow(/validationFraction/);
    expect(() => splitByRecording(clipRows(), { validationFraction: -0.1 })).toThrow(/validationFraction/);
    const all = splitByRecording(clipRows(), { validationFraction: 0 });
    expect(all).toEqual({ train: clipRows().map((_, i) => i), validation: [] });
  });

  it('k-fold by recordist keeps each recordist in one fold, spreads a many-species recordist, and keeps labels mixed', () => {
    // Like the real clips: one recordist made 21 recordings of 7 species, the others 1-3 of one species.
    const rows: OutputRow[] = [];
    for (let k = 0; k < 10; k++) {
      for (let r = 0; r < 8; r++) {
        const recordist = r < 3 && k < 7 ? 'prolific' : `rec-${k}-${r % 3}`;
        rows.push(row(`sp${k}/XC${k}${r}.wav`, 0, `sp${k}`, [], { metadata: { recordist } }));
      }
    }
    const folds = kFoldByRecording(rows, { folds: 5, groupBy: 'recordist', seed: 0 });
    const seen = new Map<string, number>();
    folds.forEach((fold, f) => {
      for (const i of fold.validation) {
        const who = rows[i].metadata.recordist;
        expect(seen.get(who) ?? f).toBe(f);
        seen.set(who, f);
      }
      const train = sidesOf(rows, fold.train, (r) => r.metadata.recordist);
      for (const who of sidesOf(rows, fold.validation, (r) => r.metadata.recordist)) expect(train.has(who)).toBe(false);
    });
    const sizes = folds.map((f) => f.validation.length).sort((a, b) => a - b);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(80);
    // The 21-recording group fills one fold; the other 59 recordings share the other four about evenly.
    expect(sizes[4]).toBe(21);
    expect(sizes[3] - sizes[0]).toBeLessThanOrEqual(2);
    // Each species' three other groups land in three different folds: every fold tests 7 or 8 of the 10
    // species (30 groups over 4 folds allow 7.5 on average).
    const labels = folds.map((f) => new Set(f.validation.map((i) => rows[i].primaryLabel)).size);
    expect(labels.every((n) => n >= 7)).toBe(true);
  });
});

describe('inputs', () => {
  it('reads 8-bit and 16-bit greyscale PNGs scaled to [0, 1], shaped [height, width, 1]', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-input-'));
    const values = Float32Array.from({ length: 6 * 10 }, (_, i) => i / 59);
    await writeGreyPng(join(dir, 'a.png'), values, 6, 10);
    const eight = await loadInput(join(dir, 'a.png'));
    expect(eight.shape).toEqual([6, 10, 1]);
    eight.data.forEach((v, i) => expect(v).toBeCloseTo(values[i], 2));

    const wide = Uint16Array.from(values, (v) => Math.round(v * 65535));
    await writeFile(join(dir, 'b.png'), await sharp(wide, { raw: { width: 10, height: 6, channels: 1 } }).toColourspace('grey16').png().toBuffer());
    const sixteen = await loadInput(join(dir, 'b.png'));
    expect(sixteen.shape).toEqual([6, 10, 1]);
    sixteen.data.forEach((v, i) => expect(v).toBeCloseTo(values[i], 4));
  });

  it('reads a float .npy [bins, frames] min-max scaled to [0, 1]', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-input-'));
    const values = Float32Array.from({ length: 4 * 5 }, (_, i) => -80 + i * 4);
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 5), }";
    header = header.padEnd(64 - 10 - 1, ' ') + '\n';
    const bytes = new Uint8Array(10 + header.length + values.byteLength);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    bytes.set(new TextEncoder().encode(header), 10);
    bytes.set(new Uint8Array(values.buffer), 10 + header.length);
    await writeFile(join(dir, 'a.npy'), bytes);
    const loaded = await loadInput(join(dir, 'a.npy'));
    expect(loaded.shape).toEqual([4, 5, 1]);
    loaded.data.forEach((v, i) => expect(v).toBeCloseTo((values[i] + 80) / 76, 5));
  });

  it('names the file when an input is not an image', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-input-'));
    await writeFile(join(dir, 'bad.png'), 'not a png');
    await expect(loadInput(join(dir, 'bad.png'))).rejects.toThrow(/bad\.png/);
  });

  it('streams batches with targets, and refuses paths that leave the output root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'birdcall-ds-'));
    await mkdir(join(root, 'png'));
    const rows: OutputRow[] = [];
    for (let i = 0; i < 3; i++) {
      await writeGreyPng(join(root, 'png', `${i}.png`), new Float32Array(4 * 8).fill(i / 2), 4, 8);
      rows.push(row(`r${i}.wav`, 0, i === 2 ? 'b' : 'a', i === 1 ? ['b'] : [], { outputs: { png: `png/${i}.png` } }));
    }
    const ds = new SpectrogramDataset(rows, { root, classes: ['a', 'b'], secondaryWeight: 0.5 });
    expect(await ds.inputShape()).toEqual([4, 8, 1]);
    const batch = await ds.batch([2, 1]);
    expect(batch.size).toBe(2);
    expect(batch.x.length).toBe(2 * 32);
    expect(batch.x[0]).toBeCloseTo(1, 2);
    expect(batch.x[32]).toBeCloseTo(0.5, 2);
    expect(Array.from(batch.y)).toEqual([0, 1, 1, 0.5]);

    const outside = await mkdtemp(join(tmpdir(), 'birdcall-outside-'));
    await writeGreyPng(join(outside, 'x.png'), new Float32Array(32), 4, 8);
    await symlink(join(outside, 'x.png'), join(root, 'png', 'link.png'));
    const escaping = new SpectrogramDataset([row('e.wav', 0, 'a', [], { outputs: { png: '../x.png' } })], { root, classes: ['a'] });
    await expect(escaping.batch([0])).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    const linked = new SpectrogramDataset([row('l.wav', 0, 'a', [], { outputs: { png: 'png/link.png' } })], { root, classes: ['a'] });
    await expect(linked.batch([0])).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });
});
