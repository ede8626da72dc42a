import { stringify as toYaml } from 'yaml';
import { UsageError } from "../errors.js";
import { loadPipelineFile, pipelineHash, presetPipeline, toSpec } from "../pipeline/pipeline.js";
async function resolveFrom(file, preset) {
    if (file !== undefined && preset !== undefined)
        throw new UsageError('give a pipeline FILE or --preset NAME, not both');
    if (file !== undefined)
        return loadPipelineFile(file);
    if (preset !== undefined)
        return presetPipeline(preset);
    throw new UsageError('pipeline show needs a pipeline FILE or --preset NAME');
}
export function register(program) {
    const group = program.command('pipeline').description('inspect pipeline files');
    group
        .command('show')
        .description('print the resolved pipeline: every step with all defaults filled in, and its hash')
        .argument('[file]', 'pipeline file (YAML or JSON)')
        .option('--preset <name>', 'show a preset pipeline instead of a file')
        .option('--json', 'print JSON instead of YAML')
        .action(async (file, opts) => {
        const resolved = await resolveFrom(file, opts.preset);
        const out = { ...toSpec(resolved), hash: pipelineHash(resolved) };
        process.stdout.write(opts.json ? JSON.stringify(out, null, 2) + '\n' : toYaml(out));
    });
}
//# sourceMappingURL=pipeline.js.map