/**
 * Bounded memory of `convert` (issue 7, item 5): peak RSS of `node bin/birdcall.js convert` on a 60-minute
 * 32 kHz recording with the default pipeline, as WAV, Ogg Vorbis and FLAC (the last two made by sox from the
 * WAV, under the OS temp folder, deleted after), each once streamed (BIRDCALL_STREAM_ABOVE=64MiB, the
 * default: the threshold compares the audio as 16-bit PCM, 230 MB here, whatever the format) and once with
 * streaming off (BIRDCALL_STREAM_ABOVE=off), each in a fresh process measured by /usr/bin/time (peak RSS of
 * the process, worker threads included). Each format's two manifests are compared too: streaming must not
 * change any output.
 *
 *   npx tsx bench/convert-rss.ts [--jobs N] [--json] [--only stream|whole] [--formats wav,ogg,flac]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLong60 } from './stream.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

export const RSS_FORMATS = ['wav', 'ogg', 'flac'] as const;
export type RssFormat = (typeof RSS_FORMATS)[number];

/** How each mode is forced, in the child's environment (the same for every format). */
const MODE_ENV = { stream: String(64 * 2 ** 20), whole: 'off' } as const;

export interface ConvertRssRun {
  format: RssFormat;
  mode: 'stream' | 'whole';
  /** How streaming was forced on or off: the environment variable as the child saw it. */
  how: string;
  maxRssMB: number;
  wallSeconds: number;
  cpuSeconds: number;
  chunks: number;
  manifest: string;
}

/**
 * An input folder holding the long file under one label: the WAV hard-linked (a symlink out of the root is
 * refused), an Ogg Vorbis (sox's default quality) or FLAC (level 5) encoded from it by sox.
 */
function inputFolder(wav: string, format: RssFormat): string {
  const root = mkdtempSync(join(tmpdir(), `birdcall-convert-rss-in-${format}-`));
  mkdirSync(join(root, 'amecro'));
  const target = join(root, 'amecro', `long.${format}`);
  if (format !== 'wav') {
    execFileSync('sox', [wav, target], { stdio: 'ignore' });
    return root;
  }
  try {
    linkSync(wav, target);
  } catch {
    // Another filesystem: a copy does as well, it only costs the disk space.
    spawnSync('cp', [wav, target]);
  }
  return root;
}

export function convertPeakRss(input: string, format: RssFormat, mode: 'stream' | 'whole', jobs?: number): ConvertRssRun {
  if (!existsSync('/usr/bin/time')) throw new Error('/usr/bin/time is needed to measure the peak RSS of a child process');
  const out = mkdtempSync(join(tmpdir(), `birdcall-convert-rss-out-${mode}-`));
  const args = ['-f', '%M %e %U %S', process.execPath, join(ROOT, 'bin', 'birdcall.js'), 'convert', input, '-o', out];
  if (jobs !== undefined) args.push('--jobs', String(jobs));
  const env = { ...process.env, BIRDCALL_STREAM_ABOVE: MODE_ENV[mode] };
  const r = spawnSync('/usr/bin/time', args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(last);
  if (r.status !== 0 || !m) throw new Error(`birdcall convert (${format}, ${mode}) failed with status ${r.status}: ${r.stderr.slice(-2000)}`);
  const manifest = readFileSync(join(out, 'manifest.csv'), 'utf8');
  rmSync(out, { recursive: true, force: true });
  return {
    format,
    mode,
    how: `BIRDCALL_STREAM_ABOVE=${mode === 'stream' ? '64MiB' : MODE_ENV[mode]}`,
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
  /** Per format run both ways: whether the streamed and whole runs wrote the same manifest. */
  sameManifest: Partial<Record<RssFormat, boolean>>;
}

/**
 * Peak RSS of `birdcall convert` on the 60-minute file in each format, streamed and whole (alternating
 * within a format), and whether both wrote one manifest.
 */
export function benchConvertRss(opts: { jobs?: number; modes?: ('stream' | 'whole')[]; formats?: readonly RssFormat[] } = {}): ConvertRssBench {
  const wav = ensureLong60();
  const runs: ConvertRssRun[] = [];
  const sameManifest: ConvertRssBench['sameManifest'] = {};
  for (const format of opts.formats ?? RSS_FORMATS) {
    const input = inputFolder(wav, format);
    try {
      const mine = (opts.modes ?? ['stream', 'whole']).map((mode) => convertPeakRss(input, format, mode, opts.jobs));
      if (mine.length === 2) sameManifest[format] = mine[0].manifest === mine[1].manifest;
      runs.push(...mine);
    } finally {
      rmSync(input, { recursive: true, force: true });
    }
  }
  return { file: wav, jobs: opts.jobs ?? 'default', runs: runs.map(({ manifest: _m, ...rest }) => rest), sameManifest };
}

export function formatConvertRss(report: ConvertRssBench): string {
  const lines = ['60-minute 32 kHz file, default recipe: format, mode (how forced), peak RSS, wall, CPU, chunks'];
  for (const r of report.runs) {
    lines.push(
      `${r.format.padEnd(4)} ${r.mode.padEnd(6)} (${r.how})`.padEnd(46) +
        ` peak RSS ${r.maxRssMB.toFixed(0).padStart(5)} MB, ${r.wallSeconds.toFixed(1).padStart(5)} s wall, ${r.cpuSeconds.toFixed(1).padStart(5)} s CPU, ${r.chunks} chunks`,
    );
  }
  const same = Object.entries(report.sameManifest);
  if (same.length > 0) lines.push(`manifests identical streamed and whole: ${same.map(([f, ok]) => `${f} ${ok}`).join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] === THIS_FILE) {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = opt('--only');
  const formats = opt('--formats')?.split(',');
  const unknown = formats?.filter((f) => !(RSS_FORMATS as readonly string[]).includes(f)) ?? [];
  if (unknown.length > 0) throw new Error(`--formats: ${unknown.join(', ')} is not one of ${RSS_FORMATS.join(', ')}`);
  const report = benchConvertRss({
    jobs: opt('--jobs') === undefined ? undefined : Number(opt('--jobs')),
    modes: only === 'stream' || only === 'whole' ? [only] : undefined,
    formats: formats as RssFormat[] | undefined,
  });
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : formatConvertRss(report));
}
