import type { Command } from 'commander';
/** `birdcall manifest merge OUT.csv SHARD.csv…`: one manifest from the shards of a `convert --shard` run. */
export declare function register(program: Command): void;
