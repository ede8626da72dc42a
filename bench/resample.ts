/**
 * Resampling speed (issue 3, last goal): seconds of audio per second of compute for 44.1 -> 32 kHz and
 * 48 -> 32 kHz on a 10-minute signal, our 'best' and 'fast' against `sox IN.wav -r 32000 OUT.wav` (soxr's
 * `rate`, high quality) in the same run, and the ratio ours / sox.
 *
 *   npx tsx bench/resample.ts                       # 600 s signal, median of 5 runs; prints a table
 *   npx tsx bench/resample.ts --seconds 60 --runs 7 --json
 *
 * The signal is `../shared/tools/peers/make_long_wav.py` (noise plus chirped calls) at each source rate when
 * python3 and numpy are there, else a built-in noise-plus-tone signal. Runs are interleaved (ours best, ours
 * fast, sox, then again) so that load from other processes on a shared machine falls on every row alike.
 * Sox is timed as a user runs it, whole process (read, convert, write); our rows time `resample` on samples
 * already in memory, plus one row that includes decoding the same WAV file, for a like-for-like reading.
 * Beside wall time, CPU time (user + system) is reported: on a machine shared with other jobs it moves far
 * less from run to run. Sox's CPU time comes from /usr/bin/time (GNU time), when installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resample, type ResampleQuality } from '../src/audio/resample.ts';
import { toMono } from '../src/audio/mono.ts';
import { decodeWav } from '../src/audio/wav.ts';
import { encodeWav } from '../src/audio/wav-encode.ts';

const MAKE_LONG_WAV = fileURLToPath(new URL('../../shared/tools/peers/make_long_wav.py', import.meta.url));

export interface ResampleBenchOptions {
  /** Length of the test signal in seconds (default 600). */
  seconds?: number;
  /** Timed runs per row after one warm-up run (default 5). */
  runs?: number;
  /** Source rates to convert to 32 kHz (default 44100 and 48000). */
  fromRates?: number[];
  /** Skip sox even when it is installed. */
  noSox?: boolean;
}

export interface ResampleBenchRow {
  from: number;
  to: number;
  method: string;
  /** Seconds of audio per second of wall time (median of the runs). */
  realTime: number;
  /** realTime / sox's realTime on the same route in the same run; null without sox. */
  ratioToSox: number | null;
  /** Seconds of audio per CPU second (user + system, median of the runs); null when not measurable. */
  cpuRealTime: number | null;
  /** cpuRealTime / sox's cpuRealTime; null without both. */
  cpuRatioToSox: number | null;
}

