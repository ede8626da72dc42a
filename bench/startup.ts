/**
 * Start-up time of the `birdcall` command as whole processes (issue 15: `--version` and `<cmd> --help` within
 * 150 ms wall). The package's bin runs the compiled dist/, which this section builds first when stale; the same commands
 * through tsx on the TypeScript sources (what every call cost before dist/) and a bare `node -e 0` (the floor
 * no command can beat) run in the same rounds, interleaved, so load on this shared machine hits all alike.
 * BENCH_STARTUP_BASELINE=/path/to/other/checkout/bin/birdcall.js adds that program's --version and
 * convert --help to the rounds (e.g. a checkout of an older commit, for before/after figures).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'birdcall.js');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const SOURCES = join(ROOT, 'src', 'cli', 'main.ts');

export interface StartupRow {
  name: string;
  /** Median and fastest wall time over the runs, ms. */
  medianMs: number;
  minMs: number;
  runs: number;
}

export interface StartupResult {
  rows: StartupRow[];
  runs: number;
}

const CASES: { name: string; args: string[] }[] = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'birdcall --version', args: [BIN, '--version'] },
  { name: 'birdcall --help', args: [BIN, '--help'] },
  { name: 'birdcall convert --help', args: [BIN, 'convert', '--help'] },
  { name: 'birdcall melspec --help', args: [BIN, 'melspec', '--help'] },
  { name: 'birdcall train --help', args: [BIN, 'train', '--help'] },
  { name: 'birdcall predict --help', args: [BIN, 'predict', '--help'] },
  { name: 'tsx sources --version', args: [TSX, SOURCES, '--version'] },
  { name: 'tsx sources convert --help', args: [TSX, SOURCES, 'convert', '--help'] },
];

function cases(): { name: string; args: string[] }[] {
  const baseline = process.env.BENCH_STARTUP_BASELINE;
  if (!baseline) return CASES;
  return [...CASES, { name: 'baseline --version', args: [baseline, '--version'] }, { name: 'baseline convert --help', args: [baseline, 'convert', '--help'] }];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function timeOnce(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr.toString().trim()}`);
  return ms;
}

export function benchStartup(runs = 15): StartupResult {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const all = cases();
  for (const c of all) timeOnce(c.args); // warm the file cache (and tsx's transform cache)
  const times = all.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) all.forEach((c, i) => times[i].push(timeOnce(c.args)));
  return { runs, rows: all.map((c, i) => ({ name: c.name, medianMs: median(times[i]), minMs: Math.min(...times[i]), runs })) };
}

export function formatStartup(result: StartupResult): string {
  const tsxVersion = result.rows.find((r) => r.name === 'tsx sources --version');
  const distVersion = result.rows.find((r) => r.name === 'birdcall --version');
  const lines = result.rows.map((r) => `${r.name.padEnd(28)} median ${r.medianMs.toFixed(0).padStart(5)} ms   fastest ${r.minMs.toFixed(0).padStart(5)} ms`);
  if (tsxVersion && distVersion) lines.push(`--version: dist/ ${(tsxVersion.medianMs / distVersion.medianMs).toFixed(1)}x faster than tsx on the sources (${result.runs} interleaved runs each)`);
  return lines.join('\n');
}
