import type { Command } from 'commander';
import { BirdcallError, UsageError } from '../errors.ts';
import { toKebab } from '../param-info.ts';
// The flags come from precomputed descriptions of the melspec and db blocks' params (checked against their
// schemas by a test): `melspec --help` starts without zod. The library, zod included, loads when it runs.
import { DB_FLAGS, MELSPEC_FLAGS } from './melspec-flags.ts';
import { addParamFlags, readParamOptions } from './param-flags.ts';

interface MelspecFlags {
  output: string;
  sr?: string;
  db?: boolean;
  preset?: string;
  jobs?: string;
  stream: boolean;
  verifyMd5?: boolean;
}

const flagOf = (name: string): string => `--${toKebab(name)}`;

async function targetRateOf(raw: string): Promise<number> {
  const [{ parseParams }, { resampleBlock }] = await Promise.all([import('../params.ts'), import('../pipeline/blocks/resample.ts')]);
  const text = raw.trim();
  const value = text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
  return parseParams(resampleBlock.params, { sampleRate: value }, '', { usage: true, spell: () => '--sr' }).sampleRate;
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

function jobsOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a whole number of threads >= 1, got "${raw}"`);
  return n;
}

async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  const { writeFileAtomic } = await import('../store/atomic.ts');
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError('the output folder does not exist', path);
    throw new UsageError(`cannot write the output (${code ?? (err as Error).message})`, path);
  }
}

export function register(program: Command): void {
  const command = program
    .command('melspec')
    .description('mel spectrogram of one audio file as a .npy [n_mels, n_frames] (librosa.feature.melspectrogram; --db for power_to_db)')
    .argument('<input>', 'audio file: WAV, FLAC, Ogg Vorbis or MP3')
    .requiredOption('-o, --output <file>', 'output .npy file (NumPy format 1.0, little-endian, C order)')
    .option('--sr <hz>', "resample to this rate first (librosa.load's sr); default: the file's own rate")
    .option('--preset <name>', 'start from a preset (librosa, birdclef, kaggle2020, birdnet); flags given override it')
    .option('--db', 'convert to dB (librosa.power_to_db; see --ref, --amin, --top-db)')
    .option('--jobs <n>', 'threads for one file, this one included; above 1 the samples are held in memory (460 MB per hour at 32 kHz). Default: all cores, except a WAV at its own rate over about 70 minutes at 32 kHz, which streams; 1: stream a WAV in blocks, bounded memory')
    .option('--no-stream', 'read a WAV file whole instead of streaming it (same values); other formats are always read whole')
    .option('--verify-md5', "check a FLAC's decoded audio against the MD5 signature in its header; a mismatch fails (FLAC_MD5_MISMATCH). Off by default: frame CRCs are always checked");
  const melInfos = addParamFlags(command, MELSPEC_FLAGS);
  const dbInfos = addParamFlags(command, DB_FLAGS);
  command.addHelpText(
    'after',
    '\nExample:\n  birdcall melspec XC1234.wav -o XC1234.npy --sr 32000 --n-fft 2048 --hop-length 512 --n-mels 128 --fmin 20 --fmax 16000 --db',
  );

  command.action(async (input: string, flags: MelspecFlags) => {
    const jobs = jobsOf(flags.jobs);
    // The worker threads start now (about 0.2 s each) while this thread loads the rest and reads the file.
    if (jobs !== 1) (await import('../dsp/mel-pool.ts')).warmMelWorkers(jobs);
    const [{ presetSettings }, { melspecFile }, { encodeNpy }, { parseParams }, { melspecBlock }, { dbBlock }] = await Promise.all([
      import('../dsp/presets.ts'),
      import('../pipeline/melspec-file.ts'),
      import('../image/npy.ts'),
      import('../params.ts'),
      import('../pipeline/blocks/melspec.ts'),
      import('../pipeline/blocks/db.ts'),
    ]);
    const base = flags.preset !== undefined ? presetSettings(flags.preset) : { sampleRate: undefined, melspec: {} };
    const melParams = parseParams(melspecBlock.params, { ...base.melspec, ...readParamOptions(command, melInfos) }, '', { usage: true, spell: flagOf }) as Record<string, unknown>;
    const dbParams = parseParams(dbBlock.params, readParamOptions(command, dbInfos), '', { usage: true, spell: flagOf }) as Record<string, unknown>;
    const targetRate = flags.sr !== undefined ? await targetRateOf(flags.sr) : base.sampleRate;

    const warnings: string[] = [];
    const mel = await melspecFile(input, {
      mel: melParams,
      sampleRate: targetRate,
      db: flags.db ? dbParams : undefined,
      jobs,
      stream: flags.stream,
      verifyMd5: flags.verifyMd5 === true,
      checkRate: (sr) => checkAgainstRate(melParams, sr),
      onWarning: (w) => warnings.push(w),
    }).catch((err: unknown) => {
      // A missing or unreadable INPUT is a mistake on the command line: exit code 2, like a bad flag.
      if (err instanceof BirdcallError && err.code.startsWith('INPUT_')) throw new UsageError(err.reason, err.file);
      throw err;
    });
    for (const w of warnings) process.stderr.write(`birdcall: warning: ${input}: ${w}\n`);
    await writeOutput(flags.output, encodeNpy(mel.values, [mel.bins, mel.frames]));
  });
}
