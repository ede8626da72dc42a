import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../src/errors.ts';
import { defineBlock, stepOf } from '../../src/pipeline/block.ts';
import {
  parsePipelineFile,
  pipeline,
  pipelineHash,
  resolvePipeline,
  toSpec,
  type PipelineSpec,
} from '../../src/pipeline/pipeline.ts';
import { getBlock, registerBlock } from '../../src/pipeline/registry.ts';
import { chunk, decode, image, melspec, npy } from '../../src/pipeline/steps.ts';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

const spec = (steps: PipelineSpec['steps']): PipelineSpec => ({ version: 1, steps });

describe('composing in TypeScript', () => {
  it('fills every default and keeps what the user gave', () => {
    const p = pipeline(decode(), chunk({ seconds: 3 }), melspec({ nMels: 64 }), image());
    expect(p.steps.map((s) => s.block.name)).toEqual(['decode', 'chunk', 'melspec', 'image']);
    expect(p.steps[1].params).toMatchObject({ seconds: 3, overlap: 0, last: 'pad' });
    expect(p.steps[2].params).toMatchObject({ nMels: 64, nFft: 2048, htk: false, center: true });
  });

  it('rejects a bad parameter at composition time, naming the step', () => {
    const msg = usageMessage(() => pipeline(decode(), melspec({ nFft: 1 }), npy()));
    expect(msg).toMatch(/^step 2 \(melspec\): parameter "nFft"/);
    expect(msg).toContain('integer >= 2');
  });

  it('rejects neighbours whose kinds do not fit and says what to put between them', () => {
    const msg = usageMessage(() => pipeline(decode(), image()));
    expect(msg).toMatch(/step 2 \(image\) takes a spectrogram, but step 1 \(decode\) gives audio/);
    expect(msg).toContain('melspec');
  });

  it('refuses a pipeline that does not start from a file', () => {
    expect(usageMessage(() => pipeline(melspec(), npy()))).toMatch(/step 1 \(melspec\) takes audio.*put decode before it/);
    expect(usageMessage(() => pipeline())).toMatch(/no steps/);
  });
});

describe('resolving a spec (pipeline file contents)', () => {
  it('accepts snake_case and camelCase alike, with the same hash', () => {
    const a = resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec', params: { n_fft: 1024, hop_length: 256 } }]));
    const b = resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec', params: { nFft: 1024, hopLength: 256 } }]));
    expect(a.steps[1].params).toEqual(b.steps[1].params);
    expect(pipelineHash(a)).toBe(pipelineHash(b));
  });

  it('gives the same hash whether a default is written out or not, and another for a changed value', () => {
    const implicit = resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec' }]));
    const explicit = resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec', params: { n_mels: 128 } }]));
    const changed = resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec', params: { n_mels: 64 } }]));
    expect(pipelineHash(explicit)).toBe(pipelineHash(implicit));
    expect(pipelineHash(changed)).not.toBe(pipelineHash(implicit));
    expect(pipelineHash(implicit)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips: a resolved pipeline written as a spec resolves to the same thing', () => {
    const p = pipeline(decode(), chunk({ seconds: 5, overlap: 1 }), melspec({ fmin: 50, fmax: 14000 }), npy({ dtype: 'float64' }));
    const again = resolvePipeline(JSON.parse(JSON.stringify(toSpec(p))) as PipelineSpec);
    expect(again.steps.map((s) => s.params)).toEqual(p.steps.map((s) => s.params));
    expect(pipelineHash(again)).toBe(pipelineHash(p));
  });

  it('names an unknown block, its step, and the known blocks', () => {
    const msg = usageMessage(() => resolvePipeline(spec([{ block: 'decode' }, { block: 'melspectrogram' }])));
    expect(msg).toMatch(/^step 2 \(melspectrogram\): unknown block "melspectrogram"; known blocks: .*melspec/);
  });

  it('names a wrong parameter type with the step and what is allowed', () => {
    const msg = usageMessage(() => resolvePipeline(spec([{ block: 'decode' }, { block: 'chunk', params: { seconds: 'five' } }])));
    expect(msg).toMatch(/^step 2 \(chunk\): parameter "seconds": expected number/);
  });

  it('names a value out of range', () => {
    const msg = usageMessage(() => resolvePipeline(spec([{ block: 'decode' }, { block: 'melspec', params: { hop_length: 0 } }])));
    expect(msg).toMatch(/^step 2 \(melspec\): parameter "hopLength": too small/);
  });
});

describe('pipeline files', () => {
  const yamlText = `version: 1
steps:
  - block: decode
  - block: chunk
    params: { seconds: 5 }
  - block: melspec
    params:
      n_fft: 2048
      n_mels: 128
  - npy
`;

  it('reads YAML and JSON to the same spec', () => {
    const fromYaml = parsePipelineFile(yamlText, { path: 'p.yaml' });
    const fromJson = parsePipelineFile(JSON.stringify(fromYaml), { path: 'p.json' });
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml.steps.map((s) => s.block)).toEqual(['decode', 'chunk', 'melspec', 'npy']);
  });

  it('reports a syntax error with the file and line', () => {
    expect(() => parsePipelineFile('steps:\n  - block: decode\n   bad: [', { path: 'p.yaml' })).toThrow(/p\.yaml: not valid YAML at line \d/);
  });

  it('reports a structural error with where it is and the expected layout', () => {
    expect(() => parsePipelineFile('steps:\n  - { block: decode, parms: {} }\n', { path: 'p.yaml' })).toThrow(/p\.yaml: steps\[0\].*parms.*expected \{ version: 1, steps/);
    expect(() => parsePipelineFile('version: 2\nsteps: [decode]\n', { path: 'p.yaml' })).toThrow(/p\.yaml: version/);
  });
});

describe('user blocks', () => {
  const gain = defineBlock({
    name: 'test-gain',
    doc: 'multiply samples',
    input: 'audio',
    output: 'audio',
    params: z.object({ factor: z.number().positive().default(2).describe('linear gain') }),
    run: (audio, p) => ({ ...audio, samples: audio.samples.map((x) => x * p.factor) }),
  });

  it('registers once, composes with built-ins, and is found by name in a spec', () => {
    registerBlock(gain);
    registerBlock(gain);
    expect(getBlock('test-gain')).toBe(gain);
    const p = pipeline(decode(), stepOf(gain)({ factor: 3 }), melspec());
    expect(p.steps[1].params).toEqual({ factor: 3 });
    expect(resolvePipeline(spec([{ block: 'decode' }, { block: 'test-gain' }, { block: 'melspec' }])).steps[1].params).toEqual({ factor: 2 });
  });

  it('refuses a second block under a taken name', () => {
    expect(() => registerBlock({ ...gain })).toThrow(/taken by another registered block/);
    expect(() => registerBlock({ ...gain, name: 'melspec' })).toThrow(/taken by a built-in block/);
  });

  it('checks a block definition a compiler would not (plain JS authors)', () => {
    expect(() => defineBlock({ ...gain, name: 'Bad Name' })).toThrow(/block name/);
    expect(() => defineBlock({ ...gain, input: 'wave' as 'audio' })).toThrow(/input kind "wave"/);
  });
});
