import { parseParams } from '../params.ts';
import type { default as sharpFn } from 'sharp';
import { z } from 'zod';
import { BirdcallError } from '../errors.ts';
import { normalizationOf } from '../dsp/normalize.ts';
import type { Spectrogram } from '../dsp/types.ts';
import { colormapTable, type ColormapName } from './colormap.ts';
import { isPng, readTextChunks } from './png-chunks.ts';
import { writePng } from './png-write.ts';

type SharpFn = typeof sharpFn;
let sharpModule: Promise<SharpFn> | undefined;

/**
 * sharp, imported on first use: a native addon (~0.1 s of CPU to load), it would slow the start of every
 * command, and of every convert thread, which only encode (png-write.ts).
 */
export function loadSharp(): Promise<SharpFn> {
  sharpModule ??= import('sharp').then((m) => m.default as SharpFn);
  return sharpModule;
}

export const pngParams = z.object({
  bitDepth: z
    .union([z.literal(8), z.literal(16)])
    .default(8)
    .describe('bits per grayscale sample: 8 (256 levels) or 16 (65536 levels); colormaps are always 8-bit RGB'),
  colormap: z
    .enum(['gray', 'viridis', 'magma'])
    .default('gray')
    .describe("'gray' (1 channel, bright = loud) or a matplotlib colormap (3 channels, 8-bit)"),
  topDb: z
    .number()
    .positive()
    .default(80)
    .describe('dB span of the default range [max - topDb, max] when dbMin/dbMax are not given'),
  dbMin: z.number().optional().describe('value (dB for dB input) mapped to pixel 0; default max - topDb'),
  dbMax: z.number().optional().describe('value (dB for dB input) mapped to the brightest pixel; default the chunk maximum'),
});
export type PngParams = z.output<typeof pngParams>;
export type PngParamsInput = z.input<typeof pngParams>;

/**
 * The fixed, recorded mapping from values to pixels: level = round((v - dbMin) / (dbMax - dbMin) * L),
 * clamped to [0, L], L = 255 or 65535; for colormaps the 8-bit level indexes the table. Image row 0 is the
 * HIGHEST bin (low frequencies at the bottom, as a spectrogram is read); column t is frame t.
 */
export interface PngMeta {
  /** Value mapped to level 0, in the spectrogram's units (`scale`). */
  dbMin: number;
  /** Value mapped to the top level. */
  dbMax: number;
  bitDepth: 8 | 16;
  colormap: 'gray' | ColormapName;
  /** Units of dbMin/dbMax: 'db', 'power', 'magnitude', or the normalization ('minmax', 'standardize'). */
  scale: string;
  /** Number of NaN/±Inf values, all drawn as level 0. */
  nonFinite: number;
}

export interface DecodedPng {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB); alpha is dropped. */
  channels: 1 | 3;
  bitDepth: 8 | 16;
  /** Row-major, row 0 at the top, channels interleaved. */
  pixels: Uint8Array | Uint16Array;
  /** The birdcall mapping, when the PNG carries one. */
  meta?: PngMeta;
}

/** tEXt keywords; stable, since images outlive the code that wrote them. */
const KEY = {
  dbMin: 'birdcall:db_min',
  dbMax: 'birdcall:db_max',
  bitDepth: 'birdcall:bit_depth',
  colormap: 'birdcall:colormap',
  scale: 'birdcall:scale',
  nonFinite: 'birdcall:non_finite',
  orientation: 'birdcall:orientation',
} as const;
const ORIENTATION = 'row 0 = highest bin; column = frame';

function fail(reason: string, file?: string): never {
  throw new BirdcallError('PARAM_INVALID', `image: ${reason}`, file);
}

function parsePngParams(opts: PngParamsInput, file?: string): PngParams {
  const p = parseParams(pngParams, opts, 'image', { file });
  if (p.colormap !== 'gray' && p.bitDepth === 16) {
    fail(`colormap '${p.colormap}' gives 8-bit RGB; use bitDepth 8, or colormap 'gray' for 16-bit`, file);
  }
  return p;
}

