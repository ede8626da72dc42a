/**
 * Real-FFT throughput (issue 3, item 1; issue 16): transforms/s for N = 256 .. 4096 of the path the mel
 * spectrogram runs (the wasm SIMD kernels of src/dsp/native: window + FFT + |X|^2, 2 frames per f64x2
 * vector, and the opt-in float32 one, 4 frames per f32x4), of the JS plan (realFft(n).power: our mixed
 * radix-8/4 complex transform of N/2 plus the split step; stft() and the fallback for other sizes; see
 * docs/decisions/fft.md) beside the alternatives it was chosen over (the same split on fft.js's complex
 * transform, fft.js's own realTransform, two frames per complex transform), and numpy's batched rfft in
 * the same run (the method of ../shared/tools/peers/fft_numpy_throughput.py, counted in CPU time like
 * ours: less work than ours, no window and no |X|^2), and numpy doing the same work as ours (window, rfft,
 * |X|^2), for every numpy peer found (numpy 1.24 on /usr/bin/python3, the peer, and numpy 2.x on
 * python3; BENCH_PYTHON=... picks one other), pinned to one thread.
 *
 *   npx tsx bench/fft.ts            # prints a table; --json for machine-readable output
 *
 * Only Float64Arrays are fed to fft.js in this process: fft.js slows down 2-5x once a process has fed it
 * other array types, so a caller that wants honest figures must not mix types before calling benchFft.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import FFT from 'fft.js';
import { RealFft } from '../src/dsp/fft.ts';
import { nativeEngine, type Precision } from '../src/dsp/native.ts';
import { frameLayout, stftConfig } from '../src/dsp/stft.ts';
import { mulberry32 } from '../src/random.ts';

const SIZES = [256, 512, 1024, 2048, 4096];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Transforms per second of `fn` (which does `perCall` transforms): warm-up, then the median of `runs`
 * slices of `sliceMs` each. Counted per second of this process's CPU time: these machines are shared and
 * loaded, and wall time then measures the queue for the CPU rather than the code (one thread, so CPU
 * time is the time the transform ran).
 */
function throughput(fn: () => void, perCall: number, runs: number, sliceMs: number): number {
  const warmEnd = performance.now() + sliceMs;
  while (performance.now() < warmEnd) fn();
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    let calls = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    do {
      for (let i = 0; i < 32; i++) fn();
      calls += 32;
    } while (performance.now() - t0 < sliceMs);
    const cpu = process.cpuUsage(c0);
    rates.push((calls * perCall * 1e6) / (cpu.user + cpu.system));
  }
  return median(rates);
}

/** Uniform values in [-0.5, 0.5), the same for the same seed. */
function signal(n: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  return Float64Array.from({ length: n }, () => next() - 0.5);
}

export interface FftRow {
  n: number;
  /** Our plan: realFft(n).power, our own kernel (what the STFT calls per frame). */
  oursPerSec: number;
  /** The same split step on fft.js's complex transform of N/2 (the plan before our own kernel). */
  fftjsSplitPerSec: number;
  oursNsPerNlogN: number;
  /** RealFft.forward (complex bins out). */
  oursForwardPerSec: number;
  /** fft.js realTransform on Float64Arrays (the README's figure), no |X|^2. */
  fftjsRealPerSec: number;
  /** Two real frames packed in one complex fft.js transform of size N, split after, |X|^2 for both. */
  twoFramesPerSec: number;
  /** The wasm SIMD path the mel spectrogram runs (src/dsp/native.ts): window + FFT + |X|^2, 2 frames per f64x2. */
  wasmF64PerSec: number;
  /** The same in float32, 4 frames per f32x4 (opt-in: precision 'float32'). */
  wasmF32PerSec: number;
  /**
   * numpy on a [256, N] batch, in the same run, one entry per numpy peer found (numpyPeers): `perSec`
   * np.fft.rfft alone (less work than ours: no window, no |X|^2); `samePerSec` the same work as ours, the
   * Hann window, rfft and |X|^2, the faster of np.abs(S)**2 (librosa's) and S.real**2 + S.imag**2.
   */
  numpyBatched: { numpy: string; perSec: number; samePerSec: number }[];
}

export interface FftBench {
  runs: number;
  sliceMs: number;
  rows: FftRow[];
  /** The numpy peers measured, e.g. ['1.24.2', '2.4.6']. */
  numpy: string[];
}

/** Frames per second of the wasm SIMD path: windowed power spectra of 256 frames of a signal, hop N/2. */
function wasmPowerVariant(n: number, precision: Precision): () => void {
  const cfg = stftConfig({ nFft: n, hopLength: n / 2, center: false });
  const x = Float32Array.from(signal(256 * (n / 2) + n / 2, n + 1));
  const layout = frameLayout(x.length, cfg);
  const engine = nativeEngine(cfg, undefined, precision);
  return () => engine.framesInto(x, 0, layout, 0, layout.frames, undefined, layout.frames);
}

