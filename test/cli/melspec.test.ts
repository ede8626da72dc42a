import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { decodeNpy } from '../../src/image/npy.ts';
import { FIXTURES, HAVE_SHARED } from '../helpers/shared.ts';
import { runCli, spawnCli, type CliResult } from './run-cli.ts';

interface FixtureCase {
  id: string;
  signal: string;
  params: { n_fft: number; hop_length: number; n_mels: number; fmin: number; fmax: number | null; htk: boolean; center: boolean; pad_mode: string };
  f64: { mel_db: { file: string; shape: [number, number] } };
}
interface FixtureIndex {
  cases: FixtureCase[];
  signals: Record<string, { sr: number; wav_pcm16: string; wav_f32: string }>;
}

/** The birdcall flags for a fixture case: librosa's parameter names, kebab-cased. */
function flagsFor(c: FixtureCase): string[] {
  const p = c.params;
  const flags = ['--n-fft', String(p.n_fft), '--hop-length', String(p.hop_length), '--n-mels', String(p.n_mels), '--fmin', String(p.fmin)];
  flags.push('--fmax', p.fmax === null ? 'none' : String(p.fmax));
  if (p.htk) flags.push('--htk');
  if (!p.center) flags.push('--no-center');
  flags.push('--pad-mode', p.pad_mode);
  return flags;
}

function readF64(path: string): Float64Array {
  const buf = readFileSync(path);
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe.skipIf(!HAVE_SHARED)('birdcall melspec reproduces librosa (../shared/fixtures)', () => {
  const index = HAVE_SHARED ? (JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as FixtureIndex) : { cases: [], signals: {} };
  // librosa keeps fmax above Nyquist (with empty top bands); the CLI refuses it, so those cases are the
  // error path here (tested below) rather than parity cases.
  const parityCases = index.cases.filter((c) => c.params.fmax === null || c.params.fmax <= index.signals[c.signal].sr / 2);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'birdcall-melspec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function check(c: FixtureCase, wav: string, run: (args: string[]) => Promise<CliResult>): Promise<number> {
    const out = join(dir, `${c.id}.${wav.includes('f32') ? 'f32' : 'pcm16'}.npy`);
    const r = await run(['melspec', join(FIXTURES, wav), '-o', out, '--dtype', 'float64', '--db', ...flagsFor(c)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // A plain Uint8Array: decodeNpy copies with .slice, which on a Node Buffer is a view.
    const { data, shape } = decodeNpy(new Uint8Array(await readFile(out)));
    expect(data).toBeInstanceOf(Float64Array);
    expect(shape).toEqual(c.f64.mel_db.shape);
    return maxAbsDiff(data, readF64(join(FIXTURES, c.f64.mel_db.file)));
  }

  it('as a real process: --dtype float64 --db within 1e-3 dB of f64.mel_db (16-bit and float WAVs)', async () => {
    const a = parityCases.find((c) => c.id.includes('__A_'))!;
    const b = parityCases.find((c) => c.id.includes('__E_'))!;
    const errors = await Promise.all([
      check(a, index.signals[a.signal].wav_pcm16, spawnCli),
      check(b, index.signals[b.signal].wav_f32, spawnCli),
    ]);
    for (const e of errors) expect(e).toBeLessThanOrEqual(1e-3);
  });

  it('for every fixture case whose fmax is below Nyquist, within 1e-3 dB', async () => {
    expect(parityCases.length).toBeGreaterThanOrEqual(13);
    for (const c of parityCases) {
      const err = await check(c, index.signals[c.signal].wav_pcm16, runCli);
      expect(err, c.id).toBeLessThanOrEqual(1e-3);
    }
  });

  it('writes float32 by default, still within 1e-3 dB', async () => {
    const c = parityCases[0];
    const out = join(dir, 'default.npy');
    const r = await runCli(['melspec', join(FIXTURES, index.signals[c.signal].wav_pcm16), '-o', out, '--db', ...flagsFor(c)]);
    expect(r.code).toBe(0);
    const { data } = decodeNpy(new Uint8Array(await readFile(out)));
    expect(data).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(data, readF64(join(FIXTURES, c.f64.mel_db.file)))).toBeLessThanOrEqual(1e-3);
  });

  it('refuses the fixture cases with fmax above Nyquist, naming the limit', async () => {
    const c = index.cases.find((x) => !parityCases.includes(x))!;
    const r = await runCli(['melspec', join(FIXTURES, index.signals[c.signal].wav_pcm16), '-o', join(dir, 'x.npy'), ...flagsFor(c)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^birdcall: --fmax 14000 Hz is above the Nyquist frequency \(11025 Hz/);
  });
});
