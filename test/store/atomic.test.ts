import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempFile, openAtomicWriter, removeTempFiles, writeFileAtomic } from '../../src/store/atomic.ts';

describe('removeTempFiles', () => {
  it('removes only the temp files an interrupted write leaves, in every folder below, and no other dotfile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-'));
    await mkdir(join(dir, 'png', 'Turdus'), { recursive: true });
    const leftovers = ['.manifest.csv.123-0a1b2c3d.birdcall-tmp', 'png/Turdus/.XC1_0.png.9-ffffffff.birdcall-tmp'];
    const keep = [
      '.gitkeep',
      '.DS_Store',
      '.birdcall-state.json',
      'manifest.csv',
      'png/Turdus/.hidden.png',
      'png/Turdus/XC1_0.png',
      'png/Turdus/visible.birdcall-tmp', // the suffix alone, without the leading dot, is a user's file
    ];
    for (const name of [...leftovers, ...keep]) await writeFile(join(dir, name), 'x');

    expect(await removeTempFiles(dir)).toBe(leftovers.length);
    const left = [
      ...(await readdir(dir)).filter((n) => n !== 'png'),
      ...(await readdir(join(dir, 'png', 'Turdus'))).map((n) => `png/Turdus/${n}`),
    ];
    expect(left.sort()).toEqual([...keep].sort());
  });

  it('recognises the temp name writeFileAtomic uses, and a finished write leaves none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-'));
    await writeFileAtomic(join(dir, 'a.csv'), 'a,b\n');
    expect(await readdir(dir)).toEqual(['a.csv']);
    expect(isTempFile('.a.csv.1-00000000.birdcall-tmp')).toBe(true);
    expect(isTempFile('.a.csv')).toBe(false);
    expect(await removeTempFiles(join(dir, 'missing'))).toBe(0);
  });
});

describe('openAtomicWriter', () => {
  it('shows nothing under the name until commit, then the whole text, and returns its SHA-256', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-writer-'));
    const path = join(dir, 'table.csv');
    await writeFile(path, 'old\n');
    const writer = await openAtomicWriter(path);
    const pieces = ['a,b\n', 'x'.repeat(1 << 20), '\n', '1,2\n'];
    for (const piece of pieces) await writer.write(piece);
    expect(await readFile(path, 'utf8')).toBe('old\n');
    const sha = await writer.commit();
    const text = pieces.join('');
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(sha).toBe(createHash('sha256').update(text).digest('hex'));
    expect(await readdir(dir)).toEqual(['table.csv']);
  });

  it('abort leaves the old file and no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-writer-'));
    const path = join(dir, 'table.csv');
    await writeFile(path, 'old\n');
    const writer = await openAtomicWriter(path);
    await writer.write('new rows\n');
    await writer.abort();
    await writer.abort();
    expect(await readFile(path, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['table.csv']);
  });
});

describe('writeFileAtomic with a temp folder', () => {
  it('writes the file under its name through a temp file in tempDir, and leaves no temp file in either folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-'));
    const temps = join(dir, 'tmp');
    await mkdir(join(dir, 'out'));
    await mkdir(temps);
    const target = join(dir, 'out', 'a.png');
    await writeFile(target, 'old');
    await writeFileAtomic(target, 'new bytes', { tempDir: temps });
    expect(await readFile(target, 'utf8')).toBe('new bytes');
    expect(await readdir(join(dir, 'out'))).toEqual(['a.png']);
    expect(await readdir(temps)).toEqual([]);
  });

  it('creates its temp file in tempDir, not beside the target', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-'));
    // A tempDir that does not exist makes the write fail at the temp file's creation, naming the target.
    await expect(writeFileAtomic(join(dir, 'a.png'), 'x', { tempDir: join(dir, 'absent') })).rejects.toThrow(/a\.png/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('falls back to the target folder when tempDir is on another filesystem (EXDEV)', async (ctx) => {
    const shm = '/dev/shm';
    const other = await mkdtemp(join(shm, 'birdcall-atomic-')).catch(() => undefined);
    if (!other) return ctx.skip();
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-'));
    const target = join(dir, 'a.png');
    await writeFileAtomic(target, 'across', { tempDir: other });
    expect(await readFile(target, 'utf8')).toBe('across');
    expect(await readdir(dir)).toEqual(['a.png']);
    expect(await readdir(other)).toEqual([]);
  });
});
