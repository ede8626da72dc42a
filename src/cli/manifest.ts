import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

/**
 * `birdcall manifest merge OUT.csv SHARD.csv…`: one manifest from the shards of a `convert --shard` run;
 * `birdcall manifest merge OUT_DIR SHARD_DIR…`: one run's tables from the folders of a `predict --shard` run.
 */
export function register(program: Command): void {
  const manifest = program.command('manifest').description('work with output manifests');
  manifest
    .command('merge')
    .description(
      'join shard manifests (convert --shard K/N) into one, or shard folders (predict -o DIR --shard K/N) into the tables of one run, ' +
        'checking every source is covered exactly once',
    )
    .argument('<out>', 'merged manifest to write, in a folder holding every shard folder (e.g. out/manifest.csv); for predict shards, the folder to write')
    .argument('<shards...>', "the shards' manifest.csv files (convert), or the shard folders (predict)")
    .option('--input-manifest <input>', 'the INPUT the shards were converted from (folder or CSV): every source must be covered')
    .action(async (out: string, shards: string[], flags: { inputManifest?: string }) => {
      // Loaded when the command runs: `birdcall manifest --help` starts without it.
      const { mergeManifests, mergePredictions } = await import('../scale/merge.ts');
      const folders = await Promise.all(shards.map((s) => stat(s).then((i) => i.isDirectory(), () => false)));
      if (folders.some((f) => f)) {
        if (!folders.every((f) => f)) throw new UsageError('give either shard manifests (convert) or shard folders (predict), not both');
        const summary = await mergePredictions({ out, shards });
        process.stderr.write(
          `merged ${summary.shards} predict shard(s): ${summary.sources} recordings into ${summary.out} (${summary.tables.map((t) => basename(t)).join(', ')})` +
            (summary.failed.length > 0 ? `; ${summary.failed.length} failed in their shard (see errors.csv)` : '') +
            '\n',
        );
        if (summary.failed.length > 0) process.exitCode = 3;
        return;
      }
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
