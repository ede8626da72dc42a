/**
 * Ogg Vorbis reader on @wasm-audio-decoders/ogg-vorbis (libvorbis in WebAssembly, float output, so the
 * samples match libvorbisfile's to float rounding).
 *
 * The package does not check page CRCs and says nothing when a file ends early, so we walk the pages
 * ourselves first: the identification header gives the codec, channels and rate; the last granule position
 * gives the length before decoding (for maxSeconds); CRC failures, junk between pages and a missing
 * end-of-stream page become warnings.
 */
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
import { decodeVorbisStb } from './stb-vorbis.ts';

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

/** Walks every page of an Ogg file, checking CRCs; never reads past the bytes present. */
export function scanOgg(b: Uint8Array): OggScan {
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
    if (pageCrc(b, pos, end) !== u32(b, pos + 22)) scan.badCrcPages++;
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
