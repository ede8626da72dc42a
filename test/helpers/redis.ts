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
  /** Stops the server (SIGTERM: it writes its append-only file first) and keeps its data folder for `start`. */
  down(): Promise<void>;
  /** Starts it again on the same port and data folder (with `appendonly`, the data comes back). */
  up(): Promise<void>;
  /** Current server process id (changes on `up`). */
  pid(): number | undefined;
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

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
  return child;
}

async function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * `password`: start the server with `requirepass`, to test logins. `appendonly`: persist every write (fsync
 * every second), so the queue survives `down()`/`up()` as a production Redis would.
 */
export async function startRedis(options: { password?: string; appendonly?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-redis-'));
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no'];
  args.push('--dir', dir, '--protected-mode', 'yes', ...auth);
  let child: ChildProcess | undefined = await launch(args, port);
  return {
    port,
    url: (name) => `redis://${options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}/${name}`,
    down: async () => {
      if (child) await halt(child);
      child = undefined;
    },
    up: async () => {
      child ??= await launch(args, port);
    },
    pid: () => child?.pid,
    stop: async () => {
      if (child) await halt(child);
      child = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
