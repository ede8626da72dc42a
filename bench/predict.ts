/**
 * `birdcall predict` on long recordings (issue 20): x real time and peak RSS of the whole process (worker
 * threads included, /usr/bin/time) on 10- and 60-minute 32 kHz WAVs from the long-file maker, for the
 * default model (`birdcall train` defaults) and the recipe model (examples/real-clips-pipeline.yaml +
 * `--model strided`), both trained briefly on the 80 shared clips (speed does not depend on accuracy).
 * Each run is done streamed (the default) and read whole (BIRDCALL_STREAM_ABOVE=off), alternately, so the
 * ratio is measured under the same load. CPU x real time (audio seconds per CPU second of the process)
 * says what the work costs whatever the load; wall x real time is what the user saw. The 60-minute file is
 * also run as Ogg Vorbis (sox's default quality), MP3 (128 kb/s CBR) and FLAC (sox's default level), each
 * made once beside the WAV: streamed (stb_vorbis's pushdata decoder; dr_mp3 on the file's bytes, its samples
 * in 64k-sample blocks; our FLAC decoder a 4 MiB window at a time), and read whole.
 *
 *   npx tsx bench/predict.ts [--json] [--minutes 10,60] [--ogg-minutes 60] [--mp3-minutes 60] [--flac-minutes 60]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PEERS = fileURLToPath(new URL('../../shared/tools/peers/', import.meta.url));
const CLIPS = fileURLToPath(new URL('../../shared/data/birdcalls/clips', import.meta.url));
const WORK = join(tmpdir(), 'birdcall-bench-predict');

export interface PredictRun {
  model: string;
  minutes: number;
  format: 'wav' | Compressed;
  mode: 'stream' | 'whole';
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  realTime: number;
  cpuRealTime: number;
  load1: number;
}

function birdcall(args: string[], env: NodeJS.ProcessEnv = process.env): void {
  execFileSync(process.execPath, [join(ROOT, 'bin', 'birdcall.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The two models, trained once into WORK (a few minutes the first time). */
function ensureModels(): Record<string, string> {
  const models = { default: join(WORK, 'models', 'default'), recipe: join(WORK, 'models', 'recipe') };
  if (existsSync(join(models.default, 'model.json')) && existsSync(join(models.recipe, 'model.json'))) return models;
  if (!existsSync(CLIPS)) throw new Error(`${CLIPS} is missing: the predict bench trains its models on the shared clips`);
  const clips = join(WORK, 'clips');
  birdcall(['convert', CLIPS, '-o', clips, '--pipeline', join(ROOT, 'examples', 'real-clips-pipeline.yaml'), '--no-progress']);
  const manifest = join(clips, 'manifest.csv');
  birdcall(['train', '--data', manifest, '-o', models.recipe, '--model', 'strided', '--epochs', '3', '--mixup-alpha', '0']);
  birdcall(['train', '--data', manifest, '-o', models.default, '--epochs', '1', '--mixup-alpha', '0']);
  return models;
}

function ensureWav(minutes: number): string {
  mkdirSync(WORK, { recursive: true });
  const path = join(WORK, `long${minutes}.wav`);
  if (!existsSync(path)) execFileSync('python3', [`${PEERS}make_long_wav.py`, path, '--seconds', String(minutes * 60)], { stdio: 'ignore' });
  return path;
}

type Compressed = 'ogg' | 'mp3' | 'flac';

/** sox's options per format: its defaults, but MP3 at 128 kb/s (its default for 32 kHz mono is 48). */
const SOX_OPTIONS: Record<Compressed, string[]> = { ogg: [], mp3: ['-C', '128'], flac: [] };

/** The same recording compressed by sox, written beside the WAV once. */
function ensureCompressed(minutes: number, format: Compressed): string {
  const path = join(WORK, `long${minutes}.${format}`);
  if (!existsSync(path)) {
    const partial = `${path}.part.${format}`;
    execFileSync('sox', [ensureWav(minutes), ...SOX_OPTIONS[format], partial], { stdio: 'ignore' });
    renameSync(partial, path);
  }
  return path;
}

export function predictRun(model: string, modelName: string, wav: string, minutes: number, mode: 'stream' | 'whole'): PredictRun {
  const format = (['ogg', 'mp3', 'flac'] as const).find((f) => wav.endsWith(`.${f}`)) ?? 'wav';
  const out = mkdtempSync(join(tmpdir(), 'birdcall-bench-predict-out-'));
  const args = ['-f', '%M %e %U %S', process.execPath, join(ROOT, 'bin', 'birdcall.js'), 'predict', '--model', model, wav, '-o', out, '--no-progress'];
  const env = { ...process.env, BIRDCALL_STREAM_ABOVE: mode === 'stream' ? '' : 'off' };
  const load1 = loadavg()[0];
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  rmSync(out, { recursive: true, force: true });
  const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(r.stderr.trim().split('\n').pop() ?? '');
  if (r.status !== 0 || !m) throw new Error(`birdcall predict (${mode}) failed with status ${r.status}: ${r.stderr.slice(-2000)}`);
  const wallSeconds = Number(m[2]);
  const cpuSeconds = Number(m[3]) + Number(m[4]);
  return {
    model: modelName,
    minutes,
    format,
    mode,
    wallSeconds,
    cpuSeconds,
    maxRssMB: Number(m[1]) / 1024,
    realTime: (minutes * 60) / wallSeconds,
    cpuRealTime: (minutes * 60) / cpuSeconds,
    load1,
  };
}

export async function benchPredict(
  minutesList: number[] = [10, 60],
  compressedMinutes: Partial<Record<Compressed, number[]>> = {},
): Promise<{ runs: PredictRun[] }> {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed to measure the peak RSS of a child process');
  const models = ensureModels();
  const compressed = (['ogg', 'mp3', 'flac'] as const).flatMap((f) => (compressedMinutes[f] ?? [60]).map((m) => [m, ensureCompressed(m, f)] as const));
  const files = [...minutesList.map((m) => [m, ensureWav(m)] as const), ...compressed];
  const runs: PredictRun[] = [];
  for (const [minutes, file] of files) {
    for (const [name, dir] of Object.entries(models)) {
      for (const mode of ['stream', 'whole'] as const) runs.push(predictRun(dir, name, file, minutes, mode));
    }
  }
  return { runs };
}

export function formatPredictBench(result: { runs: PredictRun[] }): string {
  return result.runs
    .map(
      (r) =>
        `${String(r.minutes).padStart(3)} min ${r.format.padEnd(4)}  ${r.model.padEnd(8)} ${r.mode.padEnd(7)} ${r.realTime.toFixed(0).padStart(4)}x real time ` +
        `(${r.wallSeconds.toFixed(1)} s; CPU ${r.cpuRealTime.toFixed(0)}x, 2-core bound ${(2 * r.cpuRealTime).toFixed(0)}x)  ` +
        `peak RSS ${r.maxRssMB.toFixed(0)} MB  load ${r.load1.toFixed(1)}`,
    )
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const list = (flag: string): number[] | undefined => {
    const at = process.argv.indexOf(flag);
    return at >= 0 ? process.argv[at + 1].split(',').filter((v) => v !== '').map(Number) : undefined;
  };
  const result = await benchPredict(list('--minutes'), { ogg: list('--ogg-minutes'), mp3: list('--mp3-minutes'), flac: list('--flac-minutes') });
  console.log(process.argv.includes('--json') ? JSON.stringify(result, null, 2) : formatPredictBench(result));
}
