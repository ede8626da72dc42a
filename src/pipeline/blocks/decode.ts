import { z } from 'zod';
import { toMono } from '../../audio/mono.ts';
import { decodeWav } from '../../audio/wav.ts';
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
  doc: 'Read a WAV file (PCM 8-32 bit, float 32/64, EXTENSIBLE) into mono float audio, as librosa.load(sr=None, mono=True).',
  input: 'file',
  output: 'audio',
  params: decodeParams,
  run: (file, p, ctx) => toMono(decodeWav(file.bytes, file.path, { onWarning: ctx.warn, maxSeconds: p.maxSeconds })),
});
