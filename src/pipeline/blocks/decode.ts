import { z } from 'zod';
import { toMono } from '../../audio/mono.ts';
import { decodeAudio } from '../../audio/decode.ts';
import { defineBlock } from '../block.ts';

export const decodeParams = z.object({
  maxSeconds: z
    .number()
    .positive()
    .optional()
    .describe('refuse recordings longer than this many seconds, before decoding a sample (unset = no limit)'),
});

export const decodeBlock = defineBlock({
  name: 'decode',
  doc: 'Read WAV (PCM 8-32 bit, float, EXTENSIBLE), FLAC, Ogg Vorbis or MP3, picked by content, into mono float audio, as librosa.load(sr=None, mono=True).',
  input: 'file',
  output: 'audio',
  params: decodeParams,
  streamAs: 'decode',
  run: async (file, p, ctx) =>
    toMono(await decodeAudio(file.bytes, file.path, { onWarning: ctx.warn, maxSeconds: p.maxSeconds, verifyMd5: ctx.options.verifyMd5 })),
});
