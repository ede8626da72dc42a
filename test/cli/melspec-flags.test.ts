import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { melspecFlagsSource } from '../../scripts/melspec-flags.ts';
import { DB_FLAGS, MELSPEC_FLAGS } from '../../src/cli/melspec-flags.ts';
import { describeParams } from '../../src/params.ts';
import { dbBlock } from '../../src/pipeline/blocks/db.ts';
import { melspecBlock } from '../../src/pipeline/blocks/melspec.ts';

/**
 * `birdcall melspec` makes its flags from precomputed parameter descriptions (so it starts without zod).
 * They must be exactly what the blocks' schemas say; after a schema change: `npx tsx scripts/melspec-flags.ts`.
 */
describe('melspec flag tables', () => {
  it('equal describeParams of the melspec and db blocks, field for field', () => {
    expect(MELSPEC_FLAGS).toStrictEqual(describeParams(melspecBlock.params));
    expect(DB_FLAGS).toStrictEqual(describeParams(dbBlock.params));
  });

  it('are the file the generator writes now (run scripts/melspec-flags.ts when this fails)', () => {
    expect(readFileSync(new URL('../../src/cli/melspec-flags.ts', import.meta.url), 'utf8')).toBe(melspecFlagsSource());
  });
});
