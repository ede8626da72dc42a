import { readFile, stat } from 'node:fs/promises';
import { BirdcallError } from '../errors.ts';
import type { Audio } from './types.ts';
import type { WavReadOptions } from './wav.ts';
import { decodeAudio } from './decode.ts';
import { toMono } from './mono.ts';

export interface ReadAudioOptions extends WavReadOptions {
  /** Refuse files larger than this many bytes (FILE_TOO_LARGE) before reading them. */
  maxBytes?: number;
}

/**
 * Reads an audio file whole (WAV, FLAC, Ogg Vorbis or MP3, picked by content) and returns its mono samples
 * (librosa.load(path, sr=None, mono=True)): channels averaged, at the file's own sample rate.
 *
 * @param path - the file.
 * @param opts - `maxBytes`: refuse larger files before reading them (default no limit); and the WAV
 *   reading options of decodeAudio.
 * @returns the samples (full scale 1), the sample rate in Hz, and `source` = `path`.
 * @throws BirdcallError `FILE_TOO_LARGE`, `FILE_UNREADABLE` (missing, no permission), or the decoder's
 *   code for a damaged or unsupported file; every one names the path.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { mkdtemp, rm, writeFile } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { BirdcallError, encodeWav, readAudioFile } from 'birdcall';
 *
 * const dir = await mkdtemp(join(tmpdir(), 'read-'));
 * try {
 *   const path = join(dir, 'stereo.wav');
 *   // Stereo, 4 frames: left 0.5, right -0.25 → mono 0.125.
 *   await writeFile(path, encodeWav([new Float32Array(4).fill(0.5), new Float32Array(4).fill(-0.25)], 8000, { float: true }));
 *   const audio = await readAudioFile(path);
 *   assert.deepEqual([audio.sampleRate, audio.samples.length, audio.samples[0]], [8000, 4, 0.125]);
 *   await assert.rejects(readAudioFile(path, { maxBytes: 10 }), (e: unknown) => e instanceof BirdcallError && e.code === 'FILE_TOO_LARGE');
 *   await assert.rejects(readAudioFile(join(dir, 'none.wav')), (e: unknown) => e instanceof BirdcallError && e.code === 'FILE_UNREADABLE');
 * } finally {
 *   await rm(dir, { recursive: true });
 * }
 * ```
 */
export async function readAudioFile(path: string, opts: ReadAudioOptions = {}): Promise<Audio> {
  let bytes: Uint8Array;
  try {
    if (opts.maxBytes !== undefined) {
      const { size } = await stat(path);
      if (size > opts.maxBytes) {
        throw new BirdcallError('FILE_TOO_LARGE', `file is ${size} bytes, over the limit of ${opts.maxBytes}`, path);
      }
    }
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof BirdcallError) throw err;
    throw new BirdcallError('FILE_UNREADABLE', `cannot read: ${(err as Error).message}`, path);
  }
  return toMono(await decodeAudio(bytes, path, opts));
}
