/**
 * Ogg Vorbis reader on @wasm-audio-decoders/ogg-vorbis (libvorbis in WebAssembly, float output, so the
 * samples match libvorbisfile's to float rounding).
 *
 * The package does not check page CRCs and says nothing when a file ends early, so we walk the pages
 * ourselves first: the identification header gives the codec, channels and rate; the last granule position
 * gives the length before decoding (for maxSeconds); CRC failures, junk between pages and a missing
 * end-of-stream page become warnings.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { BirdcallError } from '../errors.ts';
import type { MultiChannelAudio } from './types.ts';
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
import type { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { decodeVorbisStb, decodeVorbisStbPieces, VorbisPushError } from './stb-vorbis.ts';
import { mixToMono } from './mono.ts';
import { StreamDeclined, type SampleStream } from './stream.ts';

let pool: DecoderSource<OggVorbisDecoder> | undefined;
/** Loaded on first use, so reading only WAV never loads the wasm package. */
async function oggDecoders(): Promise<DecoderSource<OggVorbisDecoder>> {
  if (!pool) {
    const mod = await import('@wasm-audio-decoders/ogg-vorbis');
    pool ??= pooledDecoders(() => new mod.OggVorbisDecoder());
  }
  return pool;
}

export type OggCodec = 'vorbis' | 'opus' | 'flac' | 'speex' | 'theora' | 'unknown';

/** What a walk over the Ogg pages found, before any audio is decoded. */
export interface OggScan {
  codec: OggCodec;
  /** From the Vorbis identification header (0 for other codecs). */
  channels: number;
  sampleRate: number;
  /** Complete pages found. */
  pages: number;
  /** Pages whose CRC32 does not match their bytes. */
  badCrcPages: number;
  /** Granule position of the last complete page of the first logical stream: its length in samples. */
  lastGranule: number;
  /** The first logical stream's end-of-stream page was found. */
  endOfStream: boolean;
  /** The file ends inside a page (cut short). */
  truncated: boolean;
  /** Bytes skipped between pages to find the next capture pattern (junk or damage). */
  junkBytes: number;
  /** Distinct logical streams (serial numbers): more than one means chained or multiplexed Ogg. */
  streams: number;
}

/** CRC-32 as Ogg defines it: polynomial 0x04C11DB7, MSB first, no reflection, initial value and final XOR 0. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** CRC of one page with its checksum field (bytes 22..25) taken as zero. */
function pageCrc(b: Uint8Array, start: number, end: number): number {
  // Hot loop over every byte of the file: table lookup, no allocation or branch per byte.
  let crc = 0;
  for (let i = start; i < start + 22; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff];
  for (let i = 0; i < 4; i++) crc = (crc << 8) ^ CRC_TABLE[(crc >>> 24) & 0xff];
  for (let i = start + 26; i < end; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b[i]) & 0xff];
  return crc >>> 0;
}

