/**
 * The API reference's examples run (docs/api is generated from these TSDoc comments by `npm run docs`): every
 * ```ts block under an `@example` tag in src/ is written to a file with `birdcall` pointing at the sources,
 * imported, and must finish without throwing (its `assert`s check the values it shows).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/shared.ts';

interface Example {
  file: string;
  symbol: string;
  code: string;
}

/** The @example code blocks of one source file, with the exported symbol each documents. */
function examplesIn(file: string, text: string): Example[] {
  const out: Example[] = [];
  for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*export\s+(?:async\s+)?(?:function\*?|const|class)\s+(\w+)/g)) {
    const body = comment[1].replace(/^[ \t]*\* ?/gm, '');
    for (const m of body.matchAll(/@example\s*```ts\n([\s\S]*?)```/g)) out.push({ file, symbol: comment[2], code: m[1] });
  }
  return out;
}

async function allExamples(): Promise<Example[]> {
  const files = (await readdir(join(ROOT, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  const out: Example[] = [];
  for (const f of files) out.push(...examplesIn(f, await readFile(join(ROOT, 'src', f), 'utf8')));
  return out;
}

const examples = await allExamples();

/**
 * Public functions and classes without an example, and why. Keyed by the name they are declared with (the
 * name the coverage test checks). An exemption lapses once the function has its example: the coverage test
 * below fails then, so this list cannot go stale.
 */
const WITHOUT_EXAMPLE: Record<string, string> = {};

/**
 * The functions and classes a module exports, by the name they are declared with (`resampleAudio` is
 * `resample` in src/audio/resample.ts, and its example sits on that declaration). The step factories
 * `stepOf` makes (`melspec`, `db`, …) have no name of their own: they are shown by the `pipeline` and
 * `stepOf` examples, not one each.
 */
function declaredFunctions(module: object): string[] {
  return Object.values(module).flatMap((v) => (typeof v === 'function' && v.name !== '' ? [v.name as string] : []));
}
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'birdcall-examples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the API reference examples', () => {
  it('cover the DSP and block API', () => {
    const documented = new Set(examples.map((e) => e.symbol));
    for (const name of ['melSpectrogram', 'stft', 'powerToDb', 'pcen', 'resample', 'decodeAudio', 'pipeline', 'runPipelineOnFile', 'convert', 'defineBlock']) {
      expect(documented, name).toContain(name);
    }
  });

  it('cover every public function and class of birdcall, its dsp and metrics namespaces and birdcall/train', async () => {
    const documented = new Set(examples.map((e) => e.symbol));
    const api = await import('../../src/index.ts');
    const train = await import('../../src/train/index.ts');
    const wanted = [...new Set([...declaredFunctions(api), ...declaredFunctions(api.dsp), ...declaredFunctions(api.metrics), ...declaredFunctions(train)])];
    // The check itself must see the areas it is meant to cover (a filter bug would pass vacuously).
    for (const name of ['ravenTable', 'readInputs', 'readOutputManifest', 'decodePng', 'realFft', 'selectModels', 'rocAuc', 'trainModel']) {
      expect(wanted, name).toContain(name);
    }
    const missing = wanted.filter((name) => !documented.has(name) && !(name in WITHOUT_EXAMPLE));
    expect(missing).toEqual([]);
    // An exemption lapses once the function has its example.
    expect(Object.keys(WITHOUT_EXAMPLE).filter((name) => documented.has(name))).toEqual([]);
  });

  it.each(examples.map((e) => [`${e.symbol} (${e.file})`, e] as const))('%s runs', async (_, example) => {
    const code = example.code
      .replaceAll("from 'birdcall/train'", `from ${JSON.stringify(join(ROOT, 'src', 'train', 'index.ts'))}`)
      .replaceAll("from 'birdcall'", `from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))}`);
    const path = join(dir, `${example.symbol}-${example.file.replaceAll('/', '_')}`);
    await writeFile(path, `${code}\nexport {};\n`);
    await import(pathToFileURL(path).href);
  });
});
