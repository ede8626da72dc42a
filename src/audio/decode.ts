/**
 * One entry point for every audio format we read: the content decides the decoder (magic bytes, see
 * detect.ts), the file name only decides whether to warn. A BirdCLEF `.ogg` that is really WAV, or a `.wav`
 * that is really MP3, is read as what it is.
 */
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';
import { detectAudioFormat, formatFromExtension, readHead, STREAM_HEAD_BYTES, type AudioFormat } from './detect.ts';
import { decodeWav } from './wav.ts';
import { decodeFlac } from './flac.ts';
import { decodeOggVorbis } from './ogg.ts';
import { decodeMp3, mp3Length, openMp3Stream, scanMpeg } from './mp3.ts';
import type { CompressedReadOptions } from './compressed.ts';
import { flacStreamable, openFlacStream, parseFlacStreamInfo } from './flac.ts';
import { lastPage, OGG_TAIL_BYTES, oggStreamable, openOggStream, scanOgg } from './ogg.ts';
import { openWavStream, parseWavHeader } from './wav.ts';
import { StreamDeclined, type SampleStream } from './stream.ts';

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
 *   check FLAC samples against STREAMINFO's MD5, a mismatch failing with FLAC_MD5_MISMATCH (off by default;
 *   frame CRCs are always checked).
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

/** The formats that can stream (every one we decode). */
export const STREAM_FORMATS = ['wav', 'flac', 'ogg', 'mp3'] as const;
export type StreamFormat = (typeof STREAM_FORMATS)[number];

/**
 * The format a file streams as, from its first bytes: a WAV; a FLAC whose STREAMINFO gives its length; an
 * Ogg whose first stream is Vorbis; MPEG audio (an MP3 whose frames turn out not clean declines when
 * opened). Undefined for anything else (read whole).
 */
export function streamFormat(head: Uint8Array): StreamFormat | undefined {
  const guess = detectAudioFormat(head);
  if (guess.format === 'wav' && guess.name === 'WAV') return 'wav';
  if (guess.format === 'flac' && flacStreamable(head)) return 'flac';
  if (guess.format === 'ogg' && oggStreamable(head)) return 'ogg';
  if (guess.format === 'mp3') return 'mp3';
  return undefined;
}

/**
 * What a file's audio weighs as 16-bit PCM (a WAV of it), from its first bytes (`head`, STREAM_HEAD_BYTES)
 * and its size in bytes: the streaming threshold's measure, since what reading a file whole costs follows
 * its decoded audio, not its bytes (60 minutes at 32 kHz read whole by convert: a 28 MB Ogg took 3.3 GB,
 * the 230 MB WAV 1.7 GB). A WAV: its size. A FLAC: STREAMINFO's length. Ogg Vorbis and MP3: the audio per
 * byte of the pages or frames in `head`, times the size (an estimate: an Ogg's header pages make it about
 * 10 % low). Undefined when the head does not say.
 */
export function pcmBytes(head: Uint8Array, size: number, format = streamFormat(head)): number | undefined {
  if (format === 'wav') return size;
  if (format === 'flac') {
    const info = flacStreamable(head);
    return info && info.totalSamples * info.channels * 2;
  }
  if (format === 'ogg') {
    const scan = scanOgg(head, { crc: false });
    return scan.lastGranule > 0 ? scan.lastGranule * scan.channels * 2 * (size / head.length) : undefined;
  }
  if (format === 'mp3') {
    const scan = scanMpeg(head);
    return scan.audioBytes > 0 && scan.samples > 0 ? scan.samples * scan.channels * 2 * ((size - scan.firstFrame) / scan.audioBytes) : undefined;
  }
  return undefined;
}

/** Opens a file streamFormat accepted; StreamDeclined when its header or end says it must be read whole. */
export async function openAudioStream(absPath: string, source: string, opts: CompressedReadOptions): Promise<SampleStream> {
  const format = streamFormat(readHead(absPath));
  if (format === 'flac') return (await openFlacStream(absPath, source, opts)) ?? Promise.reject(new StreamDeclined(source, 'the FLAC header does not give its length'));
  if (format === 'ogg') return openOggStream(absPath, source, opts);
  if (format === 'mp3') return openMp3Stream(absPath, source, opts);
  return openWavStream(absPath, opts);
}

/**
 * A file's length as its header declares it (WAV, FLAC STREAMINFO, an Ogg Vorbis stream's last page, a clean
 * MP3's frame headers and LAME tag), from its bytes; undefined when it says none or cannot be read. A
 * stream's `info` gives the same figures.
 */
export function declaredLength(bytes: Uint8Array): { sampleRate: number; durationSeconds: number } | undefined {
  try {
    const format = streamFormat(bytes.subarray(0, STREAM_HEAD_BYTES));
    if (format === 'wav') return parseWavHeader(bytes, 'recording');
    if (format === 'flac') {
      const info = parseFlacStreamInfo(bytes, 'recording');
      return { sampleRate: info.sampleRate, durationSeconds: info.totalSamples / info.sampleRate };
    }
    if (format === 'ogg') {
      const rate = scanOgg(bytes.subarray(0, STREAM_HEAD_BYTES), { crc: false }).sampleRate;
      const last = lastPage(bytes.subarray(Math.max(0, bytes.length - OGG_TAIL_BYTES)));
      return last?.endOfStream ? { sampleRate: rate, durationSeconds: last.granule / rate } : undefined;
    }
    if (format === 'mp3') return mp3Length(bytes);
  } catch {
    // An unreadable header: the whole-file decode says why.
  }
  return undefined;
}
