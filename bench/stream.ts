/**
 * Long files (issue 3, items 2 and 5): peak RSS of `birdcall melspec` on a 60-minute 32 kHz WAV, streamed
 * (--jobs 1; the default streams only above 512 MiB of samples, about 70 minutes) and with --jobs 2, each in its own process so the figure is the whole command's; and the
 * real-time factor of the mel computation on one thread against two (melSpectrogramParallel) on the
 * 10-minute file, in one process, with the worker pool warm (a batch of files) and cold (the pool started
 * by the call: one file per process), the cold runs with the bundled workers (src/worker-bundle.ts)
 * and with the tsx ones they replaced; plus what starting a worker costs either way, and the cores the
 * two-thread runs actually obtained (CPU s / wall s), without which a speed-up on a shared machine
 * cannot be read.
 *
 *   npx tsx bench/stream.ts [--json] [--skip-rss]
 *
 * Peak RSS is the child's own process.resourceUsage().maxRSS: the child is this file run with
 * --rss-child, which calls the CLI's main() and then prints it (so no /usr/bin/time is needed).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readAudioFile } from '../src/audio/read.ts';
import { melSpectrogram } from '../src/dsp/mel.ts';
import { closeMelWorkers, MelWorkerPool, melSpectrogramParallel, warmMelWorkers } from '../src/dsp/parallel.ts';
import { presets } from '../src/dsp/presets.ts';
import { ensureLongWav } from './mel.ts';

const PEERS = fileURLToPath(new URL('../../shared/tools/peers/', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
export const LONG60_WAV = '/tmp/long60.wav';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Make the 60-minute file with the shared generator (fixed seed) unless it exists. */
export function ensureLong60(path = LONG60_WAV): string {
  if (!existsSync(path)) execFileSync('python3', [`${PEERS}make_long_wav.py`, path, '--seconds', '3600'], { stdio: 'ignore' });
  return path;
}

export interface RssRun {
  args: string[];
  maxRssMB: number;
  cpuSeconds: number;
  wallSeconds: number;
}

