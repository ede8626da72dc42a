/**
 * PNG encoding of convert's images: sharp (libvips) against our direct encoder (src/image/png-write.ts: Sub
 * filter, zlib run-length strategy), on the default preset's own images (128 mels x 313 frames, 8-bit gray)
 * from the shared clips. Both encode the same pixels; the table gives ms per image and bytes per image,
 * alternating the two encoders over several rounds.
 *
 *   npm run bench -- --only png
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSharp } from '../src/image/png.ts';
import { writePng } from '../src/image/png-write.ts';
import { presetPipeline } from '../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../src/pipeline/run.ts';

const CLIPS = resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'data', 'birdcalls', 'clips');

export interface PngBenchResult {
  images: number;
  width: number;
  height: number;
  rounds: number;
  sharpMsPerImage: number;
  directMsPerImage: number;
  sharpBytesPerImage: number;
  directBytesPerImage: number;
  /** sharp's time over ours: > 1 means the direct encoder is faster. */
  speedup: number;
}

/** The gray levels of the default preset's images of `count` clips (decoded back from convert's PNGs). */
async function imageLevels(count: number): Promise<{ width: number; height: number; pixels: Uint8Array }[]> {
  const sharp = await loadSharp();
  const pipeline = presetPipeline('default');
  const out: { width: number; height: number; pixels: Uint8Array }[] = [];
  for (const label of readdirSync(CLIPS).sort()) {
    for (const name of readdirSync(join(CLIPS, label)).filter((n) => n.endsWith('.wav')).sort()) {
      if (out.length >= count) return out;
      const result = await runPipelineOnFile(pipeline, { path: name, bytes: new Uint8Array(readFileSync(join(CLIPS, label, name))) });
      for (const item of result.items) {
        const png = item.artifacts.find((a) => a.ext === 'png');
        if (!png) continue;
        const { data, info } = await sharp(png.bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
        out.push({ width: info.width, height: info.height, pixels: new Uint8Array(data) });
      }
    }
  }
  return out;
}

export async function benchPng(): Promise<PngBenchResult> {
  const sharp = await loadSharp();
  const images = await imageLevels(40);
  const rounds = 5;
  let sharpMs = 0;
  let directMs = 0;
  let sharpBytes = 0;
  let directBytes = 0;
  for (let round = 0; round <= rounds; round++) {
    // Round 0 warms both up and is not counted.
    let t = performance.now();
    for (const im of images) {
      const bytes = await sharp(im.pixels, { raw: { width: im.width, height: im.height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
      if (round === rounds) sharpBytes += bytes.length;
    }
    if (round > 0) sharpMs += performance.now() - t;
    t = performance.now();
    for (const im of images) {
      const bytes = writePng({ width: im.width, height: im.height, channels: 1, pixels: im.pixels });
      if (round === rounds) directBytes += bytes.length;
    }
    if (round > 0) directMs += performance.now() - t;
  }
  const n = images.length * rounds;
  return {
    images: images.length,
    width: images[0].width,
    height: images[0].height,
    rounds,
    sharpMsPerImage: sharpMs / n,
    directMsPerImage: directMs / n,
    sharpBytesPerImage: sharpBytes / images.length,
    directBytesPerImage: directBytes / images.length,
    speedup: sharpMs / directMs,
  };
}

export function formatPngBench(r: PngBenchResult): string {
  return [
    `${r.images} images of ${r.width} x ${r.height} (8-bit gray), ${r.rounds} alternating rounds`,
    `sharp (libvips) ${r.sharpMsPerImage.toFixed(2)} ms/image, ${(r.sharpBytesPerImage / 1000).toFixed(1)} kB`,
    `direct (Sub + zlib RLE) ${r.directMsPerImage.toFixed(2)} ms/image, ${(r.directBytesPerImage / 1000).toFixed(1)} kB; ${r.speedup.toFixed(2)}x sharp's speed`,
  ].join('\n');
}
