/**
 * PCEN of the default recipe (real-clips: 64 mel bands 1-11 kHz, hop 1024 at 32 kHz, 3-second chunks, PCEN
 * with librosa's defaults and a 0.4 s time constant) on the shared clips' own mel spectrograms: the JS loop
 * (pcenLoop, the reference for every setting) against the wasm SIMD path that serves power 0.5 with a bias
 * (pcenSqrtNative, bit for bit the loop: the table counts the values that differ). Nanoseconds per value,
 * the two alternating over several rounds.
 *
 *   npm run bench -- --only pcen
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio } from '../src/audio/decode.ts';
import { toMono } from '../src/audio/mono.ts';
import { melSpectrogram } from '../src/dsp/mel.ts';
import { pcenSqrtNative } from '../src/dsp/native.ts';
import { pcenLoop, pcenSmoothingCoefficient, type PcenLoopConstants } from '../src/dsp/pcen.ts';

const CLIPS = resolve(fileURLToPath(new URL('..', import.meta.url)), '..', 'shared', 'data', 'birdcalls', 'clips');
const SR = 32000;
const HOP = 1024;

export interface PcenBenchResult {
  chunks: number;
  bands: number;
  frames: number;
  rounds: number;
  jsNsPerValue: number;
  wasmNsPerValue: number;
  /** JS time over wasm time: > 1 means the wasm path is faster. */
  speedup: number;
  differingValues: number;
}

/** The recipe's mel spectrogram of the first 3 seconds of each shared clip (float32, power 1). */
async function chunks(count: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const label of readdirSync(CLIPS).sort()) {
    for (const name of readdirSync(join(CLIPS, label)).filter((n) => n.endsWith('.wav')).sort()) {
      if (out.length >= count) return out;
      const audio = toMono(await decodeAudio(new Uint8Array(readFileSync(join(CLIPS, label, name))), name));
      const mel = melSpectrogram(audio.samples.subarray(0, 3 * SR), { sr: SR, nFft: 1024, hopLength: HOP, nMels: 64, fmin: 1000, fmax: 11000, power: 1 });
      out.push(mel.values as Float32Array);
    }
  }
  return out;
}

export async function benchPcen(): Promise<PcenBenchResult> {
  const specs = await chunks(80);
  const bands = 64;
  const frames = specs[0].length / bands;
  const c: PcenLoopConstants = { bins: bands, frames, b: pcenSmoothingCoefficient(0.4, SR, HOP), gain: 0.98, eps: 1e-6, bias: 2, power: 0.5 };
  const js = specs.map((s) => new Float32Array(s.length));
  const wasm = specs.map((s) => new Float32Array(s.length));
  const time = (run: (i: number) => void): number => {
    const t0 = performance.now();
    for (let rep = 0; rep < 10; rep++) for (let i = 0; i < specs.length; i++) run(i);
    return performance.now() - t0;
  };
  const jsRun = (i: number): void => pcenLoop(specs[i], specs[i], js[i], c);
  const wasmRun = (i: number): void => pcenSqrtNative(specs[i], specs[i], wasm[i], c);
  time(jsRun);
  time(wasmRun);
  const rounds = 7;
  const jsMs: number[] = [];
  const wasmMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    jsMs.push(time(jsRun));
    wasmMs.push(time(wasmRun));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const values = 10 * specs.length * bands * frames;
  let differingValues = 0;
  for (let i = 0; i < specs.length; i++) for (let j = 0; j < js[i].length; j++) if (!Object.is(js[i][j], wasm[i][j])) differingValues++;
  const jsNsPerValue = (median(jsMs) * 1e6) / values;
  const wasmNsPerValue = (median(wasmMs) * 1e6) / values;
  return { chunks: specs.length, bands, frames, rounds, jsNsPerValue, wasmNsPerValue, speedup: jsNsPerValue / wasmNsPerValue, differingValues };
}

export function formatPcenBench(r: PcenBenchResult): string {
  return [
    `${r.chunks} chunks of ${r.bands} bands x ${r.frames} frames (the default recipe's), median of ${r.rounds} alternating rounds`,
    '| path | ns per value |',
    '| --- | --- |',
    `| JS loop (pcenLoop, the reference) | ${r.jsNsPerValue.toFixed(1)} |`,
    `| wasm SIMD (pcenSqrtNative) | ${r.wasmNsPerValue.toFixed(1)} |`,
    `wasm / JS speed ${r.speedup.toFixed(2)}x; values that differ: ${r.differingValues}`,
  ].join('\n');
}
