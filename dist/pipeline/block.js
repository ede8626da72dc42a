const KINDS = ['file', 'audio', 'spectrogram'];
const BLOCK_NAME = /^[a-z][a-z0-9-]*$/;
/**
 * Makes a block, checking what TS cannot: the name (it is a pipeline-file word and a CLI subcommand) and the
 * kinds (a user block written in plain JS has no compiler to catch a typo).
 */
export function defineBlock(block) {
    if (!BLOCK_NAME.test(block.name)) {
        throw new TypeError(`block name "${block.name}" must be lower-case letters, digits and '-', starting with a letter`);
    }
    for (const [side, kind] of [['input', block.input], ['output', block.output]]) {
        if (!KINDS.includes(kind))
            throw new TypeError(`block "${block.name}": ${side} kind "${String(kind)}" is not one of ${KINDS.join(', ')}`);
    }
    if (typeof block.run !== 'function')
        throw new TypeError(`block "${block.name}" has no run function`);
    return Object.freeze({ ...block });
}
/**
 * Turns a block into a step factory, e.g. `const melspec = stepOf(melspecBlock); melspec({ nMels: 64 })`.
 * The params are typed from the schema; they are validated when the pipeline is composed.
 */
export function stepOf(block) {
    return (params) => ({ block, params: params ?? {} });
}
//# sourceMappingURL=block.js.map