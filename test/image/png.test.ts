import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodePng, encodePng, pixelsToDb, pngMetaColumns, pngParams, type PngMeta } from '../../src/image/png.ts';
import { readTextChunks } from '../../src/image/png-chunks.ts';
import { normalizeSpectrogram } from '../../src/dsp/normalize.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { BirdcallError } from '../../src/errors.ts';
import { FIXTURES, HAVE_SHARED } from '../helpers/shared.ts';

function dbSpec(values: Float32Array | Float64Array, bins: number): Spectrogram {
  return { values, bins, frames: values.length / bins, axis: 'mel', scale: 'db', sampleRate: 32000, hopLength: 512, params: {} };
}

/** dB values spread over [max - 80, max], as power_to_db(top_db=80) leaves them. */
function randomDb(bins: number, frames: number, max = 3.5, seed = 11): Float32Array {
  const out = new Float32Array(bins * frames);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = max - 80 * (s / 2147483648);
  }
  out[0] = max;
  out[1] = max - 80;
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function roundTrip(spec: Spectrogram, opts: Parameters<typeof encodePng>[1]) {
  const { bytes, meta } = await encodePng(spec, opts);
  const image = await decodePng(bytes);
  return { bytes, meta, image, db: pixelsToDb(image, image.meta as PngMeta) };
}

async function codeOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return e instanceof BirdcallError ? e.code : `not a BirdcallError: ${String(e)}`;
  }
  return undefined;
}

