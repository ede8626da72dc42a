import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FsFaultError } from '../../src/errors.ts';
import { openAtomicWriter } from '../../src/store/atomic.ts';

/** A disk that fills while a long table is being written: the open works, a later write fails. */
const fault: { code?: string } = {};

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (path, flags, mode) => {
    const handle = await real.open(path, flags, mode);
    const code = fault.code;
    if (code) {
      handle.writeFile = (async () => {
        throw Object.assign(new Error(`${code}: injected`), { code, syscall: 'write' });
      }) as typeof handle.writeFile;
    }
    return handle;
  };
  return { ...real, default: { ...real, open }, open };
});

describe('openAtomicWriter when the disk fills mid-file', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  for (const [kind, piece] of [
    ['a 2 MiB text (flushed as it is written)', 'x'.repeat(2 << 20)],
    ['bytes', new Uint8Array(16)],
  ] as const) {
    it(`${kind}: the write fails with one line naming the file, and abort leaves nothing`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'birdcall-atomic-faults-'));
      dirs.push(dir);
      const path = join(dir, 'long.csv');
      fault.code = 'ENOSPC';
      const writer = await openAtomicWriter(path);
      const err = await writer.write(piece).then(
        () => undefined,
        (e: unknown) => e,
      );
      fault.code = undefined;
      expect(err).toBeInstanceOf(FsFaultError);
      expect((err as Error).message).toBe(`cannot write ${path}: no space left on device (ENOSPC)`);
      await writer.abort();
      expect(await readdir(dir)).toEqual([]);
    });
  }
});