/** The units a spectrogram's values are in, once normalization is taken into account. */
function unitsOf(spec: Spectrogram): string {
  return normalizationOf(spec)?.method ?? spec.scale;
}

/**
 * The value range mapped onto the pixel levels. dB input: [max - topDb, max] (librosa's top_db
 * convention); any other units: [min, max] of the finite values. An explicit bound wins; a single explicit
 * bound takes the other at topDb away.
 */
function resolveRange(values: ArrayLike<number>, units: string, p: PngParams, file?: string): [number, number] {
  if (p.dbMin !== undefined && p.dbMax !== undefined) {
    if (!(p.dbMax > p.dbMin)) fail(`dbMax (${p.dbMax}) must be greater than dbMin (${p.dbMin})`, file);
    return [p.dbMin, p.dbMax];
  }
  if (p.dbMax !== undefined) return [p.dbMax - p.topDb, p.dbMax];
  if (p.dbMin !== undefined) return [p.dbMin, p.dbMin + p.topDb];

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (units === 'db') {
    if (max === -Infinity) return [-p.topDb, 0]; // nothing finite: any honest range will do
    return [max - p.topDb, max];
  }
  if (max === -Infinity) return [0, 1];
  // A constant chunk still needs a non-empty range; it draws as level 0 throughout.
  return max > min ? [min, max] : [min, min + 1];
}

/**
 * Maps values to levels (round((v - dbMin) * gain), clamped to [0, top]; NaN and ±Inf to 0) and flips the
 * rows (row 0 = highest bin). Returns how many values were not finite. A hot loop (one call per image):
 * `v - v === 0` is the finiteness test without a call per value.
 */
function quantize(
  values: ArrayLike<number>,
  bins: number,
  frames: number,
  levels: Uint8Array | Uint16Array,
  dbMin: number,
  gain: number,
  top: number,
): number {
  let nonFinite = 0;
  for (let b = 0; b < bins; b++) {
    const src = b * frames;
    const dst = (bins - 1 - b) * frames;
    for (let t = 0; t < frames; t++) {
      const v = values[src + t];
      let level = 0;
      if (v - v === 0) {
        level = Math.round((v - dbMin) * gain);
        level = level < 0 ? 0 : level > top ? top : level;
      } else nonFinite++;
      levels[dst + t] = level;
    }
  }
  return nonFinite;
}

/**
 * Encodes a spectrogram as a PNG: width = frames, height = bins, low frequencies at the bottom. The
 * value -> pixel mapping (see PngMeta) is written into tEXt chunks (`birdcall:db_min`, `birdcall:db_max`,
 * `birdcall:bit_depth`, `birdcall:colormap`, …) and returned as `meta` for the manifest. NaN and ±Inf
 * never reach the image: they become level 0 and are counted in `meta.nonFinite`.
 *
 * @param spec - the spectrogram, [bins, frames] row-major, in dB (or power, magnitude, normalized values).
 * @param opts - see pngParams: `bitDepth` 8 (default) or 16; `colormap` `'gray'` (default), `'viridis'` or
 *   `'magma'` (8-bit RGB); the range mapped to pixels, `dbMin`/`dbMax` in the spectrogram's units, by
 *   default [max - `topDb`, max] for dB (`topDb` default 80) and [min, max] otherwise.
 * @param file - the file errors name.
 * @returns the PNG's bytes and the mapping written into it.
 * @throws BirdcallError `PARAM_INVALID` for bad params (a colormap at 16 bits, dbMax not above dbMin),
 *   `IMAGE_EMPTY` for no bins or frames, `IMAGE_SHAPE` when values.length is not bins x frames.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { decodePng, encodePng, pixelsToDb } from 'birdcall';
 *
 * // 2 mel bins x 3 frames in dB; bin 0 (the lowest) is the first row of values.
 * const spec = { values: Float32Array.of(-80, -40, 0, -60, -20, -10), bins: 2, frames: 3, axis: 'mel', scale: 'db', sampleRate: 32000, hopLength: 320, params: {} } as const;
 * const { bytes, meta } = await encodePng(spec, { bitDepth: 16 });
 * assert.deepEqual([meta.dbMin, meta.dbMax, meta.nonFinite], [-80, 0, 0]); // max - topDb 80 .. max
 * const png = await decodePng(bytes);
 * assert.deepEqual([png.width, png.height, png.channels], [3, 2, 1]);
 * // Row 0 is the highest bin: bin 0 (-80, -40, 0 dB) is the bottom row, levels 0 .. 65535.
 * assert.deepEqual([...png.pixels.slice(3)], [0, 32768, 65535]);
 * const db = pixelsToDb(png, png.meta!);
 * assert.ok(db.every((v, i) => Math.abs(v - spec.values[i]) <= 80 / 131070)); // exact to half a 16-bit level
 * ```
 */
