/**
 * One entry point for every audio format we read: the content decides the decoder (magic bytes, see
 * detect.ts), the file name only decides whether to warn. A BirdCLEF `.ogg` that is really WAV, or a `.wav`
 * that is really MP3, is read as what it is.
 */
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';
import { detectAudioFormat, formatFromExtension, type AudioFormat } from './detect.ts';
import { decodeWav } from './wav.ts';
import { decodeFlac } from './flac.ts';
import { decodeOggVorbis } from './ogg.ts';
import { decodeMp3 } from './mp3.ts';
import type { CompressedReadOptions } from './compressed.ts';

/** The same options for every format (WavReadOptions has these fields but the FLAC-only verifyMd5). */
export type DecodeAudioOptions = CompressedReadOptions;

const NAMES: Record<AudioFormat, string> = { wav: 'WAV', flac: 'FLAC', ogg: 'Ogg', mp3: 'MP3' };

/**
 * Decodes WAV, FLAC, Ogg Vorbis or MP3 bytes to float samples per channel with their sample rate (mono
 * happens in toMono). `source` names the file in errors and warnings; its extension is compared with the
 * content. Every failure is a BirdcallError: the format's own codes (WAV_*, FLAC_*, OGG_*, MP3_*),
 * AUDIO_UNSUPPORTED_FORMAT for audio we recognise but do not decode (Opus, AAC, AIFF...), or
 * AUDIO_UNKNOWN_FORMAT for content that is none of them.
 *
 * @param bytes - the whole file's bytes (readFile's Buffer is a Uint8Array).
 * @param source - the file's name or path, for errors and for the extension check.
 * @param opts - `maxSeconds`: refuse longer files (checked from the header when it says, before decoding);
 *   `onWarning`: receives non-fatal problems (e.g. the extension names another format); `verifyMd5`: also
 *   check FLAC samples against STREAMINFO's MD5 (off by default; frame CRCs are always checked).
 * @returns one Float32Array per channel, in [-1, 1], with the file's sample rate (Hz).
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { decodeAudio, encodeWav, toMono } from 'birdcall';
 *
 * const tone = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
 * const audio = await decodeAudio(encodeWav(tone, 22050), 'tone.wav'); // or: await readFile('XC1234.ogg')
 * assert.equal(audio.sampleRate, 22050);
 * assert.equal(audio.channels.length, 1);
 * assert.equal(toMono(audio).samples.length, 22050);
 * ```
 */
export async function decodeAudio(bytes: Uint8Array, source: string, opts: DecodeAudioOptions = {}): Promise<MultiChannelAudio> {
  const guess = detectAudioFormat(bytes);
  const byName = formatFromExtension(source);
  if (!guess.format) {
    if (guess.known) {
      throw new BirdcallError(
        'AUDIO_UNSUPPORTED_FORMAT',
        `content is ${guess.name}, which is not supported: convert it to FLAC, Ogg Vorbis, MP3 or WAV (e.g. ffmpeg -i in out.flac)`,
        source,
      );
    }
    // No signature at all: a damaged header, or an MP3 with junk before its first frame. The decoder the
    // extension names says precisely what is wrong (or, for MP3, finds the frames further on).
    if (byName !== undefined) return decodeAs(byName, bytes, source, opts);
    throw new BirdcallError('AUDIO_UNKNOWN_FORMAT', `content is ${guess.name}, not WAV, FLAC, Ogg Vorbis or MP3`, source);
  }
  if (byName !== undefined && byName !== guess.format) {
    opts.onWarning?.(`the extension says ${NAMES[byName]} but the content is ${guess.name}; reading it as ${NAMES[guess.format]}`);
  }
  return decodeAs(guess.format, bytes, source, opts);
}

async function decodeAs(format: AudioFormat, bytes: Uint8Array, source: string, opts: DecodeAudioOptions): Promise<MultiChannelAudio> {
  switch (format) {
    case 'wav':
      return decodeWav(bytes, source, opts);
    case 'flac':
      return decodeFlac(bytes, source, opts);
    case 'ogg':
      return decodeOggVorbis(bytes, source, opts);
    case 'mp3':
      return decodeMp3(bytes, source, opts);
  }
}
