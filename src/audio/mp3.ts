/**
 * MP3 (MPEG-1/2/2.5 Layer I-III) reader. Clean Layer III streams decode with dr_mp3 in wasm SIMD
 * (src/audio/mp3-native.ts), everything else with mpg123-decoder (libmpg123 in WebAssembly, the library
 * libsndfile >= 1.1 uses for MP3, so what recent soundfile/librosa decode too); both return the same length
 * and start. Gapless decoding is on: the encoder delay and padding a LAME/Info tag records are trimmed, as
 * mpg123 and ffmpeg do.
 *
 * The package always returns two channels and resynchronises silently over damage, so we walk the frame
 * headers first: that gives the real channel count, the length before decoding (for maxSeconds), and how
 * much of the file is not MPEG audio (junk, damage) or cut short.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';
import { id3v2Size, parseMpegFrameHeader, type MpegFrameHeader } from './detect.ts';
import {
  checkDuration,
  reportDecoderErrors,
  requireSamples,
  secondsText,
  toAudio,
  withDecoder,
  freshDecoders,
  type CompressedReadOptions,
} from './compressed.ts';
import { decodeMp3Native, Mp3Declined, mp3NativeLength, openMp3NativeWindows, type Mp3NativeStream } from './mp3-native.ts';
import { mixToMono } from './mono.ts';
import { StreamDeclined, type SampleStream } from './stream.ts';

/** What a walk over the MPEG frame headers found, before any audio is decoded. */
export interface MpegScan {
  /** Frames whose header and length fit in the file. */
  frames: number;
  /** Byte offset of the first frame. */
  firstFrame: number;
  /** Sample rate of the first frame (0 when there is no frame). */
  sampleRate: number;
  /** 1 when every frame is mono, else 2. */
  channels: 1 | 2;
  /** PCM samples per channel the frames hold (the encoder delay and padding included). */
  samples: number;
  /** Bytes of the audio region that are not frames (damage, junk). */
  junkBytes: number;
  /** Bytes from the first frame to the end of the audio (tags excluded). */
  audioBytes: number;
  /** The last frame is cut short by the end of the file. */
  truncated: boolean;
  /** Distinct sample rates seen: more than one means damage or concatenated files. */
  sampleRates: number[];
  /** A free-format stream (no bit rate in the header), which cannot be walked: the counts are empty. */
  freeFormat: boolean;
}

/** End of the audio: before an ID3v1 tag (last 128 bytes, "TAG") and an APEv2 tag before it, if any. */
function audioEnd(b: Uint8Array): number {
  let end = b.length;
  if (end >= 128 && b[end - 128] === 0x54 && b[end - 127] === 0x41 && b[end - 126] === 0x47) end -= 128;
  if (end >= 32 && String.fromCharCode(...b.subarray(end - 32, end - 24)) === 'APETAGEX') {
    const size = (b[end - 20] | (b[end - 19] << 8) | (b[end - 18] << 16)) + b[end - 17] * 0x1000000;
    const header = b[end - 9] & 0x80 ? 32 : 0;
    if (size + header <= end) end -= size + header;
  }
  return end;
}

/**
 * True when a valid header sits at `at` and the next one sits where its length says (or the audio ends
 * there): resynchronising on one header alone would accept 11 random set bits as a frame.
 */
function confirmedFrame(b: Uint8Array, at: number, end: number): boolean {
  const h = parseMpegFrameHeader(b, at);
  if (!h || h.frameBytes === 0) return false;
  const next = at + h.frameBytes;
  if (next + 4 > end) return next <= end;
  return parseMpegFrameHeader(b, next) !== undefined;
}

