/**
 * Training and inference speed of the CNNs (issue 10): seconds per example for the default `compact` model
 * and the 3-conv reference model of the PyTorch peer, at 64x128 and 128x256, on the backend in use, beside
 * `../shared/tools/peers/cnn_torch_peer.py` in the same run when Debian's torch imports. Ours and the peer
 * alternate configuration by configuration, so machine load hits both alike; compare the ratios, not the
 * absolute figures (these machines are shared and noisy).
 *
 *   npx tsx bench/train.ts [--quick] [--profile] [--no-torch] [--steps N] [--models compact,reference] [--threads 1,2] [--json]
 *   npx tsx bench/train.ts --ablation [--quick]   # the speed-work steps added one at a time, each in a fresh process
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { batchNormalization, conv2d } from '../src/train/layers.ts';
import { initBackend } from '../src/train/backend.ts';
import { Adam } from '../src/train/adam.ts';
import { foldBatchNorm } from '../src/train/fold.ts';
import { KERNEL_STEPS } from '../src/train/kernels/index.ts';
import { ReplicaGroup, shareGradients } from '../src/train/replicas.ts';
import { buildModel } from '../src/train/models.ts';

const TORCH_PEER = fileURLToPath(new URL('../../shared/tools/peers/cnn_torch_peer.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const THIS_FILE = fileURLToPath(import.meta.url);
const CLASSES = 10;

export type BenchModel = 'compact' | 'reference';

export interface BenchTrainOptions {
  /** [height, width] inputs; default 64x128 and 128x256. */
  sizes?: [number, number][];
  models?: BenchModel[];
  batchSize?: number;
  /** Untimed steps first (kernel set-up, heap growth). */
  warmup?: number;
  /** At least this many timed steps (and at least half of max(4, steps) seconds each for training and inference, as the peer); the median is reported. */
  steps?: number;
  /** Run the PyTorch peer beside ours when it imports (default true). */
  torch?: boolean;
  /** Per-kernel time of one training step of each configuration (tf.profile). */
  profile?: boolean;
  /** Thread counts to train on (data-parallel replica groups beyond 1); default [1, 2]. */
  threads?: number[];
  log?: (line: string) => void;
}

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

/**
 * Seconds per example by two clocks. Wall time is what a user waits; CPU time (user + system of the whole
 * process) is what the computation costs and is far less disturbed by other processes on a shared machine.
 * Each is the median over the timed steps.
 */
export interface Timing {
  wall: number;
  cpu: number;
}

export interface ConfigResult {
  model: BenchModel;
  height: number;
  width: number;
  backend: string;
  threads: number;
  train: Timing;
  infer: Timing;
  /** PyTorch's figures for the reference model at the same size and thread count. */
  torchTrain?: Timing;
  torchInfer?: Timing;
  /** Ours / PyTorch per clock: below 1 means we are faster. */
  trainRatio?: Timing;
  inferRatio?: Timing;
  profile?: KernelTime[];
}

export interface BenchTrainResult {
  backend: string;
  tfjs: string;
  torch: string | undefined;
  batchSize: number;
  steps: number;
  /** 1-minute load average before and after: the machine is shared, so say how busy it was. */
  loadBefore: number;
  loadAfter: number;
  configs: ConfigResult[];
}

/** The PyTorch peer's model: 3 x [conv 3x3 same (with bias) -> batchnorm -> relu -> maxpool 2], GAP, dense, sigmoid. */
export function referenceModel(height: number, width: number, classes = CLASSES): tf.LayersModel {
  const input = tf.input({ shape: [height, width, 1] });
  let x: tf.SymbolicTensor = input;
  let seed = 1;
  for (const filters of [16, 32, 64]) {
    x = conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.heNormal({ seed: seed++ }) }).apply(x) as tf.SymbolicTensor;
    x = batchNormalization({ axis: -1 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: classes, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Deterministic inputs in [0, 1) and 0/1 targets, like the peer's torch.rand inputs. */
function batchTensors(batch: number, height: number, width: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const x = Float32Array.from({ length: batch * height * width }, next);
  const y = Float32Array.from({ length: batch * CLASSES }, () => (next() > 0.5 ? 1 : 0));
  return { x: tf.tensor4d(x, [batch, height, width, 1]), y: tf.tensor2d(y, [batch, CLASSES]) };
}

interface Stepper {
  train: () => Promise<void>;
  infer: () => Promise<void>;
  dispose: () => Promise<void>;
}

/**
 * One training step as src/train/train.ts takes it (Adam on binary cross-entropy), and one inference batch
 * as `birdcall predict` runs a saved model (batchnorm folded into the convolutions). With threads > 1 both
 * go through replica groups: of the model for training, of its folded form for inference.
 */
async function stepper(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D, threads: number): Promise<Stepper> {
  const optimizer = new Adam(1e-3);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batch = { x: x.dataSync() as Float32Array, y: y.dataSync() as Float32Array, sampleWeights: new Float32Array(x.shape[0]).fill(1), size: x.shape[0] };
  const inference = foldBatchNorm(model);
  const group = threads > 1 ? await ReplicaGroup.start(model, threads) : undefined;
  const inferenceGroup = threads > 1 ? await ReplicaGroup.start(inference, threads) : undefined;
  return {
    train: async () => {
      const { loss, grads } =
        group !== undefined
          ? await group.gradients(model, variables, batch, 0)
          : shareGradients(model, variables, { ...batch, rows: batch.size, batchSize: batch.size, focalGamma: 0 });
      optimizer.applyGradients(variables, grads);
      await loss.data();
      tf.dispose([loss, ...Object.values(grads)]);
    },
    infer: async () => {
      if (inferenceGroup !== undefined) {
        await inferenceGroup.predict(inference, batch.x, batch.size);
        return;
      }
      const p = tf.tidy(() => inference.predict(x) as tf.Tensor);
      await p.data();
      p.dispose();
    },
    dispose: async () => {
      await group?.dispose();
      await inferenceGroup?.dispose();
      optimizer.dispose();
      if (inference !== model) inference.dispose();
    },
  };
}

/**
 * Like the peer's timed_loop: `warmup` untimed steps, then timed steps until there are at least `steps` of
 * them and `budget` seconds have passed; the median counts. The time budget matters for the first
 * configuration of a process, whose early steps still pay for compilation and heap growth.
 */
async function timeSteps(step: () => Promise<void>, warmup: number, steps: number, batch: number, budget: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await step();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < steps || performance.now() - start < budget * 1000) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await step();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall) / batch, cpu: median(cpu) / batch };
}