/** |X|^2 of two real frames from one complex FFT: A as the real part, B as the imaginary part. */
function twoFrameVariant(n: number): () => void {
  const fft = new FFT(n);
  const a = signal(n, 1);
  const b = signal(n, 2);
  const packed = new Float64Array(2 * n);
  const out = new Float64Array(2 * n);
  const pa = new Float64Array(n / 2 + 1);
  const pb = new Float64Array(n / 2 + 1);
  return () => {
    for (let j = 0; j < n; j++) {
      packed[2 * j] = a[j];
      packed[2 * j + 1] = b[j];
    }
    fft.transform(out, packed);
    for (let k = 0; k <= n / 2; k++) {
      const m = (n - k) % n;
      const zr = out[2 * k];
      const zi = out[2 * k + 1];
      const cr = out[2 * m];
      const ci = out[2 * m + 1];
      // A = (Z[k] + conj Z[n-k]) / 2, B = (Z[k] - conj Z[n-k]) / 2i
      const ar = 0.5 * (zr + cr);
      const ai = 0.5 * (zi - ci);
      const br = 0.5 * (zi + ci);
      const bi = -0.5 * (zr - cr);
      pa[k] = ar * ar + ai * ai;
      pb[k] = br * br + bi * bi;
    }
  };
}

// numpy's batched rfft on a [256, N] float64 block, as fft_numpy_throughput.py measures it (how librosa
// calls it), counted per second of CPU time like ours; then the same work as ours (window, rfft, |X|^2),
// written the two ways a numpy user would, the faster kept.
const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
slice_s = float(sys.argv[1]); runs = int(sys.argv[2])
rng = np.random.default_rng(0)
def rate(f):
    end = time.perf_counter() + slice_s
    while time.perf_counter() < end: f()
    rates = []
    for _ in range(runs):
        n = 0; t0 = time.perf_counter(); c0 = time.process_time()
        while time.perf_counter() - t0 < slice_s:
            f(); n += 256
        rates.append(n / (time.process_time() - c0))
    return sorted(rates)[len(rates) // 2]
def re_im(X, w):
    S = np.fft.rfft(X * w, axis=-1)
    return S.real ** 2 + S.imag ** 2
for N in (256, 512, 1024, 2048, 4096):
    X = rng.standard_normal((256, N))
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N) / N)
    alone = rate(lambda: np.fft.rfft(X, axis=-1))
    same = max(rate(lambda: np.abs(np.fft.rfft(X * w, axis=-1)) ** 2), rate(lambda: re_im(X, w)))
    print(json.dumps({'N': N, 'per_cpu_s': alone, 'same_per_cpu_s': same, 'numpy': np.__version__}))
`;

/** The Python that runs the numpy peer, its numpy version and the BLAS numpy was built against. */
export interface NumpyPeer {
  python: string;
  numpy: string;
  /** e.g. 'scipy-openblas 0.3.31' (numpy 2 wheels) or 'blas' (Debian's numpy 1.24 on the reference BLAS). */
  blas: string;
}

const NUMPY_PROBE = `
import numpy as np
try:
    b = np.show_config(mode='dicts')['Build Dependencies']['blas']
    blas = (str(b.get('name')) + ' ' + str(b.get('version', ''))).strip()
except Exception:
    try:
        blas = ','.join(sorted(set(np.__config__.blas_opt_info.get('libraries', [])))) or 'unknown'
    except Exception:
        blas = 'unknown'
