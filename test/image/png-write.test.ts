import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { writePng, type RawImage } from '../../src/image/png-write.ts';
import { readTextChunks } from '../../src/image/png-chunks.ts';

/** Pixels as libvips decodes them: an independent decoder, so a filter or byte-order slip shows. */
async function decodeWithSharp(bytes: Uint8Array, sixteen: boolean): Promise<{ width: number; height: number; channels: number; data: number[] }> {
  const { channels } = await sharp(bytes).metadata();
  let image = sharp(bytes);
  if (channels === 1) image = image.toColourspace(sixteen ? 'grey16' : 'b-w');
  const { data, info } = await image.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(channels);
  const values = sixteen ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) : data;
  return { width: info.width, height: info.height, channels: info.channels, data: [...values] };
}

function noise(length: number, top: number, seed = 7): number[] {
  let s = seed;
  return Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * (top + 1));
  });
}

describe('writePng', () => {
  const cases: [string, RawImage][] = [
    ['8-bit gray, odd width', { width: 313, height: 7, channels: 1, pixels: Uint8Array.from(noise(313 * 7, 255)) }],
    ['16-bit gray', { width: 31, height: 5, channels: 1, pixels: Uint16Array.from(noise(31 * 5, 65535)) }],
    ['8-bit RGB', { width: 17, height: 9, channels: 3, pixels: Uint8Array.from(noise(17 * 9 * 3, 255)) }],
    ['1 x 1', { width: 1, height: 1, channels: 1, pixels: Uint8Array.of(200) }],
  ];
  for (const [name, image] of cases) {
    it(`decodes to exactly its pixels (${name})`, async () => {
      const decoded = await decodeWithSharp(writePng(image), image.pixels instanceof Uint16Array);
      expect([decoded.width, decoded.height, decoded.channels]).toEqual([image.width, image.height, image.channels]);
      expect(decoded.data).toEqual([...image.pixels]);
    });
  }

  it('keeps the tEXt chunks, readable by libvips too', async () => {
    const texts = { 'birdcall:db_min': '-76.5', 'birdcall:colormap': 'gray' };
    const bytes = writePng({ width: 3, height: 2, channels: 1, pixels: Uint8Array.of(1, 2, 3, 4, 5, 6) }, texts);
    expect(readTextChunks(bytes)).toEqual(texts);
    const comments = (await sharp(bytes).metadata()).comments ?? [];
    expect(comments).toEqual(expect.arrayContaining([{ keyword: 'birdcall:db_min', text: '-76.5' }]));
  });

  it('uses the Sub filter on every row (the measured choice)', () => {
    const bytes = writePng({ width: 4, height: 3, channels: 1, pixels: Uint8Array.of(9, 9, 9, 9, 1, 2, 3, 4, 5, 5, 5, 5) });
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    let at = 8;
    while (String.fromCharCode(...bytes.subarray(at + 4, at + 8)) !== 'IDAT') at += 12 + view.getUint32(at);
    const scanlines = inflateSync(bytes.subarray(at + 8, at + 8 + view.getUint32(at)));
    expect([...scanlines]).toEqual([1, 9, 0, 0, 0, 1, 1, 1, 1, 1, 1, 5, 0, 0, 0]);
  });
});
