import { BirdcallError } from '../errors.ts';

/**
 * Minimal PNG chunk surgery: tEXt chunks (the dB mapping) written by png-write.ts, read back here, or
 * inserted into a PNG another encoder made.
 * Chunk layout (PNG spec, section 5.3): 4-byte big-endian data length, 4-byte type, data, CRC-32 of
 * type + data.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  // The reflected CRC-32 (polynomial 0xEDB88320) that PNG and zlib use.
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

function latin1(text: string, what: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || c === 0) throw new BirdcallError('PNG_TEXT_INVALID', `${what} ${JSON.stringify(text)} is not Latin-1 without NUL`);
    out[i] = c;
  }
  return out;
}

// Not TextDecoder('latin1'): WHATWG maps that label to windows-1252, which differs from Latin-1 at 0x80-0x9F.
function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Encodes one tEXt chunk (keyword: 1-79 Latin-1 characters; text: Latin-1). */
export function textChunk(keyword: string, text: string): Uint8Array {
  if (keyword.length < 1 || keyword.length > 79) {
    throw new BirdcallError('PNG_TEXT_INVALID', `tEXt keyword ${JSON.stringify(keyword)} must be 1-79 characters`);
  }
  const key = latin1(keyword, 'tEXt keyword');
  const value = latin1(text, 'tEXt text');
  const length = key.length + 1 + value.length;
  const chunk = new Uint8Array(12 + length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, length);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // 'tEXt'
  chunk.set(key, 8);
  chunk.set(value, 9 + key.length); // the byte between stays 0: the keyword's NUL separator
  view.setUint32(8 + length, crc32(chunk, 4, 8 + length));
  return chunk;
}

/**
 * Reads every tEXt chunk into keyword -> text. A chunk whose CRC does not match is skipped, as libpng
 * skips damaged ancillary chunks; a chunk running past the end of the file is an error.
 */
export function readTextChunks(png: Uint8Array, file?: string): Record<string, string> {
  if (!isPng(png)) throw new BirdcallError('PNG_INVALID', 'not a PNG file (bad signature)', file);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const texts: Record<string, string> = {};
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(png[at + 4], png[at + 5], png[at + 6], png[at + 7]);
    const dataEnd = at + 8 + length;
    if (length > 0x7fffffff || dataEnd + 4 > png.length) {
      throw new BirdcallError('PNG_INVALID', `chunk ${JSON.stringify(type)} at byte ${at} runs past the end of the file`, file);
    }
    if (type === 'tEXt' && crc32(png, at + 4, dataEnd) === view.getUint32(dataEnd)) {
      const data = png.subarray(at + 8, dataEnd);
      const nul = data.indexOf(0);
      if (nul > 0) {
        texts[decodeLatin1(data.subarray(0, nul))] = decodeLatin1(data.subarray(nul + 1));
      }
    }
    if (type === 'IEND') break;
    at = dataEnd + 4;
  }
  return texts;
}
