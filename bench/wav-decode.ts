/**
 * Measures the WAV decoder decision (docs/decisions/wav-decoder.md): our parser against wav-decoder 1.3.0
 * on the real recordings in ../shared/data/birdcalls (decode MB/s, and correctness on the format variants in
 * robustness/), and our resampler against libsamplerate-js and sox on a 60 s signal.
 *
 *   npx tsx bench/wav-decode.ts            # prints tables; add --json for machine-readable output
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import lsr from '@alexanderolsen/libsamplerate-js';
import { decodeWav } from '../src/audio/wav.ts';
import { resample, type ResampleQuality } from '../src/audio/resample.ts';
import { encodeWav } from '../src/audio/wav-encode.ts';

const SHARED = fileURLToPath(new URL('../../shared/data/birdcalls/', import.meta.url));

interface WavDecoderResult {
  sampleRate: number;
  channelData: Float32Array[];
}
interface WavDecoderModule {
  decode: { sync(buffer: ArrayBuffer | Buffer, opts?: { symmetric?: boolean }): WavDecoderResult };
}
const wavDecoder = createRequire(import.meta.url)('wav-decoder') as WavDecoderModule;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs fn once to warm up, then `runs` times; returns the median wall time in seconds. */
function timeIt(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

function listWavs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.wav'))
    .map((f) => join(dir, f))
    .sort();
}

export interface DecodeBench {
  files: number;
  megabytes: number;
  oursMBps: number;
  /** wav-decoder with { symmetric: true } (int16 / 32768, libsndfile's scaling) on the files it accepts. */
  wavDecoderMBps: number;
  wavDecoderAccepted: number;
  /** Our speed on exactly the files wav-decoder accepts. */
  oursOnSameMBps: number;
  variants: { file: string; ours: string; wavDecoder: string; wavDecoderSymmetric: string }[];
}

function describeDiff(got: Float32Array | undefined, ref: Float32Array, tolerance = 0): string {
  if (!got) return 'error';
  if (got.length !== ref.length) return `length ${got.length} != ${ref.length}`;
  let max = 0;
  let count = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (d > tolerance) count++;
    max = Math.max(max, d);
  }
  return count === 0 ? (max === 0 ? 'identical' : `within ${tolerance}`) : `${count} samples differ, max ${max.toExponential(2)}`;
}

export function benchWavDecode(): DecodeBench {
  const files = listWavs(SHARED);
  const bytes = files.map((f) => readFileSync(f));
  const total = bytes.reduce((n, b) => n + b.length, 0) / 1e6;
  const ours = timeIt(() => {
    for (let i = 0; i < files.length; i++) decodeWav(bytes[i], files[i]);
  });
  const accepted: number[] = [];
  bytes.forEach((b, i) => {
    try {
      wavDecoder.decode.sync(b, { symmetric: true });
      accepted.push(i);
    } catch {
      /* counted as rejected */
    }
  });
  const acceptedMB = accepted.reduce((n, i) => n + bytes[i].length, 0) / 1e6;
  const theirs = timeIt(() => {
    for (const i of accepted) wavDecoder.decode.sync(bytes[i], { symmetric: true });
  });
  const oursSame = timeIt(() => {
    for (const i of accepted) decodeWav(bytes[i], files[i]);
  });

  const ref = decodeWav(readFileSync(join(SHARED, 'clips/Melozone_crissalis/XC444627.wav')), 'ref').channels[0];
  const variants = ['XC444627_32k_s24.wav', 'XC444627_32k_s24_plainfmt.wav', 'XC444627_32k_s32.wav', 'XC444627_32k_f32.wav', 'XC444627_32k_u8.wav'].map((f) => {
    const b = readFileSync(join(SHARED, 'robustness', f));
    const tol = f.includes('u8') ? 2 / 128 : 0;
    const theirs = (symmetric: boolean): Float32Array | undefined => {
      try {
        return wavDecoder.decode.sync(b, { symmetric }).channelData[0];
      } catch {
        return undefined;
      }
    };
    let oursSamples: Float32Array | undefined;
    try {
      oursSamples = decodeWav(b, f).channels[0];
    } catch {
      oursSamples = undefined;
    }
    return { file: f, ours: describeDiff(oursSamples, ref, tol), wavDecoder: describeDiff(theirs(false), ref, tol), wavDecoderSymmetric: describeDiff(theirs(true), ref, tol) };
  });
  // The 16-bit clip itself: wav-decoder's default scaling divides positive values by 32767.
  const clip = readFileSync(join(SHARED, 'clips/Melozone_crissalis/XC444627.wav'));
  variants.unshift({
    file: 'clips/.../XC444627.wav (s16)',
    ours: 'reference',
    wavDecoder: describeDiff(wavDecoder.decode.sync(clip).channelData[0], ref),
    wavDecoderSymmetric: describeDiff(wavDecoder.decode.sync(clip, { symmetric: true }).channelData[0], ref),
  });
  return {
    files: files.length,
    megabytes: total,
    oursMBps: total / ours,
    wavDecoderMBps: acceptedMB / theirs,
    wavDecoderAccepted: accepted.length,
    oursOnSameMBps: acceptedMB / oursSame,
    variants,
  };
}

