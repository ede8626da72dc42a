import type { AnyBlock } from './block.ts';
/**
 * Adds a user block (made with `defineBlock`). Registering the same block object again is a no-op, so a
 * module imported twice is harmless; a different block under a taken name is refused, because a pipeline
 * file would silently change meaning.
 */
export declare function registerBlock(block: AnyBlock): void;
export declare function getBlock(name: string): AnyBlock | undefined;
/** Every known block: built-ins first (in pipeline order), then user blocks in registration order. */
export declare function listBlocks(): AnyBlock[];
export declare function isBuiltinBlock(name: string): boolean;