async function profileStep(step: () => Promise<void>): Promise<KernelTime[]> {
  const info = await tf.profile(step);
  const byKernel = new Map<string, KernelTime>();
  for (const k of info.kernels) {
    const entry = byKernel.get(k.name) ?? { kernel: k.name, ms: 0, calls: 0 };
    entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  return [...byKernel.values()].sort((a, b) => b.ms - a.ms).map((k) => ({ ...k, ms: Math.round(k.ms * 10) / 10 }));
}

interface TorchFigures {
  train: Timing;
  infer: Timing;
}

function torchVersion(): string | undefined {
  if (!existsSync(PYTHON) || !existsSync(TORCH_PEER)) return undefined;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Runs the peer unchanged, once as it is (wall clock) and once with its clock swapped for the process CPU
 * clock (time.process_time), so both of our clocks have a PyTorch counterpart.
 */
const TORCH_WRAPPER = [
  'import runpy, sys, time',
  "if sys.argv[1] == 'cpu': time.perf_counter = time.process_time",
  'path = sys.argv[2]',
  'sys.argv = [path] + sys.argv[3:]',
  "runpy.run_path(path, run_name='__main__')",
].join('\n');

function runTorch(height: number, width: number, threads: number, batch: number, seconds: number): TorchFigures {
  const run = (clock: 'wall' | 'cpu'): { train: number; infer: number } => {
    const args = ['--h', String(height), '--w', String(width), '--bn', '--threads', String(threads), '--batch', String(batch), '--seconds', String(seconds)];
    const r = spawnSync(PYTHON, ['-c', TORCH_WRAPPER, clock, TORCH_PEER, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`torch peer failed: ${r.stderr}`);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { train_s_per_example: number; infer_s_per_example: number };
    return { train: line.train_s_per_example, infer: line.infer_s_per_example };
  };
  const wall = run('wall');
  const cpu = run('cpu');
  return { train: { wall: wall.train, cpu: cpu.train }, infer: { wall: wall.infer, cpu: cpu.infer } };
}

function ratio(ours: Timing, theirs: Timing): Timing {
  return { wall: ours.wall / theirs.wall, cpu: ours.cpu / theirs.cpu };
}

export async function benchTrain(opts: BenchTrainOptions = {}): Promise<BenchTrainResult> {
  const sizes = opts.sizes ?? [
    [64, 128],
    [128, 256],
  ];
  const models = opts.models ?? ['compact', 'reference'];
  const batch = opts.batchSize ?? 16;
  const warmup = opts.warmup ?? 2;
  const steps = Math.max(5, opts.steps ?? 5);
  // Seconds per configuration, training and inference, as the peer's --seconds.
  const budget = Math.max(4, steps);
  const log = opts.log ?? (() => undefined);
  const backend = await initBackend();
  const torch = opts.torch === false ? undefined : torchVersion();
  const loadBefore = loadavg()[0];
  const configs: ConfigResult[] = [];
  const threadCounts = opts.threads ?? [1, 2];
  for (const [height, width] of sizes) {
    for (const threads of threadCounts) {
      // The peer's model is the reference; the compact model differs only by its conv biases.
      const torchFigures = torch === undefined ? undefined : runTorch(height, width, threads, batch, budget);
      for (const name of models) {
        const model = name === 'compact' ? buildModel({ name: 'compact', inputShape: [height, width, 1], classes: CLASSES, seed: 1 }) : referenceModel(height, width);
        const { x, y } = batchTensors(batch, height, width);
        const s = await stepper(model, x, y, threads);
        const train = await timeSteps(s.train, warmup, steps, batch, budget / 2);
        const infer = await timeSteps(s.infer, warmup, steps, batch, budget / 2);
        const result: ConfigResult = {
          model: name,
          height,
          width,
          backend: backend.name,
          threads,
          train,
          infer,
        };
        if (torchFigures !== undefined) {
          result.torchTrain = torchFigures.train;
          result.torchInfer = torchFigures.infer;
          result.trainRatio = ratio(train, torchFigures.train);
          result.inferRatio = ratio(infer, torchFigures.infer);
        }
        if (opts.profile === true) result.profile = await profileStep(s.train);
        await s.dispose();
        configs.push(result);
        log(formatRow(result));
        x.dispose();
        y.dispose();
        model.dispose();
      }
    }
  }
  return { backend: backend.description, tfjs: tf.version.tfjs, torch, batchSize: batch, steps, loadBefore, loadAfter: loadavg()[0], configs };
}

export interface AblationRow {
  /** The kernel steps registered (BIRDCALL_WASM_KERNELS), cumulative. */
  kernels: string;
  configs: ConfigResult[];
}

/**
 * The speed work measured step by step: each cumulative set of kernels in a fresh process (kernels and
 * gradients register once per process), without the peer. 'none' is tfjs 4.22 with only the original
 * GEMM filter gradient that training needs to run at all.
 */
export function ablation(args: string[] = [], log: (line: string) => void = () => undefined): AblationRow[] {
  const rows: AblationRow[] = [];
  for (let i = 0; i <= KERNEL_STEPS.length; i++) {
    const kernels = i === 0 ? 'none' : KERNEL_STEPS.slice(0, i).join(',');
    const threads = args.includes('--threads') ? [] : ['--threads', '1'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', THIS_FILE, '--json', '--no-torch', ...threads, ...args], {
      encoding: 'utf8',
      env: { ...process.env, BIRDCALL_WASM_KERNELS: kernels, BIRDCALL_BACKEND: 'wasm' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`ablation step ${kernels} failed: ${r.stderr}`);
    const result = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as BenchTrainResult;
    rows.push({ kernels, configs: result.configs });
    for (const c of result.configs) log(`${kernels.padEnd(40)} ${formatRow(c)}`);
  }
  return rows;
}

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined ? '-' : v.toFixed(digits);
}

function pair(label: string, ours: Timing, torch: Timing | undefined, r: Timing | undefined): string {
  return `${label} wall ${fmt(ours.wall)} cpu ${fmt(ours.cpu)} s/ex (torch ${fmt(torch?.wall)} / ${fmt(torch?.cpu)}; x${fmt(r?.wall, 2)} / x${fmt(r?.cpu, 2)})`;
}

export function formatRow(r: ConfigResult): string {
  return [`${r.model.padEnd(9)} ${`${r.height}x${r.width}`.padEnd(7)} ${r.backend} ${r.threads}t`, pair('train', r.train, r.torchTrain, r.trainRatio), pair('infer', r.infer, r.torchInfer, r.inferRatio)].join('  ');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const stepsAt = args.indexOf('--steps');
  const quick = args.includes('--quick');
  const json = args.includes('--json');
  const modelsAt = args.indexOf('--models');
  const threadsAt = args.indexOf('--threads');
  const models = modelsAt >= 0 ? (args[modelsAt + 1].split(',') as BenchModel[]) : undefined;
  if (args.includes('--ablation')) {
    const passOn = args.filter((a, i) => a !== '--ablation' && a !== '--json' && args[i - 1] !== '--json');
    const rows = ablation(passOn, json ? undefined : (line) => console.log(line));
    if (json) console.log(JSON.stringify(rows, null, 2));
    process.exit(0);
  }
  const result = await benchTrain({
    models,
    sizes: quick ? [[64, 128]] : undefined,
    steps: stepsAt >= 0 ? Number(args[stepsAt + 1]) : undefined,
    threads: threadsAt >= 0 ? args[threadsAt + 1].split(',').map(Number) : undefined,
    torch: !args.includes('--no-torch'),
    profile: args.includes('--profile'),
    log: json ? undefined : (line) => console.log(line),
  });
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`${result.backend}; torch ${result.torch ?? 'not available'}; load ${result.loadBefore.toFixed(1)} -> ${result.loadAfter.toFixed(1)}`);
    for (const c of result.configs) {
      if (c.profile === undefined) continue;
      console.log(`profile ${c.model} ${c.height}x${c.width}: ${c.profile.slice(0, 12).map((k) => `${k.kernel} ${k.ms}ms/${k.calls}`).join(', ')}`);
    }
  }
}
