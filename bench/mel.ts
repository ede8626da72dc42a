/**
 * WAV -> mel -> dB throughput (issue 3, items 2 and 4; issue 16): real-time factor (seconds of audio per
 * second of compute) for presets `birdclef`, `librosa` and `kaggle2020` on a generated 10-minute 32 kHz
 * file, beside the numpy peer (../shared/tools/peers/mel_numpy.py) in the same run, interleaved run by run
 * so machine load hits all alike: ours on one thread against the peer pinned to one thread
 * (OPENBLAS/OMP/MKL_NUM_THREADS=1), and ours on all cores (worker threads) against the peer unpinned. The
 * peers are every numpy found (bench/fft.ts numpyPeers): numpy 1.24 on /usr/bin/python3 (the issue's
 * peer) and numpy 2.x on OpenBLAS on python3 (the stronger one); BENCH_PYTHON=... picks one other.
 * Plus, with --steps, the speed-work ablation: the same mel computation
 * written the naive way and then with each optimisation added, each in a fresh process (fft.js slows
 * down once a process has fed it mixed array types, so variants must not share one).
 *
 *   npx tsx bench/mel.ts [--steps | --steps-only] [--json]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import FFT from 'fft.js';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { readAudioFile } from '../src/audio/read.ts';
import { melSpectrogram, melFilterbank, melFilterbankDense } from '../src/dsp/mel.ts';
import { powerToDb } from '../src/dsp/db.ts';
import { closeMelWorkers, melSpectrogramParallel } from '../src/dsp/parallel.ts';
import { presets, type PresetName } from '../src/dsp/presets.ts';
import { getWindow } from '../src/dsp/window.ts';
import { numpyPeers, peerEnv, type NumpyPeer } from './fft.ts';

const PEERS = fileURLToPath(new URL('../../shared/tools/peers/', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
export const LONG_WAV = '/tmp/long10.wav';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Make the 10-minute 32 kHz test file with the shared generator (fixed seed) unless it exists. */
export function ensureLongWav(path = LONG_WAV, seconds = 600): string {
  if (!existsSync(path)) {
    execFileSync('python3', [`${PEERS}make_long_wav.py`, path, '--seconds', String(seconds)], { stdio: 'ignore' });
  }
  return path;
}

function presetArgs(name: PresetName): string[] {
  const p = presets[name].params;
  const args = ['--n_fft', String(p.nFft), '--hop', String(p.hopLength), '--n_mels', String(p.nMels), '--fmin', String(p.fmin)];
  if (p.fmax !== null && p.fmax !== undefined) args.push('--fmax', String(p.fmax));
  return args;
}

interface PeerRun {
  /** read + mel + dB wall time as the peer times itself (no interpreter start-up or imports). */
  inProcess: number;
  /** CPU time (user + system) of the same part. */
  cpu: number;
  /** The whole python process, wall. */
  wall: number;
}

// Runs the peer's own main() and adds the CPU time it used: on a shared, loaded machine CPU time is
// the steadier measure, wall time the honest one; both are reported.
const PEER_WRAPPER = `
import sys, json, resource, importlib.util
spec = importlib.util.spec_from_file_location('mel_numpy', sys.argv[1])
peer = importlib.util.module_from_spec(spec); spec.loader.exec_module(peer)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c0 = cpu(); peer.main(sys.argv[2:]); c1 = cpu()
print(json.dumps({'cpu_s': c1 - c0}))
`;

function runPeer(peer: NumpyPeer, path: string, preset: PresetName, oneThread: boolean): PeerRun | null {
  const t0 = performance.now();
  const r = spawnSync(peer.python, ['-c', PEER_WRAPPER, `${PEERS}mel_numpy.py`, path, ...presetArgs(preset)], {
    encoding: 'utf8',
    env: peerEnv(oneThread),
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) return null;
  const [timings, cpu] = r.stdout.trim().split('\n').slice(-2).map((line) => JSON.parse(line)) as [
    { read_s: number; compute_s: number },
    { cpu_s: number },
  ];
  return { inProcess: timings.read_s + timings.compute_s, cpu: cpu.cpu_s, wall };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/**
 * One WAV -> mel -> dB pass with our library, as `birdcall melspec --preset NAME --db` does it: on this
 * thread (jobs 1) or on `jobs` threads (melSpectrogramParallel; the pool stays warm between runs). CPU
 * time is the whole process's, worker threads included.
 */
async function runOurs(path: string, preset: PresetName, jobs = 1): Promise<{ seconds: number; cpu: number; audioSeconds: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const audio = await readAudioFile(path);
  const params = { ...presets[preset].params, sr: audio.sampleRate };
  const mel = jobs > 1 ? await melSpectrogramParallel(audio.samples, params, { jobs }) : melSpectrogram(audio.samples, params);
  powerToDb(mel, { ref: 'max' });
  return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0), audioSeconds: audio.samples.length / audio.sampleRate };
}