/** Peak RSS of one `birdcall melspec` run in a fresh process (the child measures itself). */
export function melspecPeakRss(input: string, extraArgs: string[] = []): RssRun {
  const out = join(tmpdir(), `birdcall-rss-${process.pid}.npy`);
  const args = ['melspec', input, '-o', out, '--preset', 'kaggle2020', '--db', ...extraArgs];
  const r = spawnSync(process.execPath, ['--import', 'tsx', THIS_FILE, '--rss-child', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  void rm(out, { force: true });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`birdcall melspec failed: ${r.stderr}`);
  const m = JSON.parse(last) as { maxRssBytes: number; cpuS: number; wallS: number; exitCode: number };
  if (m.exitCode !== 0) throw new Error(`birdcall melspec exited ${m.exitCode}: ${r.stderr}`);
  return { args: args.slice(2), maxRssMB: m.maxRssBytes / 2 ** 20, cpuSeconds: m.cpuS, wallSeconds: m.wallS };
}

export interface WorkerStart {
  /** Starting one mel worker up to its first (tiny) task's answer: wall s, and process CPU s. */
  wall: number;
  cpu: number;
}

export interface ThreadsResult {
  file: string;
  audioSeconds: number;
  runs: number;
  /** Which worker entry the default pool used ('bundle' unless esbuild failed: see worker-bundle.ts). */
  workerEntry: string;
  /** Seconds of audio per wall second, mel only (the file already decoded), kaggle2020. */
  oneThreadRealTime: number;
  /** Warm: the pool already running, as for the second and later files of a batch. */
  twoThreadRealTime: number;
  speedup: number;
  /** CPU seconds of the whole process (all threads) per run: equal figures mean no parallel overhead. */
  oneThreadCpu: number;
  twoThreadCpu: number;
  /**
   * CPU seconds per wall second of the two-thread runs: the cores this process actually got. Near 1 means
   * the machine's other load left one core, and no two-thread speed-up was possible in that run.
   */
  coresObtained: number;
  /** Worker start-up, medians: the esbuild bundle (default) and the TypeScript worker through tsx (before). */
  workerStart: WorkerStart;
  workerStartTsx: WorkerStart;
  /**
   * Cold: one-thread time over a two-thread call that starts its pool (closed before each run), i.e. the
   * first file of a process; with the bundled workers and with the tsx ones. Median of runs.
   */
  coldSpeedup: number;
  coldSpeedupTsx: number;
  coldTwoThreadSeconds: number;
  coldTwoThreadSecondsTsx: number;
  /**
   * A whole file cold, as a one-file CLI run could do it: read + decode + mel on one thread, against
   * warmMelWorkers(2) first, then read + decode while the bundled worker starts, then mel on two threads.
   * Seconds (median) and the ratio.
   */
  fileOneThreadSeconds: number;
  fileWarmedDuringDecodeSeconds: number;
  fileWarmedDuringDecodeSpeedup: number;
  /** Load average (1 min) before and after the runs. */
  load: [number, number];
}

/** Wall and process CPU seconds from starting one worker to its first (tiny) task's answer. */
async function workerStart(entry: 'bundle' | 'tsx'): Promise<WorkerStart> {
  const pool = new MelWorkerPool(1, { entry });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await pool.run({
    samples: new SharedArrayBuffer(4 * 4096),
    samplesFloat64: false,
    length: 4096,
    out: new SharedArrayBuffer(4 * 64 * 13),
    outFloat64: false,
    params: { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64 },
    t0: 0,
    t1: 13,
  });
  const c = process.cpuUsage(c0);
  const wall = (performance.now() - t0) / 1000;
  await pool.close();
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

function cpuSince(c: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
}

/**
 * Mel RTF of one thread against two on the same signal, interleaved run by run, wall time (threads):
 * warm (pool running) and cold (pool started by the call), the cold runs with both worker entries.
 */
export async function benchThreads(opts: { runs?: number; path?: string } = {}): Promise<ThreadsResult> {
  const runs = opts.runs ?? 5;
  const path = ensureLongWav(opts.path);
  const audio = await readAudioFile(path);
  const params = { ...presets.kaggle2020.params, sr: audio.sampleRate };
  const load0 = loadavg()[0];
  await closeMelWorkers();
  const starts: Record<'bundle' | 'tsx', WorkerStart[]> = { bundle: [], tsx: [] };
  for (let r = 0; r < 3; r++) for (const entry of ['bundle', 'tsx'] as const) starts[entry].push(await workerStart(entry));
  const medianStart = (xs: WorkerStart[]): WorkerStart => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) });
  melSpectrogram(audio.samples, params);
  const timeOne = () => {
    const t0 = performance.now();
    melSpectrogram(audio.samples, params);
    return (performance.now() - t0) / 1000;
  };
  const cold: Record<'bundle' | 'tsx', { seconds: number[]; ratio: number[] }> = {
    bundle: { seconds: [], ratio: [] },
    tsx: { seconds: [], ratio: [] },
  };
  for (let r = 0; r < runs; r++) {
    for (const workers of ['bundle', 'tsx'] as const) {
      const a = timeOne();
      await closeMelWorkers();
      const t0 = performance.now();
      await melSpectrogramParallel(audio.samples, params, { jobs: 2, workers });
      const b = (performance.now() - t0) / 1000;
      cold[workers].seconds.push(b);
      cold[workers].ratio.push(a / b);
    }
  }
  const file: { one: number[]; two: number[]; ratio: number[] } = { one: [], two: [], ratio: [] };
  for (let r = 0; r < runs; r++) {
    await closeMelWorkers();
    let t0 = performance.now();
    melSpectrogram((await readAudioFile(path)).samples, params);
    const a = (performance.now() - t0) / 1000;
    await closeMelWorkers();
    t0 = performance.now();
    warmMelWorkers(2);
    await melSpectrogramParallel((await readAudioFile(path)).samples, params, { jobs: 2 });
    const b = (performance.now() - t0) / 1000;
    file.one.push(a);
    file.two.push(b);
    file.ratio.push(a / b);
  }
  await closeMelWorkers();
  const workerEntry = new MelWorkerPool(1).entry;
  await melSpectrogramParallel(audio.samples, params, { jobs: 2 });
  const one: number[] = [];
  const two: number[] = [];
  const ratio: number[] = [];
  const oneCpu: number[] = [];
  const twoCpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    melSpectrogram(audio.samples, params);
    const a = (performance.now() - t0) / 1000;
    oneCpu.push(cpuSince(c0));
    t0 = performance.now();
    c0 = process.cpuUsage();
    await melSpectrogramParallel(audio.samples, params, { jobs: 2 });
    const b = (performance.now() - t0) / 1000;
    twoCpu.push(cpuSince(c0));
    one.push(a);
    two.push(b);
    ratio.push(a / b);
  }
  await closeMelWorkers();
  const audioSeconds = audio.samples.length / audio.sampleRate;
  return {
    file: path,
    audioSeconds,
    runs,
    workerEntry: workerEntry.bundled ? 'bundle' : `tsx (${workerEntry.reason ?? ''})`,
    oneThreadRealTime: audioSeconds / median(one),
    twoThreadRealTime: audioSeconds / median(two),
    speedup: median(ratio),
    oneThreadCpu: median(oneCpu),
    twoThreadCpu: median(twoCpu),
    coresObtained: median(twoCpu.map((c, i) => c / two[i])),
    workerStart: medianStart(starts.bundle),
    workerStartTsx: medianStart(starts.tsx),
    coldSpeedup: median(cold.bundle.ratio),
    coldSpeedupTsx: median(cold.tsx.ratio),
    coldTwoThreadSeconds: median(cold.bundle.seconds),
    coldTwoThreadSecondsTsx: median(cold.tsx.seconds),
    fileOneThreadSeconds: median(file.one),
    fileWarmedDuringDecodeSeconds: median(file.two),
    fileWarmedDuringDecodeSpeedup: median(file.ratio),
    load: [load0, loadavg()[0]],
  };
}

