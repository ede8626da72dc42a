import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { BirdcallError } from '../errors.ts';

/**
 * The Redis connection of queue mode, and the parsing of `redis://HOST:PORT/NAME` queue URLs.
 *
 * BullMQ 6 no longer bundles a Redis driver: it takes ioredis, node-redis, or any client shaped like Bun's
 * built-in `RedisClient` (`send(command, args)`, `connected`, `connect()`, `close()`, `duplicate()` and the
 * `onconnect`/`onclose` callbacks), which its Bun adapter turns into everything BullMQ needs (scripts,
 * MULTI/EXEC, reconnects). None of those drivers is a dependency of birdcall, so this file is that small
 * client: RESP2 over one TCP (or TLS) socket, replies matched to requests in order. Adding `ioredis` to the
 * dependencies would make this file unnecessary.
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

/** A reply: strings, integers, nil, arrays of replies, and (inside EXEC results) per-command errors. */
export type RedisReply = string | number | null | Error | RedisReply[];

type Arg = string | number | Buffer | Uint8Array;

interface Pending {
  resolve: (value: RedisReply) => void;
  reject: (err: Error) => void;
}

const CRLF = Buffer.from('\r\n');

/** A minimal RESP2 client with the shape BullMQ's Bun adapter drives (see the file comment). */
export class RespClient {
  connected = false;
  onconnect?: () => void;
  onclose?: (error?: Error) => void;
  onerror?: (error: Error) => void;
  private socket?: Socket;
  private connecting?: Promise<void>;
  private pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private closedByUs = false;

  constructor(
    readonly target: RedisTarget,
    /** CLIENT SETNAME at connect: how BullMQ counts the workers of a queue. */
    readonly name?: string,
  ) {}

  get url(): string {
    return `${this.target.tls ? 'rediss' : 'redis'}://${this.target.host}:${this.target.port}/${this.target.db}`;
  }

  connect(): Promise<void> {
    this.connecting ??= this.open();
    return this.connecting;
  }

  private open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { host, port } = this.target;
      const socket = this.target.tls ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port });
      this.socket = socket;
      // Small request/reply round trips: Nagle's delay would add up to 40 ms to each.
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      let settled = false;
      socket.on('data', (data: Buffer) => this.receive(data));
      socket.on('error', (err) => {
        if (!settled) {
          settled = true;
          reject(new BirdcallError('QUEUE_CONNECT', `cannot reach Redis at ${host}:${port}: ${err.message}`));
        }
        this.onerror?.(err);
      });
      socket.on('close', () => {
        const wasConnected = this.connected;
        this.connected = false;
        this.failPending(new Error('Connection closed'));
        if (wasConnected || settled) this.onclose?.(this.closedByUs ? undefined : new Error('Connection closed'));
      });
      // The handshake goes out first; commands sent meanwhile queue behind it on the same socket.
      const handshake: Promise<RedisReply>[] = [];
      if (this.target.password !== undefined) {
        const auth = this.target.username !== undefined ? [this.target.username, this.target.password] : [this.target.password];
        handshake.push(this.send('AUTH', auth));
      }
      if (this.target.db !== 0) handshake.push(this.send('SELECT', [this.target.db]));
      if (this.name !== undefined) handshake.push(this.send('CLIENT', ['SETNAME', this.name]));
      Promise.all(handshake).then(
        () => {
          if (settled) return;
          settled = true;
          this.connected = true;
          this.onconnect?.();
          resolve();
        },
        (err: Error) => {
          if (settled) return;
          settled = true;
          socket.destroy();
          reject(new BirdcallError('QUEUE_CONNECT', `Redis at ${host}:${port} refused the login: ${err.message}`));
        },
      );
    });
  }

  send(command: string, args: Arg[] = []): Promise<RedisReply> {
    const socket = this.socket;
    if (!socket) return this.connect().then(() => this.send(command, args));
    if (socket.destroyed) return Promise.reject(new Error('Connection is closed.'));
    return new Promise<RedisReply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      // One write per command keeps MULTI…EXEC bursts contiguous: nothing else runs between two send() calls.
      socket.write(encodeCommand(command, args));
    });
  }

  close(): void {
    this.closedByUs = true;
    this.socket?.destroy();
  }

  /** Same as close(); BullMQ recognises a client instance by connect/disconnect/duplicate. */
  disconnect(): void {
    this.close();
  }

  /**
   * A new, unconnected client to the same server (BullMQ wants its own connection for blocking calls).
   * Synchronous, unlike Bun's: BullMQ's worker duplicates the caller's client without awaiting.
   */
  duplicate(options?: { name?: string }): RespClient {
    return new RespClient(this.target, options?.name);
  }

  private failPending(err: Error): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.reject(err);
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    let offset = 0;
    for (;;) {
      let parsed;
      try {
        parsed = parseReply(this.buffer, offset);
      } catch (err) {
        // Out of step with the server: nothing later on this socket can be trusted.
        this.socket?.destroy(err as Error);
        return;
      }
      if (parsed === undefined) break;
      offset = parsed.next;
      const waiter = this.pending.shift();
      if (!waiter) continue;
      if (parsed.value instanceof Error) waiter.reject(parsed.value);
      else waiter.resolve(parsed.value);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }
}

function encodeCommand(command: string, args: Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`), bulk(command)];
  for (const arg of args) parts.push(bulk(arg));
  return Buffer.concat(parts);
}

function bulk(arg: Arg): Buffer {
  const bytes = typeof arg === 'string' || typeof arg === 'number' ? Buffer.from(String(arg)) : Buffer.from(arg);
  return Buffer.concat([Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF]);
}

/** One reply starting at `offset`, or undefined when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, offset: number): { value: RedisReply; next: number } | undefined {
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new Error(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buf.length < afterLine + length + 2) return undefined;
      return { value: buf.toString('utf8', afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RedisReply[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (item === undefined) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`Redis protocol error: unexpected reply type "${type}"`);
  }
}
