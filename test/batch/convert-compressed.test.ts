import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { decodeNpy } from '../../src/image/npy.ts';
import { convert } from '../../src/batch/convert.ts';
import { readOutputManifest } from '../../src/store/manifest.ts';
import { resolvePipeline } from '../../src/pipeline/pipeline.ts';

/** sox makes the compressed copies; without it (a bare machine) these tests skip. */
function haveSox(): boolean {
  try {
    const help = execFileSync('sox', ['-h'], { encoding: 'utf8' });
    return / flac /.test(help) && / vorbis /.test(help);
  } catch {
    return false;
  }
}
const HAVE_SOX = haveSox();
if (!HAVE_SOX) console.warn('sox with FLAC and Vorbis support not found: skipping convert-on-compressed-audio tests');

const RATE = 16000;

describe.skipIf(!HAVE_SOX)('convert on compressed audio in the BirdCLEF layout', () => {
  it('reads .flac and .ogg rows of train_metadata.csv as written; FLAC gives the WAV\'s exact spectrogram', async () => {
    const root = mkdtempSync(join(tmpdir(), 'birdcall-compressed-'));
    const audio = join(root, 'train_audio', 'amecro');
    mkdirSync(audio, { recursive: true });
    const samples = new Float32Array(RATE * 2);
    for (let i = 0; i < samples.length; i++) samples[i] = 0.3 * Math.sin((2 * Math.PI * 2000 * i) / RATE) * (1 + Math.sin(i / 900));
    writeFileSync(join(audio, 'XC1.wav'), encodeWav(samples, RATE));
    execFileSync('sox', [join(audio, 'XC1.wav'), join(audio, 'XC2.flac')]);
    execFileSync('sox', [join(audio, 'XC1.wav'), join(audio, 'XC3.ogg')]);
    writeFileSync(
      join(root, 'train_metadata.csv'),
      'primary_label,secondary_labels,type,rating,filename\n' +
        ['XC1.wav', 'XC2.flac', 'XC3.ogg'].map((f) => `amecro,[],['call'],4,amecro/${f}`).join('\n') + '\n',
    );
    const pipeline = resolvePipeline({
      version: 1,
      steps: [{ block: 'decode' }, { block: 'melspec', params: { nFft: 512, hopLength: 256, nMels: 32 } }, { block: 'db' }, { block: 'npy' }],
    });
    const outDir = join(root, 'out');
    const summary = await convert({ input: join(root, 'train_metadata.csv'), outDir, pipeline, jobs: 1 });
    expect(summary).toMatchObject({ converted: 3, failed: 0 });
    // 2 s each: the WAV from its header, FLAC and Ogg from the decoded audio (no chunk block: one item each).
    expect(summary.audioSeconds).toBeCloseTo(6, 2);
    const rows = await readOutputManifest(join(outDir, 'manifest.csv'));
    const db = (source: string) => {
      const row = rows.find((r) => r.source === `amecro/${source}`);
      return decodeNpy(readFileSync(join(outDir, row!.outputs.npy))).data;
    };
    expect(Array.from(db('XC2.flac'))).toEqual(Array.from(db('XC1.wav')));
    // Vorbis is lossy (its decode accuracy is tested against libvorbisfile in test/audio): here only check that
    // the .ogg row went through the same pipeline: same frames, and the loud cells agree in the typical case.
    const wav = db('XC1.wav');
    const ogg = db('XC3.ogg');
    expect(ogg.length).toBe(wav.length);
    const diffs: number[] = [];
    for (let i = 0; i < wav.length; i++) if (wav[i] > -40) diffs.push(Math.abs(wav[i] - ogg[i]));
    diffs.sort((a, b) => a - b);
    expect(diffs[Math.floor(diffs.length / 2)]).toBeLessThan(0.5);
  });
});