function isCapture(b: Uint8Array, at: number): boolean {
  return b[at] === 0x4f && b[at + 1] === 0x67 && b[at + 2] === 0x67 && b[at + 3] === 0x53;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

function codecOf(b: Uint8Array, at: number, end: number): OggCodec {
  const id = String.fromCharCode(...b.subarray(at, Math.min(end, at + 8)));
  if (id.startsWith('\x01vorbis')) return 'vorbis';
  if (id === 'OpusHead') return 'opus';
  if (id.startsWith('\x7fFLAC')) return 'flac';
  if (id === 'Speex   ') return 'speex';
  if (id.startsWith('\x80theora')) return 'theora';
  return 'unknown';
}

/**
 * Walks every page of an Ogg file, checking CRCs (`crc: false` skips them: what only reads headers and
 * granules, e.g. to size a file up before reading it, need not pay a pass over every byte); never reads
 * past the bytes present.
 */
export function scanOgg(b: Uint8Array, { crc = true }: { crc?: boolean } = {}): OggScan {
  const scan: OggScan = {
    codec: 'unknown',
    channels: 0,
    sampleRate: 0,
    pages: 0,
    badCrcPages: 0,
    lastGranule: 0,
    endOfStream: false,
    truncated: false,
    junkBytes: 0,
    streams: 0,
  };
  const serials = new Set<number>();
  let firstSerial: number | undefined;
  let pos = 0;
  while (pos < b.length) {
    if (b.length - pos < 27) {
      scan.truncated = true;
      break;
    }
    if (!isCapture(b, pos) || b[pos + 4] !== 0) {
      let next = pos + 1;
      while (next + 4 <= b.length && !isCapture(b, next)) next++;
      if (next + 4 > b.length) next = b.length;
      scan.junkBytes += next - pos;
      pos = next;
      continue;
    }
    const segments = b[pos + 26];
    const tableEnd = pos + 27 + segments;
    if (tableEnd > b.length) {
      scan.truncated = true;
      break;
    }
    let body = 0;
    for (let i = pos + 27; i < tableEnd; i++) body += b[i];
    const end = tableEnd + body;
    if (end > b.length) {
      scan.truncated = true;
      break;
    }
    scan.pages++;
    if (crc && pageCrc(b, pos, end) !== u32(b, pos + 22)) scan.badCrcPages++;
    const serial = u32(b, pos + 14);
    serials.add(serial);
    if (firstSerial === undefined) {
      firstSerial = serial;
      scan.codec = codecOf(b, tableEnd, end);
      if (scan.codec === 'vorbis' && end - tableEnd >= 16) {
        scan.channels = b[tableEnd + 11];
        scan.sampleRate = u32(b, tableEnd + 12);
      }
    }
    if (serial === firstSerial) {
      // A granule of all ones means no packet ends on this page; the high word is 0 below 2^32 samples.
      const low = u32(b, pos + 6);
      const high = u32(b, pos + 10);
      if (!(low === 0xffffffff && high === 0xffffffff)) scan.lastGranule = high * 2 ** 32 + low;
      if (b[pos + 5] & 0x04) scan.endOfStream = true;
    }
    pos = end;
  }
  scan.streams = serials.size;
  return scan;
}

const UNSUPPORTED: Partial<Record<OggCodec, string>> = {
  opus: 'Ogg Opus',
  flac: 'Ogg FLAC',
  speex: 'Ogg Speex',
  theora: 'Ogg Theora (video)',
};

/**
 * A clean single stream (every CRC good, no junk, complete, one logical stream) through stb_vorbis in wasm
 * (src/audio/stb-vorbis.ts, 3x faster); undefined for anything else, or when stb_vorbis disagrees with
 * the stream's declared length or stops on an error: libvorbis decodes those, as before.
 */
function fastDecode(bytes: Uint8Array, scan: OggScan): { channelData: Float32Array[]; samplesDecoded: number; sampleRate: number; errors: [] } | undefined {
  const clean = scan.badCrcPages === 0 && scan.junkBytes === 0 && !scan.truncated && scan.endOfStream && scan.streams === 1;
  if (!clean || scan.lastGranule <= 0 || scan.lastGranule > 2 ** 31) return undefined;
  const audio = decodeVorbisStb(bytes, scan.lastGranule);
  return audio && { ...audio, samplesDecoded: scan.lastGranule, errors: [] };
}

/**
 * Decodes an Ogg Vorbis file. A truncated or damaged stream returns what decodes with a warning; a
 * stream with no decodable audio is OGG_CORRUPT, another codec inside Ogg is OGG_UNSUPPORTED_CODEC.
 */
export async function decodeOggVorbis(bytes: Uint8Array, source: string, opts: CompressedReadOptions = {}): Promise<MultiChannelAudio> {
  const scan = scanOgg(bytes);
  if (scan.pages === 0) {
    throw new BirdcallError('OGG_CORRUPT', `no complete Ogg page in ${bytes.length} bytes: the file is truncated or not Ogg`, source);
  }
  const unsupported = UNSUPPORTED[scan.codec];
  if (unsupported) {
    throw new BirdcallError(
      'OGG_UNSUPPORTED_CODEC',
      `${unsupported} is not supported: convert it to Ogg Vorbis, FLAC or WAV (e.g. ffmpeg -i in.ogg out.flac)`,
      source,
    );
  }
  if (scan.codec !== 'vorbis') {
    throw new BirdcallError('OGG_CORRUPT', 'the first Ogg page does not start with a Vorbis identification header', source);
  }
  if (scan.channels === 0 || scan.sampleRate === 0) {
    throw new BirdcallError('OGG_CORRUPT', `the Vorbis header declares ${scan.channels} channels at ${scan.sampleRate} Hz`, source);
  }
  if (scan.lastGranule > 0) checkDuration('OGG', scan.lastGranule / scan.sampleRate, opts, source);

  const decoded = fastDecode(bytes, scan) ?? (await withDecoder(await oggDecoders(), (d) => d.decodeFile(bytes), 'OGG', source));
  reportDecoderErrors(decoded, 'Vorbis packets', opts);
  requireSamples(decoded, 'OGG', source, 'the stream is truncated before its first audio packet or corrupt');
  if (decoded.channelData.length !== scan.channels || decoded.sampleRate !== scan.sampleRate) {
    throw new BirdcallError(
      'OGG_CORRUPT',
      `audio decodes as ${decoded.channelData.length} channels at ${decoded.sampleRate} Hz but the Vorbis header says ` +
        `${scan.channels} at ${scan.sampleRate} Hz`,
      source,
    );
  }
  const frames = decoded.samplesDecoded;
  checkDuration('OGG', frames / scan.sampleRate, opts, source);

  if (scan.badCrcPages > 0) {
    opts.onWarning?.(`${scan.badCrcPages} of ${scan.pages} Ogg pages fail their CRC check: the audio in them is corrupt`);
  }
  if (scan.junkBytes > 0) {
    opts.onWarning?.(`skipped ${scan.junkBytes} bytes that are not Ogg pages (corrupt or appended data)`);
  }
  if (scan.truncated || !scan.endOfStream) {
    opts.onWarning?.(
      `the stream ends ${scan.truncated ? 'in the middle of a page' : 'without its end-of-stream page'} after ` +
        `${secondsText(frames, scan.sampleRate)}: the file is truncated`,
    );
  }
  if (scan.streams > 1) {
    opts.onWarning?.(`the file chains ${scan.streams} logical Ogg streams; they are decoded one after another`);
  }
  return toAudio(decoded.channelData, frames, scan.sampleRate, source);
}

/** An Ogg file whose first logical stream is Vorbis, from its first bytes (streamFormat's test). */
export function oggStreamable(head: Uint8Array): boolean {
  const scan = scanOgg(head, { crc: false });
  return scan.codec === 'vorbis' && scan.channels > 0 && scan.sampleRate > 0;
}

/** The last page of `tail` (the end of a file): the one that ends exactly where the file does. */
export function lastPage(tail: Uint8Array): { granule: number; serial: number; endOfStream: boolean } | undefined {
  for (let at = tail.length - 27; at >= 0; at--) {
    if (!isCapture(tail, at) || tail[at + 4] !== 0) continue;
    const segments = tail[at + 26];
    let end = at + 27 + segments;
    if (end > tail.length) continue;
    for (let i = at + 27; i < at + 27 + segments; i++) end += tail[i];
    if (end !== tail.length || pageCrc(tail, at, end) !== u32(tail, at + 22)) continue;
    return { granule: u32(tail, at + 10) * 2 ** 32 + u32(tail, at + 6), serial: u32(tail, at + 14), endOfStream: (tail[at + 5] & 0x04) !== 0 };
  }
  return undefined;
}

/**
 * Checks the pages of a file as its pieces pass: what scanOgg's "clean" asks (every CRC good, no bytes
 * between pages, one logical stream ending on its end-of-stream page), else StreamDeclined.
 */
class OggPageCheck {
  private carry = new Uint8Array(0);
  private serial: number | undefined;
  private ended = false;

  constructor(private readonly source: string) {}

  push(piece: Uint8Array): void {
    const b = this.carry.length === 0 ? piece : Buffer.concat([this.carry, piece]);
    let pos = 0;
    while (b.length - pos >= 27) {
      if (!isCapture(b, pos) || b[pos + 4] !== 0) this.decline(`bytes that are not an Ogg page at page ${pos}`);
      const tableEnd = pos + 27 + b[pos + 26];
      if (tableEnd > b.length) break;
      let end = tableEnd;
      for (let i = pos + 27; i < tableEnd; i++) end += b[i];
      if (end > b.length) break;
      if (pageCrc(b, pos, end) !== u32(b, pos + 22)) this.decline('an Ogg page fails its CRC check');
      const serial = u32(b, pos + 14);
      if (this.ended || (this.serial !== undefined && serial !== this.serial)) this.decline('more than one logical Ogg stream');
      this.serial = serial;
      this.ended = (b[pos + 5] & 0x04) !== 0;
      pos = end;
    }
    this.carry = b.slice(pos);
  }

  finish(): void {
    if (this.carry.length > 0 || !this.ended) this.decline('the stream does not end on its end-of-stream page');
  }

  private decline(reason: string): never {
    throw new StreamDeclined(this.source, reason);
  }
}

/** Bytes read from the end of a file to find its last page (Ogg pages are at most 65307 bytes). */
export const OGG_TAIL_BYTES = 65536 + 512;

/**
 * Opens a long Ogg Vorbis file for reading in pieces with stb_vorbis's pushdata decoder: the samples of
 * decodeOggVorbis's fast path, which serves clean streams. The length comes from the last page's granule
 * position (read from the file's end); anything that is not clean, found on the way, is StreamDeclined.
 */
export async function openOggStream(path: string, source: string, opts: CompressedReadOptions = {}): Promise<SampleStream> {
  const fh = await open(path, 'r');
  let head: Uint8Array;
  let tail: Uint8Array;
  try {
    const { size } = await fh.stat();
    head = new Uint8Array(Math.min(size, 1 << 16));
    await fh.read(head, 0, head.length, 0);
    tail = new Uint8Array(Math.min(size, OGG_TAIL_BYTES));
    await fh.read(tail, 0, tail.length, size - tail.length);
  } finally {
    await fh.close();
  }
  const first = scanOgg(head, { crc: false });
  const last = lastPage(tail);
  const firstSerial = u32(head, 14);
  if (!last || !last.endOfStream || last.serial !== firstSerial || !(last.granule > 0 && last.granule <= 2 ** 31)) {
    throw new StreamDeclined(source, 'the last Ogg page does not end the stream with its length');
  }
  checkDuration('OGG', last.granule / first.sampleRate, opts, source);
  const total = last.granule;
  return {
    info: { sampleRate: first.sampleRate, numFrames: total, durationSeconds: total / first.sampleRate, encoding: 'vorbis' },
    blocks: () => oggBlocks(path, source, total, first.channels),
  };
}

async function* oggBlocks(path: string, source: string, total: number, channels: number): AsyncGenerator<Float32Array, void, undefined> {
  const check = new OggPageCheck(source);
  async function* pieces(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) {
      check.push(piece as Buffer);
      yield piece as Buffer;
    }
    check.finish();
  }
  let frames = 0;
  try {
    for await (const block of decodeVorbisStbPieces(pieces())) {
      const n = block[0].length;
      frames += n;
      if (block.length !== channels || frames > total) throw new StreamDeclined(source, 'the audio is not what the Vorbis headers declare');
      const mono = new Float32Array(n);
      mixToMono(block, mono, n);
      yield mono;
    }
  } catch (error) {
    throw error instanceof VorbisPushError ? new StreamDeclined(source, error.message) : error;
  }
  if (frames !== total) throw new StreamDeclined(source, `decoded ${frames} frames where the last page declares ${total}`);
}
