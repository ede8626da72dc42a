import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConvertRun, type RunFacts } from '../../src/batch/convert-run.ts';
import type { OutputRow } from '../../src/store/manifest-types.ts';
import { STATE_FORMAT, StateStore, type SourceState } from '../../src/store/state.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * A source's state with `chunks` rows; metadata differs per source so a mixed-up row shows in the CSV, and
 * with `recordist` source 5 alone has a `recordist` column (the manifest's columns change when it finishes).
 */
function state(index: number, chunks: number, recordist: boolean): SourceState {
  const path = `robin/s${index}.wav`;
  const metadata: Record<string, string> = recordist && index === 5 ? { site: 'site5', recordist: 'ann' } : { site: `site${index}` };
  const rows: OutputRow[] = Array.from({ length: chunks }, (_, c) => ({
    source: path,
    chunkIndex: c,
    startSeconds: c,
    endSeconds: c + 1,
    primaryLabel: 'robin',
    secondaryLabels: [],
    outputs: { png: `png/robin/s${index}_${String(c).padStart(4, '0')}.png` },
    outputHashes: { png: `h${index}.${c}` },
    outputMeta: {},
    sourceSha256: `sha${index}`,
    pipelineHash: 'p',
    birdcallVersion: '0.1.0',
    metadata,
  }));
  return {
    format: STATE_FORMAT,
    input: { path, primaryLabel: 'robin', secondaryLabels: [], metadata },
    sourceSha256: `sha${index}`,
    pipelineHash: 'p',
    birdcallVersion: '0.1.0',
    outputBase: { label: 'robin', stem: `s${index}` },
    audioSeconds: chunks,
    rows,
    warnings: [],
  };
}

/** Finished in this order: 4 (2 chunks), 0 (1), 8 (3), 5 (3), 2 (3), 6 (1), 1 (2), 3 (1), 7 (2). */
const FINISHED = [4, 0, 8, 5, 2, 6, 1, 3, 7];

/** Sources 0..8 with 1..3 chunks each, finished out of input order; returns the manifest text. */
async function manifestOf(heldRows: number, opts: { recordist?: boolean; afterRecord?: (store: StateStore, states: SourceState[]) => Promise<void> } = {}): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'birdcall-run-'));
  dirs.push(outDir);
  const store = new StateStore(outDir);
  const states = Array.from({ length: 9 }, (_, i) => state(i, 1 + (i % 3), opts.recordist ?? false));
  for (const s of states) await store.write(s);
  const run = new ConvertRun(store, states.length, undefined, heldRows);
  for (const i of FINISHED) run.record(states[i].input, i, { outcome: 'converted', state: states[i] });
  await opts.afterRecord?.(store, states);
  const facts: RunFacts = { input: 'in', outDir, layout: 'folder', pipelineHash: 'p', birdcallVersion: '0.1.0', jobs: 1, tempFilesRemoved: 0 };
  await run.writeResults(facts);
  return readFile(join(outDir, 'manifest.csv'), 'utf8');
}

/** Without their state files, only rows kept in memory can reach the manifest. */
async function dropStates(store: StateStore, states: SourceState[]): Promise<void> {
  await Promise.all(states.map((s) => rm(store.pathFor(s.input.path))));
}

function sourcesOf(manifest: string): string[] {
  return manifest.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
}

describe("a convert run's manifest", () => {
  it('is the same whether its rows were rendered as they came, read back from the states, or some of each', async () => {
    for (const recordist of [false, true]) {
      const readBack = await manifestOf(0, { recordist });
      expect(readBack.trim().split('\n')).toHaveLength(1 + 18);
      expect(readBack.indexOf('robin/s0.wav')).toBeLessThan(readBack.indexOf('robin/s8.wav'));
      expect(await manifestOf(Number.POSITIVE_INFINITY, { recordist })).toBe(readBack);
      expect(await manifestOf(7, { recordist })).toBe(readBack);
    }
    const withRecordist = await manifestOf(Number.POSITIVE_INFINITY, { recordist: true });
    expect(withRecordist.split('\n')[0]).toMatch(/,site,recordist$/);
    expect(withRecordist).toMatch(/^robin\/s5\.wav,.*,site5,ann$/m);
    expect(withRecordist).toMatch(/^robin\/s4\.wav,.*,site4,$/m);
  });

  it('keeps the rows of the sources that fit the budget, in the order they finished, and reads back the rest', async () => {
    // 4, 0 and 8 make 6 chunks; 5 would bring them to 9.
    expect(sourcesOf(await manifestOf(6, { afterRecord: dropStates }))).toEqual(['robin/s0.wav', 'robin/s4.wav', 'robin/s4.wav', 'robin/s8.wav', 'robin/s8.wav', 'robin/s8.wav']);
    expect(await manifestOf(0, { afterRecord: dropStates })).toBe(`${(await manifestOf(0)).split('\n')[0]}\n`);
  });

  it('reads back the rows rendered before a later source added a column', async () => {
    // 5 adds `recordist`: the rows of 4, 0 and 8, rendered before, no longer fit the header.
    const sources = new Set(sourcesOf(await manifestOf(Number.POSITIVE_INFINITY, { recordist: true, afterRecord: dropStates })));
    expect([...sources]).toEqual(['robin/s1.wav', 'robin/s2.wav', 'robin/s3.wav', 'robin/s5.wav', 'robin/s6.wav', 'robin/s7.wav']);
  });
});
