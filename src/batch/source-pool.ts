import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { InputRow } from '../store/manifest-types.ts';
import { fixedPoolOptions, workerEntry, type BundledWorker, type WorkerEntry } from '../worker-bundle.ts';
import type { SourceOutcome } from './convert-file.ts';
import type { OutputBase } from '../store/plan.ts';
import type { ConvertSetup, ConvertTask, ConvertTaskResult } from './source-thread.ts';

// Light on purpose (the pipeline, zod and the DSP load only in the threads, or in-process): the CLI imports
// this module first thing to start the threads while it loads the rest.

/**
 * Where convert's sources run: `jobs` worker threads, or this thread when asked (`inProcess`: a debugger's
 * breakpoints, a test's stubs of node:fs). Either way a source is converted whole by convertSource
 * (source-thread.ts).
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

/** Threads a convert uses when not told: every core. */
export function defaultJobs(): number {
  return availableParallelism();
}

type SourcePool = Piscina<ConvertTask, ConvertTaskResult>;

function newPool(entry: WorkerEntry, jobs: number): SourcePool {
  return new Piscina<ConvertTask, ConvertTaskResult>({
    ...fixedPoolOptions(entry, 'convertTask', jobs),
    // Each thread takes one source at a time: a second queued in a thread would wait behind the first
    // while another thread idles.
    concurrentTasksPerWorker: 1,
  });
}

let early: { jobs: number; pool: SourcePool } | undefined;

/**
 * Starts the threads of a coming convert now, before the caller loads the rest of the library, so their
 * start-up overlaps it: the next startSourceThreads with the same jobs and no user block modules takes them.
 * Idle threads never keep the process alive, so a run that never comes costs nothing but their start-up.
 */
export function prestartSourceThreads(jobs: number = defaultJobs()): void {
  if (!early) early = { jobs, pool: newPool(workerEntry(SOURCE_WORKER), jobs) };
}

/**
 * One worker thread even for `jobs` 1, rather than this thread: the main isolate cannot be given a larger
 * heap once running, and at its default size a long run spends its time in full GCs (2000 clips, `--jobs 1`:
 * 18.7 CPU s in-process against 16.5 in one worker; pinned to one core 24.4 / 18.7 s against 17.6 / 16.4 s).
 */
export function startSourceThreads(jobs: number, userModules: boolean, inProcess = false): SourceThreads {
  const started = early;
  early = undefined;
  if (inProcess) {
    void started?.pool.destroy();
    return {
      runner(setup) {
        const ctx = import('./source-thread.ts').then(async (thread) => ({ thread, ctx: await thread.sourceContext(setup) }));
        return {
          convert: async (row, base) => {
            const { thread, ctx: context } = await ctx;
            return thread.convertSource(context, row, base);
          },
          close: async () => {},
        };
      },
      close: async () => {},
    };
  }
  let pool: SourcePool;
  if (started && started.jobs === jobs && !userModules) pool = started.pool;
  else {
    void started?.pool.destroy();
    // User block modules may be TypeScript, which only the tsx entry can import (see workerEntry for dist/).
    pool = newPool(workerEntry(SOURCE_WORKER, userModules ? 'tsx' : 'bundle'), jobs);
  }
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= pool.destroy());
  return {
    runner(setup) {
      const setupJson = JSON.stringify(setup);
      return {
        async convert(row, base, signal) {
          const result = await pool.run({ setupJson, row, base }, { signal });
          if (!result.ok) throw (await import('../pipeline/pool-thread.ts')).errorFromData(result.error);
          return result.result;
        },
        close,
      };
    },
    close,
  };
}
