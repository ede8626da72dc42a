/**
 * FLAC reader returning exactly the samples libsndfile (so librosa.load) returns: integer / 2^(bits-1).
 *
 * Clean streams of up to 24 bits decode with our own decoder (src/audio/flac-native.ts: native/flac.c in
 * wasm SIMD), which checks every frame's CRCs (and, with `verifyMd5`, the STREAMINFO MD5) itself and
 * declines anything else. Those go to
 * @wasm-audio-decoders/flac (libFLAC in WebAssembly), as before: it scales integers by 1 / (2^(bits-1) - 1);
 * for up to 24 bits that float still identifies the integer uniquely, so we recover it and rescale, and
 * check it against STREAMINFO's MD5 on the way, which is what catches corruption the decoder itself stays
 * silent about.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { mixToMono } from './mono.ts';
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';
import { id3v2Size } from './detect.ts';
import {
  checkDuration,
  reportDecoderErrors,
  requireSamples,
  secondsText,
  toAudio,
  withDecoder,
  pooledDecoders,
  type CompressedReadOptions,
  type DecoderSource,
} from './compressed.ts';
import type { FLACDecoder } from '@wasm-audio-decoders/flac';
import { decodeFlacNative, decodeFlacNativeWindows, FlacDeclined, FlacMd5Mismatch, type FlacWindowShape } from './flac-native.ts';
import { StreamDeclined } from './stream.ts';

let pool: DecoderSource<FLACDecoder> | undefined;
/** Loaded on first use, so reading only WAV never loads the wasm package. */
async function flacDecoders(): Promise<DecoderSource<FLACDecoder>> {
  if (!pool) {
    const mod = await import('@wasm-audio-decoders/flac');
    pool ??= pooledDecoders(() => new mod.FLACDecoder());
  }
  return pool;
}

/** The STREAMINFO block: what the encoder declared about the whole stream. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 when the encoder did not know (a stream piped in). */
  totalSamples: number;
  /** MD5 of the unencoded samples; all zero when the encoder did not compute it. */
  md5: Uint8Array;
  /** Byte offset of the `fLaC` marker (after an ID3v2 tag, when there is one). */
  offset: number;
  /** The largest block size (samples per channel in a frame) the stream uses. */
  maxBlockSize: number;
  /** The largest frame in bytes, as the encoder recorded it; 0 when unknown. */
  maxFrameSize: number;
}

/** Reads STREAMINFO, the mandatory first metadata block after `fLaC`. */
export function parseFlacStreamInfo(bytes: Uint8Array, source: string): FlacStreamInfo {
  const offset = id3v2Size(bytes);
  const b = bytes.subarray(offset);
  if (b.length < 4 || b[0] !== 0x66 || b[1] !== 0x4c || b[2] !== 0x61 || b[3] !== 0x43) {
    throw new BirdcallError('FLAC_BAD_HEADER', 'no "fLaC" marker: not a FLAC stream', source);
  }
  // Block header: 1 bit last-block flag, 7 bits type (0 = STREAMINFO), 24 bits length (34 for STREAMINFO).
  if (b.length < 8 + 34) {
    throw new BirdcallError('FLAC_TRUNCATED', `the file ends after ${bytes.length} bytes, inside the STREAMINFO header`, source);
  }
  const type = b[4] & 0x7f;
  const length = (b[5] << 16) | (b[6] << 8) | b[7];
  if (type !== 0 || length < 34) {
    throw new BirdcallError('FLAC_BAD_HEADER', `the first metadata block is type ${type} of ${length} bytes, not a 34-byte STREAMINFO`, source);
  }
  const s = 8;
  const maxBlockSize = (b[s + 2] << 8) | b[s + 3];
  const maxFrameSize = (b[s + 7] << 16) | (b[s + 8] << 8) | b[s + 9];
  const sampleRate = (b[s + 10] << 12) | (b[s + 11] << 4) | (b[s + 12] >> 4);
  const channels = ((b[s + 12] >> 1) & 7) + 1;
  const bitsPerSample = (((b[s + 12] & 1) << 4) | (b[s + 13] >> 4)) + 1;
  // 36 bits: the top 4 in b[s+13]'s low nibble, then 32 bits (more than 2^31, so no bitwise ops on it).
  const totalSamples = (b[s + 13] & 0x0f) * 2 ** 32 + ((b[s + 14] << 24) >>> 0) + ((b[s + 15] << 16) | (b[s + 16] << 8) | b[s + 17]);
  const md5 = b.slice(s + 18, s + 34);
  if (sampleRate === 0) throw new BirdcallError('FLAC_BAD_HEADER', 'STREAMINFO declares a sample rate of 0 Hz', source);
  if (bitsPerSample < 4) throw new BirdcallError('FLAC_BAD_HEADER', `STREAMINFO declares ${bitsPerSample} bits per sample (at least 4 are valid)`, source);
  return { sampleRate, channels, bitsPerSample, totalSamples, md5, offset, maxBlockSize, maxFrameSize };
}

