import type { AnyBlock } from './block.ts';
import { BUILTIN_BLOCKS } from './blocks/index.ts';

/**
 * Blocks by name: the built-ins plus whatever a user registers. A pipeline file names blocks by these names;
 * `birdcall blocks` lists them.
 */
const registry = new Map<string, AnyBlock>(BUILTIN_BLOCKS.map((b) => [b.name, b]));
const builtinNames = new Set(BUILTIN_BLOCKS.map((b) => b.name));

/**
 * Adds a user block (made with `defineBlock`). Registering the same block object again is a no-op, so a
 * module imported twice is harmless; a different block under a taken name is refused, because a pipeline
 * file would silently change meaning.
 *
 * @param block - a block made with defineBlock.
 * @throws TypeError when another block already has the name (a built-in, or another registered block).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { z } from 'zod';
 * import { defineBlock, getBlock, registerBlock, resolvePipeline } from 'birdcall';
 *
 * const invert = defineBlock({ name: 'invert', doc: 'flips the sign of every sample', input: 'audio', output: 'audio', params: z.object({}), run: (a) => ({ ...a, samples: a.samples.map((v) => -v) }) });
 * registerBlock(invert);
 * registerBlock(invert); // the same block again: harmless
 * assert.equal(getBlock('invert'), invert);
 * assert.equal(resolvePipeline({ version: 1, steps: [{ block: 'decode' }, { block: 'invert' }] }).steps[1].block, invert);
 * assert.throws(() => registerBlock({ ...invert, name: 'melspec' }), /taken by a built-in block/);
 * ```
 */
export function registerBlock(block: AnyBlock): void {
  const existing = registry.get(block.name);
  if (existing === block) return;
  if (existing) {
    const whose = builtinNames.has(block.name) ? 'a built-in block' : 'another registered block';
    throw new TypeError(`cannot register block "${block.name}": the name is taken by ${whose}; choose another name`);
  }
  registry.set(block.name, block);
}

/**
 * The block a pipeline file's `block:` name means: a built-in or a registered block.
 *
 * @param name - the block's name, e.g. 'melspec'.
 * @returns the block, or undefined for an unknown name; never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { getBlock, melspecBlock } from 'birdcall';
 *
 * assert.equal(getBlock('melspec'), melspecBlock);
 * assert.deepEqual([getBlock('melspec')?.input, getBlock('melspec')?.output], ['audio', 'spectrogram']);
 * assert.equal(getBlock('mel-spec'), undefined);
 * ```
 */
export function getBlock(name: string): AnyBlock | undefined {
  return registry.get(name);
}

/**
 * Every known block: built-ins first (in pipeline order), then user blocks in registration order (what
 * `birdcall blocks` lists). Never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { listBlocks } from 'birdcall';
 *
 * assert.deepEqual(listBlocks().slice(0, 10).map((b) => b.name), ['decode', 'resample', 'chunk', 'quality', 'melspec', 'db', 'pcen', 'normalize', 'image', 'npy']);
 * ```
 */
export function listBlocks(): AnyBlock[] {
  return [...registry.values()];
}
