import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { errorFromData } from '../pipeline/pool-thread.ts';
import type { InputRow } from '../store/manifest-types.ts';
import { workerEntry, type BundledWorker } from '../worker-bundle.ts';
import type { OutputBase, SourceOutcome } from './convert-file.ts';
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
  built: new URL('./source-thread.bundle.js', import.meta.url),
  // sharp (PNG decoding in user blocks) loads a native addon by path: packages stay imports.
  packages: 'external',
};

/**
 * The threads of a run, started before the run knows its setup (input root, pipeline hash…): their start-up
 * (0.2-0.3 s of CPU each: modules, then wasm warm-up on the first source) overlaps the planning on this thread.
 */
export interface SourceThreads {
  /** The runner for a setup; one per run. */
  runner(setup: ConvertSetup): SourceRunner;
  /** Ends the threads (also when no runner was made: planning failed). */
  close(): Promise<void>;
}

export function startSourceThreads(jobs: number, userModules: boolean): SourceThreads {
  if (jobs === 1) {
    return {
      runner(setup) {
        const ctx = sourceContext(setup);
        return {
          convert: async (row, base) => convertSource(await ctx, row, base),
          close: async () => {},
        };
      },
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
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= pool.destroy());
  return {
    runner(setup) {
      const setupJson = JSON.stringify(setup);
      return {
        async convert(row, base, signal) {
          const result = await pool.run({ setupJson, row, base }, { signal });
          if (!result.ok) throw errorFromData(result.error);
          return result.result;
        },
        close,
      };
    },
    close,
  };
}
