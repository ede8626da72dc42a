import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModule, checkOwnsNoMemory, clangVersion, embedding, MODULES, sha256, sourceHash, type BuildRecord } from '../../scripts/build-wasm.ts';

const clang = clangVersion();

// kernels.wasm has the same checks in test/train/native.test.ts
describe.each(MODULES.filter((m) => m.name !== 'kernels').map((m) => [m.name, m] as const))('the committed %s.wasm', (name, m) => {
  const committed = readFileSync(join(m.dir, `${name}.wasm`));
  const record = JSON.parse(readFileSync(join(m.dir, `${name}.wasm.json`), 'utf8')) as BuildRecord;

  it(`was built from the committed ${m.sources.map((p) => p.split('/').pop()).join(' + ')} (run npm run build:wasm after editing)`, () => {
    expect(record.source).toBe(sourceHash(m.sources));
    expect(record.flags).toEqual(m.flags);
  });

  it(`is what ${name}-wasm.ts embeds, byte for byte`, () => {
    expect(readFileSync(join(m.dir, `${name}-wasm.ts`), 'utf8')).toBe(embedding(name, committed));
  });

  it.runIf(m.ownsNoMemory)('keeps no static data and no globals but a stack pointer at 0 (it runs on memory laid out by its caller)', () => {
    expect(() => checkOwnsNoMemory(committed)).not.toThrow();
  });

  it.skipIf(clang !== record.clang)(`rebuilds byte for byte with the clang that built it, ${record.clang} (this machine: ${clang ?? 'no clang'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), `birdcall-${name}-wasm-test-`));
    try {
      expect(sha256(buildModule(m, dir))).toBe(sha256(committed));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
