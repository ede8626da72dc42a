import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  detectAudioFormat,
  formatFromExtension,
  id3v2Size,
  isAudioPath,
  parseMpegFrameHeader,
} from '../../src/audio/detect.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `count` MPEG frames: the header, then zeros up to the frame length the header declares. */
function mpegFrames(header: number[], count: number): Uint8Array {
  const h = parseMpegFrameHeader(new Uint8Array(header), 0);
  if (!h) throw new Error('test header is invalid');
  const frame = new Uint8Array(h.frameBytes);
  frame.set(header);
  return concat(...Array.from({ length: count }, () => frame));
}

/** An ID3v2.3 tag with `body` bytes of zeros (the size is syncsafe: 7 bits per byte). */
function id3(body: number): Uint8Array {
  const tag = new Uint8Array(10 + body);
  tag.set(text('ID3'));
  tag[3] = 3;
  tag[6] = (body >> 21) & 0x7f;
  tag[7] = (body >> 14) & 0x7f;
  tag[8] = (body >> 7) & 0x7f;
  tag[9] = body & 0x7f;
  return tag;
}

/** An Ogg page header whose first packet starts with `packet`. */
function oggPage(packet: Uint8Array): Uint8Array {
  const head = new Uint8Array(28);
  head.set(text('OggS'));
  head[5] = 0x02; // beginning of stream
  head[26] = 1; // one segment
  head[27] = packet.length;
  return concat(head, packet);
}

// MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo: the commonest MP3 frame there is.
const MP3_44K_STEREO = [0xff, 0xfb, 0x90, 0x64];
// MPEG-2 Layer III, 64 kbit/s, 22.05 kHz, mono.
const MP3_22K_MONO = [0xff, 0xf3, 0x80, 0xc0];

describe('parseMpegFrameHeader', () => {
  it('reads version, layer, bit rate, rate, channels and frame length of an MPEG-1 Layer III header', () => {
    const h = parseMpegFrameHeader(new Uint8Array(MP3_44K_STEREO), 0);
    expect(h).toEqual({ version: 1, layer: 3, bitrate: 128, sampleRate: 44100, channels: 2, frameBytes: 417, samplesPerFrame: 1152 });
  });

  it('reads an MPEG-2 mono header (half the samples per frame, the low-rate bit-rate table)', () => {
    const h = parseMpegFrameHeader(new Uint8Array(MP3_22K_MONO), 0);
    expect(h).toEqual({ version: 2, layer: 3, bitrate: 64, sampleRate: 22050, channels: 1, frameBytes: 208, samplesPerFrame: 576 });
  });

  it('counts the padding byte', () => {
    const padded = [0xff, 0xfb, 0x92, 0x64];
    expect(parseMpegFrameHeader(new Uint8Array(padded), 0)?.frameBytes).toBe(418);
  });

  it.each([
    ['no sync', [0xfe, 0xfb, 0x90, 0x64]],
    ['reserved version', [0xff, 0xeb, 0x90, 0x64]],
    ['reserved layer (ADTS AAC)', [0xff, 0xf1, 0x50, 0x80]],
    ['bit-rate index 15', [0xff, 0xfb, 0xf0, 0x64]],
    ['sample-rate index 3', [0xff, 0xfb, 0x9c, 0x64]],
  ])('rejects %s', (_name, bytes) => {
    expect(parseMpegFrameHeader(new Uint8Array(bytes), 0)).toBeUndefined();
  });

  it('does not read past the end of the bytes', () => {
    expect(parseMpegFrameHeader(new Uint8Array([0xff, 0xfb, 0x90]), 0)).toBeUndefined();
  });
});

describe('id3v2Size', () => {
  it('adds the 10-byte header to the syncsafe body size', () => {
    expect(id3v2Size(id3(300))).toBe(310);
    expect(id3v2Size(id3(2 ** 20 + 5))).toBe(10 + 2 ** 20 + 5);
  });

  it('is 0 for no tag, and for a size byte with its top bit set (not syncsafe, so not a tag)', () => {
    expect(id3v2Size(text('RIFF0000WAVE'))).toBe(0);
    const bad = id3(10);
    bad[8] = 0x80;
    expect(id3v2Size(bad)).toBe(0);
  });
});