/** One numpy peer's side of a comparison; ratios > 1: we are faster. */
export interface PeerComparison {
  numpy: string;
  python: string;
  /** The peer's read + mel + dB as it times itself (no interpreter start-up or imports). */
  seconds: number;
  realTime: number;
  /** The whole python process, wall. */
  wallSeconds: number;
  /** numpy s / ours s, wall. */
  ratio: number;
  cpuSeconds: number;
  /** numpy CPU s / ours CPU s. */
  cpuRatio: number;
}

/** Ours against each numpy peer, interleaved run by run. */
export interface MelComparison {
  /** Our threads (1, or all cores), and whether the peers were pinned to one thread. */
  oursThreads: number;
  numpyPinned: boolean;
  oursSeconds: number;
  oursRealTime: number;
  oursCpuSeconds: number;
  peers: PeerComparison[];
}

export interface MelPresetResult extends MelComparison {
  preset: PresetName;
  audioSeconds: number;
  /** The fields above are one thread each (ours on one thread, numpy pinned); this is ours on all cores against numpy unpinned. */
  allCores: MelComparison;
}

export interface StepResult {
  step: string;
  /** Seconds of audio per second of CPU time (median). */
  realTime: number;
  /** The same in wall time. */
  wallRealTime: number;
}

export interface MelBench {
  file: string;
  runs: number;
  /** The peers: the Python, its numpy and the BLAS it uses (the mel product is a matmul). */
  peers: NumpyPeer[];
  /** Load average (1 min) before and after. */
  load: [number, number];
  presets: MelPresetResult[];
  /** Whole processes: `birdcall melspec --db` against mel_numpy.py (median of up to 3, alternating). */
  cli: CliComparison[];
  steps?: StepResult[];
}

async function compare(path: string, preset: PresetName, runs: number, jobs: number): Promise<MelComparison & { audioSeconds: number }> {
  const pinned = jobs === 1;
  const peers = numpyPeers().filter((peer) => runPeer(peer, path, preset, pinned) !== null);
  await runOurs(path, preset, jobs);
  const ours: number[] = [];
  const oursCpu: number[] = [];
  const peerRuns: PeerRun[][] = peers.map(() => []);
  let audioSeconds = 0;
  for (let r = 0; r < runs; r++) {
    const o = await runOurs(path, preset, jobs);
    ours.push(o.seconds);
    oursCpu.push(o.cpu);
    audioSeconds = o.audioSeconds;
    peers.forEach((peer, i) => {
      const p = runPeer(peer, path, preset, pinned);
      if (p) peerRuns[i].push(p);
    });
  }
  const oursSeconds = median(ours);
  const oursCpuSeconds = median(oursCpu);
  return {
    audioSeconds,
    oursThreads: jobs,
    numpyPinned: pinned,
    oursSeconds,
    oursRealTime: audioSeconds / oursSeconds,
    oursCpuSeconds,
    peers: peers.flatMap((peer, i) => {
      const done = peerRuns[i];
      if (done.length === 0) return [];
      const seconds = median(done.map((p) => p.inProcess));
      const cpuSeconds = median(done.map((p) => p.cpu));
      return [{ numpy: peer.numpy, python: peer.python, seconds, realTime: audioSeconds / seconds, wallSeconds: median(done.map((p) => p.wall)), ratio: seconds / oursSeconds, cpuSeconds, cpuRatio: cpuSeconds / oursCpuSeconds }];
    }),
  };
}

/** `birdcall melspec --db` against mel_numpy.py, each a whole process, wall seconds; ratios > 1: we are faster. */
export interface CliComparison {
  preset: PresetName;
  oursSeconds: number;
  /** Each peer at its default threads (as a user runs it), writing its dB output too. */
  peers: { numpy: string; python: string; seconds: number; ratio: number }[];
}

