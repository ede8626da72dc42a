import { describe, it, expect } from 'vitest';
import { decodeAudio } from '../../src/audio/decode.ts';
import { parseMpegFrameHeader } from '../../src/audio/detect.ts';
import { decodeWav } from '../../src/audio/wav.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { BirdcallError } from '../../src/errors.ts';

// These tests need no external tools: WAV from our encoder, MP3 as silent frames built from a header
// (zero side information decodes to silence), Ogg and text made up byte by byte. Real FLAC/Ogg/MP3 files
// are covered in compressed.test.ts.

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A tone on the 16-bit grid (so a WAV round trip is exact); `+ 0` turns -0 into the 0 a decoder returns. */
function tone(n: number, rate: number, hz: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(0.4 * Math.sin((2 * Math.PI * hz * i) / rate) * 32768) / 32768 + 0;
  return x;
}

/** `count` MPEG frames of silence: the header, then zeros up to the declared frame length. */
function silentMp3(header: number[], count: number): Uint8Array {
  const h = parseMpegFrameHeader(new Uint8Array(header), 0);
  if (!h) throw new Error('test header is invalid');
  const out = new Uint8Array(h.frameBytes * count);
  for (let i = 0; i < count; i++) out.set(header, i * h.frameBytes);
  return out;
}
const MONO_22K = [0xff, 0xf3, 0x80, 0xc0];
const STEREO_44K = [0xff, 0xfb, 0x90, 0x64];

async function decodeCollecting(bytes: Uint8Array, source: string, maxSeconds?: number) {
  const warnings: string[] = [];
  const audio = await decodeAudio(bytes, source, { onWarning: (m) => warnings.push(m), maxSeconds });
  return { audio, warnings };
}

async function rejection(p: Promise<unknown>): Promise<BirdcallError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BirdcallError) return err;
    throw err;
  }
  throw new Error('expected a BirdcallError');
}

describe('decodeAudio dispatches by content', () => {
  const left = tone(4000, 16000, 1500);
  const right = tone(4000, 16000, 2500);
  const wav = encodeWav([left, right], 16000);

  it('reads a .wav exactly as decodeWav does, without warnings', async () => {
    const { audio, warnings } = await decodeCollecting(wav, 'a/x.wav');
    expect(audio).toEqual(decodeWav(wav, 'a/x.wav'));
    expect(warnings).toEqual([]);
  });

  it.each(['x.mp3', 'x.ogg', 'x.FLAC'])('reads WAV content named %s as WAV, with a warning naming both', async (name) => {
    const { audio, warnings } = await decodeCollecting(wav, name);
    expect(audio.channels).toEqual([left, right]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/extension says (MP3|Ogg|FLAC) but the content is WAV/);
  });

  it('does not warn for an extension it does not know (the content decides alone)', async () => {
    const { warnings } = await decodeCollecting(wav, 'recording.bin');
    expect(warnings).toEqual([]);
  });

  it('reads MPEG frames as MP3, mono when every frame is mono', async () => {
    const { audio, warnings } = await decodeCollecting(silentMp3(MONO_22K, 20), 'clip.mp3');
    expect(audio.channels).toHaveLength(1);
    expect(audio.sampleRate).toBe(22050);
    expect(audio.channels[0].length).toBe(20 * 576);
    expect(warnings).toEqual([]);
  });

  it('reads stereo MPEG frames as two channels', async () => {
    const { audio } = await decodeCollecting(silentMp3(STEREO_44K, 10), 'clip.mp3');
    expect(audio.channels).toHaveLength(2);
    expect(audio.sampleRate).toBe(44100);
    expect(audio.channels[1].length).toBe(10 * 1152);
  });

  it('reads MP3 content named .wav as MP3, with a warning', async () => {
    const { audio, warnings } = await decodeCollecting(silentMp3(MONO_22K, 8), 'XC1.wav');
    expect(audio.sampleRate).toBe(22050);
    expect(warnings.join('\n')).toContain('extension says WAV but the content is MPEG-2 Layer III');
  });

  it('returns the frames before a cut, with a truncation warning', async () => {
    const whole = silentMp3(STEREO_44K, 12);
    const { audio, warnings } = await decodeCollecting(whole.subarray(0, whole.length - 100), 'cut.mp3');
    expect(audio.channels[0].length).toBeLessThan(12 * 1152);
    expect(warnings.join('\n')).toMatch(/cut short .* truncated/);
  });

  it('refuses an MP3 longer than maxSeconds before decoding it', async () => {
    const err = await rejection(decodeAudio(silentMp3(STEREO_44K, 50), 'long.mp3', { maxSeconds: 1 }));
    expect(err.code).toBe('MP3_TOO_LONG');
    expect(err.file).toBe('long.mp3');
  });
});

describe('decodeAudio errors name the file and the reason', () => {
  it.each([
    ['notes.txt', text('recorded at dawn, 3 males singing'), 'AUDIO_UNKNOWN_FORMAT', /text starting/],
    ['noext', new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1]), 'AUDIO_UNKNOWN_FORMAT', /09 08 07/],
    ['page.wav', text('<html><body>404</body></html>'), 'WAV_NOT_RIFF', /RIFF/],
    ['page.mp3', text('<html><body>404</body></html>'), 'MP3_CORRUPT', /no MPEG audio frame/],
    ['page.flac', text('<html><body>404</body></html>'), 'FLAC_BAD_HEADER', /fLaC/],
    ['page.ogg', text('<html><body>404</body></html>'), 'OGG_CORRUPT', /no complete Ogg page/],
    ['empty.ogg', new Uint8Array(0), 'OGG_CORRUPT', /no complete Ogg page/],
  ])('%s: %s', async (name, bytes, code, reason) => {
    const err = await rejection(decodeAudio(bytes, name));
    expect(err.code).toBe(code);
    expect(err.file).toBe(name);
    expect(err.reason).toMatch(reason);
  });

  it('names a recognised but unsupported codec (Ogg Opus) and says what to convert to', async () => {
    const page = new Uint8Array(27 + 1 + 19);
    page.set(text('OggS'));
    page[5] = 2;
    page[26] = 1;
    page[27] = 19;
    page.set(text('OpusHead\x01\x01'), 28);
    const err = await rejection(decodeAudio(page, 'amecro/XC1.ogg'));
    expect(err.code).toBe('AUDIO_UNSUPPORTED_FORMAT');
    expect(err.file).toBe('amecro/XC1.ogg');
    expect(err.reason).toMatch(/Ogg Opus.*convert/);
  });

  it('refuses MPEG-looking data that is mostly junk instead of decoding chance frame syncs', async () => {
    const junk = new Uint8Array(20000);
    let seed = 7;
    for (let i = 0; i < junk.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      junk[i] = seed >>> 24;
    }
    const file = new Uint8Array(junk.length + 2 * 417);
    file.set(silentMp3(STEREO_44K, 2));
    file.set(junk, 2 * 417);
    const err = await rejection(decodeAudio(file, 'junk.mp3'));
    expect(err.code).toBe('MP3_CORRUPT');
    expect(err.reason).toMatch(/not MPEG frames/);
  });
});