export interface ResampleBenchResult {
  seconds: number;
  runs: number;
  signal: string;
  env: { cpu: string; cores: number; node: string; loadavg: string };
  rows: ResampleBenchRow[];
  notes: string[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Timing {
  wall: number;
  cpu: number | null;
}

/** Wall and CPU seconds of an in-process job. */
function timeInProcess(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** Wall seconds of a child process, and its CPU seconds when GNU time is there to report them. */
function timeChild(cmd: string, args: string[], gnuTime: boolean): Timing {
  const t0 = performance.now();
  if (!gnuTime) {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return { wall: (performance.now() - t0) / 1000, cpu: null };
  }
  const r = spawnSync('/usr/bin/time', ['-f', 'BIRDCALL_CPU %U %S', cmd, ...args], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const m = /BIRDCALL_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : null };
}

function have(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Fallback signal (fixed seed): a 2.5 kHz tone under white noise. */
function builtInSignal(rate: number, secs: number): Float32Array {
  const x = new Float32Array(Math.round(rate * secs));
  let seed = 12345;
  for (let i = 0; i < x.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    x[i] = 0.3 * Math.sin((2 * Math.PI * 2500 * i) / rate) + 0.1 * (seed / 2 ** 32 - 0.5);
  }
  return x;
}

/** Writes the test WAV at `rate` into `dir`; returns its path and which generator made it. */
function makeSignal(dir: string, rate: number, secs: number, usePython: boolean): string {
  const path = join(dir, `in-${rate}.wav`);
  if (usePython) {
    execFileSync('python3', [MAKE_LONG_WAV, path, '--sr', String(rate), '--seconds', String(secs)], { stdio: 'ignore' });
  } else {
    writeFileSync(path, encodeWav(builtInSignal(rate, secs), rate));
  }
  return path;
}

export async function benchResample(opts: ResampleBenchOptions = {}): Promise<ResampleBenchResult> {
  const secs = opts.seconds ?? 600;
  const runs = Math.max(1, opts.runs ?? 5);
  const fromRates = opts.fromRates ?? [44100, 48000];
  const to = 32000;
  const notes: string[] = [];
  const sox = !opts.noSox && have('sox', ['--version']);
  if (!sox) notes.push(opts.noSox ? 'sox skipped (--no-sox)' : 'sox not installed: no peer rows, no ratios');
  const gnuTime = sox && have('/usr/bin/time', ['-f', '%U', 'true']);
  if (sox && !gnuTime) notes.push('/usr/bin/time (GNU time) missing: no CPU time for sox');
  const usePython = existsSync(MAKE_LONG_WAV) && have('python3', ['-c', 'import numpy']);
  if (!usePython) notes.push('python3/numpy or make_long_wav.py missing: built-in tone-plus-noise signal');
  const qualities: ResampleQuality[] = ['best', 'fast'];
  const rows: ResampleBenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-resample-'));
  try {
    for (const from of fromRates) {
      const inPath = makeSignal(dir, from, secs, usePython);
      const outPath = join(dir, 'out.wav');
      const bytes = new Uint8Array(readFileSync(inPath));
      const audio = toMono(decodeWav(bytes, inPath));
      const duration = audio.samples.length / from;
      const SOX = 'sox -r 32000 (whole process)';
      const jobs: [string, () => Timing][] = qualities.map((quality) => [
        `birdcall ${quality}`,
        () => timeInProcess(() => resample(audio, to, { quality })),
      ]);
      jobs.push([
        'birdcall best, incl. WAV decode',
        () => timeInProcess(() => resample(toMono(decodeWav(new Uint8Array(readFileSync(inPath)), inPath)), to)),
      ]);
      if (sox) jobs.push([SOX, () => timeChild('sox', [inPath, '-r', String(to), outPath], gnuTime)]);
      const times = new Map<string, Timing[]>(jobs.map(([name]) => [name, []]));
      for (const [, fn] of jobs) fn(); // warm-up: JIT, page cache, filter tables
      for (let r = 0; r < runs; r++) for (const [name, fn] of jobs) times.get(name)!.push(fn());
      const rate = (name: string): { wall: number; cpu: number | null } => {
        const ts = times.get(name)!;
        const cpus = ts.map((t) => t.cpu);
        return {
          wall: duration / median(ts.map((t) => t.wall)),
          cpu: cpus.every((c): c is number => c !== null && c > 0) ? duration / median(cpus) : null,
        };
      };
      const soxRate = sox ? rate(SOX) : null;
      for (const [name] of jobs) {
        const { wall, cpu } = rate(name);
        rows.push({
          from,
          to,
          method: name,
          realTime: wall,
          ratioToSox: soxRate ? wall / soxRate.wall : null,
          cpuRealTime: cpu,
          cpuRatioToSox: cpu !== null && soxRate?.cpu ? cpu / soxRate.cpu : null,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    seconds: secs,
    runs,
    signal: usePython ? 'make_long_wav.py (16-bit)' : 'built-in tone + noise (16-bit)',
    env: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadavg: loadavg().map((l) => l.toFixed(2)).join(' ') },
    rows,
    notes,
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const res = await benchResample({
    seconds: flag('--seconds') ? Number(flag('--seconds')) : undefined,
    runs: flag('--runs') ? Number(flag('--runs')) : undefined,
    noSox: process.argv.includes('--no-sox'),
  });
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(res, null, 2));
    return;
  }
  console.log(`${res.env.cpu}, ${res.env.cores} cores, Node ${res.env.node}, load average ${res.env.loadavg}`);
  console.log(`Resampling a ${res.seconds} s signal (${res.signal}) to 32 kHz, x real time, median of ${res.runs} after a warm-up:`);
  console.table(
    res.rows.map((r) => ({
      route: `${r.from / 1000} -> ${r.to / 1000} kHz`,
      method: r.method,
      'x real time': Math.round(r.realTime),
      'ours / sox': r.ratioToSox === null ? '-' : r.ratioToSox.toFixed(2),
      'x real time per CPU s': r.cpuRealTime === null ? '-' : Math.round(r.cpuRealTime),
      'CPU: ours / sox': r.cpuRatioToSox === null ? '-' : r.cpuRatioToSox.toFixed(2),
    })),
  );
  for (const n of res.notes) console.log(`note: ${n}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
