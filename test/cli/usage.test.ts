import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { listBlocks } from '../../src/pipeline/registry.ts';
import { describeParams } from '../../src/params.ts';
import { loadPipelineFile, pipelineHash, toSpec } from '../../src/pipeline/pipeline.ts';
import { ROOT } from '../helpers/shared.ts';
import { runCli, spawnCli } from './run-cli.ts';

let dir: string;
let wav: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdcall-cli-'));
  wav = join(dir, 'tone.wav');
  const x = new Float32Array(16000);
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000);
  await writeFile(wav, encodeWav(x, 16000));
  await writeFile(join(dir, 'kinds.yaml'), 'steps: [decode, image]\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bad use: exit code 2, exactly one line on stderr that names the problem, no stack trace, nothing on stdout. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, mentions: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^birdcall: /);
  expect(lines[0]).toMatch(mentions);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
}

describe('bad command-line use exits 2 with one line and no stack trace', () => {
  const out = () => join(dir, 'out.npy');
  const cases: [string, () => string[], RegExp][] = [
    ['an unknown flag', () => ['melspec', wav, '-o', out(), '--n-ffts', '512'], /unknown option '--n-ffts'.*--n-fft/],
    ['a missing input file', () => ['melspec', join(dir, 'nope.wav'), '-o', out()], /nope\.wav: input file not found/],
    ['n_fft smaller than win_length', () => ['melspec', wav, '-o', out(), '--n-fft', '512', '--win-length', '1024'], /--win-length \(1024\) must not exceed --n-fft \(512\)/],
    ['fmax above Nyquist', () => ['melspec', wav, '-o', out(), '--fmax', '9000'], /--fmax 9000 Hz is above the Nyquist frequency \(8000 Hz/],
    ['hop 0', () => ['melspec', wav, '-o', out(), '--hop-length', '0'], /--hop-length: too small/],
    ['a word where a number goes', () => ['melspec', wav, '-o', out(), '--n-mels', 'many'], /--n-mels: expected number/],
    ['no output', () => ['melspec', wav], /required option '-o, --output/],
    ['an unknown preset', () => ['melspec', wav, '-o', out(), '--preset', 'birdclef2099'], /unknown preset "birdclef2099"/],
    ['an unknown command', () => ['melspectrogram', wav], /unknown command 'melspectrogram'/],
    ['a pipeline file whose neighbours do not fit', () => ['pipeline', 'show', join(dir, 'kinds.yaml')], /step 2 \(image\) takes a spectrogram, but step 1 \(decode\) gives audio; put melspec before it/],
  ];
  it.each(cases)('%s', async (_name, args, mentions) => {
    expectUsageError(await runCli(args()), mentions);
  });
});

describe('the installed command (a real process through bin/birdcall.js)', () => {
  it('exits 2 with one line for bad use, and 0 with usage for --help', async () => {
    const [bad, help] = await Promise.all([spawnCli(['melspec', wav, '-o', join(dir, 'x.npy'), '--hop-length', '0']), spawnCli(['--help'])]);
    expectUsageError(bad, /--hop-length: too small/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: birdcall/);
  });
});

describe('help and listings', () => {
  it('every command has --help (exit 0)', async () => {
    for (const args of [['--help'], ['melspec', '--help'], ['blocks', '--help'], ['pipeline', 'show', '--help'], ['convert', '--help']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: birdcall/);
    }
  });

  it('melspec --help offers the librosa-named flags', async () => {
    const { stdout } = await runCli(['melspec', '--help']);
    for (const flag of ['--sr', '--n-fft', '--hop-length', '--win-length', '--window', '--n-mels', '--fmin', '--fmax', '--htk', '--norm', '--no-center', '--pad-mode', '--power', '--db', '--ref', '--top-db', '--dtype', '--preset']) {
      expect(stdout).toContain(`${flag} `);
    }
  });

  it('blocks --json lists every block with every parameter and its default', async () => {
    const r = await runCli(['blocks', '--json']);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as { name: string; params: { name: string; default: unknown }[] }[];
    const blocks = listBlocks();
    expect(listed.map((b) => b.name)).toEqual(blocks.map((b) => b.name));
    for (const block of blocks) {
      const entry = listed.find((b) => b.name === block.name)!;
      expect(entry.params.map((p) => [p.name, p.default])).toEqual(describeParams(block.params).map((i) => [i.name, i.default ?? null]));
    }
  });

  it('blocks --pipeline lists the user blocks a pipeline file brings', async () => {
    const r = await runCli(['blocks', 'preemphasis', '--pipeline', join(ROOT, 'examples', 'custom-block.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^preemphasis {2}\(audio -> audio\)/);
    expect(r.stdout).toMatch(/coef +number >= 0 and <= 1; default 0\.97/);
  });

  it('pipeline show prints the resolved README example with its hash', async () => {
    const file = join(ROOT, 'examples', 'pipeline.yaml');
    const r = await runCli(['pipeline', 'show', file, '--json']);
    expect(r.code).toBe(0);
    const resolved = await loadPipelineFile(file);
    expect(JSON.parse(r.stdout)).toEqual({ ...JSON.parse(JSON.stringify(toSpec(resolved))), hash: pipelineHash(resolved) });
  });
});