function sameStream(a: MpegFrameHeader, b: MpegFrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

/** Walks the MPEG frames of a file, skipping ID3v2/ID3v1/APE tags. */
export function scanMpeg(b: Uint8Array): MpegScan {
  let start = 0;
  for (let tag = id3v2Size(b, start); tag > 0; tag = id3v2Size(b, start)) start += tag;
  const end = audioEnd(b);
  const scan: MpegScan = {
    frames: 0,
    firstFrame: -1,
    sampleRate: 0,
    channels: 1,
    samples: 0,
    junkBytes: 0,
    audioBytes: 0,
    truncated: false,
    sampleRates: [],
    freeFormat: false,
  };
  let pos = start;
  let stereo = false;
  // Where the previous accepted frame ended: a header found exactly there continues the run of frames.
  let runEnd = -1;
  let run: MpegFrameHeader | undefined;
  while (pos + 4 <= end) {
    const h = parseMpegFrameHeader(b, pos);
    if (h && h.frameBytes === 0 && scan.frames === 0) {
      scan.freeFormat = true;
      scan.firstFrame = pos;
      scan.sampleRate = h.sampleRate;
      scan.channels = h.channels;
      return scan;
    }
    // Inside a run one header is enough if it keeps the stream's version, layer and rate (the bit rate may
    // vary: VBR); to start or restart a run, two headers in a row are needed.
    const continues = pos === runEnd && h !== undefined && run !== undefined && sameStream(h, run);
    const accept = h !== undefined && h.frameBytes > 0 && (continues || confirmedFrame(b, pos, end));
    if (!h || !accept) {
      let next = pos + 1;
      while (next + 4 <= end && !confirmedFrame(b, next, end)) next++;
      if (next + 4 > end) next = end;
      if (scan.frames > 0) scan.junkBytes += next - pos;
      pos = next;
      continue;
    }
    if (scan.frames === 0) {
      scan.firstFrame = pos;
      scan.sampleRate = h.sampleRate;
    }
    if (pos + h.frameBytes > end) {
      scan.truncated = true;
      break;
    }
    scan.frames++;
    scan.samples += h.samplesPerFrame;
    if (h.channels === 2) stereo = true;
    if (!scan.sampleRates.includes(h.sampleRate)) scan.sampleRates.push(h.sampleRate);
    pos += h.frameBytes;
    runEnd = pos;
    run = h;
  }
  scan.channels = stereo ? 2 : 1;
  scan.audioBytes = scan.firstFrame >= 0 ? end - scan.firstFrame : 0;
  return scan;
}

/** More junk than audio means we would be decoding chance frame syncs in random data: refuse. */
const MAX_JUNK_FRACTION = 0.5;

/**
 * Decodes an MP3 (or MP2/MP1) file. Damaged or truncated streams return what decodes with a warning; a
 * file with no frames, or more junk than frames, is MP3_CORRUPT.
 */
export async function decodeMp3(bytes: Uint8Array, source: string, opts: CompressedReadOptions = {}): Promise<MultiChannelAudio> {
  const scan = scanMpeg(bytes);
  if (scan.firstFrame < 0) {
    throw new BirdcallError('MP3_CORRUPT', 'no MPEG audio frame found (two consecutive valid frame headers)', source);
  }
  if (scan.junkBytes > MAX_JUNK_FRACTION * scan.audioBytes) {
    throw new BirdcallError(
      'MP3_CORRUPT',
      `${scan.junkBytes} of ${scan.audioBytes} bytes after the first frame are not MPEG frames: the file is corrupt`,
      source,
    );
  }
  if (scan.samples > 0) checkDuration('MP3', scan.samples / scan.sampleRate, opts, source);
  const ours = cleanScan(scan) ? decodeMp3Native(bytes.subarray(scan.firstFrame, scan.firstFrame + scan.audioBytes), scan.samples, scan.channels) : undefined;
  if (ours) {
    const frames = ours.channelData[0].length;
    checkDuration('MP3', frames / ours.sampleRate, opts, source);
    return toAudio(ours.channelData, frames, ours.sampleRate, source);
  }
  return decodeMp3Mpg123(bytes, scan, source, opts);
}

/** dr_mp3 serves only what mpg123 would have nothing to warn about; it declines what it cannot match exactly. */
function cleanScan(scan: MpegScan): boolean {
  return scan.firstFrame >= 0 && !scan.freeFormat && !scan.truncated && scan.junkBytes === 0 && scan.sampleRates.length === 1;
}

/**
 * The length decodeMp3 returns for a clean stream (dr_mp3's, from the frame headers and the LAME tag: no
 * frame is synthesised), the same as openMp3Stream's; undefined for a stream decodeMp3 gives to mpg123.
 */
export function mp3Length(bytes: Uint8Array): { sampleRate: number; durationSeconds: number } | undefined {
  const scan = scanMpeg(bytes);
  if (!cleanScan(scan)) return undefined;
  const native = mp3NativeLength(bytes.subarray(scan.firstFrame, scan.firstFrame + scan.audioBytes), scan.samples, scan.channels);
  return native && { sampleRate: native.sampleRate, durationSeconds: native.length / native.sampleRate };
}

/** Bytes of a file read at a time by scanCleanMpegFile (its head, its tail, and the windows of its walk). */
const SCAN_WINDOW = 1 << 20;

/** Reads up to `length` bytes of `fh` from `position`. */
async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.max(0, length));
  const { bytesRead } = await fh.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}

