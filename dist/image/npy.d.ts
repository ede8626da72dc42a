/** Encodes float32 ('<f4') or float64 ('<f8') values in C order with the given shape. */
export declare function encodeNpy(values: Float32Array | Float64Array, shape: number[]): Uint8Array;
/**
 * Decodes a .npy file holding little-endian float32 or float64 in C order (format versions 1.0, 2.0 and
 * 3.0). Anything else is a BirdcallError: 'NPY_INVALID' for a damaged file, 'NPY_UNSUPPORTED' for a valid
 * file of another dtype or Fortran order. The header is parsed, never evaluated.
 */
export declare function decodeNpy(bytes: Uint8Array, file?: string): {
    data: Float32Array | Float64Array;
    shape: number[];
};
