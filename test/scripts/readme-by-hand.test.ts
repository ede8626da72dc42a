/**
 * The README's "same steps by hand" make the demo's models: the same recordings, the same candidates with the
 * same training parameters (issue 15: they once left out `--monitor last`, and one model missed the demo's
 * target), in folders `npm start -- --fresh` does not delete.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTrainParams } from '../../src/train/params.ts';
import type { TrainParamsInput } from '../../src/train/train.ts';
import { plan } from '../../scripts/demo.ts';
import { ROOT } from '../helpers/shared.ts';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const steps = readme.slice(readme.indexOf('The same steps by hand'), readme.indexOf('## Blocks, in TypeScript'));
const lines = steps.split('\n').filter((l) => /^(npm|npx|demo_train)/.test(l));

/** `--learning-rate 0.003 --seed 1` -> { learningRate: 0.003, seed: 1 }, as the CLI maps flags to params. */
function flagsToParams(text: string): Record<string, string | number> {
  const words = text.trim().split(/\s+/);
  const out: Record<string, string | number> = {};
  for (let i = 0; i < words.length; i += 2) {
    expect(words[i]).toMatch(/^--?[a-z-]+$/);
    const key = words[i].replace(/^--?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = Number.isNaN(Number(words[i + 1])) ? words[i + 1] : Number(words[i + 1]);
  }
  return out;
}

describe("the README's steps by hand", () => {
  const demo = plan('/', false);

  it('train the demo candidates with the demo parameters', () => {
    const shared = /demo_train\(\) \{ npx birdcall train --data \S+ (.*?) "\$@"; \}/.exec(steps);
    expect(shared).not.toBeNull();
    const calls = lines.filter((l) => l.startsWith('demo_train ')).map((l) => flagsToParams(l.slice('demo_train '.length)));
    expect(calls).toHaveLength(demo.candidates.length);
    for (const [i, call] of calls.entries()) {
      const { o: _out, ...rest } = { ...flagsToParams(shared![1]), ...call };
      expect(resolveTrainParams(rest as TrainParamsInput)).toEqual(resolveTrainParams(demo.candidates[i].params));
    }
  });

  it('generate the demo recordings (same seeds and sizes)', () => {
    const data = lines.filter((l) => l.startsWith('npm run demo-data')).map((l) => flagsToParams(l.replace(/#.*/, '').split(' -- ')[1]));
    expect(data).toHaveLength(2);
    expect({ seed: 1, perSpecies: 12, ...data[0], out: undefined }).toEqual({ seed: demo.train.seed, perSpecies: 12, out: undefined });
    expect({ seed: 1, ...data[1], out: undefined }).toEqual({ seed: demo.heldout.seed, perSpecies: demo.heldout.perSpecies, out: undefined });
  });

  it('write nowhere the demo (and its --fresh) writes', () => {
    const outputs = lines.flatMap((l) => [...l.matchAll(/(?:-o|--out) (\S+)/g)].map((m) => m[1]));
    expect(outputs.length).toBeGreaterThanOrEqual(9);
    for (const path of outputs) expect(path).not.toMatch(/^(data\/demo|out\/demo|reports\/demo|models\/demo)/);
  });
});