/**
 * scanMpeg's result for a file on disk whose frames are clean (what decodeMp3 gives dr_mp3: no junk, no
 * cut, one sample rate, not free format), read a window at a time so memory stays at a window; undefined
 * for anything else, or anything it cannot settle in a window (the first frame about 1 MiB after the ID3v2
 * tags; an APE tag over 1 MiB is left in the audio and declined as junk): such files are read whole, where
 * scanMpeg decides. Where the stream
 * is clean, scanMpeg walks it the same way: the first frame confirmed by the header after it, then each
 * frame where the last one ended, with the first one's version, layer and rate.
 */
export async function scanCleanMpegFile(path: string): Promise<MpegScan | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    let start = 0;
    for (let tag = id3v2Size(await readAt(fh, 0, 10)); tag > 0; tag = id3v2Size(await readAt(fh, start, 10))) start += tag;
    const tail = await readAt(fh, Math.max(start, size - SCAN_WINDOW), Math.min(SCAN_WINDOW, size - start));
    const end = size - tail.length + audioEnd(tail);
    const head = await readAt(fh, start, Math.min(SCAN_WINDOW, end - start));
    let first = 0;
    while (first + 4 <= head.length && !confirmedFrame(head, first, end - start)) {
      if (parseMpegFrameHeader(head, first)?.frameBytes === 0) return undefined; // free format
      first++;
    }
    // A first frame at the window's end may have been missed for want of the header after it: read whole.
    const h0 = first + 8192 <= head.length || head.length === end - start ? parseMpegFrameHeader(head, first) : undefined;
    if (!h0) return undefined;
    const scan: MpegScan = { frames: 0, firstFrame: start + first, sampleRate: h0.sampleRate, channels: 1, samples: 0, junkBytes: 0, audioBytes: end - start - first, truncated: false, sampleRates: [h0.sampleRate], freeFormat: false };
    let window = head;
    let windowAt = start;
    for (let pos = start + first; pos + 4 <= end; ) {
      if (pos + 4 > windowAt + window.length) {
        window = await readAt(fh, pos, Math.min(SCAN_WINDOW, end - pos));
        windowAt = pos;
      }
      const h = parseMpegFrameHeader(window, pos - windowAt);
      if (!h || h.frameBytes === 0 || !sameStream(h, h0) || pos + h.frameBytes > end) return undefined;
      scan.frames++;
      scan.samples += h.samplesPerFrame;
      if (h.channels === 2) scan.channels = 2;
      pos += h.frameBytes;
    }
    return scan;
  } finally {
    await fh.close();
  }
}

