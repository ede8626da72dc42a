export declare function crc32(bytes: Uint8Array, start?: number, end?: number): number;
export declare function isPng(bytes: Uint8Array): boolean;
/** Encodes one tEXt chunk (keyword: 1-79 Latin-1 characters; text: Latin-1). */
export declare function textChunk(keyword: string, text: string): Uint8Array;
/** Returns a copy of `png` with tEXt chunks for `entries` inserted right after IHDR. */
export declare function insertTextChunks(png: Uint8Array, entries: Record<string, string>): Uint8Array;
/**
 * Reads every tEXt chunk into keyword -> text. A chunk whose CRC does not match is skipped, as libpng
 * skips damaged ancillary chunks; a chunk running past the end of the file is an error.
 */
export declare function readTextChunks(png: Uint8Array, file?: string): Record<string, string>;