describe('detectAudioFormat', () => {
  const wav = encodeWav(new Float32Array(100), 16000);

  it('recognises RIFF/WAVE', () => {
    expect(detectAudioFormat(wav)).toMatchObject({ format: 'wav', known: true });
  });

  it('hands RIFX and non-WAVE RIFF to the WAV reader, which explains what is wrong with them', () => {
    expect(detectAudioFormat(concat(text('RIFX'), wav.subarray(4))).format).toBe('wav');
    expect(detectAudioFormat(concat(text('RIFF\0\0\0\0AVI '), new Uint8Array(40))).format).toBe('wav');
  });

  it('recognises FLAC by fLaC, also behind an ID3v2 tag', () => {
    expect(detectAudioFormat(concat(text('fLaC'), new Uint8Array(38))).format).toBe('flac');
    const tagged = detectAudioFormat(concat(id3(64), text('fLaC'), new Uint8Array(38)));
    expect(tagged).toMatchObject({ format: 'flac', id3Bytes: 74 });
  });

  it('recognises Ogg Vorbis by OggS and the Vorbis identification packet', () => {
    expect(detectAudioFormat(oggPage(text('\x01vorbis\0\0\0\0\x01')))).toMatchObject({ format: 'ogg', name: 'Ogg Vorbis' });
  });

  it('names Ogg Opus and Speex as known but unsupported', () => {
    expect(detectAudioFormat(oggPage(text('OpusHead\x01\x02')))).toMatchObject({ format: undefined, name: 'Ogg Opus', known: true });
    expect(detectAudioFormat(oggPage(text('Speex   1.2')))).toMatchObject({ format: undefined, name: 'Ogg Speex' });
  });

  it('recognises MP3 by an MPEG frame sync at the start', () => {
    expect(detectAudioFormat(mpegFrames(MP3_44K_STEREO, 3))).toMatchObject({ format: 'mp3', name: 'MPEG-1 Layer III' });
    expect(detectAudioFormat(mpegFrames(MP3_22K_MONO, 3))).toMatchObject({ format: 'mp3', name: 'MPEG-2 Layer III' });
  });

  it('recognises MP3 by an ID3v2 tag, finding the first frame after zero padding', () => {
    const file = concat(id3(1000), new Uint8Array(300), mpegFrames(MP3_44K_STEREO, 3));
    expect(detectAudioFormat(file)).toMatchObject({ format: 'mp3', name: 'MPEG-1 Layer III', id3Bytes: 1010 });
  });

  it.each([
    ['AIFF', concat(text('FORM\0\0\0\x10AIFF'), new Uint8Array(8))],
    ['MP4/M4A (AAC or ALAC)', concat(text('\0\0\0\x20ftypM4A '), new Uint8Array(16))],
    ['AAC (ADTS)', new Uint8Array([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc])],
    ['Matroska/WebM', new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0])],
  ])('names %s as known but unsupported', (name, bytes) => {
    expect(detectAudioFormat(bytes)).toMatchObject({ format: undefined, name, known: true });
  });

  it('describes unknown content: text, binary, empty', () => {
    expect(detectAudioFormat(text('<!DOCTYPE html><html>'))).toMatchObject({ format: undefined, known: false });
    expect(detectAudioFormat(text('<!DOCTYPE html><html>')).name).toContain('text starting');
    expect(detectAudioFormat(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8])).name).toContain('00 01 02 03');
    expect(detectAudioFormat(new Uint8Array(0)).name).toBe('an empty file');
  });

  it('never throws and never reads out of bounds, whatever the bytes', () => {
    const prefixes = [text('OggS'), text('fLaC'), text('ID3\x03\0\0\0\0\x01\0'), new Uint8Array(MP3_44K_STEREO), text('RIFF')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: prefixes.length }), fc.uint8Array({ maxLength: 600 }), (p, rest) => {
        const bytes = p === prefixes.length ? rest : concat(prefixes[p], rest);
        const guess = detectAudioFormat(bytes);
        expect(typeof guess.name).toBe('string');
        expect(guess.id3Bytes).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatFromExtension / isAudioPath', () => {
  it('maps the extensions a folder input picks up, case-insensitively', () => {
    expect(formatFromExtension('amecro/XC1234.ogg')).toBe('ogg');
    expect(formatFromExtension('a/B.FLAC')).toBe('flac');
    expect(formatFromExtension('x.Mp3')).toBe('mp3');
    expect(formatFromExtension('x.wave')).toBe('wav');
    expect(isAudioPath('train_audio/amecro/XC1234.oga')).toBe(true);
  });

  it('ignores other files: metadata, images, names without an extension', () => {
    expect(isAudioPath('train_metadata.csv')).toBe(false);
    expect(isAudioPath('spectrogram.png')).toBe(false);
    expect(isAudioPath('README')).toBe(false);
    expect(isAudioPath('.ogg')).toBe(false);
  });
});
