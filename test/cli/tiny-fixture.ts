import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { convert } from '../../src/batch/convert.ts';
import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import { trainFromManifest } from '../../src/train/run.ts';

/**
 * The tiny setup the predict and select CLI tests share: a fast pipeline over 8 kHz audio and a tone generator
 * whose classes (frequency bands) a tiny CNN separates in a couple of epochs.
 */
export const RATE = 8000;

export const PIPELINE = `version: 1
steps:
  - block: decode
  - block: chunk
    params: { seconds: 1 }
  - block: melspec
    params: { n_fft: 256, hop_length: 128, n_mels: 16 }
  - block: db
  - block: image
`;

/** A tone at `hz` with a little seeded noise, `seconds` long at RATE. */
export function tone(hz: number, seconds: number, seed: number): Float32Array {
  const x = new Float32Array(Math.round(seconds * RATE));
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE) + 0.05 * (s / 2147483648 - 0.5);
  }
  return x;
}

/**
 * A folder in the `<label>/<file>.wav` layout: `perClass` tones per class ('hitone' near 2.4 kHz, 'lowtone'
 * near 1.2 kHz, both inside every built-in pipeline's band), each `seconds` long at RATE.
 */
export async function toneFolder(dir: string, perClass = 3, seconds = 3.5): Promise<string> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { encodeWav } = await import('../../src/audio/wav-encode.ts');
  for (const [label, hz] of [['hitone', 2400], ['lowtone', 1200]] as const) {
    await mkdir(join(dir, label), { recursive: true });
    for (let r = 0; r < perClass; r++) await writeFile(join(dir, label, `${label}${r}.wav`), encodeWav(tone(hz * (1 + r / 20), seconds, r + 1), RATE));
  }
  return dir;
}

export const TINY_SECONDS = 3.5;

export interface TinyModel {
  dir: string;
  /** hitone/hitone{0,1,2}.wav and lowtone/lowtone{0,1,2}.wav, TINY_SECONDS each. */
  audio: string;
  manifest: string;
  model: string;
}

/** Two classes of tones as WAVs in the folder layout, converted, and a tiny model trained on them (seconds). */
export async function tinyModelFixture(prefix: string): Promise<TinyModel> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const audio = join(dir, 'audio');
  for (const [label, hz] of [['hitone', 2400], ['lowtone', 600]] as const) {
    await mkdir(join(audio, label), { recursive: true });
    for (let r = 0; r < 3; r++) await writeFile(join(audio, label, `${label}${r}.wav`), encodeWav(tone(hz * (1 + r / 20), TINY_SECONDS, r + 1), RATE));
  }
  const pipelineFile = join(dir, 'pipeline.yaml');
  await writeFile(pipelineFile, PIPELINE);
  const out = join(dir, 'converted');
  await convert({ input: audio, outDir: out, pipeline: await loadPipelineFile(pipelineFile), jobs: 1 });
  const manifest = join(out, 'manifest.csv');
  const model = join(dir, 'model');
  await trainFromManifest({ manifest, out: model, pipeline: pipelineFile, params: { model: 'tiny', epochs: 1, batchSize: 8, mixupAlpha: 0 } });
  return { dir, audio, manifest, model };
}
