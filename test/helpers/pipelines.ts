import { resolvePipeline, type ResolvedPipeline } from '../../src/pipeline/pipeline.ts';

/** A small, fast pipeline for tests about running and writing rather than about the DSP: 1-s chunks to .npy. */
export function smallNpyPipeline(): ResolvedPipeline {
  return resolvePipeline({
    version: 1,
    steps: [
      { block: 'decode' },
      { block: 'chunk', params: { seconds: 1 } },
      { block: 'melspec', params: { nFft: 512, hopLength: 256, nMels: 32 } },
      { block: 'db' },
      { block: 'npy' },
    ],
  });
}
