import { chunkAudio, chunkParams } from '../../audio/chunk.ts';
import { defineBlock } from '../block.ts';

export const chunkBlock = defineBlock({
  name: 'chunk',
  doc: 'Cut audio into fixed windows (default 5 s); each chunk knows its offset. Fans out: one item per chunk.',
  input: 'audio',
  output: 'audio',
  params: chunkParams,
  streamAs: 'chunk',
  run: (audio, p) => chunkAudio(audio, p),
});