describe('encodePng / decodePng / pixelsToDb', () => {
  it('8-bit grayscale converts back to dB within 0.5 dB (half of an 80/255 dB step)', async () => {
    const values = randomDb(64, 200);
    const { image, meta, db } = await roundTrip(dbSpec(values, 64), {});
    expect([image.width, image.height, image.channels, image.bitDepth]).toEqual([200, 64, 1, 8]);
    expect(image.pixels).toBeInstanceOf(Uint8Array);
    expect(meta).toEqual({ dbMin: values[0] - 80, dbMax: values[0], bitDepth: 8, colormap: 'gray', scale: 'db', nonFinite: 0 });
    const err = maxAbsDiff(db, values);
    expect(err).toBeLessThan(0.5);
    expect(err).toBeLessThanOrEqual(80 / 255 / 2 + 1e-4);
  });

  it('16-bit grayscale converts back to dB within 0.01 dB', async () => {
    const values = randomDb(64, 200, -12.25);
    const { image, db } = await roundTrip(dbSpec(values, 64), { bitDepth: 16 });
    expect([image.channels, image.bitDepth]).toEqual([1, 16]);
    expect(image.pixels).toBeInstanceOf(Uint16Array);
    expect(maxAbsDiff(db, values)).toBeLessThan(0.01);
  });

  it('puts low frequencies at the bottom: width = frames, height = bins', async () => {
    const bins = 32;
    const frames = 10;
    const values = new Float32Array(bins * frames).fill(-100);
    for (let b = 0; b < 4; b++) for (let t = 0; t < frames; t++) values[b * frames + t] = 0; // energy in bins 0-3
    const { bytes } = await encodePng(dbSpec(values, bins), {});
    // Read with sharp directly, independent of decodePng.
    const { data, info } = await sharp(bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([frames, bins]);
    for (let row = 0; row < bins; row++) {
      const expected = row >= bins - 4 ? 255 : 0;
      expect(Array.from(data.subarray(row * frames, (row + 1) * frames))).toEqual(new Array(frames).fill(expected));
    }
  });

  it('draws NaN and ±Inf as the minimum and counts them; an all-NaN chunk still encodes', async () => {
    const values = randomDb(16, 16);
    values[5] = NaN;
    values[6] = Infinity;
    values[7] = -Infinity;
    const { meta, image, db } = await roundTrip(dbSpec(values, 16), {});
    expect(meta.nonFinite).toBe(3);
    expect(Number.isFinite(meta.dbMin) && Number.isFinite(meta.dbMax)).toBe(true);
    expect(db.every(Number.isFinite)).toBe(true);
    // bins 0, frames 5-7 sit on the bottom row
    const bottom = 15 * 16;
    expect([image.pixels[bottom + 5], image.pixels[bottom + 6], image.pixels[bottom + 7]]).toEqual([0, 0, 0]);

    const allNaN = await roundTrip(dbSpec(new Float32Array(64).fill(NaN), 8), { bitDepth: 16 });
    expect(allNaN.meta.nonFinite).toBe(64);
    expect(Array.from(allNaN.image.pixels).every((p) => p === 0)).toBe(true);
    expect(allNaN.db.every(Number.isFinite)).toBe(true);
  });

  it('viridis and magma give 3-channel images whose ends are the matplotlib endpoints', async () => {
    // First and last rows of matplotlib's _viridis_data / _magma_data (lib/matplotlib/_cm_listed.py).
    const ends = {
      viridis: [
        [0.267004, 0.004874, 0.329415],
        [0.993248, 0.906157, 0.143936],
      ],
      magma: [
        [0.001462, 0.000466, 0.013866],
        [0.987053, 0.991438, 0.749504],
      ],
    };
    for (const colormap of ['viridis', 'magma'] as const) {
      const values = new Float32Array([-80, 0]); // 1 bin x 2 frames: min, max
      const { bytes, meta } = await encodePng(dbSpec(values, 1), { colormap });
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(3);
      expect(meta.colormap).toBe(colormap);
      const [lo, hi] = ends[colormap];
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(data[c] - lo[c] * 255)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(data[3 + c] - hi[c] * 255)).toBeLessThanOrEqual(0.5);
      }
    }
  });

  it('colormapped images also convert back within 0.5 dB', async () => {
    const values = randomDb(32, 64);
    for (const colormap of ['viridis', 'magma'] as const) {
      const { image, db } = await roundTrip(dbSpec(values, 32), { colormap });
      expect(image.channels).toBe(3);
      // Half a level, or one where 8-bit viridis repeats a colour for two neighbouring levels.
      expect(maxAbsDiff(db, values)).toBeLessThanOrEqual(80 / 255 + 1e-4);
    }
  });

  it('writes the mapping as tEXt chunks that other readers (libvips) see', async () => {
    const { bytes, meta } = await encodePng(dbSpec(randomDb(8, 8), 8), { bitDepth: 16 });
    const comments = (await sharp(bytes).metadata()).comments ?? [];
    const byKey = Object.fromEntries(comments.map((c) => [c.keyword, c.text]));
    expect(Number(byKey['birdcall:db_min'])).toBe(meta.dbMin);
    expect(Number(byKey['birdcall:db_max'])).toBe(meta.dbMax);
    expect(byKey['birdcall:bit_depth']).toBe('16');
    expect(byKey['birdcall:colormap']).toBe('gray');
    expect(readTextChunks(bytes)['birdcall:scale']).toBe('db');
    expect(pngMetaColumns(meta)).toMatchObject({ db_min: meta.dbMin, db_max: meta.dbMax, bit_depth: 16, colormap: 'gray' });
  });

  it('encodes the same spectrogram to the same bytes (stable content hashes)', async () => {
    const spec = dbSpec(randomDb(16, 40), 16);
    const a = await encodePng(spec, { colormap: 'magma' });
    const b = await encodePng(spec, { colormap: 'magma' });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
  });

  it('honours explicit dbMin/dbMax, clamping values outside them', async () => {
    const values = new Float32Array([-100, -60, -40, -20, 10]);
    const { meta, db } = await roundTrip(dbSpec(values, 1), { dbMin: -60, dbMax: -20, bitDepth: 16 });
    expect([meta.dbMin, meta.dbMax]).toEqual([-60, -20]);
    expect(maxAbsDiff(db, [-60, -60, -40, -20, -20])).toBeLessThan(0.001);
  });

  it('maps non-dB input over its own range and records its units', async () => {
    const normalized = normalizeSpectrogram(dbSpec(randomDb(8, 8), 8), { method: 'minmax' });
    const { meta, db } = await roundTrip(normalized, {});
    expect([meta.dbMin, meta.dbMax, meta.scale]).toEqual([0, 1, 'minmax']);
    expect(maxAbsDiff(db, normalized.values)).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    const constant = await roundTrip({ ...dbSpec(new Float32Array(4).fill(2), 2), scale: 'power' }, {});
    expect(constant.meta.dbMax).toBeGreaterThan(constant.meta.dbMin);
    expect(constant.db.every((v) => v === 2)).toBe(true);
  });

  it('rejects bad options and shapes with BirdcallErrors', async () => {
    const spec = dbSpec(randomDb(4, 4), 4);
    expect(await codeOf(() => encodePng(spec, { dbMin: 0, dbMax: -10 }))).toBe('PARAM_INVALID');
    expect(await codeOf(() => encodePng(spec, { colormap: 'viridis', bitDepth: 16 }))).toBe('PARAM_INVALID');
    expect(await codeOf(() => encodePng(spec, { bitDepth: 12 as 8 }))).toBe('PARAM_INVALID');
    expect(await codeOf(() => encodePng({ ...spec, frames: 5 }, {}))).toBe('IMAGE_SHAPE');
    expect(await codeOf(() => encodePng(dbSpec(new Float32Array(0), 4), {}))).toBe('IMAGE_EMPTY');
    expect(pngParams.parse({})).toEqual({ bitDepth: 8, colormap: 'gray', topDb: 80 });
  });

  it('decodePng rejects non-PNG bytes and reads PNGs without birdcall metadata', async () => {
    expect(await codeOf(() => decodePng(new Uint8Array([1, 2, 3]), 'x.png'))).toBe('PNG_INVALID');
    const { bytes } = await encodePng(dbSpec(randomDb(4, 4), 4), {});
    expect(await codeOf(() => decodePng(bytes.subarray(0, 60), 'cut.png'))).toBe('PNG_INVALID');
    const plain = await sharp(new Uint8Array([0, 128, 255, 64]), { raw: { width: 2, height: 2, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const decoded = await decodePng(plain);
    expect(decoded.meta).toBeUndefined();
    expect(Array.from(decoded.pixels)).toEqual([0, 128, 255, 64]);
  });
});

describe.skipIf(!HAVE_SHARED)('PNG round trip on a librosa mel_db fixture (../shared)', () => {
  it('a 2 s chirp (power_to_db, top_db 80) converts back within 0.5 dB (8-bit) and 0.01 dB (16-bit)', async () => {
    const index = JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as {
      cases: { id: string; f32: { mel_db: { file: string; shape: [number, number] } } }[];
    };
    const entry = index.cases.find((c) => c.id.startsWith('chirp100-8k_sr32000__A'));
    expect(entry).toBeDefined();
    const { file, shape } = entry!.f32.mel_db;
    const raw = readFileSync(join(FIXTURES, file));
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const spec = dbSpec(values, shape[0]);
    for (const [bitDepth, tolerance] of [
      [8, 0.5],
      [16, 0.01],
    ] as const) {
      const { db, meta } = await roundTrip(spec, { bitDepth });
      expect(meta.dbMax - meta.dbMin).toBeCloseTo(80, 9);
      expect(maxAbsDiff(db, values)).toBeLessThan(tolerance);
    }
  });
});
