import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway Redis for queue-mode tests: Debian's redis-server on 127.0.0.1 and a free port, no
 * persistence, stopped (by its own pid) after the tests. CI installs it with
 * `apt-get install -y redis-server`; without it the tests skip with REDIS_SKIP_REASON.
 */

export const HAVE_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
export const REDIS_SKIP_REASON = 'redis-server not found (apt-get install -y redis-server): skipping queue-mode tests';
if (!HAVE_REDIS) console.warn(REDIS_SKIP_REASON);

export interface TestRedis {
  port: number;
  /** redis://[:PASSWORD@]127.0.0.1:PORT/NAME, with the server's password when it has one. */
  url(name: string): string;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `password`: start the server with `requirepass`, to test logins. */
export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-redis-'));
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes', ...auth],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${log}`)), 15_000);
    child.stdout?.on('data', (data: Buffer) => {
      log += data.toString();
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}: ${log}`));
    });
  });
  child.stdout?.resume();
  return {
    port,
    url: (name) => `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}/${name}`,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
