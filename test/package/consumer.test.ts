/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty project offline from the
 * npm cache, then a plain .mjs import, a strict TypeScript consumer, and the installed `birdcall` command
 * with a block module written in the consumer's own JavaScript. One pack and one install per run (about a
 * minute, plus a build when dist/ is older than src/). Skips, with one line, when npm or the cached packages
 * are missing (an offline machine that never ran `npm ci`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { melSpectrogram } from '../../src/dsp/mel.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { loadPipelineFile } from '../../src/pipeline/pipeline.ts';
import { runPipelineOnFile } from '../../src/pipeline/run.ts';
import type { Spectrogram } from '../../src/dsp/types.ts';
import { MODEL_NAMES } from '../../src/train/models.ts';
import { ROOT } from '../helpers/shared.ts';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  [key: string]: unknown;
}

/**
 * The consumer's package.json and package-lock.json. An offline install needs a lockfile: without one npm
 * asks the registry for each package's metadata, which `npm ci` never caches. The lock lists birdcall (the
 * tarball) and its production tree as the repo's lockfile resolves it (every direct dependency is pinned
 * exactly, so an online install resolves them the same), plus zod and @types/node, which the consumer
 * declares itself.
 */
async function consumerManifests(tarball: string): Promise<{ manifest: string; lock: string }> {
  const repoLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const dependencies = {
    birdcall: `file:${tarball}`,
    zod: repoLock.packages['node_modules/zod'].version,
    '@types/node': repoLock.packages['node_modules/@types/node'].version,
  };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies },
    'node_modules/birdcall': {
      version: pkg.version as string,
      resolved: `file:${tarball}`,
      ...Object.fromEntries(['license', 'dependencies', 'optionalDependencies', 'bin', 'engines'].map((k) => [k, pkg[k]])),
    },
  };
  const typesNode = /^node_modules\/(@types\/node|undici-types)$/;
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (!path || (entry.dev && !typesNode.test(path))) continue;
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    packages[path] = rest;
  }
  return {
    manifest: JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }, null, 2),
    lock: JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2),
  };
}

/** 1 s of a chirp (300 Hz -> 5 kHz) at 22.05 kHz: the same samples in the consumer and here. */
const SIGNAL_JS = `
const sr = 22050;
const x = new Float32Array(sr);
for (let i = 0; i < x.length; i++) { const t = i / sr; x[i] = 0.5 * Math.sin(2 * Math.PI * (300 * t + 2350 * t * t)); }
`;
const signal = new Function(`${SIGNAL_JS}; return x;`) as () => Float32Array;

const CONSUMER_MJS = `
import { melSpectrogram } from 'birdcall';
import { MODEL_NAMES, trainModel } from 'birdcall/train';
${SIGNAL_JS}
const s = melSpectrogram(x, { sr, nFft: 1024, hopLength: 256, nMels: 64 });
process.stdout.write(JSON.stringify({
  bins: s.bins, frames: s.frames,
  values: Buffer.from(s.values.buffer, s.values.byteOffset, s.values.byteLength).toString('base64'),
  models: MODEL_NAMES, trainModel: typeof trainModel,
}));
`;

const CONSUMER_TS = `
import { melSpectrogram, pipeline, decode, melspec, db, npy, defineBlock, type Spectrogram } from 'birdcall';
import { resolveTrainParams, type TrainParams } from 'birdcall/train';
import { z } from 'zod';

const s: Spectrogram = melSpectrogram(new Float32Array(22050), { sr: 22050, nMels: 64 });
const frames: number = s.frames;
const gain = defineBlock({
  name: 'gain', doc: 'scales the samples', input: 'audio', output: 'audio',
  params: z.object({ by: z.number().default(2) }),
  run: (audio, { by }) => ({ ...audio, samples: audio.samples.map((v) => v * by) }),
});
const p = pipeline(decode(), melspec({ nMels: 64 }), db(), npy());
const t: TrainParams = resolveTrainParams({});
// The shipped types must bite: a misspelt parameter and a wrong type are errors.
// @ts-expect-error nFtt is not a parameter
melSpectrogram(new Float32Array(1), { nFtt: 512 });
// @ts-expect-error frames is a number
const wrong: string = s.frames;
export { frames, gain, p, t, wrong };
`;

const TSCONFIG = {
  compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'], noEmit: true, skipLibCheck: true },
  include: ['consumer.ts'],
};

/** examples/my-block.ts as a consumer writes it in plain JavaScript. */
const BLOCK_JS = `
import { z } from 'zod';
import { defineBlock } from 'birdcall';

export const preemphasis = defineBlock({
  name: 'preemphasis',
  doc: 'Pre-emphasis filter y[n] = x[n] - coef * x[n-1]',
  input: 'audio',
  output: 'audio',
  params: z.object({ coef: z.number().min(0).max(1).default(0.97) }),
  run: (audio, { coef }) => {
    const x = audio.samples;
    const y = new Float32Array(x.length);
    let prev = x.length > 1 ? 2 * x[0] - x[1] : 0;
    for (let n = 0; n < x.length; n++) { y[n] = x[n] - coef * prev; prev = x[n]; }
    return { ...audio, samples: y };
  },
});
`;

