import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { melFrequencies } from '../../src/dsp/mel.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { stepOf } from '../../src/pipeline/block.ts';
import { loadPipelineFile, pipeline, pipelineHash } from '../../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../../src/pipeline/run.ts';
import { db, decode, melspec, npy } from '../../src/pipeline/steps.ts';
import { ROOT } from '../helpers/shared.ts';
import { preemphasis } from '../../examples/my-block.ts';

const EXAMPLES = join(ROOT, 'examples');

/** 2 s of a 3 kHz tone over a 200 Hz hum at 16 kHz. */
function wavFile(): { path: string; bytes: Uint8Array } {
  const sr = 16000;
  const x = new Float32Array(2 * sr);
  for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 3000 * i) / sr) + 0.3 * Math.sin((2 * Math.PI * 200 * i) / sr);
  return { path: 'tone.wav', bytes: encodeWav(x, sr) };
}

describe('the README pipeline file (examples/pipeline.yaml)', () => {
  it('resolves exactly as written, every default filled', async () => {
    const p = await loadPipelineFile(join(EXAMPLES, 'pipeline.yaml'));
    expect(p.steps.map((s) => s.block.name)).toEqual(['decode', 'resample', 'chunk', 'quality', 'melspec', 'db', 'image']);
    expect(p.steps[1].params.sampleRate).toBe(32000);
    expect(p.steps[4].params).toMatchObject({ nFft: 2048, hopLength: 512, nMels: 128, fmin: 20, fmax: 16000, htk: false, norm: 'slaney' });
  });

  it('runs on a recording, one PNG per 5 s chunk', async () => {
    const p = await loadPipelineFile(join(EXAMPLES, 'pipeline.yaml'));
    const { items } = await runPipelineOnFile(p, wavFile());
    expect(items).toHaveLength(1);
    expect(items[0].artifacts.map((a) => a.name)).toEqual(['png']);
    expect((items[0].value as Spectrogram).sampleRate).toBe(32000);
  });
});

describe('the custom block example (examples/my-block.ts, examples/custom-block.yaml)', () => {
  it('loads from the pipeline file and computes pre-emphasis', async () => {
    const fromFile = await loadPipelineFile(join(EXAMPLES, 'custom-block.yaml'));
    expect(fromFile.steps[1].block.name).toBe('preemphasis');
    // The same pipeline written in TypeScript gives the same hash and the same numbers.
    const inTs = pipeline(decode(), stepOf(preemphasis)({ coef: 0.97 }), melspec({ nFft: 1024, hopLength: 256, nMels: 64 }), db(), npy());
    expect(pipelineHash(inTs)).toBe(pipelineHash(fromFile));
    const a = await runPipelineOnFile(fromFile, wavFile());
    const b = await runPipelineOnFile(inTs, wavFile());
    expect(Array.from((a.items[0].value as Spectrogram).values)).toEqual(Array.from((b.items[0].value as Spectrogram).values));
  });

  it('changes the spectrogram as a pre-emphasis filter should: low band down, high band kept', async () => {
    const plain = pipeline(decode(), melspec({ nFft: 1024, hopLength: 256, nMels: 64 }));
    const emph = pipeline(decode(), stepOf(preemphasis)(), melspec({ nFft: 1024, hopLength: 256, nMels: 64 }));
    const p = (await runPipelineOnFile(plain, wavFile())).items[0].value as Spectrogram;
    const e = (await runPipelineOnFile(emph, wavFile())).items[0].value as Spectrogram;
    // Centre frequency of mel row r is centres[r + 1] (librosa.mel_frequencies(n_mels + 2)).
    const centres = melFrequencies(p.bins + 2, 0, 8000);
    const energy = (spec: Spectrogram, lo: number, hi: number) => {
      let sum = 0;
      for (let r = 0; r < spec.bins; r++) {
        if (centres[r + 1] < lo || centres[r + 1] > hi) continue;
        for (let t = 0; t < spec.frames; t++) sum += spec.values[r * spec.frames + t];
      }
      return sum;
    };
    // A tone's power is scaled by the filter's gain |1 - 0.97 e^{-jw}|^2 at its frequency.
    const gain = (hz: number) => {
      const w = (2 * Math.PI * hz) / 16000;
      return 1 + 0.97 ** 2 - 2 * 0.97 * Math.cos(w);
    };
    expect(energy(e, 100, 300) / energy(p, 100, 300)).toBeCloseTo(gain(200), 2);
    expect(energy(e, 2800, 3200) / energy(p, 2800, 3200) / gain(3000)).toBeCloseTo(1, 1);
  });
});

describe('block modules named by a pipeline file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-pipe-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('must sit inside the pipeline file folder', async () => {
    const file = join(dir, 'p.yaml');
    await writeFile(file, 'blocks: [../evil.ts]\nsteps: [decode, melspec]\n');
    await expect(loadPipelineFile(file)).rejects.toThrow(/blocks\[0\].*climbs out/);
  });

  it('must export a block', async () => {
    await writeFile(join(dir, 'empty.mjs'), 'export const answer = 42;\n');
    const file = join(dir, 'q.yaml');
    await writeFile(file, 'blocks: [./empty.mjs]\nsteps: [decode, melspec]\n');
    await expect(loadPipelineFile(file)).rejects.toThrow(/exports no block/);
  });

  it('is validated before any audio is touched: an unknown block fails at load time', async () => {
    const file = join(dir, 'r.yaml');
    await writeFile(file, 'steps: [decode, preemphasiss, melspec]\n');
    await expect(loadPipelineFile(file)).rejects.toThrow(/step 2 \(preemphasiss\): unknown block/);
  });
});
