import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/shared.ts';

/** Reading ../shared/fixtures (librosa 0.11 outputs, described by its README and index.json). */

export interface ArrayEntry {
  file: string;
  dtype: 'float32' | 'float64';
  shape: number[];
}

export interface FixtureCase {
  id: string;
  signal: string;
  sr: number;
  params: {
    n_fft: number;
    hop_length: number;
    n_mels: number;
    fmin: number;
    fmax: number | null;
    htk: boolean;
    center: boolean;
    pad_mode: 'constant' | 'reflect';
    window: 'hann';
    power: number;
    norm: 'slaney';
  };
  n_frames: number;
  filterbank: string;
  f32: { power_spec: ArrayEntry; mel_power: ArrayEntry; mel_db: ArrayEntry };
  f64: { mel_power: ArrayEntry; mel_db: ArrayEntry };
}

export interface FixtureIndex {
  signals: Record<string, { sr: number; n_samples: number; samples_f32: ArrayEntry }>;
  filterbanks: Record<
    string,
    {
      params: { sr: number; n_fft: number; n_mels: number; fmin: number; fmax: number | null; htk: boolean; norm: 'slaney' };
      empty_filters: number;
      f64: ArrayEntry;
    }
  >;
  windows: Record<string, ArrayEntry>;
  cases: FixtureCase[];
}

export function loadIndex(): FixtureIndex {
  return JSON.parse(readFileSync(join(FIXTURES, 'index.json'), 'utf8')) as FixtureIndex;
}

/** A raw little-endian array as a Float64Array (float32 files widened exactly). */
export function readArray(entry: ArrayEntry): Float64Array {
  const bytes = readFileSync(join(FIXTURES, entry.file));
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = entry.dtype === 'float64' ? new Float64Array(copy) : new Float32Array(copy);
  const expected = entry.shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`${entry.file}: ${data.length} values, shape says ${expected}`);
  return Float64Array.from(data);
}

export function readFloat32(entry: ArrayEntry): Float32Array {
  const bytes = readFileSync(join(FIXTURES, entry.file));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

export function maxOf(a: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) max = Math.max(max, a[i]);
  return max;
}
