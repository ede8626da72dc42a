import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ROOT } from '../helpers/shared.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/birdcall.js ARGS` as a user would (a new process: slow, use sparingly). Never throws. */
export function spawnCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, BIRDCALL_DEBUG: '' };
    execFile(process.execPath, [join(ROOT, 'bin', 'birdcall.js'), ...args], { cwd: ROOT, env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the same program in this process (what bin/birdcall.js runs, minus node and tsx start-up),
 * capturing stdout, stderr and the exit code it sets.
 */
export async function runCli(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (sink: string[]) => (chunk: string | Uint8Array) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out) as typeof process.stdout.write);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err) as typeof process.stderr.write);
  const before = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await main(['node', 'birdcall', ...args]);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    code = Number(process.exitCode ?? 0);
    process.exitCode = before;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
