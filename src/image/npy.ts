import { BirdcallError } from '../errors.ts';

/**
 * NumPy .npy files, format version 1.0 (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic "\x93NUMPY", version bytes 1 0, a little-endian uint16 header length, then a Python-dict header
 * padded with spaces and ended by '\n' so that the data starts on a 64-byte boundary, then the raw data.
 * Writes are byte-identical to `numpy.save` for little-endian float32/float64 C-order arrays.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** numpy reserves room for the first axis to grow to 21 digits so a header can be rewritten in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function shapeRepr(shape: number[]): string {
  // Python's tuple repr: () for 0-d, (n,) for 1-d, (a, b) otherwise.
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encodes float32 ('<f4') or float64 ('<f8') values in C order with the given shape: a .npy file that
 * numpy.load reads.
 *
 * @param values - the values, row-major (a Spectrogram's `values` with shape [bins, frames]).
 * @param shape - the array's dimensions; their product must equal `values.length`.
 * @returns the file's bytes.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { encodeNpy, decodeNpy } from 'birdcall';
 *
 * const bytes = encodeNpy(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]); // np.load gives a (2, 3) float32 array
 * assert.deepEqual(decodeNpy(bytes).shape, [2, 3]);
 * ```
 */
export function encodeNpy(values: Float32Array | Float64Array, shape: number[]): Uint8Array {
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new BirdcallError('NPY_SHAPE', `shape ${JSON.stringify(shape)} must hold non-negative integers`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new BirdcallError('NPY_SHAPE', `shape ${shapeRepr(shape)} holds ${count} values, got ${values.length}`);
  }
  const descr = values instanceof Float64Array ? '<f8' : '<f4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // 10 bytes of preamble + header + '\n' must be a multiple of 64.
  header += ' '.repeat((ALIGN - ((10 + header.length + 1) % ALIGN)) % ALIGN) + '\n';
  if (header.length > 0xffff) throw new BirdcallError('NPY_SHAPE', `shape ${shapeRepr(shape)} needs a header too long for format 1.0`);

  const dataStart = 10 + header.length;
  const out = new Uint8Array(dataStart + values.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);

  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), dataStart);
  } else {
    const view = new DataView(out.buffer, dataStart);
    const width = values.BYTES_PER_ELEMENT;
    for (let i = 0; i < values.length; i++) {
      if (width === 8) view.setFloat64(i * 8, values[i], true);
      else view.setFloat32(i * 4, values[i], true);
    }
  }
  return out;
}

function invalid(reason: string, file?: string): never {
  throw new BirdcallError('NPY_INVALID', reason, file);
}

/**
 * Decodes a .npy file holding little-endian float32 or float64 in C order (format versions 1.0, 2.0 and
 * 3.0). Anything else is a BirdcallError: 'NPY_INVALID' for a damaged file, 'NPY_UNSUPPORTED' for a valid
 * file of another dtype or Fortran order. The header is parsed, never evaluated.
 *
 * @param bytes - the file's bytes (e.g. what `np.save` wrote).
 * @param file - the file errors name.
 * @returns the values (Float32Array for `<f4`, Float64Array for `<f8`) in C order, and the shape.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { BirdcallError, decodeNpy, encodeNpy } from 'birdcall';
 *
 * const { data, shape } = decodeNpy(encodeNpy(Float64Array.of(0.5, -1.25), [1, 2]));
 * assert.ok(data instanceof Float64Array);
 * assert.deepEqual([[...data], shape], [[0.5, -1.25], [1, 2]]);
 * assert.throws(() => decodeNpy(new Uint8Array(12), 'x.npy'), (e: unknown) => e instanceof BirdcallError && e.code === 'NPY_INVALID' && e.file === 'x.npy');
 * ```
 */
export function decodeNpy(bytes: Uint8Array, file?: string): { data: Float32Array | Float64Array; shape: number[] } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) invalid('not a .npy file (bad magic bytes)', file);
  const major = bytes[6];
  if (major < 1 || major > 3 || bytes[7] !== 0) invalid(`unknown .npy format version ${major}.${bytes[7]}`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) invalid('file ends inside the preamble', file);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) invalid(`header of ${headerLength} bytes runs past the end of the file`, file);
  let header = '';
  for (let i = headerStart; i < dataStart; i++) header += String.fromCharCode(bytes[i]);

  const m = /^\{\s*(.*?),?\s*\}\s*$/s.exec(header);
  if (!m) invalid(`header is not a dict: ${JSON.stringify(header.trim().slice(0, 120))}`, file);
  const fields = new Map<string, string>();
  // Keys are quoted strings; values are a quoted string, True/False, or a tuple.
  for (const f of m[1].matchAll(/'(\w+)'\s*:\s*('[^']*'|True|False|\([^)]*\))/g)) fields.set(f[1], f[2]);
  const descr = fields.get('descr');
  const fortran = fields.get('fortran_order');
  const shapeText = fields.get('shape');
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    invalid(`header lacks descr, fortran_order or shape: ${JSON.stringify(header.trim().slice(0, 120))}`, file);
  }
  const dtype = descr.slice(1, -1);
  const width = dtype === '<f4' ? 4 : dtype === '<f8' ? 8 : 0;
  if (width === 0) {
    throw new BirdcallError('NPY_UNSUPPORTED', `dtype ${dtype} is not supported (little-endian float32 '<f4' or float64 '<f8' only)`, file);
  }
  if (fortran === 'True') throw new BirdcallError('NPY_UNSUPPORTED', 'Fortran-order arrays are not supported', file);

  const dims = shapeText
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (!dims.every((d) => /^\d+$/.test(d))) invalid(`shape ${shapeText} is not a tuple of non-negative integers`, file);
  const shape = dims.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * width)) invalid(`shape ${shapeText} is too large`, file);
  const available = bytes.length - dataStart;
  if (available !== count * width) {
    invalid(`file holds ${available} data bytes, shape ${shapeText} of ${dtype} needs ${count * width}`, file);
  }

  // Copy out, so the result is aligned and independent of `bytes` whatever the header length was. Not
  // `bytes.slice`: on a Node Buffer (what readFile returns) slice is a view into a shared pool, not a copy.
  const raw = new Uint8Array(count * width);
  raw.set(bytes.subarray(dataStart, dataStart + count * width));
  if (LITTLE_ENDIAN_HOST) {
    return { data: width === 4 ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer), shape };
  }
  const dv = new DataView(raw.buffer);
  const data = width === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
  return { data, shape };
}
