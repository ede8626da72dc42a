/**
 * WAV -> mel -> dB throughput (issue 3, items 2 and 4): real-time factor (seconds of audio per second of
 * compute, one thread) for presets `librosa` and `kaggle2020` on a generated 10-minute 32 kHz file,
 * beside the numpy peer (../shared/tools/peers/mel_numpy.py) in the same run, interleaved run by run so
 * machine load hits both alike. Plus, with --steps, the speed-work ablation: the same mel computation
 * written the naive way and then with each optimisation added, each in a fresh process (fft.js slows
 * down once a process has fed it mixed array types, so variants must not share one).
 *
 *   npx tsx bench/mel.ts [--steps | --steps-only] [--json]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import FFT from 'fft.js';
import { readAudioFile } from '../src/audio/read.ts';
import { melSpectrogram, melFilterbank, melFilterbankDense } from '../src/dsp/mel.ts';
import { powerToDb } from '../src/dsp/db.ts';
import { presets, type PresetName } from '../src/dsp/presets.ts';
import { getWindow } from '../src/dsp/window.ts';

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
  numpy: string;
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

function runPeer(path: string, preset: PresetName): PeerRun | null {
  const t0 = performance.now();
  const r = spawnSync('python3', ['-c', PEER_WRAPPER, `${PEERS}mel_numpy.py`, path, ...presetArgs(preset)], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) return null;
  const [timings, cpu] = r.stdout.trim().split('\n').slice(-2).map((line) => JSON.parse(line)) as [
    { read_s: number; compute_s: number; numpy: string },
    { cpu_s: number },
  ];
  return { inProcess: timings.read_s + timings.compute_s, cpu: cpu.cpu_s, wall, numpy: timings.numpy };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}

/** One WAV -> mel -> dB pass with our library, as `birdcall melspec --preset NAME --db` does it. */
async function runOurs(path: string, preset: PresetName): Promise<{ seconds: number; cpu: number; audioSeconds: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const audio = await readAudioFile(path);
  const mel = melSpectrogram(audio.samples, { ...presets[preset].params, sr: audio.sampleRate });
  powerToDb(mel, { ref: 'max' });
  return { seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(c0), audioSeconds: audio.samples.length / audio.sampleRate };
}

export interface MelPresetResult {
  preset: PresetName;
  audioSeconds: number;
  oursSeconds: number;
  oursRealTime: number;
  numpySeconds: number | null;
  numpyRealTime: number | null;
  numpyWallSeconds: number | null;
  /** ours / numpy in real-time factor (> 1: we are faster), against the peer's in-process time. */
  ratio: number | null;
  oursCpuSeconds: number;
  numpyCpuSeconds: number | null;
  /** The same ratio in CPU time. */
  cpuRatio: number | null;
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
  numpy: string | null;
  presets: MelPresetResult[];
  steps?: StepResult[];
}

export async function benchMel(opts: { runs?: number; steps?: boolean; presets?: boolean; path?: string } = {}): Promise<MelBench> {
  const runs = opts.runs ?? 5;
  const path = ensureLongWav(opts.path);
  const results: MelPresetResult[] = [];
  let numpyVersion: string | null = null;
  for (const preset of opts.presets === false ? [] : (['librosa', 'kaggle2020'] as PresetName[])) {
    await runOurs(path, preset);
    const warmPeer = runPeer(path, preset);
    const ours: number[] = [];
    const oursCpu: number[] = [];
    const peer: PeerRun[] = [];
    let audioSeconds = 0;
    for (let r = 0; r < runs; r++) {
      const o = await runOurs(path, preset);
      ours.push(o.seconds);
      oursCpu.push(o.cpu);
      audioSeconds = o.audioSeconds;
      if (warmPeer) {
        const p = runPeer(path, preset);
        if (p) peer.push(p);
      }
    }
    const oursSeconds = median(ours);
    const numpySeconds = peer.length > 0 ? median(peer.map((p) => p.inProcess)) : null;
    numpyVersion = peer[0]?.numpy ?? numpyVersion;
    results.push({
      preset,
      audioSeconds,
      oursSeconds,
      oursRealTime: audioSeconds / oursSeconds,
      numpySeconds,
      numpyRealTime: numpySeconds === null ? null : audioSeconds / numpySeconds,
      numpyWallSeconds: peer.length > 0 ? median(peer.map((p) => p.wall)) : null,
      ratio: numpySeconds === null ? null : numpySeconds / oursSeconds,
      oursCpuSeconds: median(oursCpu),
      numpyCpuSeconds: peer.length > 0 ? median(peer.map((p) => p.cpu)) : null,
      cpuRatio: peer.length > 0 ? median(peer.map((p) => p.cpu)) / median(oursCpu) : null,
    });
  }
  const bench: MelBench = { file: path, runs, numpy: numpyVersion, presets: results };
  if (opts.steps) bench.steps = benchSteps(path, runs);
  return bench;
}

// ---------------------------------------------------------------- speed-work ablation (kaggle2020 params)

const STEPS = ['naive', 'no-alloc', 'typed', 'window+sparse', 'two-frames', 'library'] as const;
type Step = (typeof STEPS)[number];
const STEP_DOC: Record<Step, string> = {
  naive: 'plain Arrays allocated per frame, window computed per frame, fft.js realTransform, dense mel product',
  'no-alloc': '+ buffers allocated once (still plain Arrays)',
  typed: '+ Float64Array everywhere (one array type into fft.js)',
  'window+sparse': '+ precomputed window and sparse mel filterbank',
  'two-frames': '+ two real frames per complex FFT of size N (A real, B imaginary, split after)',
  library: 'src/dsp: one complex FFT of size N/2 per frame + split step (melSpectrogram)',
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
    `WAV -> mel -> dB, one thread, ${b.file}, median of ${b.runs} after warm-up (numpy ${b.numpy ?? 'absent'})`,
    'preset     | ours s | ours x real time | numpy s | numpy x real time | numpy process s | ours/numpy | CPU s ours / numpy | CPU ours/numpy',
  ];
  for (const r of b.presets) {
    lines.push(
      `${r.preset.padEnd(10)} | ${f(r.oursSeconds, 3).padStart(6)} | ${f(r.oursRealTime).padStart(16)} | ${f(r.numpySeconds, 3).padStart(7)} | ${f(r.numpyRealTime).padStart(17)} | ${f(r.numpyWallSeconds, 2).padStart(15)} | ${f(r.ratio, 2).padStart(10)} | ${`${f(r.oursCpuSeconds, 2)} / ${f(r.numpyCpuSeconds, 2)}`.padStart(18)} | ${f(r.cpuRatio, 2).padStart(14)}`,
    );
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
