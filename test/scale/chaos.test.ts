import { describe, expect, it } from 'vitest';
import { runChaos } from '../helpers/chaos.ts';
import { HAVE_REDIS } from '../helpers/redis.ts';

/**
 * The short chaos run (the long one: `npm run bench -- --only chaos`): workers SIGKILLed and replaced, Redis
 * restarted once, one worker stopped with SIGTERM mid-file; then every source is in the final manifest
 * exactly once, with the right bytes, and nothing else is on disk.
 */
describe.skipIf(!HAVE_REDIS)('queue mode under chaos', () => {
  it('loses, duplicates and corrupts nothing through worker kills, a Redis restart and a SIGTERM', async () => {
    const r = await runChaos({ files: 30, workers: 3, killEveryMs: 1500, maxKills: 5, holdMs: 400, lockMs: 2000, redisDownMs: 1000, seed: 7 });
    console.info(`chaos (short): ${JSON.stringify({ ...r, check: { ...r.check } })}`);
    expect(r.workerKills).toBeGreaterThanOrEqual(2);
    expect(r.killsMidFile).toBeGreaterThanOrEqual(1);
    expect(r.redisRestarts).toBe(1);
    expect(r.sigterm).toMatchObject({ midFile: true, code: 0 });
    expect(r.check).toEqual({ rows: r.check.rows, duplicateRows: [], missingSources: [], unexpectedSources: [], corrupt: [], strayFiles: [], tempFiles: [] });
    expect(r.check.rows).toBeGreaterThanOrEqual(30 * 2);
    expect(r.finish.failed).toBe(0);
    // Finish converts only what the queue gave up on (a job stalled three times).
    expect(r.finish.converted).toBe(r.failedJobs);
    expect(r.finish.skipped + r.finish.converted).toBe(30);
  }, 240_000);
});
