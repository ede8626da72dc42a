import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { pipelineFromFlags } from './common.ts';

export function register(program: Command): void {
  const group = program.command('pipeline').description('inspect pipeline files');
  group
    .command('show')
    .description('print the resolved pipeline: every step with all defaults filled in, and its hash')
    .argument('[file]', 'pipeline file (YAML or JSON)')
    .option('--preset <name>', 'show a preset pipeline instead of a file')
    .option('--recipe <name>', "show a recipe's pipeline instead of a file (birdcall recipes lists them)")
    .option('--json', 'print JSON instead of YAML')
    .action(async (file: string | undefined, opts: { preset?: string; recipe?: string; json?: boolean }) => {
      const resolved = await pipelineFromFlags({ pipeline: file, preset: opts.preset, recipe: opts.recipe }, false);
      if (resolved === undefined) throw new UsageError('pipeline show needs a pipeline FILE, --preset NAME or --recipe NAME');
      // Loaded when the command runs: `birdcall pipeline --help` starts without them.
      const [{ pipelineHash, toSpec }, { stringify: toYaml }] = await Promise.all([import('../pipeline/pipeline.ts'), import('yaml')]);
      const out = { ...toSpec(resolved), hash: pipelineHash(resolved) };
      process.stdout.write(opts.json ? JSON.stringify(out, null, 2) + '\n' : toYaml(out));
    });
}
