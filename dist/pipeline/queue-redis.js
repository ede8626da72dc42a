import { Redis } from 'ioredis';
import { BirdcallError } from "../errors.js";
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/**
 * Parses `redis://[user:password@]HOST[:PORT]/[DB/]NAME` (or `rediss://` for TLS). The last path segment is
 * the queue name, not a database number as in plain Redis URLs: one Redis serves many conversions.
 */
export function parseQueueUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new BirdcallError('USAGE', `--queue "${text}" is not a URL; write redis://HOST:PORT/NAME`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
        throw new BirdcallError('USAGE', `--queue "${text}": the scheme must be redis:// or rediss:// (TLS)`);
    }
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const name = decodeURIComponent(segments.at(-1) ?? '');
    if (segments.length === 0 || segments.length > 2 || !QUEUE_NAME.test(name)) {
        throw new BirdcallError('USAGE', `--queue "${text}": name the queue after the host, e.g. redis://${url.host || 'HOST:6379'}/birdclef-2024 ` +
            '(letters, digits, ".", "_" or "-"; optionally a database number before it: /2/NAME)');
    }
    const db = segments.length === 2 ? Number(segments[0]) : 0;
    if (!Number.isInteger(db) || db < 0)
        throw new BirdcallError('USAGE', `--queue "${text}": "${segments[0]}" is not a database number`);
    const port = url.port === '' ? 6379 : Number(url.port);
    const redis = {
        host: url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port,
        db,
        tls: url.protocol === 'rediss:',
    };
    if (url.username !== '')
        redis.username = decodeURIComponent(url.username);
    if (url.password !== '')
        redis.password = decodeURIComponent(url.password);
    const display = `${url.protocol}//${url.host}/${segments.length === 2 ? `${db}/` : ''}${name}`;
    return { redis, name, display };
}
/**
 * ioredis options for a queue target. `lazyConnect`: nothing connects until asked, so a client BullMQ only
 * duplicates never opens a socket of its own. `maxRetriesPerRequest: null`: BullMQ's workers block on
 * BZPOPMIN and must wait out a Redis restart instead of failing the command (BullMQ refuses other values).
 */
export function redisOptions(target) {
    const options = {
        host: target.host,
        port: target.port,
        db: target.db,
        lazyConnect: true,
        maxRetriesPerRequest: null,
    };
    if (target.username !== undefined)
        options.username = target.username;
    if (target.password !== undefined)
        options.password = target.password;
    if (target.tls)
        options.tls = { servername: target.host };
    return options;
}
/**
 * A client that reconnects after a dropped connection, for BullMQ workers (which duplicate it): a long-running
 * worker should ride out a Redis restart. Not connected yet; close it with `closeRedis`.
 */
export function workerRedis(target) {
    const client = new Redis(redisOptions(target));
    // BullMQ listens on the duplicates it uses; this one only needs its errors kept off the console.
    client.on('error', () => { });
    return client;
}
/**
 * A connected client for short commands (enqueue, status, finish, remove). It does not reconnect: a Redis
 * that cannot be reached is reported at once as QUEUE_CONNECT rather than retried in the background.
 */
export async function connectRedis(target) {
    const client = new Redis({ ...redisOptions(target), retryStrategy: () => null });
    // ioredis rejects connect() with a bare "Connection is closed."; the cause arrives as an error event.
    let cause;
    client.on('error', (err) => (cause ??= err));
    try {
        await client.connect();
    }
    catch (err) {
        client.disconnect();
        const reason = (cause ?? err).message;
        throw new BirdcallError('QUEUE_CONNECT', `cannot connect to Redis at ${target.host}:${target.port}: ${reason}`);
    }
    return client;
}
/** Closes a client whatever its state: QUIT when connected (pending replies arrive first), else drop it. */
export async function closeRedis(client) {
    if (client.status === 'end')
        return;
    if (client.status !== 'ready') {
        client.disconnect();
        return;
    }
    try {
        await client.quit();
    }
    catch {
        client.disconnect();
    }
}
//# sourceMappingURL=queue-redis.js.map