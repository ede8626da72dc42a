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
 * (librosa.load(path, sr=None, mono=True)).
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