/** Byte offset of the first audio frame: after the last metadata block; undefined when the blocks run past the end. */
export function firstFrameOffset(bytes: Uint8Array, info: FlacStreamInfo): number | undefined {
  let at = info.offset + 4;
  for (;;) {
    if (at + 4 > bytes.length) return undefined;
    const last = (bytes[at] & 0x80) !== 0;
    at += 4 + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
    if (last) return at <= bytes.length ? at : undefined;
  }
}

/** STREAMINFO's MD5 when the encoder did not compute one: nothing to check (libFLAC skips it too). */
const NO_MD5 = '0'.repeat(32);

/**
 * A FLAC whose decoded audio is not what its encoder hashed into STREAMINFO, when asked to verify
 * (`verifyMd5`): the file is refused, streamed or read whole alike.
 */
export function md5MismatchError(source: string): BirdcallError {
  return new BirdcallError('FLAC_MD5_MISMATCH', 'the decoded audio does not match the MD5 signature in STREAMINFO: the file is damaged', source);
}

/** Frames per MD5 update: bounds the interleaving buffers (tens of KiB) however long the file is. */
const MD5_BLOCK_FRAMES = 4096;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Rescales the decoder's floats from 1/(2^(b-1)-1) to libsndfile's 1/2^(b-1) in place, and returns the MD5
 * of the integer samples as libFLAC computes it (interleaved, little-endian, ceil(b/8) bytes each).
 */
function rescaleAndHash(channels: Float32Array[], frames: number, bits: number): string {
  const hash = createHash('md5');
  const decoderScale = 2 ** (bits - 1) - 1;
  const ourScale = 1 / 2 ** (bits - 1);
  const width = (bits + 7) >> 3;
  const n = channels.length;
  // Hot loops over every sample of the file: buffers allocated once, one tight loop per channel and block.
  const ints = new Int32Array(MD5_BLOCK_FRAMES * n);
  const bytes = new Uint8Array(ints.length * width);
  // Typed-array set() wraps each integer to the narrow type (two's complement), which is the byte layout
  // libFLAC hashes when the host is little-endian (every platform Node runs on in practice).
  const narrow = !LITTLE_ENDIAN_HOST ? undefined : width === 1 ? new Int8Array(bytes.buffer) : width === 2 ? new Int16Array(bytes.buffer) : undefined;
  for (let start = 0; start < frames; start += MD5_BLOCK_FRAMES) {
    const end = Math.min(frames, start + MD5_BLOCK_FRAMES);
    const count = (end - start) * n;
    for (let c = 0; c < n; c++) {
      const ch = channels[c];
      for (let i = start, j = c; i < end; i++, j += n) {
        const v = Math.round(ch[i] * decoderScale);
        ch[i] = v * ourScale;
        ints[j] = v;
      }
    }
    if (narrow) {
      narrow.set(ints.subarray(0, count));
    } else {
      for (let j = 0, at = 0; j < count; j++) for (let k = 0; k < width; k++) bytes[at++] = (ints[j] >> (8 * k)) & 0xff;
    }
    hash.update(bytes.subarray(0, count * width));
  }
  return hash.digest('hex');
}

/**
 * Decodes a FLAC file (optionally behind an ID3v2 tag) to float samples scaled as libsndfile does: clean
 * streams of up to 24 bits with our own decoder (src/audio/flac-native.ts), everything else with libFLAC.
 * Truncated streams return the samples before the cut with a warning. The STREAMINFO MD5 (when the
 * encoder stored one) is checked on clean streams only with `opts.verifyMd5` (libFLAC's default too:
 * frame CRCs catch damage), and always on streams our decoder declines (a failed CRC...), where a mismatch
 * is a warning (the audio is damaged somewhere); with `opts.verifyMd5` any mismatch is FLAC_MD5_MISMATCH.
 * No decodable frame at all is FLAC_CORRUPT.
 */
