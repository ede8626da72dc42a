/**
 * A worker thread's TypeScript as one plain-JS file, so the thread starts without TypeScript.
 *
 * Started through tsx, a worker costs about 1 s of CPU before its first task (tsx's loader plus some
 * forty modules transformed one by one; see docs/decisions/fft.md "Threads"). Bundled by esbuild into a
 * single .mjs and started without tsx's --require / --import flags, it costs 0.15-0.3 s. The bundle is
 * built at first use into node_modules/.cache/birdcall/ and reused by later processes for as long as
 * none of its input files changed (size and mtime of each, recorded next to it). When esbuild is
 * missing or the build fails, the workers fall back to the TypeScript entry through tsx, which is
 * slower to start but computes the same values. BIRDCALL_WORKER_BUNDLE=0 forces that fallback.
 *
 * Two workers use it: the mel workers (src/dsp/mel-worker.ts, everything bundled) and convert's pipeline
 * workers (src/pipeline/pool-thread.ts, packages left as imports: sharp loads a native addon by path).
 *
 * All of this is for running the TypeScript sources (tests, a dev checkout). The built package runs from
 * dist/, where every worker is already plain JavaScript: there a worker starts from its compiled file, with
 * no esbuild and no tsx.
 */
/** True when this module is compiled JavaScript (the package's dist/), false when it runs as TypeScript. */
export declare const COMPILED: boolean;
/**
 * A worker thread's entry: in dist/, its compiled `.js` (`module`, relative to src/ without extension);
 * from sources, `tsxEntry`, the plain-JS file that registers tsx and imports the TypeScript worker.
 */
export declare function threadEntry(module: string, tsxEntry: URL): URL;
/** A worker that can start from a bundle. */
export interface BundledWorker {
    /** The cache file's name, without extension. */
    name: string;
    /** The TypeScript entry that gets bundled. */
    source: string;
    /** The plain-JS entry that registers tsx and imports `source`: the fallback. */
    tsxEntry: URL;
    /** The compiled worker in dist/ (used when COMPILED). */
    compiled: URL;
    /** 'bundle' inlines node_modules too; 'external' leaves package imports for Node to resolve at run time. */
    packages: 'bundle' | 'external';
}
export declare const MEL_WORKER: BundledWorker;
export declare const PIPELINE_WORKER: BundledWorker;
/** How to start a worker: the file, and the Node flags it needs (undefined: inherit this thread's). */
export interface WorkerEntry {
    readonly url: URL;
    readonly execArgv: string[] | undefined;
    /** True for plain JavaScript (dist/ or the esbuild bundle), false for the tsx fallback. */
    readonly bundled: boolean;
    /** Why the fallback was taken (bundled false). */
    readonly reason?: string;
}
/**
 * Bundle `source` (a TypeScript/ESM entry and its whole import graph, node_modules included, Node
 * built-ins left as imports) to `<cacheDir>/<name>.mjs`, unless the bundle there is still current.
 * Returns the bundle's path; throws when esbuild is unavailable or the build fails.
 */
export declare function ensureBundle(source: string, cacheDir: string, name: string, packages?: 'bundle' | 'external'): string;
/** This process's flags minus tsx's loader (--require .../tsx/..., --import tsx, ...): a bundle needs none. */
export declare function withoutTsxFlags(execArgv: readonly string[]): string[];
/**
 * A worker's entry for this process (decided once per worker): in dist/ the compiled worker; from sources
 * the esbuild bundle when it can be had, else the tsx entry. `prefer` 'tsx' asks for the fallback (tests and
 * benchmarks compare the two; it has no effect in dist/, where there is no TypeScript to run).
 */
export declare function workerEntry(worker: BundledWorker, prefer?: 'bundle' | 'tsx'): WorkerEntry;
/** The mel worker's entry (see workerEntry). */
export declare function melWorkerEntry(prefer?: 'bundle' | 'tsx'): WorkerEntry;
