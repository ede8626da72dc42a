/**
 * Generate the project's synthetic demo dataset (BirdCLEF layout) into data/demo.
 *   npx tsx scripts/make-demo-data.ts [--species 8] [--per-species 12] [--seed 1] [--out data/demo] [--shifted]
 */
import { Command, InvalidArgumentError } from 'commander';
import { generateDemoDataset } from '../src/demo/index.ts';
import { BirdcallError } from '../src/errors.ts';

function integer(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

const program = new Command()
  .name('make-demo-data')
  .description('Write deterministic synthetic bird song (32 kHz mono 16-bit WAV) and train_metadata.csv in the BirdCLEF layout.')
  .option('--species <n>', 'number of species (the first N of the catalogue, 2-10)', integer, 8)
  .option('--per-species <n>', 'recordings per species (1-999)', integer, 12)
  .option('--seed <n>', 'seed of every random draw (unsigned 32-bit integer)', integer, 1)
  .option('--out <dir>', 'output folder', 'data/demo')
  .option('--shifted', 'a shifted test set: soundscapes of 2-3 overlapping species, unseen regions and recorders, low ratings')
  .action(async (opts: { species: number; perSpecies: number; seed: number; out: string; shifted?: boolean }) => {
    const started = performance.now();
    const result = await generateDemoDataset(opts);
    const elapsed = (performance.now() - started) / 1000;
    console.log(
      `${result.files} recordings (${(result.seconds / 60).toFixed(1)} min of audio) in ${opts.out}: ` +
        `${result.written} files written, ${result.unchanged} unchanged, ${result.removed} stale removed, ${elapsed.toFixed(1)} s`,
    );
    console.log(`metadata: ${result.csvPath}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof BirdcallError) {
    console.error(`make-demo-data: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