/**
 * Opens a long MP3 for predict's streaming runner: the file is walked once for its frame headers
 * (scanCleanMpegFile), then decoded by dr_mp3 a 1 MiB window at a time, its samples coming
 * out 64k at a time, mono: exactly toMono(decodeMp3(file)), whose length is known from the frame headers
 * and the LAME tag before any frame is synthesised. A stream decodeMp3 would hand to mpg123 (junk, a cut,
 * a rate change, free format, anything dr_mp3 declines, up front or part-way) is StreamDeclined, so it is
 * read whole with mpg123's recovery and warnings.
 */
export async function openMp3Stream(path: string, source: string, opts: CompressedReadOptions = {}): Promise<SampleStream> {
  const scan = await scanCleanMpegFile(path);
  if (!scan) throw new StreamDeclined(source, 'the MPEG frames are not clean (junk, a cut, a rate change or free format)');
  checkDuration('MP3', scan.samples / scan.sampleRate, opts, source);
  let position = scan.firstFrame;
  const stop = scan.firstFrame + scan.audioBytes;
  // The file opened per 1 MiB read: nothing is left open however the stream ends (or is never read).
  const read = async (into: Uint8Array): Promise<number> => {
    const fh = await open(path, 'r');
    try {
      const { bytesRead } = await fh.read(into, 0, Math.min(into.length, stop - position), position);
      position += bytesRead;
      return bytesRead;
    } finally {
      await fh.close();
    }
  };
  const native = await openMp3NativeWindows(read, scan.samples, scan.channels);
  if (!native) throw new StreamDeclined(source, 'dr_mp3 does not decode its first frames exactly as mpg123');
  const { sampleRate, length } = native;
  checkDuration('MP3', length / sampleRate, opts, source);
  return {
    info: { sampleRate, numFrames: length, durationSeconds: length / sampleRate, encoding: 'mp3' },
    blocks: () => mp3Blocks(native, source),
  };
}

async function* mp3Blocks(native: Mp3NativeStream, source: string): AsyncGenerator<Float32Array, void, undefined> {
  try {
    for await (const planes of native.chunks()) {
      const mono = new Float32Array(planes[0].length);
      mixToMono(planes, mono, mono.length);
      yield mono;
    }
  } catch (error) {
    throw new StreamDeclined(source, error instanceof Mp3Declined ? error.message : 'dr_mp3 fails on a frame (damaged input)');
  }
}

/** The fallback: mpg123-decoder, with its resynchronisation over damage and our warnings. */
async function decodeMp3Mpg123(bytes: Uint8Array, scan: MpegScan, source: string, opts: CompressedReadOptions): Promise<MultiChannelAudio> {
  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoded = await withDecoder(
    // Fresh per file: mpg123-decoder's reset() re-instantiates the wasm module anyway, and without a reset
    // the stream state (a partial frame, gapless info) would carry over into the next file.
    freshDecoders(() => new MPEGDecoder()),
    (d) => d.decode(bytes),
    'MP3',
    source,
  );
  reportDecoderErrors(decoded, 'MPEG frames', opts);
  requireSamples(decoded, 'MP3', source, 'no frame could be decoded');
  const frames = decoded.samplesDecoded;
  const sampleRate = decoded.sampleRate;
  checkDuration('MP3', frames / sampleRate, opts, source);

  if (scan.junkBytes > 0) {
    opts.onWarning?.(`skipped ${scan.junkBytes} bytes between MPEG frames (damage or junk); the audio there is missing`);
  }
  if (scan.truncated) {
    opts.onWarning?.(`the last MPEG frame is cut short after ${secondsText(frames, sampleRate)}: the file is truncated`);
  }
  if (scan.sampleRates.length > 1) {
    opts.onWarning?.(`the sample rate changes mid-stream (${scan.sampleRates.join(', ')} Hz); all audio is labelled ${sampleRate} Hz`);
  }
  // mpg123-decoder always returns stereo; a mono stream's two channels are identical copies.
  const channels = scan.channels === 1 ? decoded.channelData.slice(0, 1) : decoded.channelData;
  return toAudio(channels, frames, sampleRate, source);
}
