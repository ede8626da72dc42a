/**
 * Audio format by content (magic bytes), not by file name: Kaggle and field archives hold `.wav` files that
 * are really MP3, and `.ogg` files that are Opus. The extension is only used to warn when the two disagree.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';

/** The formats `decodeAudio` reads. */
export type AudioFormat = 'wav' | 'flac' | 'ogg' | 'mp3';

/** What the first bytes of a file say it is. */
export interface FormatGuess {
  /** A format we decode, or undefined when the content is not one. */
  format?: AudioFormat;
  /** Human name of the content, for messages ("Ogg Opus", "AIFF", "MP4/M4A"), including unsupported ones. */
  name: string;
  /** The content matched a known signature (true also for formats we recognise but do not decode). */
  known: boolean;
  /** Bytes of ID3v2 tag in front of the audio (0 when there is none). */
  id3Bytes: number;
}

/** Bytes of a file's start that tell its format and how it streams (after an ID3v2 tag of a reasonable size). */
export const STREAM_HEAD_BYTES = 1 << 16;

/**
 * The first STREAM_HEAD_BYTES of a file (all of it when shorter). Synchronous: one small read, on a thread
 * that waits for it anyway; a hop through libuv's thread pool for the open, the read and the close cost more
 * than the three (convert asks it of every file).
 */
