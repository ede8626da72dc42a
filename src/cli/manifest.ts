import type { Command } from 'commander';

/** `birdcall manifest merge OUT.csv SHARD.csv…`: one manifest from the shards of a `convert --shard` run. */
export function register(program: Command): void {
  const manifest = program.command('manifest').description('work with output manifests');
  manifest
    .command('merge')
    .description('join shard manifests (convert --shard K/N) into one, checking every source is covered exactly once')
    .argument('<out>', 'merged manifest to write, in a folder holding every shard folder (e.g. out/manifest.csv)')
    .argument('<shards...>', "the shards' manifest.csv files")
    .option('--input-manifest <input>', 'the INPUT the shards were converted from (folder or CSV): every source must be covered')
    .action(async (out: string, shards: string[], flags: { inputManifest?: string }) => {
      // Loaded when the command runs: `birdcall manifest --help` starts without it.
      const { mergeManifests } = await import('../scale/merge.ts');
      const summary = await mergeManifests({ out, shards, inputManifest: flags.inputManifest });
      process.stderr.write(
        `merged ${summary.shards} shard(s): ${summary.chunks} chunks from ${summary.sources} sources into ${summary.out}` +
          (summary.failed.length > 0 ? `; ${summary.failed.length} source(s) failed in their shard (see each shard's errors.csv)` : '') +
          '\n',
      );
      // Like convert: a merge that is complete but includes failed sources is a partial success.
      if (summary.failed.length > 0) process.exitCode = 3;
    });
}
