import { UsageError } from "../errors.js";
/** A flag's positive integer (undefined when the flag was not given); anything else is a usage error (exit 2). */
export function positiveInteger(text, flag) {
    if (text === undefined)
        return undefined;
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1)
        throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
    return n;
}
//# sourceMappingURL=flags.js.map