import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSources, type PlannedItem } from '../../src/store/plan.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-plan-'));
}

function touch(path: string, text = 'x'): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function collect(items: AsyncIterable<PlannedItem>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) {
    if (item.kind === 'invalid') out.push(`invalid ${item.rawPath}`);
    else if (item.kind === 'duplicate') out.push(`duplicate ${item.row.path} #${item.index}`);
    else out.push(`source ${item.row.path} #${item.index} -> ${item.base.label}/${item.base.stem}`);
  }
  return out;
}

describe('planSources', () => {
  it('lists a folder in sorted order, every audio format, with each source its output names', async () => {
    const root = tempDir();
    for (const f of ['b/x.wav', 'a/y.ogg', 'a/z.flac', 'a/w.mp3', 'a/notes.txt', 'a/.hidden.wav']) touch(join(root, f));
    const plan = await planSources(root);
    expect(plan.layout).toBe('folder');
    expect(await collect(plan.items())).toEqual([
      'source a/w.mp3 #0 -> a/w',
      'source a/y.ogg #1 -> a/y',
      'source a/z.flac #2 -> a/z',
      'source b/x.wav #3 -> b/x',
    ]);
    expect(await plan.count()).toBe(4);
    expect(() => plan.checkNotEmpty()).not.toThrow();
  });

  it('says the same thing for an empty folder whoever asks (convert, enqueue): no audio files of any format', async () => {
    const root = tempDir();
    touch(join(root, 'a/readme.txt'));
    const plan = await planSources(root);
    expect(await collect(plan.items())).toEqual([]);
    expect(() => plan.checkNotEmpty()).toThrow(/no audio files \(\.wav, \.flac, \.ogg, \.mp3\) found/);
  });

  it('reports unusable rows where they stand and repeated rows as duplicates; one file name under two folders gets a hashed stem', async () => {
    const root = tempDir();
    touch(join(root, 'a/call.wav'));
    touch(join(root, 'b/call.wav'));
    touch(
      join(root, 'manifest.csv'),
      'path,primary_label\na/call.wav,same\n../escape.wav,same\nb/call.wav,same\na/call.wav,same\n',
    );
    const plan = await planSources(join(root, 'manifest.csv'));
    const items = await collect(plan.items());
    expect(items[0]).toBe('source a/call.wav #0 -> same/call');
    expect(items[1]).toBe('invalid ../escape.wav');
    expect(items[2]).toMatch(/^source b\/call\.wav #1 -> same\/call-[0-9a-f]{12}$/);
    expect(items[3]).toBe('duplicate a/call.wav #2');
    expect(plan.owners.get('same/call')).toBe('a/call.wav');
  });

  it('names outputs among the rows a filter keeps, in input order', async () => {
    const root = tempDir();
    touch(join(root, 'a/call.wav'));
    touch(join(root, 'b/call.wav'));
    touch(join(root, 'manifest.csv'), 'path,primary_label\na/call.wav,same\nb/call.wav,same\n');
    const plan = await planSources(join(root, 'manifest.csv'), (row) => row.path.startsWith('b/'));
    // a/call.wav is not in this part, so b/call.wav keeps the plain name.
    expect(await collect(plan.items())).toEqual(['source b/call.wav #1 -> same/call']);
  });
});
