import { readFileSync, writeFileSync } from 'node:fs';
import { parseFlacStreamInfo } from '../../src/audio/flac.ts';
import { sox } from './sox.ts';

/** Where STREAMINFO's 16 MD5 bytes start: after `fLaC`, the block header and 18 bytes of fields. */
function md5At(bytes: Uint8Array, path: string): number {
  return parseFlacStreamInfo(bytes, path).offset + 8 + 18;
}

/**
 * Encodes `wav` to FLAC at `flac` with sox, then rewrites STREAMINFO's MD5: 'wrong' flips one bit of it
 * (every frame and its CRCs stay valid: only the signature no longer matches the audio), 'none' zeroes it
 * (an encoder that computed none), 'keep' leaves sox's. Returns the FLAC's bytes.
 */
export function soxFlac(wav: string, flac: string, md5: 'keep' | 'wrong' | 'none' = 'keep'): Uint8Array {
  sox([wav, flac]);
  const bytes = new Uint8Array(readFileSync(flac));
  const at = md5At(bytes, flac);
  if (md5 === 'wrong') bytes[at + 5] ^= 1;
  if (md5 === 'none') bytes.fill(0, at, at + 16);
  writeFileSync(flac, bytes);
  return bytes;
}