print(np.__version__)
print(blas)
`;

let peersCache: NumpyPeer[] | undefined;

/**
 * The numpy peers of this machine: the issue measures against numpy 1.24 (the system Python,
 * /usr/bin/python3, here) and numpy 2.x on OpenBLAS (the `python3` on PATH), so both when their numpy
 * imports and they differ; BENCH_PYTHON=... picks one other instead.
 */
export function numpyPeers(): NumpyPeer[] {
  if (peersCache !== undefined) return peersCache;
  peersCache = [];
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', NUMPY_PROBE], { encoding: 'utf8' });
    const [numpy, blas] = r.stdout?.trim().split('\n') ?? [];
    if (r.status === 0 && numpy && !peersCache.some((p) => p.numpy === numpy && p.blas === blas)) {
      peersCache.push({ python, numpy, blas: blas ?? 'unknown' });
    }
  }
  return peersCache;
}

/**
 * Environment for the peer: `oneThread` pins numpy's BLAS / OpenMP pools to one thread (for the
 * one-thread comparison; unpinned, the mel product's matmul may use every core).
 */
export function peerEnv(oneThread: boolean): NodeJS.ProcessEnv {
  if (!oneThread) return process.env;
  return { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
}

function numpyRates(peer: NumpyPeer, sliceMs: number, runs: number): Map<number, { alone: number; same: number }> | null {
  const r = spawnSync(peer.python, ['-c', NUMPY_SCRIPT, String(sliceMs / 1000), String(runs)], { encoding: 'utf8', env: peerEnv(true) });
  if (r.status !== 0) return null;
  const rates = new Map<number, { alone: number; same: number }>();
  for (const line of r.stdout.trim().split('\n')) {
    const row = JSON.parse(line) as { N: number; per_cpu_s: number; same_per_cpu_s: number };
    rates.set(row.N, { alone: row.per_cpu_s, same: row.same_per_cpu_s });
  }
  return rates;
}

export function benchFft(opts: { runs?: number; sliceMs?: number; numpy?: boolean } = {}): FftBench {
  const runs = opts.runs ?? 5;
  const sliceMs = opts.sliceMs ?? 200;
  const rows: FftRow[] = [];
  for (const n of SIZES) {
    const x = signal(n, n);
    const plan = new RealFft(n, 'radix-8');
    const power = new Float64Array(plan.bins);
    const complex = new Float64Array(2 * plan.bins);
    const oursPerSec = throughput(() => plan.power(x, power), 1, runs, sliceMs);
    const split = new RealFft(n, 'fft.js');
    const fftjsSplitPerSec = throughput(() => split.power(x, power), 1, runs, sliceMs);
    const oursForwardPerSec = throughput(() => plan.forward(x, complex), 1, runs, sliceMs);
    const fftjs = new FFT(n);
    const fftOut = new Float64Array(2 * n);
    const fftjsRealPerSec = throughput(() => fftjs.realTransform(fftOut, x), 1, runs, sliceMs);
    const twoFramesPerSec = throughput(twoFrameVariant(n), 2, runs, sliceMs);
    const wasmF64PerSec = throughput(wasmPowerVariant(n, 'float64'), 256, runs, sliceMs);
    const wasmF32PerSec = throughput(wasmPowerVariant(n, 'float32'), 256, runs, sliceMs);
    rows.push({
      n,
      oursPerSec,
      oursNsPerNlogN: 1e9 / oursPerSec / (n * Math.log2(n)),
      oursForwardPerSec,
      fftjsSplitPerSec,
      fftjsRealPerSec,
      twoFramesPerSec,
      wasmF64PerSec,
      wasmF32PerSec,
      numpyBatched: [],
    });
  }
  const numpy: string[] = [];
  for (const peer of opts.numpy === false ? [] : numpyPeers()) {
    const rates = numpyRates(peer, sliceMs, runs);
    if (!rates) continue;
    numpy.push(peer.numpy);
    for (const row of rows) {
      const rate = rates.get(row.n);
      row.numpyBatched.push({ numpy: peer.numpy, perSec: rate?.alone ?? Number.NaN, samePerSec: rate?.same ?? Number.NaN });
    }
  }
  return { runs, sliceMs, rows, numpy };
}

export function formatFftBench(r: FftBench): string {
  const k = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : `${(v / 1000).toFixed(1)}k`);
  const peers = r.numpy.map((v) => `numpy ${v}`);
  const lines = [
    `real FFT throughput (transforms per CPU second, median of ${r.runs} x ${r.sliceMs} ms after warm-up); wasm = window + FFT + |X|^2 per frame; ` +
      'numpy = batched rfft alone (less work), and "same" = window, rfft and |X|^2 (the faster of np.abs(S)**2 and S.real**2 + S.imag**2)',
    [
      'N    ',
      'wasm f64x2',
      'wasm f32x4',
      'JS power',
      'ns/(N log2 N) JS',
      'JS forward',
      'fft.js N/2 + split',
      'fft.js realTransform',
      '2 frames/complex',
      ...peers.flatMap((p) => [p, 'f64x2 / it', `${p} same`, 'f64x2 / it']),
    ].join(' | '),
  ];
  for (const row of r.rows) {
    const cells = [
      String(row.n).padEnd(5),
      k(row.wasmF64PerSec).padStart(10),
      k(row.wasmF32PerSec).padStart(10),
      k(row.oursPerSec).padStart(8),
      row.oursNsPerNlogN.toFixed(2).padStart(16),
      k(row.oursForwardPerSec).padStart(10),
      k(row.fftjsSplitPerSec).padStart(18),
      k(row.fftjsRealPerSec).padStart(20),
      k(row.twoFramesPerSec).padStart(16),
      ...row.numpyBatched.flatMap((p, i) => [
        k(p.perSec).padStart(peers[i].length),
        `${(row.wasmF64PerSec / p.perSec).toFixed(2)}x`.padStart(10),
        k(p.samePerSec).padStart(peers[i].length + 5),
        `${(row.wasmF64PerSec / p.samePerSec).toFixed(2)}x`.padStart(10),
      ]),
    ];
    lines.push(cells.join(' | '));
  }
  for (const peer of numpyPeers()) lines.push(`numpy ${peer.numpy}: ${peer.python}, BLAS ${peer.blas}; one thread (OPENBLAS/OMP/MKL_NUM_THREADS=1)`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = benchFft();
  console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 2) : formatFftBench(result));
}
