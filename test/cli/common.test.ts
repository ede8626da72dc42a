import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../src/cli/common.ts';
import { BirdcallError } from '../../src/errors.ts';

describe('parseByteSize', () => {
  it.each([
    ['1000', 1000],
    ['50MB', 50_000_000],
    ['48MiB', 48 * 2 ** 20],
    ['1.5G', 1_500_000_000],
    ['200k', 200_000],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '-5MB', '0'])('refuses %j', (text) => {
    expect(() => parseByteSize(text)).toThrow(BirdcallError);
  });
});
