import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { errorFromData } from '../pipeline/pool-thread.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { workerEntry, type BundledWorker } from '../worker-bundle.ts';
import type { SourceOutcome } from './convert-file.ts';
import type { OutputBase } from '../store/plan.ts';
import { convertSource, sourceContext, type ConvertSetup, type ConvertTask, type ConvertTaskResult } from './source-thread.ts';

/**
 * Where convert's sources run: `jobs` worker threads, or this thread when jobs is 1 (simplest to debug, and
 * no thread start-up). Either way a source is converted whole by convertSource (source-thread.ts).
 */
export interface SourceRunner {
  convert(row: InputRow, base: OutputBase, signal?: AbortSignal): Promise<SourceOutcome>;
  /** Ends the threads; a task still running is abandoned (its temp files are left for removeTempFiles). */
  close(): Promise<void>;
}

export const SOURCE_WORKER: BundledWorker = {
  name: 'convert-source-worker',
  source: fileURLToPath(new URL('./source-thread.ts', import.meta.url)),
  tsxEntry: new URL('./source-thread-entry.mjs', import.meta.url),
  compiled: new URL('./source-thread.js', import.meta.url),
  // sharp (PNG decoding in user blocks) loads a native addon by path: packages stay imports.
  packages: 'external',
};

export function createSourceRunner(setup: ConvertSetup, jobs: number, userModules: boolean): SourceRunner {
  if (jobs === 1) {
    const ctx = sourceContext(setup);
    return {
      convert: async (row, base) => convertSource(await ctx, row, base),
      close: async () => {},
    };
  }
  // User block modules may be TypeScript, which only the tsx entry can import.
  const entry = workerEntry(SOURCE_WORKER, userModules ? 'tsx' : 'bundle');
  const pool = new Piscina<ConvertTask, ConvertTaskResult>({
    filename: fileURLToPath(entry.url),
    name: entry.bundled ? 'convertTask' : 'default',
    execArgv: entry.execArgv,
    maxThreads: jobs,
    minThreads: jobs,
    // Each thread takes one source at a time: a second queued in a thread would wait behind the first
    // while another thread idles.
    concurrentTasksPerWorker: 1,
  });
  const setupJson = JSON.stringify(setup);
  let closed: Promise<void> | undefined;
  return {
    async convert(row, base, signal) {
      const result = await pool.run({ setupJson, row, base }, { signal });
      if (!result.ok) throw errorFromData(result.error);
      return result.result;
    },
    close: () => (closed ??= pool.destroy()),
  };
}