export async function encodePng(
  spec: Spectrogram,
  opts: PngParamsInput = {},
  file?: string,
): Promise<{ bytes: Uint8Array; meta: PngMeta }> {
  const p = parsePngParams(opts, file);
  const { bins, frames, values } = spec;
  if (!(bins >= 1 && frames >= 1)) {
    throw new BirdcallError('IMAGE_EMPTY', `spectrogram has ${bins} bins x ${frames} frames; an image needs at least 1 x 1`, file);
  }
  if (values.length !== bins * frames) {
    throw new BirdcallError('IMAGE_SHAPE', `spectrogram holds ${values.length} values, expected bins x frames = ${bins * frames}`, file);
  }
  const units = unitsOf(spec);
  const [dbMin, dbMax] = resolveRange(values, units, p, file);
  const top = p.bitDepth === 16 ? 65535 : 255;
  const levels = p.bitDepth === 16 ? new Uint16Array(bins * frames) : new Uint8Array(bins * frames);
  const nonFinite = quantize(values, bins, frames, levels, dbMin, top / (dbMax - dbMin), top);

  let pixels: Uint8Array | Uint16Array = levels;
  if (p.colormap !== 'gray') {
    const table = colormapTable(p.colormap);
    pixels = new Uint8Array(levels.length * 3);
    for (let i = 0; i < levels.length; i++) {
      const e = levels[i] * 3;
      pixels[3 * i] = table[e];
      pixels[3 * i + 1] = table[e + 1];
      pixels[3 * i + 2] = table[e + 2];
    }
  }
  const meta: PngMeta = { dbMin, dbMax, bitDepth: p.bitDepth, colormap: p.colormap, scale: units, nonFinite };
  const bytes = writePng(
    { width: frames, height: bins, channels: p.colormap === 'gray' ? 1 : 3, pixels },
    {
      [KEY.dbMin]: String(dbMin),
      [KEY.dbMax]: String(dbMax),
      [KEY.bitDepth]: String(meta.bitDepth),
      [KEY.colormap]: meta.colormap,
      [KEY.scale]: meta.scale,
      [KEY.nonFinite]: String(nonFinite),
      [KEY.orientation]: ORIENTATION,
    },
  );
  return { bytes, meta };
}

/** Flat manifest columns for the mapping (the runner prefixes the artifact name, e.g. `png_db_min`). */
export function pngMetaColumns(meta: PngMeta): Record<string, string | number> {
  return {
    db_min: meta.dbMin,
    db_max: meta.dbMax,
    bit_depth: meta.bitDepth,
    colormap: meta.colormap,
    scale: meta.scale,
    non_finite: meta.nonFinite,
  };
}

