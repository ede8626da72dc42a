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