export async function decodeFlac(bytes: Uint8Array, source: string, opts: CompressedReadOptions = {}): Promise<MultiChannelAudio> {
  const info = parseFlacStreamInfo(bytes, source);
  if (info.totalSamples > 0) checkDuration('FLAC', info.totalSamples / info.sampleRate, opts, source);
  const framesAt = firstFrameOffset(bytes, info);
  const md5Hex = Buffer.from(info.md5).toString('hex');
  const verifyMd5 = opts.verifyMd5 ?? false;
  const ours = framesAt === undefined ? undefined : decodeFlacNative(bytes.subarray(framesAt), { ...info, md5Hex, verifyMd5 });
  if (ours) {
    checkDuration('FLAC', ours[0].length / info.sampleRate, opts, source);
    return toAudio(ours, ours[0].length, info.sampleRate, source);
  }
  return decodeFlacLibFlac(bytes, info, source, opts);
}

/** The fallback: libFLAC from @wasm-audio-decoders/flac, with its recovery from damage and our warnings. */
async function decodeFlacLibFlac(bytes: Uint8Array, info: FlacStreamInfo, source: string, opts: CompressedReadOptions): Promise<MultiChannelAudio> {
  const decoded = await withDecoder(
    await flacDecoders(),
    (d) => d.decodeFile(bytes.subarray(info.offset)),
    'FLAC',
    source,
  );
  reportDecoderErrors(decoded, 'FLAC frames', opts);
  requireSamples(decoded, 'FLAC', source, 'the stream is truncated before its first audio frame or corrupt');
  const frames = decoded.samplesDecoded;
  const bits = decoded.bitDepth > 0 ? decoded.bitDepth : info.bitsPerSample;
  const headerAgrees = decoded.sampleRate === info.sampleRate && decoded.channelData.length === info.channels && bits === info.bitsPerSample;
  if (!headerAgrees) {
    opts.onWarning?.(
      `frames decode as ${decoded.channelData.length} ch ${decoded.sampleRate} Hz ${bits}-bit but STREAMINFO says ` +
        `${info.channels} ch ${info.sampleRate} Hz ${info.bitsPerSample}-bit: the header or the stream is corrupt`,
    );
  }
  const sampleRate = decoded.sampleRate > 0 ? decoded.sampleRate : info.sampleRate;
  checkDuration('FLAC', frames / sampleRate, opts, source);

  if (bits <= 24) {
    const md5 = rescaleAndHash(decoded.channelData, frames, bits);
    const declaredMd5 = Buffer.from(info.md5).toString('hex');
    const complete = info.totalSamples === 0 || frames === info.totalSamples;
    if (declaredMd5 !== NO_MD5 && md5 !== declaredMd5) {
      // Asked to verify, any audio other than what the encoder hashed is refused (a cut one too).
      if (opts.verifyMd5) throw md5MismatchError(source);
      // A STREAMINFO that contradicts the frames is damaged itself: its MD5 and length prove nothing.
      if (headerAgrees && complete) opts.onWarning?.('the decoded audio does not match the MD5 the encoder stored: the stream is corrupt somewhere');
    }
  } else {
    // 25-32 bit integers do not survive the decoder's float32 output exactly: rescale only.
    const factor = (2 ** (bits - 1) - 1) / 2 ** (bits - 1);
    for (const ch of decoded.channelData) for (let i = 0; i < frames; i++) ch[i] *= factor;
    opts.onWarning?.(`${bits}-bit FLAC decodes through float32: samples are rounded to 24 bits of precision${opts.verifyMd5 ? ', and its MD5 cannot be checked' : ''}`);
  }
  if (headerAgrees && info.totalSamples > 0 && frames < info.totalSamples) {
    opts.onWarning?.(
      `decoded ${secondsText(frames, sampleRate)} of the ${secondsText(info.totalSamples, info.sampleRate)} STREAMINFO declares: ` +
        'the file is truncated or corrupt after that point',
    );
  }
  return toAudio(decoded.channelData, frames, sampleRate, source);
}

