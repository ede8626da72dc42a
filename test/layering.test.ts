import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The floors of src/, lowest first. A module may import its own folder and any folder or root file on a
 * lower floor; never a higher floor, and never a sibling on its own floor (siblings stay independent).
 * A root file (src/x.ts) is its own unit, named with its extension.
 */
const FLOORS: string[][] = [
  ['errors.ts', 'param-info.ts', 'random.ts', 'version.ts', 'wasm-api.ts', 'worker-bundle.ts'],
  // Parameters described by zod schemas, and their one error format.
  ['params.ts'],
  // detect: scores to detections and the tables people open (BirdCLEF CSV, Raven, Audacity).
  ['metrics', 'dsp', 'detect'],
  ['audio', 'image'],
  // Dataset I/O: inputs, manifests, paths, atomic writes, resume state. What train and select read.
  ['store'],
  // Blocks, pipeline files, runners.
  ['pipeline'],
  ['batch', 'train'],
  ['scale', 'select'],
  ['demo'],
  ['cli'],
  // The package's public entry re-exports every floor.
  ['index.ts'],
];

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

function floorOf(unit: string): number {
  return FLOORS.findIndex((floor) => floor.includes(unit));
}

/** The unit (top folder, or root file) a path relative to src/ belongs to. */
function unitOf(relPath: string): string {
  return relPath.split(/[\\/]/)[0];
}

/** Why `from` (relative to src/) may not import `target` (relative to src/), or undefined when it may. */
function layeringViolation(from: string, target: string): string | undefined {
  const a = unitOf(from);
  const b = unitOf(target);
  if (a === b) return undefined;
  const fa = floorOf(a);
  const fb = floorOf(b);
  if (fa < 0) return `${a} is on no floor: add it to FLOORS in test/layering.test.ts`;
  if (fb < 0) return `${b} is on no floor: add it to FLOORS in test/layering.test.ts`;
  if (fb > fa) return `${a} (floor ${fa}) imports ${b} (floor ${fb}), a higher floor`;
  if (fb === fa) return `${a} imports its sibling ${b} (both floor ${fa})`;
  return undefined;
}

/** Every relative import of a file (static, type-only, re-exports and import()), resolved relative to src/. */
function importsOf(absPath: string, text = readFileSync(absPath, 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((ref) => ref.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(absPath), name)));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

describe('layering', () => {
  it('no module in src/ imports a higher floor or a sibling', () => {
    const violations: string[] = [];
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) {
      const from = relative(SRC, file);
      for (const target of importsOf(file)) {
        if (target.startsWith('..')) continue; // outside src/ (package.json)
        const why = layeringViolation(from, target);
        if (why) violations.push(`${from.split(sep).join('/')} -> ${target.split(sep).join('/')}: ${why}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('every folder and root file of src/ is on exactly one floor', () => {
    const units = readdirSync(SRC);
    const placed = FLOORS.flat();
    expect(new Set(placed).size).toBe(placed.length);
    expect(units.filter((unit) => !placed.includes(unit))).toEqual([]);
  });

  it('refuses an upward or sibling import and allows a downward one', () => {
    expect(layeringViolation('dsp/fft.ts', 'pipeline/block.ts')).toMatch(/higher floor/);
    expect(layeringViolation('errors.ts', 'params.ts')).toMatch(/higher floor/);
    expect(layeringViolation('store/manifest.ts', 'train/train.ts')).toMatch(/higher floor/);
    expect(layeringViolation('train/run.ts', 'batch/convert.ts')).toMatch(/sibling/);
    expect(layeringViolation('errors.ts', 'audio/wav.ts')).toMatch(/higher floor/);
    expect(layeringViolation('dsp/fft.ts', 'nowhere/x.ts')).toMatch(/no floor/);
    expect(layeringViolation('scale/queue.ts', 'batch/convert.ts')).toBeUndefined();
    expect(layeringViolation('select/select.ts', 'store/paths.ts')).toBeUndefined();
    expect(layeringViolation('pipeline/run.ts', 'pipeline/blocks/db.ts')).toBeUndefined();
  });

  it('finds multi-line, type-only, re-export and dynamic imports', () => {
    const text = [
      "import {\n  a,\n  b,\n} from './x/one.ts';",
      "import type { T } from '../two.ts';",
      "export { c } from './three.ts';",
      "const m = await import('./four.ts');",
    ].join('\n');
    const targets = importsOf(join(SRC, 'dsp', 'file.ts'), `${text}\nimport { z } from 'zod';`);
    expect(targets.map((t) => t.split(sep).join('/'))).toEqual(['dsp/x/one.ts', 'two.ts', 'dsp/three.ts', 'dsp/four.ts']);
  });
});