const BIN = fileURLToPath(new URL('../bin/birdcall.js', import.meta.url));

function wallSeconds(command: string, args: string[]): number | null {
  const t0 = performance.now();
  const r = spawnSync(command, args, { stdio: 'ignore' });
  return r.status === 0 ? (performance.now() - t0) / 1000 : null;
}

/** The whole-process comparison (issue 16): our CLI and each peer alternately, `runs` times, medians. */
export function compareCli(path: string, preset: PresetName, runs: number): CliComparison | null {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-cli-'));
  try {
    const ours = () => wallSeconds(process.execPath, [BIN, 'melspec', path, '--preset', preset, '--db', '-o', join(dir, 'ours.npy')]);
    const peers = numpyPeers();
    const peer = (p: NumpyPeer) => wallSeconds(p.python, [`${PEERS}mel_numpy.py`, path, ...presetArgs(preset), '--out', join(dir, 'peer.bin')]);
    if (ours() === null) return null;
    const oursTimes: number[] = [];
    const peerTimes: number[][] = peers.map(() => []);
    for (let r = 0; r < runs; r++) {
      const o = ours();
      if (o !== null) oursTimes.push(o);
      peers.forEach((p, i) => {
        const t = peer(p);
        if (t !== null) peerTimes[i].push(t);
      });
    }
    const oursSeconds = median(oursTimes);
    return {
      preset,
      oursSeconds,
      peers: peers.flatMap((p, i) => (peerTimes[i].length === 0 ? [] : [{ numpy: p.numpy, python: p.python, seconds: median(peerTimes[i]), ratio: median(peerTimes[i]) / oursSeconds }])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMel(opts: { runs?: number; steps?: boolean; presets?: boolean; path?: string } = {}): Promise<MelBench> {
  const runs = opts.runs ?? 5;
  const path = ensureLongWav(opts.path);
  const load0 = loadavg()[0];
  const results: MelPresetResult[] = [];
  const cores = availableParallelism();
  for (const preset of opts.presets === false ? [] : (['birdclef', 'librosa', 'kaggle2020'] as PresetName[])) {
    const { audioSeconds, ...one } = await compare(path, preset, runs, 1);
    const { audioSeconds: _, ...all } = await compare(path, preset, runs, cores);
    results.push({ preset, audioSeconds, ...one, allCores: all });
  }
  await closeMelWorkers();
  const cli = opts.presets === false ? [] : (['kaggle2020', 'birdclef'] as PresetName[]).flatMap((p) => compareCli(path, p, Math.min(runs, 3)) ?? []);
  const bench: MelBench = { file: path, runs, peers: numpyPeers(), load: [load0, loadavg()[0]], presets: results, cli };
  if (opts.steps) bench.steps = benchSteps(path, runs);
  return bench;
}

const STEPS = ['naive', 'no-alloc', 'typed', 'window+sparse', 'two-frames', 'library'] as const;
type Step = (typeof STEPS)[number];
const STEP_DOC: Record<Step, string> = {
  naive: 'plain Arrays allocated per frame, window computed per frame, fft.js realTransform, dense mel product',
  'no-alloc': '+ buffers allocated once (still plain Arrays)',
  typed: '+ Float64Array everywhere (one array type into fft.js)',
  'window+sparse': '+ precomputed window and sparse mel filterbank',
  'two-frames': '+ two real frames per complex FFT of size N (A real, B imaginary, split after)',
  library: 'src/dsp melSpectrogram: the wasm SIMD kernels (native/dsp.c), two frames per f64x2 vector',
};

/** Mel power of x with kaggle2020 parameters (center, constant padding) the way `step` says. */
function melByStep(step: Step, x: Float32Array, sr: number): void {
  const p = presets.kaggle2020.params;
  const nFft = p.nFft;
  const hop = p.hopLength;
  const bins = nFft / 2 + 1;
  const fb = melFilterbank({ sr, nFft, nMels: p.nMels, fmin: p.fmin, fmax: p.fmax });
  if (step === 'library') {
    melSpectrogram(x, { ...p, sr });
    return;
  }
  const pad = nFft / 2;
  const frames = 1 + Math.floor(x.length / hop);
  const out = new Float32Array(p.nMels * frames);
  const sample = (i: number) => (i >= 0 && i < x.length ? x[i] : 0);
  const typed = step !== 'naive' && step !== 'no-alloc';
  const dense = melFilterbankDense(fb);
  const denseRows: number[][] = [];
  if (!typed) for (let m = 0; m < p.nMels; m++) denseRows.push(Array.from(dense.subarray(m * bins, (m + 1) * bins)));
  const fft = new FFT(nFft);
  const win = getWindow('hann', nFft, nFft);

  if (step === 'naive' || step === 'no-alloc') {
    let frame: number[] = new Array(nFft).fill(0);
    let spec: number[] = fft.createComplexArray() as number[];
    let power: number[] = new Array(bins).fill(0);
    for (let t = 0; t < frames; t++) {
      if (step === 'naive') {
        frame = new Array(nFft).fill(0);
        spec = fft.createComplexArray() as number[];
        power = new Array(bins).fill(0);
      }
      for (let j = 0; j < nFft; j++) frame[j] = sample(t * hop - pad + j) * (0.5 - 0.5 * Math.cos((2 * Math.PI * j) / nFft));
      fft.realTransform(spec, frame);
      for (let k = 0; k < bins; k++) power[k] = spec[2 * k] ** 2 + spec[2 * k + 1] ** 2;
      for (let m = 0; m < p.nMels; m++) {
        const row = denseRows[m];
        let s = 0;
        for (let k = 0; k < bins; k++) s += row[k] * power[k];
        out[m * frames + t] = s;
      }
    }
    return;
  }
  const frame = new Float64Array(nFft);
  const power = new Float64Array(bins);
  if (step === 'typed' || step === 'window+sparse') {
    const spec = new Float64Array(2 * nFft);
    for (let t = 0; t < frames; t++) {
      const start = t * hop - pad;
      if (step === 'typed') {
        for (let j = 0; j < nFft; j++) frame[j] = sample(start + j) * (0.5 - 0.5 * Math.cos((2 * Math.PI * j) / nFft));
      } else if (start >= 0 && start + nFft <= x.length) {
        for (let j = 0; j < nFft; j++) frame[j] = x[start + j] * win[j];
      } else {
        for (let j = 0; j < nFft; j++) frame[j] = sample(start + j) * win[j];
      }
      fft.realTransform(spec, frame);
      for (let k = 0; k < bins; k++) power[k] = spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1];
      if (step === 'typed') {
        for (let m = 0; m < p.nMels; m++) {
          let s = 0;
          for (let k = 0; k < bins; k++) s += dense[m * bins + k] * power[k];
          out[m * frames + t] = s;
        }
      } else {
        sparseMel(fb, power, out, t, frames);
      }
    }
    return;
  }
  // two-frames: frames t and t+1 share one complex FFT of size nFft
  const packed = new Float64Array(2 * nFft);
  const z = new Float64Array(2 * nFft);
  const powerB = new Float64Array(bins);
  for (let t = 0; t < frames; t += 2) {
    const a = t * hop - pad;
    const b = a + hop;
    const haveB = t + 1 < frames;
    for (let j = 0; j < nFft; j++) {
      packed[2 * j] = sample(a + j) * win[j];
      packed[2 * j + 1] = haveB ? sample(b + j) * win[j] : 0;
    }
    fft.transform(z, packed);
    for (let k = 0; k < bins; k++) {
      const m = (nFft - k) % nFft;
      const ar = 0.5 * (z[2 * k] + z[2 * m]);
      const ai = 0.5 * (z[2 * k + 1] - z[2 * m + 1]);
      const br = 0.5 * (z[2 * k + 1] + z[2 * m + 1]);
      const bi = -0.5 * (z[2 * k] - z[2 * m]);
      power[k] = ar * ar + ai * ai;
      powerB[k] = br * br + bi * bi;
    }
    sparseMel(fb, power, out, t, frames);
    if (haveB) sparseMel(fb, powerB, out, t + 1, frames);
  }
}

function sparseMel(fb: ReturnType<typeof melFilterbank>, power: Float64Array, out: Float32Array, t: number, frames: number): void {
  for (let m = 0; m < fb.nMels; m++) {
    let s = 0;
    const o = fb.offset[m];
    const st = fb.start[m];
    for (let j = 0; j < fb.length[m]; j++) s += fb.weights[o + j] * power[st + j];
    out[m * frames + t] = s;
  }
}

/** Runs every step in its own Node process on the first `seconds` of the file. */
function benchSteps(path: string, runs: number, seconds = 60): StepResult[] {
  const results: StepResult[] = [];
  for (const step of STEPS) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', THIS_FILE, '--run-step', step, path, String(seconds), String(runs)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`step ${step} failed: ${r.stderr}`);
    const s = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { seconds: number; cpu: number };
    results.push({ step: `${step}: ${STEP_DOC[step]}`, realTime: seconds / s.cpu, wallRealTime: seconds / s.seconds });
  }
  return results;
}

async function runStepChild(step: Step, path: string, seconds: number, runs: number): Promise<void> {
  const audio = await readAudioFile(path);
  const x = audio.samples.slice(0, Math.min(audio.samples.length, Math.round(seconds * audio.sampleRate)));
  melByStep(step, x, audio.sampleRate);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    melByStep(step, x, audio.sampleRate);
    cpu.push(cpuSeconds(c0));
    times.push((performance.now() - t0) / 1000);
  }
  console.log(JSON.stringify({ step, seconds: median(times), cpu: median(cpu) }));
}

export function formatMelBench(b: MelBench): string {
  const f = (v: number | null, d = 1) => (v === null ? '-' : v.toFixed(d));
  const lines = [
    `WAV -> mel -> dB, ${b.file}, median of ${b.runs} after warm-up, interleaved with the peers; load average ${b.load[0].toFixed(1)} -> ${b.load[1].toFixed(1)}`,
    ...b.peers.map((p) => `  numpy ${p.numpy}: ${p.python}, BLAS ${p.blas}`),
    'preset     | threads ours / numpy     | ours s | ours x real time | numpy       | numpy s | numpy x real time | numpy process s | wall numpy/ours | CPU s ours / numpy | CPU numpy/ours',
  ];
  for (const r of b.presets) {
    for (const c of [r, r.allCores]) {
      const threads = `${c.oursThreads} / ${c.numpyPinned ? '1 (pinned)' : 'unpinned'}`;
      for (const p of c.peers) {
        lines.push(
          `${r.preset.padEnd(10)} | ${threads.padEnd(24)} | ${f(c.oursSeconds, 3).padStart(6)} | ${f(c.oursRealTime).padStart(16)} | ${p.numpy.padEnd(11)} | ${f(p.seconds, 3).padStart(7)} | ${f(p.realTime).padStart(17)} | ${f(p.wallSeconds, 2).padStart(15)} | ${f(p.ratio, 2).padStart(15)} | ${`${f(c.oursCpuSeconds, 2)} / ${f(p.cpuSeconds, 2)}`.padStart(18)} | ${f(p.cpuRatio, 2).padStart(14)}`,
        );
      }
    }
  }
  if (b.cli.length > 0) {
    lines.push('', 'whole process, wall s: node bin/birdcall.js melspec FILE --preset P --db -o OUT.npy against mel_numpy.py FILE (same parameters, --out), peers at their default threads');
    for (const c of b.cli) {
      for (const p of c.peers) lines.push(`  ${c.preset.padEnd(10)} ours ${c.oursSeconds.toFixed(2)} s | numpy ${p.numpy} ${p.seconds.toFixed(2)} s | numpy/ours ${p.ratio.toFixed(2)}`);
    }
  }
  if (b.steps) {
    lines.push('', 'speed steps (kaggle2020 params, mel power only, 60 s of audio, fresh process each; x real time in CPU / wall):');
    for (const s of b.steps) lines.push(`  ${s.realTime.toFixed(0).padStart(5)} / ${s.wallRealTime.toFixed(0).padStart(5)}  ${s.step}`);
  }
  return lines.join('\n');
}

if (process.argv[1] === THIS_FILE) {
  const i = process.argv.indexOf('--run-step');
  if (i >= 0) {
    const [step, path, seconds, runs] = process.argv.slice(i + 1);
    await runStepChild(step as Step, path, Number(seconds), Number(runs));
  } else {
    const result = await benchMel({ steps: process.argv.includes('--steps'), presets: !process.argv.includes('--steps-only') });
    console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 2) : formatMelBench(result));
  }
}