export interface StreamBench {
  rss: RssRun[];
  threads: ThreadsResult;
}

export async function benchStream(opts: { rss?: boolean; runs?: number } = {}): Promise<StreamBench> {
  const rss: RssRun[] = [];
  if (opts.rss !== false) {
    const long = ensureLong60();
    rss.push(melspecPeakRss(long, ['--jobs', '1']));
    rss.push(melspecPeakRss(long, ['--jobs', '2']));
  }
  return { rss, threads: await benchThreads({ runs: opts.runs }) };
}

export function formatStreamBench(b: StreamBench): string {
  const lines: string[] = [];
  if (b.rss.length > 0) {
    lines.push('birdcall melspec on a 60-minute 32 kHz WAV (kaggle2020, --db): peak RSS / CPU s / wall s');
    for (const r of b.rss) {
      lines.push(`  ${r.maxRssMB.toFixed(0).padStart(5)} MB  ${r.cpuSeconds.toFixed(1).padStart(6)}  ${r.wallSeconds.toFixed(1).padStart(6)}  ${r.args.slice(5).join(' ') || '(streamed, one thread)'}`);
    }
  }
  const t = b.threads;
  const f = (x: number) => x.toFixed(2);
  lines.push(
    `mel, kaggle2020, ${t.file} (${t.audioSeconds.toFixed(0)} s), wall, median of ${t.runs}, load average ${t.load[0].toFixed(1)} -> ${t.load[1].toFixed(1)}, workers: ${t.workerEntry}`,
    `  warm pool:  one thread ${t.oneThreadRealTime.toFixed(0)}x real time, two threads ${t.twoThreadRealTime.toFixed(0)}x, speed-up ${f(t.speedup)}x; CPU s per run (all threads) ${f(t.oneThreadCpu)} / ${f(t.twoThreadCpu)}; cores obtained ${f(t.coresObtained)}`,
    `  cold pool (started by the call): speed-up ${f(t.coldSpeedup)}x bundled workers (${f(t.coldTwoThreadSeconds)} s), ${f(t.coldSpeedupTsx)}x tsx workers (${f(t.coldTwoThreadSecondsTsx)} s); one thread ${f(t.audioSeconds / t.oneThreadRealTime)} s`,
    `  one file cold, read + decode + mel: one thread ${f(t.fileOneThreadSeconds)} s, two threads with the pool warmed during the decode ${f(t.fileWarmedDuringDecodeSeconds)} s, speed-up ${f(t.fileWarmedDuringDecodeSpeedup)}x`,
    `  worker start-up to first answer: bundle ${f(t.workerStart.wall)} s wall, ${f(t.workerStart.cpu)} s CPU; tsx ${f(t.workerStartTsx.wall)} s wall, ${f(t.workerStartTsx.cpu)} s CPU`,
  );
  return lines.join('\n');
}

/** The child side of melspecPeakRss: run the CLI here, then print this process's own peak RSS. */
async function rssChild(args: string[]): Promise<void> {
  const { main } = await import('../src/cli/main.ts');
  const t0 = performance.now();
  await main(['node', 'birdcall', ...args]);
  const u = process.resourceUsage();
  const report = { maxRssBytes: u.maxRSS * 1024, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6, wallS: (performance.now() - t0) / 1000, exitCode: process.exitCode ?? 0 };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (process.argv[1] === THIS_FILE && process.argv[2] === '--rss-child') {
  await rssChild(process.argv.slice(3));
} else if (process.argv[1] === THIS_FILE) {
  const result = await benchStream({ rss: !process.argv.includes('--skip-rss') });
  console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 2) : formatStreamBench(result));
}