/** The birdcall mapping from a PNG's tEXt chunks; undefined if absent, an error if present but damaged. */
function metaFromText(texts: Record<string, string>, file?: string): PngMeta | undefined {
  if (texts[KEY.dbMin] === undefined && texts[KEY.dbMax] === undefined) return undefined;
  const bad = (what: string): never => {
    throw new BirdcallError('PNG_META_INVALID', `birdcall metadata has an invalid ${what}`, file);
  };
  const dbMin = Number(texts[KEY.dbMin]);
  const dbMax = Number(texts[KEY.dbMax]);
  if (!Number.isFinite(dbMin) || !Number.isFinite(dbMax) || !(dbMax > dbMin)) bad('db_min/db_max');
  const bitDepth = Number(texts[KEY.bitDepth]);
  if (bitDepth !== 8 && bitDepth !== 16) bad('bit_depth');
  const colormap = texts[KEY.colormap];
  if (colormap !== 'gray' && colormap !== 'viridis' && colormap !== 'magma') bad('colormap');
  const nonFinite = Number(texts[KEY.nonFinite] ?? 0);
  return {
    dbMin,
    dbMax,
    bitDepth: bitDepth as 8 | 16,
    colormap: colormap as PngMeta['colormap'],
    scale: texts[KEY.scale] ?? 'db',
    nonFinite: Number.isFinite(nonFinite) ? nonFinite : 0,
  };
}

/**
 * Decodes a PNG to raw pixels (gray or RGB, 8 or 16 bits, alpha dropped) plus its birdcall mapping.
 *
 * @param bytes - the PNG file's bytes (any PNG; only birdcall's carry `meta`).
 * @param file - the file errors name.
 * @returns width (frames), height (bins), channels (1 or 3), bit depth, the pixels row-major from the top
 *   row, and `meta`, the value mapping encodePng recorded (undefined for a PNG without one).
 * @throws BirdcallError `PNG_INVALID` for bytes that are not a PNG or do not decode, `PNG_META_INVALID` for
 *   damaged birdcall metadata.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, decodePng, encodePng } from 'birdcall';
 *
 * const spec = { values: Float32Array.of(0, 0.5, 1, 0.25), bins: 1, frames: 4, axis: 'mel', scale: 'power', sampleRate: 16000, hopLength: 160, params: {} } as const;
 * const png = await decodePng((await encodePng(spec, { colormap: 'viridis' })).bytes, 'x.png');
 * assert.deepEqual([png.width, png.height, png.channels, png.bitDepth], [4, 1, 3, 8]);
 * assert.deepEqual(png.meta, { dbMin: 0, dbMax: 1, bitDepth: 8, colormap: 'viridis', scale: 'power', nonFinite: 0 });
 * assert.deepEqual([...png.pixels.slice(0, 3)], [68, 1, 84]); // viridis' darkest colour for the minimum
 *
 * await assert.rejects(decodePng(new Uint8Array(16), 'x.png'), (e: unknown) => e instanceof BirdcallError && e.code === 'PNG_INVALID');
 * ```
 */
export async function decodePng(bytes: Uint8Array, file?: string): Promise<DecodedPng> {
  if (!isPng(bytes)) throw new BirdcallError('PNG_INVALID', 'not a PNG file (bad signature)', file);
  const meta = metaFromText(readTextChunks(bytes, file), file);
  const sharp = await loadSharp();
  try {
    const info = await sharp(bytes).metadata();
    const sixteen = info.depth === 'ushort';
    const gray = (info.channels ?? 3) <= 2;
    let img = sharp(bytes).removeAlpha();
    if (gray) img = img.toColourspace(sixteen ? 'grey16' : 'b-w');
    else if (sixteen) img = img.toColourspace('rgb16');
    const { data, info: out } = await img.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const pixels = sixteen
      ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
      : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    return {
      width: out.width,
      height: out.height,
      channels: out.channels === 1 ? 1 : 3,
      bitDepth: sixteen ? 16 : 8,
      pixels,
      meta,
    };
  } catch (e) {
    if (e instanceof BirdcallError) throw e;
    throw new BirdcallError('PNG_INVALID', `cannot decode PNG: ${(e as Error).message}`, file);
  }
}

/**
 * Inverse colormap lookups, built on first use: RGB -> level. Rounded to 8 bits, viridis has two colours
 * shared by neighbouring levels; such a colour maps to the mean of its levels, which halves the worst-case
 * error. A colour not in the table (an edited image) takes the nearest entry.
 */
const inverseTables = new Map<ColormapName, Map<number, number>>();

