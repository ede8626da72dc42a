import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BirdcallError } from '../../src/errors.ts';
import { checkRelativePath, resolveInside, safeName } from '../../src/store/paths.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof BirdcallError ? err.code : 'not a BirdcallError';
  }
  return undefined;
}

describe('checkRelativePath', () => {
  it('normalises harmless paths to POSIX form', () => {
    expect(checkRelativePath('a/./b.wav', 'row 1')).toBe('a/b.wav');
    expect(checkRelativePath('a/../b.wav', 'row 1')).toBe('b.wav');
    expect(checkRelativePath('a\\b.wav', 'row 1')).toBe('a/b.wav');
  });

  it.each(['../x.wav', 'a/../../x.wav', '..', '/etc/passwd', 'C:\\Windows\\x.wav', '\\\\server\\share\\x.wav'])(
    'refuses %s with PATH_ESCAPE',
    (path) => {
      expect(codeOf(() => checkRelativePath(path, 'row 7'))).toBe('PATH_ESCAPE');
    },
  );

  it('names the row in the error', () => {
    expect(() => checkRelativePath('../../etc/passwd', 'manifest.csv row 7')).toThrow(/manifest\.csv row 7/);
  });

  it('refuses empty paths and folders', () => {
    expect(codeOf(() => checkRelativePath('', 'row 1'))).toBe('PATH_EMPTY');
    expect(codeOf(() => checkRelativePath('a/', 'row 1'))).toBe('PATH_EMPTY');
  });
});

describe('resolveInside', () => {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-paths-'));
  const root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'sub', 'in.wav'), 'x');
  writeFileSync(join(outside, 'secret.wav'), 'x');
  symlinkSync(join(outside, 'secret.wav'), join(root, 'link-out.wav'));
  symlinkSync(outside, join(root, 'dir-out'));
  symlinkSync(join(root, 'sub', 'in.wav'), join(root, 'link-in.wav'));

  it('resolves files inside the root, through symlinks that stay inside', async () => {
    expect(await resolveInside(root, 'sub/in.wav', 'row 1')).toMatch(/sub[\\/]in\.wav$/);
    expect(await resolveInside(root, 'link-in.wav', 'row 2')).toMatch(/sub[\\/]in\.wav$/);
  });

  it('accepts a path that does not exist yet (an output) inside the root', async () => {
    expect(await resolveInside(root, 'png/new/x.png', 'output')).toMatch(/png[\\/]new[\\/]x\.png$/);
  });

  it.each([
    ['a symlinked file pointing out', 'link-out.wav'],
    ['a file below a symlinked folder pointing out', 'dir-out/secret.wav'],
    ['a not-yet-existing file below a symlinked folder pointing out', 'dir-out/new.png'],
    ['a climbing path', 'sub/../../outside/secret.wav'],
  ])('refuses %s, naming the row', async (_what, path) => {
    const err = await resolveInside(root, path, 'manifest.csv row 3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BirdcallError);
    expect((err as BirdcallError).code).toBe('PATH_ESCAPE');
    expect((err as BirdcallError).message).toContain('manifest.csv row 3');
  });
});

describe('safeName', () => {
  it('keeps names that are already safe', () => {
    for (const name of ['amecro', 'Melozone_crissalis', 'XC129079', 'a-b.c']) expect(safeName(name)).toBe(name);
  });

  it.each(['a/b', 'a b', 'Pájaro', '鳥', '..', '.', '', '.hidden', 'CON', 'nul.txt', 'x'.repeat(300), 'evil-0123456789ab'])(
    'sanitizes %j to a safe name with a hash suffix',
    (name) => {
      const out = safeName(name);
      expect(out).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*-[0-9a-f]{12}$/);
      expect(out.length).toBeLessThanOrEqual(120);
      expect(safeName(name)).toBe(out);
    },
  );

  it('gives different originals different names and only safe characters (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), (a, b) => {
        const sa = safeName(a);
        expect(sa).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
        expect(sa).not.toMatch(/^(con|prn|aux|nul)$/i);
        if (a !== b) expect(safeName(b)).not.toBe(sa);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not merge names that sanitize alike', () => {
    expect(safeName('a/b')).not.toBe(safeName('a b'));
    expect(safeName('a/b')).not.toBe(safeName('a_b'));
  });
});
