/** A worker that can start from a bundle. */
export interface BundledWorker {
    /** The cache file's name, without extension. */
    name: string;
    /** The TypeScript entry that gets bundled. */
    source: string;
    /** The plain-JS entry that registers tsx and imports `source`: the fallback. */
    tsxEntry: URL;
    /** 'bundle' inlines node_modules too; 'external' leaves package imports for Node to resolve at run time. */
    packages: 'bundle' | 'external';
}
export declare const MEL_WORKER: BundledWorker;
export declare const PIPELINE_WORKER: BundledWorker;
/** How to start a worker: the file, and the Node flags it needs (undefined: inherit this thread's). */
export interface WorkerEntry {
    readonly url: URL;
    readonly execArgv: string[] | undefined;
    /** True for the esbuild bundle, false for the tsx fallback. */
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
 * A worker's entry for this process (decided once per worker): the esbuild bundle when it can be had, else
 * the tsx entry. `prefer` 'tsx' asks for the fallback (tests and benchmarks compare the two).
 */
export declare function workerEntry(worker: BundledWorker, prefer?: 'bundle' | 'tsx'): WorkerEntry;
/** The mel worker's entry (see workerEntry). */
export declare function melWorkerEntry(prefer?: 'bundle' | 'tsx'): WorkerEntry;
//# sourceMappingURL=worker-bundle.d.ts.map