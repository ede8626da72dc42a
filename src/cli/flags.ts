import { UsageError } from '../errors.ts';

/** A flag's positive integer (undefined when the flag was not given); anything else is a usage error (exit 2). */
export function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

/** A duration in seconds, zero or more, decimals allowed (e.g. `--grace 2.5`). */
export function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number of seconds, got "${text}"`);
  return n;
}
