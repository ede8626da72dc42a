import type { Command } from 'commander';
import { type ResolvedPipeline } from '../pipeline/pipeline.ts';
/**
 * `birdcall queue add|status|finish|remove`: the enqueuer's side of queue mode (workers run
 * `birdcall worker`). `birdcall convert INPUT -o OUT --queue URL [--wait]` is `queue add` under another name.
 */
interface PipelineFlags {
    pipeline?: string;
    preset?: string;
}
export declare function pipelineFromFlags(flags: PipelineFlags, required: boolean): Promise<ResolvedPipeline | undefined>;
export interface QueueConvertFlags extends PipelineFlags {
    queue: string;
    out?: string;
    wait?: boolean;
    jobs?: string;
    attempts?: string;
    progress?: boolean;
}
/**
 * `convert INPUT --queue URL`: enqueue one job per source; with --wait, also wait for the workers and build
 * the manifest in -o OUT. Sets process.exitCode like convert.
 */
export declare function queueConvert(input: string, flags: QueueConvertFlags): Promise<void>;
export declare function register(program: Command): void;
export {};
