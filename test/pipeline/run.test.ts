import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { BirdcallError } from '../../src/errors.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { defineBlock, stepOf } from '../../src/pipeline/block.ts';
import { pipeline } from '../../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../../src/pipeline/run.ts';
import { chunk, decode, melspec, npy, quality } from '../../src/pipeline/steps.ts';

const SR = 8000;

/** 3.5 s: a 1 kHz tone for 1 s, 1 s of digital silence, then tone again (a partial last second-chunk). */
function makeWav(): Uint8Array {
  const samples = new Float32Array(Math.round(3.5 * SR));
  for (let i = 0; i < samples.length; i++) {
    const silent = i >= SR && i < 2 * SR;
    samples[i] = silent ? 0 : 0.5 * Math.sin((2 * Math.PI * 1000 * i) / SR);
  }
  return encodeWav(samples, SR);
}

const file = { path: 'birds/tone.wav', bytes: makeWav() };

describe('runPipelineOnFile', () => {
  it('without a chunk block returns one item spanning the whole file', async () => {
    const { items } = await runPipelineOnFile(pipeline(decode(), melspec({ nFft: 256, nMels: 16 })), file);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ chunkIndex: 0, startSeconds: 0, endSeconds: 3.5 });
    const spec = items[0].value as Spectrogram;
    expect(spec.bins).toBe(16);
    expect(spec.sampleRate).toBe(SR);
  });

  it('fans out one item per chunk, carrying each chunk offset, and returns artifacts instead of writing them', async () => {
    const p = pipeline(decode(), chunk({ seconds: 1 }), melspec({ nFft: 256, hopLength: 64, nMels: 16 }), npy());
    const { items } = await runPipelineOnFile(p, file);
    expect(items.map((i) => [i.chunkIndex, i.startSeconds, i.endSeconds])).toEqual([
      [0, 0, 1],
      [1, 1, 2],
      [2, 2, 3],
      [3, 3, 3.5],
    ]);
    for (const item of items) {
      expect(item.artifacts).toHaveLength(1);
      const spec = item.value as Spectrogram;
      const { data, shape } = decodeNpy(item.artifacts[0].bytes);
      expect(shape).toEqual([spec.bins, spec.frames]);
      expect(Array.from(data)).toEqual(Array.from(spec.values));
    }
  });

  it('drops chunks a quality check rejects and records why', async () => {
    const p = pipeline(decode(), chunk({ seconds: 1 }), quality({ action: 'drop', checks: ['nearSilent'] }), melspec({ nFft: 256, nMels: 16 }));
    const { items, warnings } = await runPipelineOnFile(p, file);
    expect(items.map((i) => i.chunkIndex)).toEqual([0, 2, 3]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^quality: dropped chunk 1 .*nearSilent/);
  });

  it('keeps warned chunks and attaches the warning to that chunk only', async () => {
    const p = pipeline(decode(), chunk({ seconds: 1 }), quality({ action: 'warn', checks: ['nearSilent'] }));
    const { items } = await runPipelineOnFile(p, file);
    expect(items).toHaveLength(4);
    expect(items.map((i) => i.warnings.length)).toEqual([0, 1, 0, 0]);
  });

  it('lets a failing check stop the file with a typed error', async () => {
    const p = pipeline(decode(), chunk({ seconds: 1 }), quality({ action: 'fail', checks: ['nearSilent'] }));
    await expect(runPipelineOnFile(p, file)).rejects.toMatchObject({ code: 'QUALITY_FAILED' });
  });

  it('passes a bad file on as the decoder error, naming the file', async () => {
    const p = pipeline(decode(), melspec());
    const bad = { path: 'birds/not-a-wav.wav', bytes: new TextEncoder().encode('hello, this is not audio at all') };
    const err = await runPipelineOnFile(p, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BirdcallError);
    expect((err as BirdcallError).message).toContain('birds/not-a-wav.wav');
  });

  it('gives an artifact made before a fan-out to the first chunk only, so it is written once', async () => {
    const stamp = stepOf(
      defineBlock({
        name: 'test-stamp',
        doc: 'emit one artifact per item',
        input: 'audio',
        output: 'audio',
        params: z.object({}),
        run: (audio, _p, ctx) => {
          ctx.emit({ name: 'stamp', ext: 'txt', bytes: new Uint8Array([ctx.chunkIndex]) });
          return audio;
        },
      }),
    );
    const { items } = await runPipelineOnFile(pipeline(decode(), stamp(), chunk({ seconds: 1 }), stamp()), file);
    expect(items.map((i) => i.artifacts.length)).toEqual([2, 1, 1, 1]);
    // The second stamp sees each chunk's own index.
    expect(items.map((i) => i.artifacts.at(-1)!.bytes[0])).toEqual([0, 1, 2, 3]);
  });
});
