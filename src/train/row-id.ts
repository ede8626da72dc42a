import { basename, extname } from 'node:path';

/**
 * A chunk's row_id in a predictions CSV: `<file stem>_<end second>`, whole seconds as BirdCLEF writes them,
 * else up to milliseconds. Apart from predict-files.ts so that reading a predictions CSV (`select
 * --predictions`) does not load TensorFlow.js.
 */
export function rowId(source: string, endSeconds: number): string {
  const name = basename(source);
  const stem = name.slice(0, name.length - extname(name).length) || name;
  const rounded = Math.round(endSeconds);
  const end = Math.abs(endSeconds - rounded) < 1e-6 ? String(rounded) : String(Number(endSeconds.toFixed(3)));
  return `${stem}_${end}`;
}

