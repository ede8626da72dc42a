import { Command } from 'commander';
import { describe, it, expect } from 'vitest';
import { addParamOptions, formatValue, readParamOptions } from '../../src/cli/blocks.ts';
import { configureErrors } from '../../src/cli/exit.ts';
import type { AnyBlock } from '../../src/pipeline/block.ts';
import { melspecBlock } from '../../src/pipeline/blocks/index.ts';
import { parsePipelineFile, resolvePipeline } from '../../src/pipeline/pipeline.ts';
import { listBlocks } from '../../src/pipeline/registry.ts';
import { coerceFlagValue, describeParams, parseParams } from '../../src/params.ts';

/** Parses `args` with flags generated from the block's schema; returns the validated params. */
function paramsFromFlags(block: AnyBlock, args: string[]): Record<string, unknown> {
  const command = configureErrors(new Command('t'));
  const infos = addParamOptions(command, block.params);
  command.parse(args, { from: 'user' });
  return parseParams(block.params, readParamOptions(command, infos), block.name) as Record<string, unknown>;
}

describe('one schema gives the CLI flags and the pipeline-file keys', () => {
  it('flags and a pipeline file mean the same params', () => {
    const fromFlags = paramsFromFlags(melspecBlock, ['--n-fft', '1024', '--hop-length', '256', '--no-center', '--htk', '--norm', 'none', '--fmax', 'none', '--pad-mode', 'reflect', '--dtype', 'float64']);
    const yaml = 'steps:\n  - decode\n  - block: melspec\n    params: { n_fft: 1024, hop_length: 256, center: false, htk: true, norm: null, fmax: null, pad_mode: reflect, dtype: float64 }\n';
    const fromFile = resolvePipeline(parsePipelineFile(yaml, { path: 'p.yaml' })).steps[1].params;
    expect(fromFlags).toEqual(fromFile);
  });

  it('no flags means every default, as an empty pipeline step', () => {
    for (const block of listBlocks()) {
      if (block.input === 'file') continue;
      expect(paramsFromFlags(block, []), block.name).toEqual(parseParams(block.params, {}, block.name));
    }
  });

  it('every default of every built-in block survives being typed on the command line', () => {
    for (const block of listBlocks()) {
      for (const info of describeParams(block.params)) {
        if (info.default === undefined || info.boolean) continue;
        const typed = Array.isArray(info.default) ? info.default.map(formatValue).join(',') : formatValue(info.default);
        expect(coerceFlagValue(info, typed), `${block.name}.${info.name}`).toEqual(info.default);
      }
    }
  });

  it('a wrong value is reported with the flag spelling', () => {
    expect(() => paramsFromFlags(melspecBlock, ['--n-mels', '0'])).toThrow(/melspec: parameter "nMels": too small/);
    expect(() => paramsFromFlags(melspecBlock, ['--window', 'kaiser'])).toThrow(/"window".*allowed: hann \| hamming/);
  });
});