function colormapLevel(name: ColormapName, r: number, g: number, b: number): number {
  let inverse = inverseTables.get(name);
  const table = colormapTable(name);
  if (!inverse) {
    const levels = new Map<number, number[]>();
    for (let i = 0; i < 256; i++) {
      const key = (table[3 * i] << 16) | (table[3 * i + 1] << 8) | table[3 * i + 2];
      levels.set(key, [...(levels.get(key) ?? []), i]);
    }
    inverse = new Map([...levels].map(([key, ls]) => [key, ls.reduce((a, c) => a + c, 0) / ls.length]));
    inverseTables.set(name, inverse);
  }
  const key = (r << 16) | (g << 8) | b;
  const hit = inverse.get(key);
  if (hit !== undefined) return hit;
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < 256; i++) {
    const d = (table[3 * i] - r) ** 2 + (table[3 * i + 1] - g) ** 2 + (table[3 * i + 2] - b) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  inverse.set(key, best);
  return best;
}

/**
 * Converts decoded pixels back to values through the recorded mapping: a Float32Array laid out
 * [bins, frames] row-major with the LOWEST bin at index 0 (the spectrogram layout, rows un-flipped).
 * Exact up to quantization: half a level, i.e. (dbMax - dbMin) / 510 for 8-bit, / 131070 for 16-bit
 * (one level where viridis repeats a colour).
 *
 * @param image - decodePng's width, height, channels and pixels.
 * @param meta - the mapping (decodePng's `meta`, or encodePng's).
 * @param file - the file errors name.
 * @returns the values in the spectrogram's units (`meta.scale`, usually dB).
 * @throws BirdcallError `PNG_META_INVALID` when the channels or bit depth disagree with `meta`,
 *   `PNG_INVALID` when the pixel count is not width x height x channels.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { pixelsToDb } from 'birdcall';
 *
 * // A 2 x 1 gray 8-bit image mapping 0..255 onto -80..0 dB; row 0 is the higher bin.
 * const meta = { dbMin: -80, dbMax: 0, bitDepth: 8, colormap: 'gray', scale: 'db', nonFinite: 0 } as const;
 * const db = pixelsToDb({ width: 1, height: 2, channels: 1, pixels: Uint8Array.of(255, 0) }, meta);
 * assert.deepEqual([...db], [-80, 0]); // bin 0 (the bottom row) first
 * assert.throws(() => pixelsToDb({ width: 1, height: 2, channels: 1, pixels: Uint8Array.of(1) }, meta), /1 pixel samples for a 1 x 2 x 1 image/);
 * ```
 */
export function pixelsToDb(
  image: Pick<DecodedPng, 'width' | 'height' | 'channels' | 'pixels'>,
  meta: PngMeta,
  file?: string,
): Float32Array {
  const { width: frames, height: bins, channels, pixels } = image;
  const expectChannels = meta.colormap === 'gray' ? 1 : 3;
  if (channels !== expectChannels) {
    throw new BirdcallError('PNG_META_INVALID', `colormap '${meta.colormap}' needs ${expectChannels} channel(s), image has ${channels}`, file);
  }
  if (pixels.length !== frames * bins * channels) {
    throw new BirdcallError('PNG_INVALID', `${pixels.length} pixel samples for a ${frames} x ${bins} x ${channels} image`, file);
  }
  if ((pixels instanceof Uint16Array) !== (meta.bitDepth === 16)) {
    throw new BirdcallError('PNG_META_INVALID', `metadata says ${meta.bitDepth}-bit, pixels are ${pixels instanceof Uint16Array ? 16 : 8}-bit`, file);
  }
  const top = meta.bitDepth === 16 ? 65535 : 255;
  const step = (meta.dbMax - meta.dbMin) / top;
  const out = new Float32Array(bins * frames);
  for (let row = 0; row < bins; row++) {
    const dst = (bins - 1 - row) * frames;
    for (let t = 0; t < frames; t++) {
      const i = row * frames + t;
      const level =
        meta.colormap === 'gray'
          ? pixels[i]
          : colormapLevel(meta.colormap, pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]);
      out[dst + t] = meta.dbMin + level * step;
    }
  }
  return out;
}
