import { describe, it, expect } from 'vitest';
import { createRng, deriveSeed, noiseSource } from '../../src/demo/prng.ts';

describe('demo randomness', () => {
  it('repeats a stream for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, createRng(seed).next);
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });

  it('derives different seeds for neighbouring seeds and for differently split parts', () => {
    const seeds = [deriveSeed(7, 'plan', 'a', 0), deriveSeed(8, 'plan', 'a', 0), deriveSeed(7, 'plan', 'a', 1), deriveSeed(7, 'plana', '', 0)];
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(deriveSeed(7, 'plan', 'a', 0)).toBe(seeds[0]);
  });

  it('makes zero-mean, unit-variance noise', () => {
    const noise = noiseSource(9);
    let sum = 0;
    let squares = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const v = noise();
      sum += v;
      squares += v * v;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(squares / n).toBeCloseTo(1, 1);
  });
});