export interface ResampleBench {
  seconds: number;
  rows: { from: number; to: number; method: string; realTime: number }[];
}

function testSignal(rate: number, seconds: number): Float32Array {
  const x = new Float32Array(rate * seconds);
  let seed = 12345;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] = 0.3 * Math.sin((2 * Math.PI * 2500 * i) / rate) + 0.1 * (seed / 2 ** 32 - 0.5);
  }
  return x;
}

function haveSox(): boolean {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function benchResample(seconds = 60, runs = 5): Promise<ResampleBench> {
  const rows: ResampleBench['rows'] = [];
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-'));
  const sox = haveSox();
  try {
    for (const from of [44100, 48000]) {
      const to = 32000;
      const x = testSignal(from, seconds);
      for (const quality of ['best', 'fast'] as ResampleQuality[]) {
        const t = timeIt(() => resample({ samples: x, sampleRate: from, source: 'bench' }, to, { quality }), runs);
        rows.push({ from, to, method: `birdcall ${quality}`, realTime: seconds / t });
      }
      const types: [string, number][] = [
        ['libsamplerate-js best', lsr.ConverterType.SRC_SINC_BEST_QUALITY],
        ['libsamplerate-js medium', lsr.ConverterType.SRC_SINC_MEDIUM_QUALITY],
        ['libsamplerate-js fastest', lsr.ConverterType.SRC_SINC_FASTEST],
      ];
      for (const [name, converterType] of types) {
        const src = await lsr.create(1, from, to, { converterType: converterType as 0 });
        // The slow best-quality converter gets fewer runs; it is the reference, not the candidate.
        const t = timeIt(() => src.simple(x), name.endsWith('best') ? 1 : runs);
        src.destroy();
        rows.push({ from, to, method: name, realTime: seconds / t });
      }
      if (sox) {
        const inPath = join(dir, `in-${from}.wav`);
        writeFileSync(inPath, encodeWav(x, from));
        const outPath = join(dir, 'out.wav');
        // Whole process, as a user runs it (start-up included); `rate` defaults to soxr high quality.
        const t = timeIt(() => execFileSync('sox', [inPath, '-r', String(to), outPath]), runs);
        rows.push({ from, to, method: 'sox (whole process, soxr HQ)', realTime: seconds / t });
        const tv = timeIt(() => execFileSync('sox', [inPath, outPath, 'rate', '-v', String(to)]), runs);
        rows.push({ from, to, method: 'sox rate -v (very high)', realTime: seconds / tv });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seconds, rows };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const env = { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, loadavg: loadavg().map((l) => l.toFixed(2)).join(' ') };
  const decode = benchWavDecode();
  const res = await benchResample();
  if (json) {
    console.log(JSON.stringify({ env, decode, resample: res }, null, 2));
    return;
  }
  console.log(`${env.cpu}, ${env.cores} cores, Node ${env.node}, load average ${env.loadavg}`);
  console.log(`\nWAV decode, ${decode.files} files, ${decode.megabytes.toFixed(1)} MB from ${relative(process.cwd(), SHARED)} (median of 5):`);
  console.log(`  birdcall decodeWav      ${decode.oursMBps.toFixed(0)} MB/s (all ${decode.files} files)`);
  console.log(`  birdcall decodeWav      ${decode.oursOnSameMBps.toFixed(0)} MB/s (the ${decode.wavDecoderAccepted} files wav-decoder accepts)`);
  console.log(`  wav-decoder 1.3.0       ${decode.wavDecoderMBps.toFixed(0)} MB/s (symmetric scaling; accepts ${decode.wavDecoderAccepted} of ${decode.files})`);
  console.log('\nCorrectness against the 16-bit clip (robustness/ variants):');
  console.table(decode.variants);
  console.log(`\nResampling a ${res.seconds} s signal, x real time (median of 5, after a warm-up):`);
  console.table(res.rows.map((r) => ({ route: `${r.from / 1000} -> ${r.to / 1000} kHz`, method: r.method, 'x real time': Math.round(r.realTime) })));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
