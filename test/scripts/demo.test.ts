import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo.ts';
import type { Selection } from '../../src/select/index.ts';
import { ROOT } from '../helpers/shared.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

describe('npm start (scripts/demo.ts)', () => {
  it('--quick runs generate -> convert -> train 3 candidates -> select end to end, then resumes without redoing work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'birdcall-demo-'));
    const lines: string[] = [];
    const first = await runDemo({ dir, quick: true, log: (l) => lines.push(l) });

    const report = join(dir, 'reports', 'demo-quick');
    const selection = JSON.parse(await readFile(join(report, 'selection.json'), 'utf8')) as Selection;
    expect((await stat(join(report, 'report.html'))).size).toBeGreaterThan(1000);
    expect(first.reportPath).toBe(join(report, 'report.html'));
    expect(selection.candidates.map((c) => c.name).sort()).toEqual(['demo-quick-compact-s1', 'demo-quick-tiny-s1', 'demo-quick-tiny-s2']);
    expect(first.candidates.every((c) => c.trained)).toBe(true);
    for (const c of first.candidates) expect((await stat(join(c.model, 'model.json'))).isFile()).toBe(true);
    // Scored on the held-out set only: its recordings, not the training set's.
    expect(selection.data.recordings).toBe(9);
    expect(first.summary).toContain(`Chosen: ${selection.chosen}`);
    expect(first.summary).toMatch(/Held-out top-1 of the chosen model on primary labels: \d+\.\d%/);
    expect(first.summary).toContain(`Report: ${join(report, 'report.html')}`);
    expect(lines.some((l) => /convert training set: \d+ chunks \(12 converted, 0 up to date\)/.test(l))).toBe(true);

    const again: string[] = [];
    const second = await runDemo({ dir, quick: true, log: (l) => again.push(l) });
    expect(second.candidates.some((c) => c.trained)).toBe(false);
    expect(again).toEqual(expect.arrayContaining([expect.stringMatching(/training recordings: .* is complete/), expect.stringMatching(/\(0 converted, 12 up to date\)/)]));
    expect(again.filter((l) => l.endsWith(': up to date'))).toHaveLength(3);
    expect(again.filter((l) => l.includes('scores from the cache'))).toHaveLength(3);
    expect(second.selection.chosen).toBe(first.selection.chosen);
  });

  it('explains itself with --help', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts'), '--help'], { cwd: ROOT }, (err, out) => (err ? reject(err) : resolve({ stdout: out }))),
    );
    expect(stdout).toMatch(/--fresh/);
    expect(stdout).toMatch(/--quick/);
  });
});
