/**
 * Bounded memory of `convert` (issue 7, item 5): peak RSS of `node bin/birdcall.js convert` on a 60-minute
 * 32 kHz WAV with the default pipeline, once streamed (the default above 64 MiB) and once with streaming off
 * (BIRDCALL_STREAM_ABOVE=off), each in a fresh process measured by /usr/bin/time (peak RSS of the process,
 * worker threads included). The two manifests are compared too: streaming must not change any output.
 *
 *   npx tsx bench/convert-rss.ts [--jobs N] [--json] [--only stream|whole]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLong60 } from './stream.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

export interface ConvertRssRun {
  mode: 'stream' | 'whole';
  maxRssMB: number;
  wallSeconds: number;
  cpuSeconds: number;
  chunks: number;
  manifest: string;
}

/** An input folder holding the long file under one label, hard-linked (a symlink out of the root is refused). */
function inputFolder(wav: string): string {
  const root = mkdtempSync(join(tmpdir(), 'birdcall-convert-rss-in-'));
  mkdirSync(join(root, 'amecro'));
  const target = join(root, 'amecro', 'long.wav');
  try {
    linkSync(wav, target);
  } catch {
    // Another filesystem: a copy does as well, it only costs the disk space.
    spawnSync('cp', [wav, target]);
  }
  return root;
}

export function convertPeakRss(input: string, mode: 'stream' | 'whole', jobs?: number): ConvertRssRun {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed to measure the peak RSS of a child process');
  const out = mkdtempSync(join(tmpdir(), `birdcall-convert-rss-out-${mode}-`));
  const args = ['-f', '%M %e %U %S', process.execPath, join(ROOT, 'bin', 'birdcall.js'), 'convert', input, '-o', out];
  if (jobs !== undefined) args.push('--jobs', String(jobs));
  const env = { ...process.env, BIRDCALL_STREAM_ABOVE: mode === 'stream' ? String(64 * 2 ** 20) : 'off' };
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(last);
  if (r.status !== 0 || !m) throw new Error(`birdcall convert (${mode}) failed with status ${r.status}: ${r.stderr.slice(-2000)}`);
  const manifest = readFileSync(join(out, 'manifest.csv'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return {
    mode,
    maxRssMB: Number(m[1]) / 1024,
    wallSeconds: Number(m[2]),
    cpuSeconds: Number(m[3]) + Number(m[4]),
    chunks: manifest.trim().split('\n').length - 1,
    manifest,
  };
}

export interface ConvertRssBench {
  file: string;
  jobs: number | 'default';
  runs: Omit<ConvertRssRun, 'manifest'>[];
  sameManifest?: boolean;
}

/** Peak RSS of `birdcall convert` on the 60-minute file, streamed and whole, and whether both wrote one manifest. */
export function benchConvertRss(opts: { jobs?: number; modes?: ('stream' | 'whole')[] } = {}): ConvertRssBench {
  const wav = ensureLong60();
  const input = inputFolder(wav);
  try {
    const runs = (opts.modes ?? ['stream', 'whole']).map((mode) => convertPeakRss(input, mode, opts.jobs));
    const sameManifest = runs.length === 2 ? runs[0].manifest === runs[1].manifest : undefined;
    return { file: wav, jobs: opts.jobs ?? 'default', runs: runs.map(({ manifest: _m, ...rest }) => rest), sameManifest };
  } finally {
    rmSync(input, { recursive: true, force: true });
  }
}

export function formatConvertRss(report: ConvertRssBench): string {
  const lines = report.runs.map(
    (r) => `${r.mode.padEnd(6)} peak RSS ${r.maxRssMB.toFixed(0)} MB, ${r.wallSeconds.toFixed(1)} s wall, ${r.cpuSeconds.toFixed(1)} s CPU, ${r.chunks} chunks`,
  );
  if (report.sameManifest !== undefined) lines.push(`manifests identical: ${report.sameManifest}`);
  return lines.join('\n');
}

if (process.argv[1] === THIS_FILE) {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = opt('--only');
  const report = benchConvertRss({
    jobs: opt('--jobs') === undefined ? undefined : Number(opt('--jobs')),
    modes: only === 'stream' || only === 'whole' ? [only] : undefined,
  });
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : formatConvertRss(report));
}
