import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOutputManifestRows } from '../../src/store/manifest.ts';
import { ROOT } from '../helpers/shared.ts';
import { syntheticSet, type SyntheticSet } from '../train/synthetic.ts';

/** `birdcall train` stopped by a signal, as a user (Ctrl-C) or an orchestrator (SIGTERM) would. */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `birdcall train`, sends `signal` once the first epoch line is out, and waits for the exit. */
function trainAndSignal(args: string[], signal: NodeJS.Signals): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'birdcall.js'), 'train', ...args], {
    cwd: ROOT,
    env: { ...process.env, BIRDCALL_BACKEND: 'wasm' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!sent && /^epoch 1\//m.test(stdout)) {
      sent = true;
      child.kill(signal);
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('birdcall train under SIGINT/SIGTERM', () => {
  let set: SyntheticSet;
  let manifest: string;

  beforeAll(async () => {
    set = await syntheticSet({ classes: 2, recordings: 5, chunks: 2, h: 16, w: 32, seed: 3 });
    manifest = join(set.root, 'manifest.csv');
    await writeOutputManifestRows(manifest, set.rows);
  });

  const args = (out: string) => ['--data', manifest, '-o', out, '--model', 'tiny', '--epochs', '200', '--batch-size', '4', '--patience', '200', '--no-progress'];

  it('stops before the next batch on SIGINT: exit 130, one line, no model folder and no temp files', async () => {
    const out = join(set.root, 'models', 'stopped');
    const run = await trainAndSignal(args(out), 'SIGINT');
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/^train: SIGINT: stopping before the next batch/m);
    expect(run.stderr).toMatch(/^train: interrupted \(stopped at epoch \d+, batch \d+ of \d+\); nothing written to /m);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    // Far from the 200 epochs asked.
    expect(run.stdout).not.toMatch(/^epoch 200\//m);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(set.root, 'models')) ? readdirSync(join(set.root, 'models')) : []).toEqual([]);
  }, 120_000);

  it('leaves an earlier model folder exactly as it was on SIGTERM: exit 143', async () => {
    const out = join(set.root, 'models', 'kept');
    cpSync(join(set.root, 'png'), out, { recursive: true });
    writeFileSync(join(out, 'model.json'), '{"earlier": true}\n');
    const before = readdirSync(out, { recursive: true }).map(String).sort();
    const run = await trainAndSignal(args(out), 'SIGTERM');
    expect(run.code, run.stderr).toBe(143);
    expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(before);
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toBe('{"earlier": true}\n');
    expect(readdirSync(join(set.root, 'models'))).toEqual(['kept']);
  }, 120_000);
});
