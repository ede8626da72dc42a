import type { Command } from 'commander';
import type { z } from 'zod';
import { UsageError } from '../errors.ts';
import type { AnyBlock } from '../pipeline/block.ts';
import { describeParams, type ParamInfo } from '../params.ts';
import { addParamFlags, formatValue } from './param-flags.ts';

export { formatValue, readParamOptions } from './param-flags.ts';

/**
 * Block params as command-line flags, generated from the block's schema (see addParamFlags): `nFft`
 * becomes `--n-fft <value>`.
 */
export function addParamOptions(
  command: Command,
  schema: z.ZodType,
  opts: { exclude?: string[]; rename?: Record<string, string> } = {},
): ParamInfo[] {
  return addParamFlags(command, describeParams(schema), opts);
}

/** The `birdcall blocks` text for one block: what it takes and gives, then one line per parameter. */
export function describeBlock(block: AnyBlock): string {
  const lines = [`${block.name}  (${block.input} -> ${block.output})`, `  ${block.doc}`];
  const infos = describeParams(block.params);
  if (infos.length === 0) lines.push('  (no parameters)');
  const width = Math.max(0, ...infos.map((i) => i.name.length));
  for (const info of infos) {
    const dflt = info.default !== undefined ? `default ${formatValue(info.default)}` : info.required ? 'required' : 'optional';
    lines.push(`  ${info.name.padEnd(width)}  ${info.type}; ${dflt}`);
    if (info.description) lines.push(`  ${' '.repeat(width)}  ${info.description}`);
  }
  return lines.join('\n');
}

/** Machine-readable listing (`birdcall blocks --json`): the schema facts a GUI or a doc generator needs. */
export function blocksAsJson(blocks: AnyBlock[]): unknown {
  return blocks.map((b) => ({
    name: b.name,
    doc: b.doc,
    input: b.input,
    output: b.output,
    params: describeParams(b.params).map((i) => ({
      name: i.name,
      flag: `--${i.flag}`,
      type: i.type,
      default: i.default ?? null,
      required: i.required,
      description: i.description,
    })),
  }));
}

export function register(program: Command): void {
  program
    .command('blocks')
    .description('list every block with its parameters, defaults and docs')
    .argument('[name]', 'show only this block')
    .option('--json', 'print JSON instead of text')
    .option('--pipeline <file>', "also list the user blocks this pipeline file's `blocks` modules define")
    .action(async (name: string | undefined, opts: { json?: boolean; pipeline?: string }) => {
      // Loading the file registers its blocks (and checks the file: a broken one is reported, not ignored).
      // Loaded when the command runs: `birdcall blocks --help` starts without the pipeline code.
      const [{ loadPipelineFile }, { listBlocks }] = await Promise.all([import('../pipeline/pipeline.ts'), import('../pipeline/registry.ts')]);
      if (opts.pipeline !== undefined) await loadPipelineFile(opts.pipeline);
      let blocks = listBlocks();
      if (name !== undefined) {
        blocks = blocks.filter((b) => b.name === name);
        if (blocks.length === 0) throw new UsageError(`unknown block "${name}"; known blocks: ${listBlocks().map((b) => b.name).join(', ')}`);
      }
      process.stdout.write(opts.json ? JSON.stringify(blocksAsJson(blocks), null, 2) + '\n' : blocks.map(describeBlock).join('\n\n') + '\n');
    });
}
