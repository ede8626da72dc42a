import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { TrainRng } from '../../src/train/random.ts';

/** A manifest row with only the fields the trainer reads filled in. */
export function row(source: string, chunkIndex: number, primaryLabel: string, secondaryLabels: string[] = [], extra: Partial<OutputRow> = {}): OutputRow {
  return {
    source,
    chunkIndex,
    startSeconds: chunkIndex * 5,
    endSeconds: chunkIndex * 5 + 5,
    primaryLabel,
    secondaryLabels,
    outputs: {},
    outputHashes: {},
    outputMeta: {},
    sourceSha256: '',
    pipelineHash: '',
    birdcallVersion: 'test',
    metadata: {},
    ...extra,
  };
}

/** An 8-bit greyscale PNG from values in [0, 1], [h, w] row-major. */
export async function writeGreyPng(path: string, values: Float32Array, h: number, w: number): Promise<void> {
  const pixels = Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));
  await writeFile(path, await sharp(pixels, { raw: { width: w, height: h, channels: 1 } }).toColourspace('b-w').png().toBuffer());
}

/**
 * Class k's "call" is a bright horizontal band at its own frequency rows, placed at a random time, over
 * noise; a secondary species adds a fainter band of its own. Learnable by a tiny CNN in a few epochs.
 */
export function syntheticImage(rng: TrainRng, h: number, w: number, primary: number, classes: number, secondary: number[] = []): Float32Array {
  const x = new Float32Array(h * w);
  for (let i = 0; i < x.length; i++) x[i] = 0.2 * rng.next();
  const band = Math.floor(h / classes);
  const paint = (k: number, level: number): void => {
    const width = Math.floor(w / 2);
    const left = rng.int(w - width + 1);
    for (let r = k * band; r < k * band + Math.max(1, band - 1); r++) {
      for (let t = left; t < left + width; t++) x[r * w + t] = level + 0.1 * rng.next();
    }
  };
  paint(primary, 0.85);
  for (const s of secondary) paint(s, 0.5);
  return x;
}

export interface SyntheticSet {
  root: string;
  rows: OutputRow[];
  classes: string[];
}

/**
 * `recordings` recordings per class, `chunks` chunks each, as PNGs under a fresh temp folder; every third
 * recording also has the next class as a secondary species. Recordists rotate over 3 names per class.
 */
export async function syntheticSet(options: { classes?: number; recordings?: number; chunks?: number; h?: number; w?: number; seed?: number } = {}): Promise<SyntheticSet> {
  const { classes = 3, recordings = 6, chunks = 3, h = 16, w = 32, seed = 1 } = options;
  const root = await mkdtemp(join(tmpdir(), 'birdcall-train-'));
  const names = Array.from({ length: classes }, (_, k) => `species${k}`);
  const rng = new TrainRng(seed);
  const rows: OutputRow[] = [];
  for (let k = 0; k < classes; k++) {
    await mkdir(join(root, 'png', names[k]), { recursive: true });
    for (let r = 0; r < recordings; r++) {
      const secondary = r % 3 === 2 ? [(k + 1) % classes] : [];
      for (let c = 0; c < chunks; c++) {
        const rel = `png/${names[k]}/rec${r}_${String(c).padStart(4, '0')}.png`;
        await writeGreyPng(join(root, rel), syntheticImage(rng, h, w, k, classes, secondary), h, w);
        rows.push(
          row(`${names[k]}/rec${r}.wav`, c, names[k], secondary.map((s) => names[s]), {
            outputs: { png: rel },
            metadata: { recordist: `person${k}-${r % 3}` },
          }),
        );
      }
    }
  }
  return { root, rows, classes: names };
}
