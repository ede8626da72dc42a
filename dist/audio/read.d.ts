import type { Audio } from './types.ts';
import type { WavReadOptions } from './wav.ts';
export interface ReadAudioOptions extends WavReadOptions {
    /** Refuse files larger than this many bytes (FILE_TOO_LARGE) before reading them. */
    maxBytes?: number;
}
/**
 * Reads an audio file whole (WAV, FLAC, Ogg Vorbis or MP3, picked by content) and returns its mono samples
 * (librosa.load(path, sr=None, mono=True)).
 */
export declare function readAudioFile(path: string, opts?: ReadAudioOptions): Promise<Audio>;
