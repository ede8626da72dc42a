import { Redis, type RedisOptions } from 'ioredis';
import { BirdcallError } from '../errors.ts';

/**
 * The Redis side of queue mode: parsing `redis://HOST:PORT/NAME` queue URLs, and ioredis clients for them.
 * BullMQ takes an ioredis instance as its `connection`; a Queue leaves that instance open (it may be shared),
 * a Worker duplicates it and closes its duplicates itself. So every client made here is closed by its caller
 * with `closeRedis`, or the process would not exit.
 */

export interface RedisTarget {
  host: string;
  port: number;
  /** Redis logical database (`redis://host:port/DB/NAME`), 0 by default. */
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

export interface QueueTarget {
  redis: RedisTarget;
  /** BullMQ queue name: one queue per conversion (pipeline + input). */
  name: string;
  /** The URL without its password, for messages and logs. */
  display: string;
}

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Parses `redis://[user:password@]HOST[:PORT]/[DB/]NAME` (or `rediss://` for TLS). The last path segment is
 * the queue name, not a database number as in plain Redis URLs: one Redis serves many conversions.
 */
export function parseQueueUrl(text: string): QueueTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BirdcallError('USAGE', `--queue "${text}" is not a URL; write redis://HOST:PORT/NAME`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new BirdcallError('USAGE', `--queue "${text}": the scheme must be redis:// or rediss:// (TLS)`);
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const name = decodeURIComponent(segments.at(-1) ?? '');
  if (segments.length === 0 || segments.length > 2 || !QUEUE_NAME.test(name)) {
    throw new BirdcallError(
      'USAGE',
      `--queue "${text}": name the queue after the host, e.g. redis://${url.host || 'HOST:6379'}/birdclef-2024 ` +
        '(letters, digits, ".", "_" or "-"; optionally a database number before it: /2/NAME)',
    );
  }
  const db = segments.length === 2 ? Number(segments[0]) : 0;
  if (!Number.isInteger(db) || db < 0) throw new BirdcallError('USAGE', `--queue "${text}": "${segments[0]}" is not a database number`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const redis: RedisTarget = {
    host: url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
    tls: url.protocol === 'rediss:',
  };
  if (url.username !== '') redis.username = decodeURIComponent(url.username);
  if (url.password !== '') redis.password = decodeURIComponent(url.password);
  const display = `${url.protocol}//${url.host}/${segments.length === 2 ? `${db}/` : ''}${name}`;
  return { redis, name, display };
}

/**
 * ioredis options for a queue target. `lazyConnect`: nothing connects until asked, so a client BullMQ only
 * duplicates never opens a socket of its own. `maxRetriesPerRequest: null`: BullMQ's workers block on
 * BZPOPMIN and must wait out a Redis restart instead of failing the command (BullMQ refuses other values).
 */
export function redisOptions(target: RedisTarget): RedisOptions {
  const options: RedisOptions = {
    host: target.host,
    port: target.port,
    db: target.db,
    lazyConnect: true,
    maxRetriesPerRequest: null,
  };
  if (target.username !== undefined) options.username = target.username;
  if (target.password !== undefined) options.password = target.password;
  if (target.tls) options.tls = { servername: target.host };
  return options;
}

/**
 * A client that reconnects after a dropped connection, for BullMQ workers (which duplicate it): a long-running
 * worker should ride out a Redis restart. Not connected yet; close it with `closeRedis`.
 */
export function workerRedis(target: RedisTarget): Redis {
  // disconnectTimeout: ioredis waits this long for a socket to close after disconnect(), even one Redis already
  // dropped (its 'close' came earlier), and that timer holds the process: 2 s by default, 200 ms here.
  const client = new Redis({ ...redisOptions(target), retryStrategy: reconnectDelay, disconnectTimeout: 200 });
  // BullMQ listens on the duplicates it uses; this one only needs its errors kept off the console.
  client.on('error', () => {});
  return client;
}

/** Longest wait between two reconnection attempts while Redis is gone (ms). */
export const RECONNECT_MAX_MS = 2000;

/**
 * ioredis retryStrategy of long-running clients: 100 ms, 200 ms, 400 ms … then every RECONNECT_MAX_MS for as
 * long as Redis stays away, so a restarted Redis is found within two seconds and a dead one costs a few
 * connection attempts a second, not hundreds. BullMQ's duplicates copy it.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 10), RECONNECT_MAX_MS);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** True for errors that say Redis is out of reach (socket level), as opposed to a command's own failure. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECTION_CODES.has(code)) return true;
  return err.name === 'ConnectionClosedError' || err.message === 'Connection is closed.' || /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)\b/.test(err.message);
}

/** Whether a long-running process can reach Redis, as seen on one of its clients. */
export interface RedisLink {
  readonly down: boolean;
  /** Stop reporting (before closing the client on purpose). */
  stop(): void;
}

/**
 * Watches one reconnecting client and reports a lost connection once, and its return once, however many
 * reconnection attempts fail in between (each would otherwise be an 'error' event). The other connections of
 * the process (BullMQ's duplicates) go and come back with it; their own connection errors carry no news.
 */
export function watchRedis(client: Redis, on: { lost(reason: string): void; back(downSeconds: number): void }): RedisLink {
  let downSince: number | undefined;
  let stopped = false;
  const lost = (reason: string): void => {
    if (stopped || downSince !== undefined) return;
    downSince = performance.now();
    on.lost(reason);
  };
  client.on('close', () => lost('connection closed'));
  client.on('error', (err: Error) => {
    if (isConnectionError(err)) lost(err.message);
  });
  client.on('ready', () => {
    if (stopped || downSince === undefined) return;
    const seconds = (performance.now() - downSince) / 1000;
    downSince = undefined;
    on.back(seconds);
  });
  return {
    get down() {
      return downSince !== undefined;
    },
    stop: () => {
      stopped = true;
    },
  };
}

/**
 * A connected client for short commands (enqueue, status, finish, remove). It does not reconnect: a Redis
 * that cannot be reached is reported at once as QUEUE_CONNECT rather than retried in the background.
 */
export async function connectRedis(target: RedisTarget): Promise<Redis> {
  const client = new Redis({ ...redisOptions(target), retryStrategy: () => null });
  // ioredis rejects connect() with a bare "Connection is closed."; the cause arrives as an error event.
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const reason = (cause ?? (err as Error)).message;
    throw new BirdcallError('QUEUE_CONNECT', `cannot connect to Redis at ${target.host}:${target.port}: ${reason}`);
  }
  return client;
}

/** Closes a client whatever its state: QUIT when connected (pending replies arrive first), else drop it. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
