import { BirdcallError } from '../errors.ts';
import { mulberry32 } from '../random.ts';

export interface WavEncodeOptions {
  /** Bits per sample: 16 (default), 24 or 32. Float output is always 32-bit. */
  bitDepth?: 16 | 24 | 32;
  /** Write IEEE float samples (format tag 3) instead of integer PCM. Default false. */
  float?: boolean;
  /**
   * Add triangular (TPDF) dither of +-1 LSB before rounding to integers. Default false, so that a
   * round trip through a decoder is exact for samples already on the integer grid.
   */
  dither?: boolean;
  /** Seed of the dither noise, so dithered output is still reproducible. Default 1. */
  ditherSeed?: number;
}

const FORMAT_PCM = 1;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const FORMAT_IEEE_FLOAT = 3;

/**
 * Encode samples as a plain RIFF/WAVE file, little-endian: a `fmt ` chunk and a `data` chunk (plus the
 * `fact` chunk the spec asks for with float data). `samples` is one channel or one array per channel.
 *
 * Integer samples are scaled as libsndfile does (x * 2^(bits-1), rounded, clipped to the integer range), so
 * floats in [-1, 1) map one-to-one onto the integer grid and decoders that divide by 2^(bits-1) give back
 * exactly what was written.
 *
 * @param samples - one channel, or one Float32Array per channel, nominally in [-1, 1].
 * @param sampleRate - samples per second (Hz).
 * @param opts - `bitDepth` (8, 16, 24 or 32; default 16, or 32 with `float`), `float` (IEEE float samples).
 * @returns the file's bytes.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { encodeWav, decodeAudio } from 'birdcall';
 *
 * const tone = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050));
 * const bytes = encodeWav(tone, 22050); // 16-bit PCM: write it with fs.writeFile('tone.wav', bytes)
 * assert.equal(bytes.length, 44 + 2 * 22050);
 * assert.equal((await decodeAudio(bytes, 'tone.wav')).sampleRate, 22050);
 * ```
 */
export function encodeWav(
  samples: Float32Array | Float32Array[],
  sampleRate: number,
  opts: WavEncodeOptions = {},
): Uint8Array {
  const channels = Array.isArray(samples) ? samples : [samples];
  const float = opts.float ?? false;
  const bitDepth = opts.bitDepth ?? (float ? 32 : 16);
  checkArguments(channels, sampleRate, bitDepth, float);

  const numChannels = channels.length;
  const frames = channels[0].length;
  const bytesPerSample = bitDepth / 8;
  const blockAlign = numChannels * bytesPerSample;
  const dataBytes = frames * blockAlign;
  // The RIFF size fields are 32-bit; a larger file would need RF64.
  if (dataBytes > 0xffffffff - 64) {
    throw new BirdcallError('PARAM_INVALID', `${dataBytes} bytes of audio do not fit in a RIFF/WAVE file (4 GiB limit)`);
  }

  const fmtBytes = float ? 18 : 16;
  const factBytes = float ? 12 : 0;
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8;
  const out = new Uint8Array(headerBytes + dataBytes + (dataBytes % 2));
  const view = new DataView(out.buffer);

  writeAscii(out, 0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  writeAscii(out, 8, 'WAVE');
  let pos = 12;
  writeAscii(out, pos, 'fmt ');
  view.setUint32(pos + 4, fmtBytes, true);
  view.setUint16(pos + 8, float ? FORMAT_IEEE_FLOAT : FORMAT_PCM, true);
  view.setUint16(pos + 10, numChannels, true);
  view.setUint32(pos + 12, sampleRate, true);
  view.setUint32(pos + 16, sampleRate * blockAlign, true);
  view.setUint16(pos + 20, blockAlign, true);
  view.setUint16(pos + 22, bitDepth, true);
  if (float) view.setUint16(pos + 24, 0, true); // cbSize: no extension
  pos += 8 + fmtBytes;
  if (float) {
    writeAscii(out, pos, 'fact');
    view.setUint32(pos + 4, 4, true);
    view.setUint32(pos + 8, frames, true);
    pos += 12;
  }
  writeAscii(out, pos, 'data');
  view.setUint32(pos + 4, dataBytes, true);
  pos += 8;

  if (float) {
    writeFloat32(view, pos, channels, frames);
  } else {
    const noise = opts.dither ? mulberry32(opts.ditherSeed ?? 1) : undefined;
    writeInteger(view, pos, channels, frames, bitDepth, noise);
  }
  return out;
}

function checkArguments(channels: Float32Array[], sampleRate: number, bitDepth: number, float: boolean): void {
  if (channels.length === 0) throw new BirdcallError('PARAM_INVALID', 'no channels to encode');
  if (channels.length > 0xffff) throw new BirdcallError('PARAM_INVALID', `${channels.length} channels: at most 65535`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new BirdcallError('PARAM_INVALID', `sampleRate must be a positive integer in Hz, got ${sampleRate}`);
  }
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new BirdcallError('PARAM_INVALID', `bitDepth must be 16, 24 or 32, got ${bitDepth}`);
  }
  if (float && bitDepth !== 32) {
    throw new BirdcallError('PARAM_INVALID', `float samples are written as 32-bit, got bitDepth ${bitDepth}`);
  }
  const frames = channels[0].length;
  channels.forEach((channel, c) => {
    if (channel.length !== frames) {
      throw new BirdcallError('PARAM_INVALID', `channel ${c} has ${channel.length} samples, channel 0 has ${frames}`);
    }
    // A NaN would silently become 0 (or garbage): it is a bug upstream, so say where it is.
    for (let i = 0; i < frames; i++) {
      if (!Number.isFinite(channel[i])) {
        throw new BirdcallError('PARAM_INVALID', `sample ${i} of channel ${c} is ${channel[i]}, not a finite number`);
      }
    }
  });
}

function writeAscii(out: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
}

function writeFloat32(view: DataView, offset: number, channels: Float32Array[], frames: number): void {
  let pos = offset;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      view.setFloat32(pos, channel[i], true);
      pos += 4;
    }
  }
}

function writeInteger(
  view: DataView,
  offset: number,
  channels: Float32Array[],
  frames: number,
  bitDepth: number,
  noise: (() => number) | undefined,
): void {
  const scale = 2 ** (bitDepth - 1);
  const max = scale - 1;
  const min = -scale;
  const bytes = bitDepth / 8;
  // 16-bit on a little-endian host (all Node targets in practice) writes through an Int16Array view:
  // several times faster than DataView for the millions of samples of a dataset.
  const direct = bytes === 2 && offset % 2 === 0 && LITTLE_ENDIAN_HOST ? new Int16Array(view.buffer, view.byteOffset + offset, frames * channels.length) : undefined;
  let pos = offset;
  let slot = 0;
  // Runs once per sample of a whole file: no allocation, one branch per bit depth.
  const channelCount = channels.length;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      let value = channels[c][i] * scale;
      if (noise) value += noise() - noise();
      let q = Math.round(value);
      if (q > max) q = max;
      else if (q < min) q = min;
      if (direct) direct[slot++] = q;
      else if (bytes === 2) view.setInt16(pos, q, true);
      else if (bytes === 4) view.setInt32(pos, q, true);
      else {
        const u = q < 0 ? q + 0x1000000 : q;
        view.setUint8(pos, u & 0xff);
        view.setUint8(pos + 1, (u >> 8) & 0xff);
        view.setUint8(pos + 2, (u >> 16) & 0xff);
      }
      pos += bytes;
    }
  }
}
