import { Redis, type RedisOptions } from 'ioredis';
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
/**
 * Parses `redis://[user:password@]HOST[:PORT]/[DB/]NAME` (or `rediss://` for TLS). The last path segment is
 * the queue name, not a database number as in plain Redis URLs: one Redis serves many conversions.
 */
export declare function parseQueueUrl(text: string): QueueTarget;
/**
 * ioredis options for a queue target. `lazyConnect`: nothing connects until asked, so a client BullMQ only
 * duplicates never opens a socket of its own. `maxRetriesPerRequest: null`: BullMQ's workers block on
 * BZPOPMIN and must wait out a Redis restart instead of failing the command (BullMQ refuses other values).
 */
export declare function redisOptions(target: RedisTarget): RedisOptions;
/**
 * A client that reconnects after a dropped connection, for BullMQ workers (which duplicate it): a long-running
 * worker should ride out a Redis restart. Not connected yet; close it with `closeRedis`.
 */
export declare function workerRedis(target: RedisTarget): Redis;
/**
 * A connected client for short commands (enqueue, status, finish, remove). It does not reconnect: a Redis
 * that cannot be reached is reported at once as QUEUE_CONNECT rather than retried in the background.
 */
export declare function connectRedis(target: RedisTarget): Promise<Redis>;
/** Closes a client whatever its state: QUIT when connected (pending replies arrive first), else drop it. */
export declare function closeRedis(client: Redis): Promise<void>;