export function readHead(absPath: string): Uint8Array {
  const head = new Uint8Array(STREAM_HEAD_BYTES);
  const fd = openSync(absPath, 'r');
  try {
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** File extensions (lower case, with the dot) of the formats we decode, for folder inputs. */
export const AUDIO_EXTENSIONS: Readonly<Record<string, AudioFormat>> = Object.freeze({
  '.wav': 'wav',
  '.wave': 'wav',
  '.flac': 'flac',
  '.ogg': 'ogg',
  '.oga': 'ogg',
  '.mp3': 'mp3',
});

/** The format a path's extension names, or undefined (no extension, or one we do not read). */
export function formatFromExtension(path: string): AudioFormat | undefined {
  return AUDIO_EXTENSIONS[extname(path).toLowerCase()];
}

/**
 * True when a folder walk should pick the file up as audio: its extension, case-insensitive, is one of
 * AUDIO_EXTENSIONS (.wav, .wave, .flac, .ogg, .oga, .mp3). The content is not looked at (detectAudioFormat
 * does that when the file is decoded). Never throws.
 *
 * @param path - a path or file name.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { isAudioPath } from 'birdcall';
 *
 * assert.deepEqual(['a/XC1.WAV', 'b.flac', 'c.ogg', 'd.mp3', 'e.m4a', 'notes.txt', 'wav'].map(isAudioPath), [true, true, true, true, false, false, false]);
 * ```
 */
export function isAudioPath(path: string): boolean {
  return formatFromExtension(path) !== undefined;
}

function ascii(b: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/**
 * Size of an ID3v2 tag starting at `at` (header, body and optional footer), or 0 when there is none.
 * The size is "syncsafe": 4 bytes of 7 bits each, so a byte with its top bit set means it is not a tag.
 */
export function id3v2Size(b: Uint8Array, at = 0): number {
  if (b.length < at + 10 || ascii(b, at, 3) !== 'ID3') return 0;
  const major = b[at + 3];
  if (major === 0xff || b[at + 4] === 0xff) return 0;
  let size = 0;
  for (let i = 6; i < 10; i++) {
    if (b[at + i] & 0x80) return 0;
    size = size * 128 + b[at + i];
  }
  const footer = major >= 4 && b[at + 5] & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

/** One MPEG audio frame header, as needed to walk frames and to know the channel count. */
export interface MpegFrameHeader {
  /** 1, 2 or 2.5 (MPEG-2.5 is the unofficial low-rate extension mpg123 decodes). */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  /** kbit/s; 0 for "free format" (the frame length is then unknown). */
  bitrate: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Bytes in the whole frame, header included (0 for free format). */
  frameBytes: number;
  /** PCM samples per channel the frame decodes to. */
  samplesPerFrame: number;
}

// Bit-rate tables in kbit/s, indexed [row][bitrate index]; rows: V1 L1, V1 L2, V1 L3, V2/2.5 L1, V2/2.5 L2+L3.
const BITRATES = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
];
const SAMPLE_RATES: Record<number, number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/**
 * Parses the 4-byte MPEG audio frame header at `at`, or returns undefined when the bytes are not one
 * (no 11-bit sync, or a reserved version, layer, bit rate or sample rate). ADTS AAC shares the sync word but
 * uses the reserved layer 0, so it is rejected here.
 */
export function parseMpegFrameHeader(b: Uint8Array, at: number): MpegFrameHeader | undefined {
  if (at + 4 > b.length || b[at] !== 0xff || (b[at + 1] & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b[at + 1] >> 3) & 3;
  const layerBits = (b[at + 1] >> 1) & 3;
  const bitrateIndex = b[at + 2] >> 4;
  const rateIndex = (b[at + 2] >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const padding = (b[at + 2] >> 1) & 1;
  const channels = (b[at + 3] >> 6) === 3 ? 1 : 2;
  const row = version === 1 ? layer - 1 : layer === 1 ? 3 : 4;
  const bitrate = BITRATES[row][bitrateIndex];
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && version !== 1 ? 576 : 1152;
  let frameBytes = 0;
  if (bitrate > 0) {
    frameBytes =
      layer === 1
        ? (Math.floor((12 * bitrate * 1000) / sampleRate) + padding) * 4
        : Math.floor(((samplesPerFrame / 8) * bitrate * 1000) / sampleRate) + padding;
  }
  return { version, layer, bitrate, sampleRate, channels, frameBytes, samplesPerFrame };
}

/**
 * True when a frame header at `at` is followed by another frame header where its length says (or the data
 * ends first): the check MP3 sniffers use, since 11 set bits alone occur in any binary data.
 */
function mpegFramesAt(b: Uint8Array, at: number): boolean {
  const h = parseMpegFrameHeader(b, at);
  if (!h) return false;
  if (h.frameBytes === 0 || at + h.frameBytes + 4 > b.length) return true;
  return parseMpegFrameHeader(b, at + h.frameBytes) !== undefined;
}

/** How far past an ID3 tag to look for the first frame: encoders pad the tag with up to a few KiB of zeros. */
const MPEG_SEARCH_BYTES = 8192;

/**
 * What a file is, from its first bytes (magic numbers; an ID3v2 tag in front is skipped), whatever its name.
 *
 * @param bytes - the start of the file: a few KiB suffice (an MP3's first frame may follow up to 8 KiB of
 *   tag padding); the whole file works too.
 * @returns `format`, the decoder to use (undefined when none of ours reads it), `name` for messages (also for
 *   formats we recognise but do not decode, e.g. AIFF or Ogg Opus), `known` (a signature matched), and
 *   `id3Bytes`, the size of a leading ID3v2 tag. Never throws.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { detectAudioFormat, encodeWav } from 'birdcall';
 *
 * const wav = encodeWav(new Float32Array(8), 8000);
 * assert.deepEqual(detectAudioFormat(wav), { format: 'wav', name: 'WAV', known: true, id3Bytes: 0 });
 * assert.equal(detectAudioFormat(new TextEncoder().encode('fLaC\0\0\0\x22')).format, 'flac');
 * // AIFF is recognised (for a clear message) but not decoded.
 * assert.deepEqual(detectAudioFormat(new TextEncoder().encode('FORM\0\0\0\0AIFF')), { format: undefined, name: 'AIFF', known: true, id3Bytes: 0 });
 * assert.equal(detectAudioFormat(new Uint8Array(16)).known, false);
 * ```
 */
export function detectAudioFormat(bytes: Uint8Array): FormatGuess {
  const id3Bytes = id3v2Size(bytes);
  const at = id3Bytes;
  const magic = ascii(bytes, at, 4);
  const guess = (format: AudioFormat | undefined, name: string, known = true): FormatGuess => ({ format, name, known, id3Bytes });
  // libsndfile and ffmpeg skip an ID3v2 tag in front of FLAC too (some taggers write one).
  if (magic === 'fLaC') return guess('flac', 'FLAC');
  if (id3Bytes === 0) {
    // decodeWav explains what is wrong with RIFX, RF64 or a non-WAVE RIFF form, so those go to it.
    if (magic === 'RIFF' || magic === 'RIFX' || magic === 'RF64') return guess('wav', ascii(bytes, 8, 4) === 'WAVE' ? 'WAV' : magic);
    if (magic === 'OggS') return oggGuess(bytes);
    if (magic === 'FORM') return guess(undefined, 'AIFF');
    if (magic === 'caff') return guess(undefined, 'Core Audio (CAF)');
    if (magic === 'wvpk') return guess(undefined, 'WavPack');
    if (magic === '.snd') return guess(undefined, 'Sun/NeXT AU');
    if (ascii(bytes, 4, 4) === 'ftyp') return guess(undefined, 'MP4/M4A (AAC or ALAC)');
    if (bytes.length >= 4 && bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
      return guess(undefined, 'Matroska/WebM');
    }
    if (ascii(bytes, 0, 5) === '#!AMR') return guess(undefined, 'AMR');
    if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xf6) === 0xf0) return guess(undefined, 'AAC (ADTS)');
    // A bare MPEG stream: one valid header right at the start is already unlikely by chance.
    if (parseMpegFrameHeader(bytes, 0)) return guess('mp3', mpegName(bytes, 0));
    return guess(undefined, describeUnknown(bytes), false);
  }
  // After an ID3 tag the audio is MPEG in practice; search a little for the first frame (padding, junk).
  const end = Math.min(bytes.length - 4, at + MPEG_SEARCH_BYTES);
  for (let i = at; i <= end; i++) if (mpegFramesAt(bytes, i)) return guess('mp3', mpegName(bytes, i));
  return guess('mp3', 'MP3 (ID3 tag, no MPEG frame found)');
}

function mpegName(b: Uint8Array, at: number): string {
  const h = parseMpegFrameHeader(b, at);
  return h ? `MPEG-${h.version} Layer ${'I'.repeat(h.layer)}` : 'MPEG audio';
}

/** Ogg is a container: the first packet names the codec inside. */
function oggGuess(b: Uint8Array): FormatGuess {
  const segments = b.length > 26 ? b[26] : 0;
  const packet = 27 + segments;
  const id = ascii(b, packet, 8);
  const guess = (format: AudioFormat | undefined, name: string): FormatGuess => ({ format, name, known: true, id3Bytes: 0 });
  if (id.startsWith('\x01vorbis')) return guess('ogg', 'Ogg Vorbis');
  if (id.startsWith('\x7fFLAC')) return guess('ogg', 'Ogg FLAC');
  if (id === 'OpusHead') return guess(undefined, 'Ogg Opus');
  if (id === 'Speex   ') return guess(undefined, 'Ogg Speex');
  if (id.startsWith('\x80theora')) return guess(undefined, 'Ogg Theora (video)');
  // Truncated or corrupt first page: call it Ogg and let the decoder say what is wrong.
  return guess('ogg', 'Ogg (unknown codec)');
}

function describeUnknown(b: Uint8Array): string {
  if (b.length === 0) return 'an empty file';
  const head = b.subarray(0, 16);
  const printable = head.every((c) => (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a || c === 0x0d);
  if (printable) return `text starting ${JSON.stringify(ascii(b, 0, 16))}`;
  const hex = Array.from(b.subarray(0, 8), (c) => c.toString(16).padStart(2, '0')).join(' ');
  return `unrecognised data starting with bytes ${hex}`;
}