/** A FLAC file read in pieces: its header, and mono blocks equal to toMono(decodeFlac(file)) in order. */
export interface FlacStream {
  info: { sampleRate: number; numFrames: number; durationSeconds: number; channels: number; encoding: 'flac' };
  blocks(): AsyncIterable<Float32Array>;
}

/** Bytes read at the start of a file to find STREAMINFO (after an ID3v2 tag of a reasonable size). */
const HEAD_BYTES = 1 << 16;

/**
 * Whether a FLAC file can be read in pieces, from its first bytes: STREAMINFO must give the total length
 * (the chunk plan needs it before the first sample) and at most 24 bits (exact integers). Others are
 * decoded whole.
 */
export function flacStreamable(head: Uint8Array): FlacStreamInfo | undefined {
  try {
    const info = parseFlacStreamInfo(head, 'head');
    return info.totalSamples > 0 && info.bitsPerSample <= 24 ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens a long FLAC file for reading in pieces: our decoder (src/audio/flac-native.ts) reads it a window
 * (4 MiB) of the file at a time, so memory stays at a window whatever the length, and gives decodeFlac's
 * samples bit for bit. Whatever decodeFlac's fast path declines (a CRC, a frame out of sequence or unlike
 * STREAMINFO, trailing bytes, a length other than STREAMINFO's) is StreamDeclined, so a damaged file gets
 * decodeFlac's recovery and warnings, read whole. With `verifyMd5`, clean frames whose audio does not
 * match the MD5 fail the stream at its end with FLAC_MD5_MISMATCH, decodeFlac's verdict on them too.
 * Undefined when the file cannot stream (flacStreamable).
 */
export async function openFlacStream(path: string, source: string, opts: CompressedReadOptions = {}): Promise<FlacStream | undefined> {
  const fh = await open(path, 'r');
  let info: FlacStreamInfo | undefined;
  let framesAt: number | undefined;
  try {
    const head = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    info = flacStreamable(head.subarray(0, bytesRead));
    if (info !== undefined) framesAt = await firstFrameInFile(fh, info);
  } finally {
    await fh.close();
  }
  if (info === undefined) return undefined;
  if (framesAt === undefined) throw new StreamDeclined(source, 'the metadata blocks run past the end of the file');
  checkDuration('FLAC', info.totalSamples / info.sampleRate, opts, source);
  const { sampleRate, totalSamples, channels } = info;
  const shape = { ...info, md5Hex: Buffer.from(info.md5).toString('hex'), verifyMd5: opts.verifyMd5 ?? false };
  const from = framesAt;
  return {
    info: { sampleRate, numFrames: totalSamples, durationSeconds: totalSamples / sampleRate, channels, encoding: 'flac' },
    blocks: () => flacBlocks(path, source, from, shape),
  };
}

/** firstFrameOffset on a file: the metadata block headers read one by one (a cover picture may be megabytes). */
async function firstFrameInFile(fh: FileHandle, info: FlacStreamInfo): Promise<number | undefined> {
  const header = new Uint8Array(4);
  const { size } = await fh.stat();
  let at = info.offset + 4;
  for (;;) {
    if (at + 4 > size) return undefined;
    await fh.read(header, 0, 4, at);
    at += 4 + ((header[1] << 16) | (header[2] << 8) | header[3]);
    if (header[0] & 0x80) return at <= size ? at : undefined;
  }
}

async function* flacBlocks(path: string, source: string, from: number, shape: FlacWindowShape): AsyncGenerator<Float32Array, void, undefined> {
  const fh = await open(path, 'r');
  let position = from;
  const read = async (into: Uint8Array): Promise<number> => {
    const { bytesRead } = await fh.read(into, 0, into.length, position);
    position += bytesRead;
    return bytesRead;
  };
  try {
    for await (const planes of decodeFlacNativeWindows(read, shape)) {
      const mono = new Float32Array(planes[0].length);
      mixToMono(planes, mono, mono.length);
      yield mono;
    }
  } catch (error) {
    if (error instanceof FlacMd5Mismatch) throw md5MismatchError(source);
    throw error instanceof FlacDeclined ? new StreamDeclined(source, error.message) : error;
  } finally {
    await fh.close();
  }
}
