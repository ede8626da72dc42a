import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildKernels, checkOwnsNoMemory, clangVersion, NATIVE_DIR, SOURCE, sha256, type BuildRecord } from '../../scripts/build-wasm.ts';

const committed = readFileSync(join(NATIVE_DIR, 'kernels.wasm'));
const record = JSON.parse(readFileSync(join(NATIVE_DIR, 'kernels.wasm.json'), 'utf8')) as BuildRecord;
const clang = clangVersion();

describe('the committed SIMD kernels (src/train/kernels/native)', () => {
  it('were built from the committed kernels.c (run npm run build:wasm after editing it)', () => {
    expect(record.source).toBe(sha256(readFileSync(SOURCE)));
  });

  it('own no memory of their own: no data, no globals but a stack pointer at 0', () => {
    expect(() => checkOwnsNoMemory(committed)).not.toThrow();
  });

  it.skipIf(clang !== record.clang)(`rebuild byte for byte with the clang that built them, ${record.clang} (this machine: ${clang ?? 'no clang'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-wasm-test-'));
    try {
      expect(sha256(buildKernels(dir))).toBe(sha256(committed));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