let dir = '';
let app = '';
let tarballFiles = 0;
let skipReason: string | undefined;

async function packAndInstall(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'birdcall-consumer-'));
  app = join(dir, 'app');
  await mkdir(app);
  // Built here only when stale (CI's `npm ci` built it); `npm pack` would rebuild it under the other tests' feet.
  await run(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT });
  const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 << 20 });
  const packed = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  tarballFiles = packed[0].files.length;
  const { manifest, lock } = await consumerManifests(packed[0].filename);
  await rename(join(dir, packed[0].filename), join(app, packed[0].filename));
  await writeFile(join(app, 'package.json'), manifest);
  await writeFile(join(app, 'package-lock.json'), lock);
  try {
    await run(NPM, ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, maxBuffer: 64 << 20 });
  } catch (err) {
    const text = `${(err as { stderr?: string }).stderr ?? ''}`;
    if (!/ENOTCACHED|ENOTFOUND|offline/i.test(text)) throw err;
    skipReason = `consumer test skipped: the npm cache lacks packages for an offline install (run npm ci online once): ${text.split('\n')[0]}`;
  }
}

beforeAll(async () => {
  try {
    await run(NPM, ['--version']);
  } catch {
    skipReason = 'consumer test skipped: npm not found on PATH';
    return;
  }
  await packAndInstall();
  if (skipReason) console.warn(skipReason);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed tarball, installed in an empty project', () => {
  it('ships dist/ and no tests or TypeScript sources', async (ctx) => {
    if (skipReason) return ctx.skip();
    const installed = join(app, 'node_modules', 'birdcall');
    const top = await readdir(installed);
    expect(top).toContain('dist');
    expect(top).not.toContain('test');
    expect(top).not.toContain('src');
    expect(tarballFiles).toBeLessThan(600);
  });

  it('imports birdcall and birdcall/train from a plain .mjs and computes the in-repo mel spectrogram', async (ctx) => {
    if (skipReason) return ctx.skip();
    await writeFile(join(app, 'mel.mjs'), CONSUMER_MJS);
    const { stdout } = await run(process.execPath, ['mel.mjs'], { cwd: app, maxBuffer: 64 << 20 });
    const got = JSON.parse(stdout) as { bins: number; frames: number; values: string; models: string[]; trainModel: string };
    const want = melSpectrogram(signal(), { sr: 22050, nFft: 1024, hopLength: 256, nMels: 64 });
    expect([got.bins, got.frames]).toEqual([want.bins, want.frames]);
    const values = new Float32Array(new Uint8Array(Buffer.from(got.values, 'base64')).buffer);
    expect(values).toEqual(want.values);
    expect(got.models).toEqual([...MODEL_NAMES]);
    expect(got.trainModel).toBe('function');
  });

  it('typechecks a strict TypeScript consumer against the shipped .d.ts', async (ctx) => {
    if (skipReason) return ctx.skip();
    await writeFile(join(app, 'consumer.ts'), CONSUMER_TS);
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    const result = await run(process.execPath, [TSC, '-p', app]).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(result.stdout).toBe('');
    expect('failed' in result).toBe(false);
  });

  it('runs `npx birdcall --help`', async (ctx) => {
    if (skipReason) return ctx.skip();
    const { stdout } = await run('npx', ['--no-install', 'birdcall', '--help'], { cwd: app });
    expect(stdout).toMatch(/Usage: birdcall/);
    expect(stdout).toMatch(/convert/);
  });

  it('converts with a block from the consumer\'s own .js file, in worker threads, as the in-repo example computes', async (ctx) => {
    if (skipReason) return ctx.skip();
    const wav = encodeWav(signal(), 22050);
    for (const name of ['a.wav', 'b.wav']) {
      await mkdir(join(app, 'in', 'chirp'), { recursive: true });
      await writeFile(join(app, 'in', 'chirp', name), wav);
    }
    await mkdir(join(app, 'blocks'));
    await writeFile(join(app, 'blocks', 'my-block.js'), BLOCK_JS);
    const yaml = (await readFile(join(ROOT, 'examples', 'custom-block.yaml'), 'utf8')).replace('./my-block.ts', './my-block.js');
    await writeFile(join(app, 'blocks', 'pipeline.yaml'), yaml);
    await run('npx', ['--no-install', 'birdcall', 'convert', 'in', '-o', 'out', '--pipeline', 'blocks/pipeline.yaml', '--jobs', '2', '--no-progress'], { cwd: app });

    const inRepo = await runPipelineOnFile(await loadPipelineFile(join(ROOT, 'examples', 'custom-block.yaml')), { path: 'a.wav', bytes: wav });
    const want = (inRepo.items[0].value as Spectrogram).values;
    const npyFiles = (await readdir(join(app, 'out'), { recursive: true })).filter((f) => f.endsWith('.npy'));
    expect(npyFiles).toHaveLength(2);
    for (const f of npyFiles) expect(decodeNpy(await readFile(join(app, 'out', f))).data).toEqual(want);
  });
});
