import { open, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { detectAudioFormat } from '../audio/detect.ts';
import { toMono } from '../audio/mono.ts';
import { openWavStream, parseWavHeader, type WavStream } from '../audio/wav.ts';
import { powerToDb, type DbParamsInput } from '../dsp/db.ts';
import { melSpectrogram, type MelSpectrogramParamsInput } from '../dsp/mel.ts';
import { melSpectrogramParallel, melSpectrogramParallelBlocks } from '../dsp/parallel.ts';
import { MelStream } from '../dsp/stream.ts';
import type { Spectrogram } from '../dsp/types.ts';
import { BirdcallError } from '../errors.ts';

/**
 * The mel spectrogram of one audio file (WAV, FLAC, Ogg Vorbis or MP3, by content), as
 * `librosa.feature.melspectrogram(y=librosa.load(path, sr=sampleRate)[0], ...)`, optionally in dB.
 * The frames are split across `jobs` threads (all cores by default); a WAV file at its own rate is never
 * read whole: its samples go into shared memory block by block while the threads compute, or, with one
 * thread or when its samples would take more than SHARED_SAMPLES_LIMIT bytes, it streams (bounded memory).
 * Every path gives the same values as the block pipeline decode → resample → melspec → db.
 */

/**
 * Bytes of float32 samples (about 70 minutes at 32 kHz) above which a WAV at its own rate streams on one
 * thread by default instead of going into shared memory for all cores.
 */
export const SHARED_SAMPLES_LIMIT = 512 * 2 ** 20;

export interface MelspecFileOptions {
  /** melSpectrogram parameters; `sr` is the file's own rate, or `sampleRate`. */
  mel?: Omit<MelSpectrogramParamsInput, 'sr'>;
  /** Resample to this rate (Hz) first, as librosa.load's sr. Default: the file's own rate. */
  sampleRate?: number;
  /** power_to_db parameters; without them the power spectrogram is returned. */
  db?: DbParamsInput;
  /**
   * Threads, this one included. Above 1 the samples go once into shared memory (4 bytes a sample: 460 MB
   * for an hour at 32 kHz). 1 streams a WAV at its own rate in bounded memory. Default: every core, except
   * for a WAV at its own rate of more than 512 MiB of samples (about 70 minutes at 32 kHz), which streams.
   */
  jobs?: number;
  /** false reads the whole file at once even when it could stream (same values). Default true. */
  stream?: boolean;
  /**
   * Called with the rate the spectrogram is computed at, before any sample is decoded when the header
   * tells it (WAV), else right after decoding: the place for checks such as fmax below Nyquist.
   */
  checkRate?: (sampleRate: number) => void;
  /** Non-fatal problems (a decoder's repairs, empty mel bands). */
  onWarning?: (warning: string) => void;
  /** Refuse a FLAC whose audio does not match the MD5 signature in its STREAMINFO (FLAC_MD5_MISMATCH). Default false. */
  verifyMd5?: boolean;
}

/**
 * The mel spectrogram of one audio file (see the module comment for how the work is split).
 *
 * @param path - the audio file (WAV, FLAC, Ogg Vorbis or MP3, by content); several channels are averaged.
 * @param options - `mel`: melSpectrogram params (nFft, hopLength in samples, nMels, fmin/fmax in Hz, …;
 *   librosa's defaults); `sampleRate`: resample to this rate in Hz first (default the file's own); `db`:
 *   powerToDb params (default none: the power spectrogram); `jobs`: threads (default every core); `stream`,
 *   `checkRate`, `onWarning`, `verifyMd5` as documented on MelspecFileOptions.
 * @returns the spectrogram, [bins, frames] row-major, scale 'power' (or 'db' with `db`).
 * @throws BirdcallError `PARAM_INVALID` for bad params or jobs, `FILE_UNREADABLE` and the decoders' codes
 *   for an unreadable or damaged file.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BirdcallError, encodeWav, melSpectrogram, melspecFile, powerToDb } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'melspec-'));
 * try {
 *   const sr = 16000;
 *   const tone = Float32Array.from({ length: sr / 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / sr));
 *   const path = join(dir, 'tone.wav');
 *   await writeFile(path, encodeWav(tone, sr, { float: true }));
 *   const spec = await melspecFile(path, { mel: { nFft: 512, hopLength: 160, nMels: 40 }, db: { ref: 'max' }, jobs: 1 });
 *   // The same values as the functions it chains, called on the samples.
 *   const expected = powerToDb(melSpectrogram(tone, { sr, nFft: 512, hopLength: 160, nMels: 40 }), { ref: 'max' });
 *   assert.deepEqual([spec.bins, spec.frames, spec.scale], [40, 51, 'db']);
 *   assert.deepEqual(spec.values, expected.values);
 *   await assert.rejects(melspecFile(path, { jobs: 0 }), (e: unknown) => e instanceof BirdcallError && e.code === 'PARAM_INVALID');
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function melspecFile(path: string, options: MelspecFileOptions = {}): Promise<Spectrogram> {
  const warn = options.onWarning ?? (() => {});
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new BirdcallError('PARAM_INVALID', `jobs must be a whole number >= 1, got ${jobs}`);
  if (options.stream !== false && (await isWav(path))) {
    const headerWarnings: string[] = [];
    const wav = await openWavStream(path, {
      onWarning: (w) => {
        headerWarnings.push(w);
        warn(w);
      },
    });
    const rate = wav.info.sampleRate;
    if (options.sampleRate === undefined || options.sampleRate === rate) {
      options.checkRate?.(rate);
      const params = { ...options.mel, sr: rate };
      const stream = jobs === 1 || (options.jobs === undefined && 4 * wav.info.numFrames > SHARED_SAMPLES_LIMIT);
      if (stream) return melStreamed(wav, params, options.db, warn, path);
      // Reads 4x the streaming block (1 MB of float32 a channel): a quarter of the round trips through libuv,
      // and still dozens of blocks for the workers to start on while the rest is read.
      // (opened again for that: the header's warnings were given once already)
      const again = (w: string): void => {
        if (!headerWarnings.includes(w)) warn(w);
      };
      const blocks = (await openWavStream(path, { onWarning: again, blockFrames: 1 << 18 })).blocks();
      // finite: the WAV decoder replaces NaN and infinite samples by 0 (and warns).
      const mel = await melSpectrogramParallelBlocks(wav.info.numFrames, blocks, params, { jobs, warn, file: path, finite: true });
      return options.db ? powerToDb(mel, options.db, { inPlace: true }) : mel;
    }
  }
  return melInMemory(path, await readInput(path), { ...options, jobs }, warn);
}

/** The whole file in memory: any format, any rate. */
async function melInMemory(path: string, bytes: Uint8Array, options: MelspecFileOptions, warn: (w: string) => void): Promise<Spectrogram> {
  // Loaded here: a WAV at its own rate (the common case) starts without the compressed decoders.
  const [{ decodeAudio }, { resample }] = await Promise.all([import('../audio/decode.ts'), import('../audio/resample.ts')]);
  const wavRate = detectAudioFormat(bytes.subarray(0, 16)).format === 'wav' ? parseWavHeader(bytes, path).sampleRate : undefined;
  if (wavRate !== undefined) options.checkRate?.(options.sampleRate ?? wavRate);
  let audio = toMono(await decodeAudio(bytes, path, { onWarning: warn, verifyMd5: options.verifyMd5 }));
  if (wavRate === undefined) options.checkRate?.(options.sampleRate ?? audio.sampleRate);
  if (options.sampleRate !== undefined && options.sampleRate !== audio.sampleRate) audio = resample(audio, options.sampleRate);
  const params = { ...options.mel, sr: audio.sampleRate };
  const jobs = options.jobs ?? 1;
  const mel =
    jobs === 1 ? melSpectrogram(audio.samples, params, { warn, file: path }) : await melSpectrogramParallel(audio.samples, params, { jobs, warn, file: path });
  return options.db ? powerToDb(mel, options.db, { inPlace: jobs > 1 }) : mel;
}

/**
 * Blocks of the WAV file go through MelStream, so memory holds one block of samples and the mel output,
 * whatever the length (about 200 MB peak for an hour at 32 kHz, 64 mels), and the values equal the
 * whole-file path's (MelStream frames across block edges as the whole-signal STFT).
 */
async function melStreamed(
  wav: WavStream,
  params: MelSpectrogramParamsInput,
  db: DbParamsInput | undefined,
  warn: (w: string) => void,
  file: string,
): Promise<Spectrogram> {
  const stream = new MelStream(params, { warn, file });
  for await (const block of wav.blocks()) stream.push(block);
  return stream.finish(db ? { db } : {});
}

/** Whether the file is a WAV by content, read from its first bytes only. */
async function isWav(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
    const head = new Uint8Array(16);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const guess = detectAudioFormat(head.subarray(0, bytesRead));
    return guess.format === 'wav' && guess.name === 'WAV';
  } catch (err) {
    throw fileError(err, path);
  } finally {
    await fh?.close();
  }
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw fileError(err, path);
  }
}

function fileError(err: unknown, path: string): BirdcallError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new BirdcallError('INPUT_NOT_FOUND', 'input file not found', path);
  if (code === 'EISDIR') return new BirdcallError('INPUT_NOT_FOUND', 'is a folder, not an audio file', path);
  return new BirdcallError('INPUT_UNREADABLE', `cannot read (${code})`, path);
}
