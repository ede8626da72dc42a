import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../src/errors.ts';
import { coerceFlagValue, describeParams, normalizeParamKeys, parseParams, toCamel, toKebab, toSnake } from '../src/params.ts';

const schema = z.object({
  nFft: z.number().int().min(2).default(2048).describe('FFT size in samples'),
  hopLength: z.number().int().min(1).optional().describe('samples between frames'),
  norm: z.enum(['slaney']).nullable().default('slaney').describe('filter normalisation'),
  ref: z.union([z.literal('max'), z.number().positive()]).default('max').describe('dB reference'),
  topDb: z.number().min(0).nullable().default(80).describe('floor below the peak, dB'),
  center: z.boolean().default(true).describe('centre frames'),
  padMode: z.enum(['constant', 'reflect']).default('constant').describe('padding'),
});

describe('parameter names', () => {
  it('converts between camelCase, kebab-case and snake_case both ways', () => {
    for (const name of ['nFft', 'hopLength', 'topDb', 'fmin', 'nMels']) {
      expect(toCamel(toKebab(name))).toBe(name);
      expect(toCamel(toSnake(name))).toBe(name);
    }
    expect(toKebab('hopLength')).toBe('hop-length');
    expect(toSnake('hopLength')).toBe('hop_length');
  });
});

describe('describeParams reads the schema', () => {
  const infos = describeParams(schema);
  const byName = Object.fromEntries(infos.map((i) => [i.name, i]));

  it('lists every field in declaration order with its default and description', () => {
    expect(infos.map((i) => i.name)).toEqual(Object.keys(schema.shape));
    expect(byName.nFft.default).toBe(2048);
    expect(byName.nFft.description).toBe('FFT size in samples');
    expect(byName.hopLength.default).toBeUndefined();
    expect(byName.hopLength.required).toBe(false);
  });

  it('knows which values each field accepts', () => {
    expect(byName.nFft).toMatchObject({ numeric: true, integer: true, nullable: false });
    expect(byName.nFft.type).toContain('>= 2');
    expect(byName.norm).toMatchObject({ nullable: true, words: ['slaney'] });
    expect(byName.ref).toMatchObject({ numeric: true, words: ['max'] });
    expect(byName.center.boolean).toBe(true);
  });
});

describe('flag values round-trip through the schema', () => {
  const infos = Object.fromEntries(describeParams(schema).map((i) => [i.name, i]));
  const cases: [keyof z.output<typeof schema>, string, unknown][] = [
    ['nFft', '1024', 1024],
    ['norm', 'none', null],
    ['norm', 'slaney', 'slaney'],
    ['ref', 'max', 'max'],
    ['ref', '1.5', 1.5],
    ['topDb', 'none', null],
    ['topDb', '60', 60],
    ['padMode', 'reflect', 'reflect'],
  ];
  it.each(cases)('%s %s', (name, raw, expected) => {
    const value = coerceFlagValue(infos[name], raw);
    expect(value).toEqual(expected);
    expect(parseParams(schema, { [name]: value }, 'test')[name]).toEqual(expected);
  });

  it('leaves a word that fits nothing as text, so the schema rejects it', () => {
    const value = coerceFlagValue(infos.nFft, 'big');
    expect(() => parseParams(schema, { nFft: value }, 'step 1 (melspec)')).toThrow(/step 1 \(melspec\): parameter "nFft".*allowed: integer >= 2/);
  });
});

describe('pipeline-file keys', () => {
  const infos = describeParams(schema);
  it('accepts camelCase, snake_case and kebab-case for the same parameter', () => {
    expect(normalizeParamKeys(infos, { n_fft: 512, hopLength: 128, 'top-db': 60 }, 'x')).toEqual({ nFft: 512, hopLength: 128, topDb: 60 });
  });
  it('names an unknown parameter and suggests the close one', () => {
    expect(() => normalizeParamKeys(infos, { n_ffts: 512 }, 'step 4 (melspec)')).toThrow(UsageError);
    expect(() => normalizeParamKeys(infos, { n_ffts: 512 }, 'step 4 (melspec)')).toThrow(/step 4 \(melspec\): unknown parameter "n_ffts" \(did you mean "nFft"\?\)/);
  });
  it('refuses a parameter given under two spellings', () => {
    expect(() => normalizeParamKeys(infos, { n_fft: 512, nFft: 1024 }, 'x')).toThrow(/given twice/);
  });
});

describe('parseParams remembers what it parsed', () => {
  it('gives the same result on a repeat, and a fresh object the caller may change', () => {
    const raw = { nFft: 1024, hopLength: 256 };
    const first = parseParams(schema, raw, 'test');
    first.nFft = 7;
    const again = parseParams(schema, raw, 'test');
    expect(again).toEqual({ nFft: 1024, hopLength: 256, norm: 'slaney', ref: 'max', topDb: 80, center: true, padMode: 'constant' });
    expect(again).not.toBe(parseParams(schema, raw, 'test'));
  });

  it('sees a change to the same params object', () => {
    const raw: { nFft: number } = { nFft: 1024 };
    expect(parseParams(schema, raw, 'test').nFft).toBe(1024);
    raw.nFft = 512;
    expect(parseParams(schema, raw, 'test').nFft).toBe(512);
    raw.nFft = 1;
    expect(() => parseParams(schema, raw, 'test')).toThrow(/parameter "nFft"/);
  });

  it('tells apart values a plain JSON key would merge', () => {
    const strict = z.strictObject({ x: z.number().optional() });
    expect(parseParams(strict, {}, 'test')).toEqual({});
    expect(() => parseParams(strict, { y: undefined }, 'test')).toThrow();
    const signs = z.object({ x: z.number().transform((v) => (Object.is(v, -0) ? 'minus zero' : 'zero')) });
    expect(parseParams(signs, { x: 0 }, 'test').x).toBe('zero');
    expect(parseParams(signs, { x: -0 }, 'test').x).toBe('minus zero');
    const finite = z.object({ x: z.number().nullable() });
    expect(parseParams(finite, { x: null }, 'test').x).toBe(null);
    expect(() => parseParams(finite, { x: Number.NaN }, 'test')).toThrow();
    const words = z.object({ s: z.array(z.string()).default([]) });
    expect(parseParams(words, { s: ['a,b'] }, 'test').s).toEqual(['a,b']);
    expect(parseParams(words, { s: ['a', 'b'] }, 'test').s).toEqual(['a', 'b']);
  });

  it('parses anything but plain data every time', () => {
    let calls = 0;
    const counted = z.object({ x: z.any().transform((v: unknown) => (calls++, v)) });
    const typed = { x: new Float32Array([1, 2]) };
    parseParams(counted, typed, 'test');
    parseParams(counted, typed, 'test');
    expect(calls).toBe(2);
    parseParams(counted, { x: 1 }, 'test');
    parseParams(counted, { x: 1 }, 'test');
    expect(calls).toBe(3);
  });
});
