import { BUILTIN_BLOCKS } from "./blocks/index.js";
/**
 * Blocks by name: the built-ins plus whatever a user registers. A pipeline file names blocks by these names;
 * `birdcall blocks` lists them.
 */
const registry = new Map(BUILTIN_BLOCKS.map((b) => [b.name, b]));
const builtinNames = new Set(BUILTIN_BLOCKS.map((b) => b.name));
/**
 * Adds a user block (made with `defineBlock`). Registering the same block object again is a no-op, so a
 * module imported twice is harmless; a different block under a taken name is refused, because a pipeline
 * file would silently change meaning.
 */
export function registerBlock(block) {
    const existing = registry.get(block.name);
    if (existing === block)
        return;
    if (existing) {
        const whose = builtinNames.has(block.name) ? 'a built-in block' : 'another registered block';
        throw new TypeError(`cannot register block "${block.name}": the name is taken by ${whose}; choose another name`);
    }
    registry.set(block.name, block);
}
export function getBlock(name) {
    return registry.get(name);
}
/** Every known block: built-ins first (in pipeline order), then user blocks in registration order. */
export function listBlocks() {
    return [...registry.values()];
}
export function isBuiltinBlock(name) {
    return builtinNames.has(name);
}
//# sourceMappingURL=registry.js.map