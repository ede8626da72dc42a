import type { default as sharpFn } from 'sharp';
import { z } from 'zod';
import type { Spectrogram } from '../dsp/types.ts';
import { type ColormapName } from './colormap.ts';
type SharpFn = typeof sharpFn;
/** sharp, imported on first use: a native addon, it would slow the start of every command that writes no image. */
export declare function loadSharp(): Promise<SharpFn>;
export declare const pngParams: z.ZodObject<{
    bitDepth: z.ZodDefault<z.ZodUnion<readonly [z.ZodLiteral<8>, z.ZodLiteral<16>]>>;
    colormap: z.ZodDefault<z.ZodEnum<{
        viridis: "viridis";
        magma: "magma";
        gray: "gray";
    }>>;
    topDb: z.ZodDefault<z.ZodNumber>;
    dbMin: z.ZodOptional<z.ZodNumber>;
    dbMax: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>;
export type PngParams = z.output<typeof pngParams>;
export type PngParamsInput = z.input<typeof pngParams>;
/**
 * The fixed, recorded mapping from values to pixels: level = round((v - dbMin) / (dbMax - dbMin) * L),
 * clamped to [0, L], L = 255 or 65535; for colormaps the 8-bit level indexes the table. Image row 0 is the
 * HIGHEST bin (low frequencies at the bottom, as a spectrogram is read); column t is frame t.
 */
export interface PngMeta {
    /** Value mapped to level 0, in the spectrogram's units (`scale`). */
    dbMin: number;
    /** Value mapped to the top level. */
    dbMax: number;
    bitDepth: 8 | 16;
    colormap: 'gray' | ColormapName;
    /** Units of dbMin/dbMax: 'db', 'power', 'magnitude', or the normalization ('minmax', 'standardize'). */
    scale: string;
    /** Number of NaN/±Inf values, all drawn as level 0. */
    nonFinite: number;
}
export interface DecodedPng {
    width: number;
    height: number;
    /** 1 (gray) or 3 (RGB); alpha is dropped. */
    channels: 1 | 3;
    bitDepth: 8 | 16;
    /** Row-major, row 0 at the top, channels interleaved. */
    pixels: Uint8Array | Uint16Array;
    /** The birdcall mapping, when the PNG carries one. */
    meta?: PngMeta;
}
/**
 * Encodes a spectrogram as a PNG: width = frames, height = bins, low frequencies at the bottom. The
 * value -> pixel mapping (see PngMeta) is written into tEXt chunks (`birdcall:db_min`, `birdcall:db_max`,
 * `birdcall:bit_depth`, `birdcall:colormap`, …) and returned as `meta` for the manifest. NaN and ±Inf
 * never reach the image: they become level 0 and are counted in `meta.nonFinite`.
 */
export declare function encodePng(spec: Spectrogram, opts?: PngParamsInput, file?: string): Promise<{
    bytes: Uint8Array;
    meta: PngMeta;
}>;
/** Flat manifest columns for the mapping (the runner prefixes the artifact name, e.g. `png_db_min`). */
export declare function pngMetaColumns(meta: PngMeta): Record<string, string | number>;
/** Decodes a PNG to raw pixels (gray or RGB, 8 or 16 bits, alpha dropped) plus its birdcall mapping. */
export declare function decodePng(bytes: Uint8Array, file?: string): Promise<DecodedPng>;
/**
 * Converts decoded pixels back to values through the recorded mapping: a Float32Array laid out
 * [bins, frames] row-major with the LOWEST bin at index 0 (the spectrogram layout, rows un-flipped).
 * Exact up to quantization: half a level, i.e. (dbMax - dbMin) / 510 for 8-bit, / 131070 for 16-bit
 * (one level where viridis repeats a colour).
 */
export declare function pixelsToDb(image: Pick<DecodedPng, 'width' | 'height' | 'channels' | 'pixels'>, meta: PngMeta, file?: string): Float32Array;
export {};
