import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseWavHeader } from '../audio/wav.ts';
import { UsageError } from '../errors.ts';
import { writeFileAtomic } from '../pipeline/atomic.ts';
import type { Step } from '../pipeline/block.ts';
import { dbBlock, melspecBlock, resampleBlock } from '../pipeline/blocks/index.ts';
import { pipeline, presetSettings } from '../pipeline/pipeline.ts';
import { runPipelineOnFile } from '../pipeline/run.ts';
import { parseParams, toKebab } from '../pipeline/schema.ts';
import { db, decode, melspec, npy, resample } from '../pipeline/steps.ts';
import { addParamOptions, readParamOptions } from './blocks.ts';

interface MelspecFlags {
  output: string;
  sr?: string;
  db?: boolean;
  preset?: string;
}

const flagOf = (name: string): string => `--${toKebab(name)}`;

function targetRateOf(raw: string): number {
  const text = raw.trim();
  const value = text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
  return parseParams(resampleBlock.params, { sampleRate: value }, '', () => '--sr').sampleRate;
}

/** The rules librosa leaves to warnings or to a later crash, checked before any sample is decoded. */
function checkAgainstRate(params: Record<string, unknown>, sr: number): void {
  const nFft = params.nFft as number;
  const winLength = (params.winLength as number | undefined) ?? nFft;
  if (winLength > nFft) throw new UsageError(`--win-length (${winLength}) must not exceed --n-fft (${nFft})`);
  const fmax = params.fmax as number | null | undefined;
  if (typeof fmax === 'number' && fmax > sr / 2) {
    throw new UsageError(`--fmax ${fmax} Hz is above the Nyquist frequency (${sr / 2} Hz at ${sr} Hz); lower it or raise --sr`);
  }
  const fmin = params.fmin as number;
  const top = typeof fmax === 'number' ? fmax : sr / 2;
  if (fmin >= top) throw new UsageError(`--fmin ${fmin} Hz must be below fmax (${top} Hz)`);
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? 'input file not found' : code === 'EISDIR' ? 'is a folder, not a WAV file' : `cannot read (${code})`, path);
  }
}

export function register(program: Command): void {
  const command = program
    .command('melspec')
    .description('mel spectrogram of one WAV file as a .npy [n_mels, n_frames] (librosa.feature.melspectrogram; --db for power_to_db)')
    .argument('<input>', 'WAV file')
    .requiredOption('-o, --output <file>', 'output .npy file (NumPy format 1.0, little-endian, C order)')
    .option('--sr <hz>', "resample to this rate first (librosa.load's sr); default: the file's own rate")
    .option('--preset <name>', 'start from a preset (librosa, birdclef, kaggle2020, birdnet); flags given override it')
    .option('--db', 'convert to dB (librosa.power_to_db; see --ref, --amin, --top-db)');
  const melInfos = addParamOptions(command, melspecBlock.params);
  const dbInfos = addParamOptions(command, dbBlock.params);
  command.addHelpText(
    'after',
    '\nExample:\n  birdcall melspec XC1234.wav -o XC1234.npy --sr 32000 --n-fft 2048 --hop-length 512 --n-mels 128 --fmin 20 --fmax 16000 --db',
  );

  command.action(async (input: string, flags: MelspecFlags) => {
    const base = flags.preset !== undefined ? presetSettings(flags.preset) : { sampleRate: undefined, melspec: {} };
    const melParams = parseParams(melspecBlock.params, { ...base.melspec, ...readParamOptions(command, melInfos) }, '', flagOf) as Record<string, unknown>;
    const dbParams = parseParams(dbBlock.params, readParamOptions(command, dbInfos), '', flagOf) as Record<string, unknown>;
    const targetRate = flags.sr !== undefined ? targetRateOf(flags.sr) : base.sampleRate;

    const bytes = await readInput(input);
    const header = parseWavHeader(bytes, input);
    checkAgainstRate(melParams, targetRate ?? header.sampleRate);

    const steps: Step[] = [decode()];
    if (targetRate !== undefined && targetRate !== header.sampleRate) steps.push(resample({ sampleRate: targetRate }));
    steps.push(melspec(melParams));
    if (flags.db) steps.push(db(dbParams));
    steps.push(npy({ dtype: melParams.dtype as 'float32' | 'float64' }));

    const { items, warnings } = await runPipelineOnFile(pipeline(...steps), { path: input, bytes });
    for (const w of warnings) process.stderr.write(`birdcall: warning: ${input}: ${w}\n`);
    const artifact = items[0].artifacts.find((a) => a.name === 'npy')!;
    try {
      await writeFileAtomic(flags.output, artifact.bytes);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError('the output folder does not exist', flags.output);
      throw new UsageError(`cannot write the output (${code ?? (err as Error).message})`, flags.output);
    }
  });
}
