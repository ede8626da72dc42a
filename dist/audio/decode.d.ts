import type { MultiChannelAudio } from './types.ts';
import type { CompressedReadOptions } from './compressed.ts';
/** The same options for every format (WavReadOptions has exactly these fields). */
export type DecodeAudioOptions = CompressedReadOptions;
/**
 * Decodes WAV, FLAC, Ogg Vorbis or MP3 bytes to float samples per channel with their sample rate (mono
 * happens in toMono). `source` names the file in errors and warnings; its extension is compared with the
 * content. Every failure is a BirdcallError: the format's own codes (WAV_*, FLAC_*, OGG_*, MP3_*),
 * AUDIO_UNSUPPORTED_FORMAT for audio we recognise but do not decode (Opus, AAC, AIFF...), or
 * AUDIO_UNKNOWN_FORMAT for content that is none of them.
 */
export declare function decodeAudio(bytes: Uint8Array, source: string, opts?: DecodeAudioOptions): Promise<MultiChannelAudio>;
