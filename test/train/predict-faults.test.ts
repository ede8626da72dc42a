import { existsSync, readdirSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FsFaultError } from '../../src/errors.ts';
import { initBackend } from '../../src/train/backend.ts';
import { predictArchive } from '../../src/train/predict-archive.ts';
import { loadPredictor, type Predictor } from '../../src/train/predict-files.ts';
import { tinyModelFixture, type TinyModel } from '../cli/tiny-fixture.ts';

/**
 * Faults of the machine during predict over an archive: a full disk or a read-only output stops the run with
 * one line naming the file (as convert does), instead of failing every further recording the same way; what
 * is done stays done, and a re-run once there is room finishes the rest.
 */

process.env.BIRDCALL_BACKEND = 'wasm';

/** Which output path (substring) fails with which errno when opened; undefined: no fault. */
const fault: { code?: string; match?: string; midWrite?: boolean } = {};

function errno(code: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected, open '${path}'`), { code, path, syscall: 'open' });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (path, flags, mode) => {
    const name = String(path);
    if (fault.code && fault.match && name.includes(fault.match) && !fault.midWrite) throw errno(fault.code, name);
    const handle = await real.open(path, flags, mode);
    if (fault.code && fault.match && name.includes(fault.match) && fault.midWrite) {
      // A disk that fills while the table is written: the open worked, the write fails.
      const code = fault.code;
      handle.writeFile = (async () => {
        throw errno(code, name);
      }) as typeof handle.writeFile;
    }
    return handle;
  };
  return { ...real, default: { ...real, open }, open };
});

describe('predict over an archive under disk faults', () => {
  let fx: TinyModel;
  let predictor: Predictor;
  beforeAll(async () => {
    fx = await tinyModelFixture('birdcall-predict-faults-');
    await initBackend();
    predictor = await loadPredictor(fx.model);
  });
  afterAll(async () => {
    await rm(fx.dir, { recursive: true, force: true });
  });

  const detect = { thresholds: { default: 0.5, perClass: new Map<string, number>() }, topK: 1 };

  for (const [code, midWrite] of [['ENOSPC', true], ['EROFS', false]] as const) {
    it(`${code} ${midWrite ? 'while writing' : 'opening'} a recording's table stops the run naming the file; a re-run finishes`, async () => {
      const outDir = join(fx.dir, `out-${code}`);
      Object.assign(fault, { code, match: 'lowtone1', midWrite });
      const run = predictArchive(predictor, { input: fx.audio, outDir, formats: ['csv'], detect, jobs: 1 });
      const err = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FsFaultError);
      expect((err as FsFaultError).message).toMatch(new RegExp(`^cannot write ${outDir}/csv/lowtone/lowtone1\\.csv: .* \\(${code}\\)$`));
      // Stopped at the fault: the recordings after it in input order were not predicted, none failed.
      const tables = readdirSync(join(outDir, 'csv'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'));
      expect(tables.sort()).toEqual(['hitone/hitone0.csv', 'hitone/hitone1.csv', 'hitone/hitone2.csv', 'lowtone/lowtone0.csv']);
      expect(existsSync(join(outDir, 'errors.csv'))).toBe(false);

      Object.assign(fault, { code: undefined, match: undefined, midWrite: false });
      const again = await predictArchive(predictor, { input: fx.audio, outDir, formats: ['csv'], detect, jobs: 1 });
      expect([again.predicted, again.skipped, again.failed]).toEqual([2, 4, 0]);
    });
  }
});
