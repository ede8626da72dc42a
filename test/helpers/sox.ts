import { execFileSync } from 'node:child_process';

/**
 * sox makes FLAC, Ogg Vorbis and MP3 copies of test audio and decodes them back as references (libFLAC,
 * libvorbisfile, libmad). It needs the MP3 format module: `apt-get install -y --no-install-recommends sox
 * libsox-fmt-mp3`.
 */
function soxFormats(): string {
  try {
    return execFileSync('sox', ['-h'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}
const SOX = soxFormats();
export const HAVE_SOX = / flac /.test(SOX) && / vorbis /.test(SOX) && / mp3 /.test(SOX);
export const SOX_SKIP_REASON = 'sox with FLAC, Vorbis and MP3 support not found (apt-get install sox libsox-fmt-mp3)';

/** Runs sox, quiet unless it fails. */
export function sox(args: string[]): void {
  execFileSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
