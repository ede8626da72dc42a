import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { readAudacityLabels } from '../../src/detect/audacity.ts';
import { readRavenTable } from '../../src/detect/raven.ts';
import { TEMP_SUFFIX } from '../../src/store/atomic.ts';
import { initBackend } from '../../src/train/backend.ts';
import { predictArchive } from '../../src/train/predict-archive.ts';
import { loadPredictor, type ChunkPrediction } from '../../src/train/predict-files.ts';
import { createEngine, predictFiles, prepareRecording } from '../../src/train/predict-stream.ts';
import { ROOT } from '../helpers/shared.ts';
import { HAVE_SOX, SOX_SKIP_REASON, sox } from '../helpers/sox.ts';
import { runCli } from './run-cli.ts';
import { RATE, tinyModelFixture, tone, type TinyModel } from './tiny-fixture.ts';

process.env.BIRDCALL_BACKEND = 'wasm';

/** 150.5 s: three 60 s windows when streamed, a padded last 1 s chunk, a partial last 5 s grid window. */
const LONG_SECONDS = 150.5;

type Row = Record<string, string>;

function table(text: string): Row[] {
  return parse(text, { columns: true }) as Row[];
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

describe('predict on long recordings and archives', () => {
  let fx: TinyModel;
  let long: string;
  let archive: string;
  beforeAll(async () => {
    fx = await tinyModelFixture('birdcall-predict-archive-');
    archive = join(fx.dir, 'archive');
    await cp(fx.audio, archive, { recursive: true });
    // A soundscape: alternating tones, so detections change along it.
    const parts = Array.from({ length: 7 }, (_, k) => tone(k % 2 === 0 ? 2400 : 600, k === 6 ? LONG_SECONDS - 6 * 21 : 21, k + 10));
    const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (samples.set(p, at), at + p.length), 0);
    long = join(archive, 'site1', 'S_0001.wav');
    await mkdir(join(archive, 'site1'), { recursive: true });
    await writeFile(long, encodeWav(samples, RATE));
  });

  it('streams a WAV just over --stream-above and writes the same CSV as the whole-file path, in-process and on 2 workers', async () => {
    const size = statSync(long).size;
    const out = (name: string): string => join(fx.dir, 'stream', name);
    expect((await runCli(['predict', '--model', fx.model, long, '-o', out('whole.csv'), '--no-progress'])).code).toBe(0);
    for (const jobs of ['1', '2']) {
      const args = ['predict', '--model', fx.model, long, '-o', out(`streamed${jobs}.csv`), '--stream-above', String(size - 1), '--jobs', jobs, '--no-progress'];
      expect((await runCli(args)).code).toBe(0);
      expect(await readFile(out(`streamed${jobs}.csv`), 'utf8')).toBe(await readFile(out('whole.csv'), 'utf8'));
    }
    expect(table(await readFile(out('whole.csv'), 'utf8'))).toHaveLength(Math.ceil(LONG_SECONDS));
    // The threshold decides: one byte under the size streams, the size itself does not.
    await initBackend();
    const engine = createEngine(await loadPredictor(fx.model), { jobs: 1, streamAbove: size - 1 });
    const source = { path: 'S_0001.wav', abs: long, row: { path: 'S_0001.wav', primaryLabel: '', secondaryLabels: [], metadata: {} } };
    expect((await prepareRecording(engine, source)).streamed).toBe(true);
    expect((await prepareRecording({ ...engine, options: { jobs: 1, streamAbove: size } }, source)).streamed).toBe(false);
  });

  it.skipIf(!HAVE_SOX)(`streams a FLAC too, with the predictions of its WAV (${HAVE_SOX ? 'sox makes it' : SOX_SKIP_REASON})`, async () => {
    const flac = join(fx.dir, 'stream', 'S_0001.flac');
    sox([long, flac]);
    const size = statSync(flac).size;
    const out = (name: string): string => join(fx.dir, 'stream', name);
    for (const jobs of ['1', '2']) {
      const args = ['predict', '--model', fx.model, flac, '-o', out(`flac${jobs}.csv`), '--stream-above', String(size - 1), '--jobs', jobs, '--no-progress'];
      expect((await runCli(args)).code).toBe(0);
      expect(await readFile(out(`flac${jobs}.csv`), 'utf8')).toBe(await readFile(out('whole.csv'), 'utf8'));
    }
    await initBackend();
    const engine = createEngine(await loadPredictor(fx.model), { jobs: 1, streamAbove: size - 1 });
    const source = { path: 'S_0001.flac', abs: flac, row: { path: 'S_0001.flac', primaryLabel: '', secondaryLabels: [], metadata: {} } };
    expect((await prepareRecording(engine, source)).streamed).toBe(true);
  });

  it.skipIf(!HAVE_SOX)(
    `streams Ogg Vorbis, FLAC and MP3 just over the threshold with every output of the whole-file path; a FLAC damaged mid-file too (${HAVE_SOX ? 'sox makes them' : SOX_SKIP_REASON})`,
    async () => {
      const input = join(fx.dir, 'compressed');
      await mkdir(input, { recursive: true });
      sox([long, join(input, 'S_0001.ogg')]);
      sox([long, join(input, 'S_0002.flac')]);
      sox([long, '-C', '-4.2', join(input, 'S_0005.mp3')]); // VBR, with a LAME tag: trimmed as mpg123 does
      // Damage in the middle of the FLAC: frames there fail their CRC.
      const damaged = new Uint8Array(await readFile(join(input, 'S_0002.flac')));
      for (let i = 0; i < 64; i++) damaged[(damaged.length >> 1) + 97 * i] ^= 0x5a;
      await writeFile(join(input, 'S_0003.flac'), damaged);
      // An Ogg cut short: its last page does not end the stream, so it is read whole from the start.
      const ogg = await readFile(join(input, 'S_0001.ogg'));
      await writeFile(join(input, 'S_0004.ogg'), ogg.subarray(0, Math.floor(ogg.length * 0.8)));
      const smallest = Math.min(...['S_0001.ogg', 'S_0002.flac', 'S_0003.flac', 'S_0004.ogg', 'S_0005.mp3'].map((f) => statSync(join(input, f)).size));
      await initBackend();
      const predictor = await loadPredictor(fx.model);
      const engine = createEngine(predictor, { jobs: 1, streamAbove: smallest - 1 });
      for (const name of ['S_0001.ogg', 'S_0002.flac', 'S_0003.flac', 'S_0005.mp3']) {
        const source = { path: name, abs: join(input, name), row: { path: name, primaryLabel: '', secondaryLabels: [], metadata: {} } };
        expect((await prepareRecording(engine, source)).streamed).toBe(true);
      }
      const run = async (name: string, streamAbove: number, jobs: number): Promise<string> => {
        const outDir = join(fx.dir, name);
        const detect = { thresholds: { default: 0, perClass: new Map<string, number>() }, topK: 1 };
        await predictArchive(predictor, { input, outDir, formats: ['csv', 'birdclef', 'raven', 'audacity'], detect, jobs, streamAbove });
        return outDir;
      };
      // A FLAC damaged near its end, streamed in 5 s windows, declines after rows were made and is read again
      // whole: the caller gets the whole-file rows once, none of the streamed ones.
      const late = new Uint8Array(await readFile(join(input, 'S_0002.flac')));
      for (let i = 0; i < 64; i++) late[Math.floor(late.length * 0.9) + 97 * i] ^= 0x5a;
      await writeFile(join(fx.dir, 'S_0005.flac'), late);
      const rowsOf = async (streamAbove: number): Promise<string[]> => {
        const rows: string[] = [];
        const onPredictions = (chunks: ChunkPrediction[]): void => void rows.push(...chunks.map((c) => `${c.rowId} ${c.scores.join(' ')}`));
        await predictFiles(predictor, join(fx.dir, 'S_0005.flac'), { streamAbove, windowSeconds: 5, onPredictions });
        return rows;
      };
      expect(await rowsOf(late.length - 1)).toEqual(await rowsOf(Infinity));
      // Each file just over the threshold (its size less one byte), through the CLI: the CSV read whole.
      for (const name of ['S_0001.ogg', 'S_0002.flac', 'S_0005.mp3']) {
        const file = join(input, name);
        const csv = (above: string): string => join(fx.dir, `${name}-${above}.csv`);
        const size = String(statSync(file).size - 1);
        for (const above of [size, '1TB']) expect((await runCli(['predict', '--model', fx.model, file, '-o', csv(above), '--stream-above', above, '--no-progress'])).code).toBe(0);
        expect(await readFile(csv(size), 'utf8'), name).toBe(await readFile(csv('1TB'), 'utf8'));
      }
      const whole = await run('compressed-whole', Infinity, 1);
      const errors = table(await readFile(join(whole, 'errors.csv'), 'utf8'));
      expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['S_0003.flac', 'S_0004.ogg']));
      const outputs = allFiles(whole).filter((f) => !f.startsWith('.birdcall') && f !== 'summary.json');
      expect(outputs).toEqual(expect.arrayContaining(['raven/S_0001.birdcall.selections.txt', 'birdclef/S_0002.csv', 'birdclef/S_0005.csv', 'submission.csv']));
      for (const jobs of [1, 2]) {
        const streamed = await run(`compressed-streamed${jobs}`, smallest - 1, jobs);
        expect(allFiles(streamed).filter((f) => !f.startsWith('.birdcall') && f !== 'summary.json').sort()).toEqual([...outputs].sort());
        for (const f of outputs) expect(await readFile(join(streamed, f), 'utf8'), f).toBe(await readFile(join(whole, f), 'utf8'));
      }
    },
  );

  it('writes every format per recording, and the Raven and Audacity tables load back with the chunk times', async () => {
    const dir = join(fx.dir, 'formats');
    const args = ['predict', '--model', fx.model, archive, '-o', dir, '--format', 'csv,birdclef', '--format', 'raven,audacity', '--threshold', '0', '--top-k', '1'];
    const result = await runCli([...args, '--stream-above', '100KB', '--jobs', '2', '--no-progress']);
    expect(result.stderr).toMatch(/predicted 7, up to date 0, failed 0 of 7 files/);
    expect(result.code).toBe(0);
    const chunks = table(await readFile(join(dir, 'csv', 'site1', 'S_0001.csv'), 'utf8'));
    const classes = Object.keys(chunks[0]).slice(1);
    expect(chunks.map((r) => r.row_id)).toEqual(Array.from({ length: 151 }, (_, i) => `S_0001_${i + 1}`));
    const best = chunks.map((r) => classes.reduce((a, b) => (Number(r[b]) > Number(r[a]) ? b : a)));

    // Threshold 0, top-1: one selection per 1 s chunk, the best class, at the chunk's times.
    const raven = readRavenTable(await readFile(join(dir, 'raven', 'site1', 'S_0001.birdcall.selections.txt'), 'utf8'));
    expect(raven.map((s) => [s.beginSeconds, s.endSeconds])).toEqual(chunks.map((_, i) => [i, i + 1]));
    expect(raven.map((s) => s.fields.Species)).toEqual(best);
    expect(raven.every((s) => s.view === 'Spectrogram 1' && s.lowHz === 0 && s.highHz === RATE / 2)).toBe(true);
    const labels = readAudacityLabels(await readFile(join(dir, 'audacity', 'site1', 'S_0001.birdcall.labels.txt'), 'utf8'));
    expect(labels.map((l) => [l.startSeconds, l.endSeconds, l.text.split(' ')[0]])).toEqual(raven.map((s) => [s.beginSeconds, s.endSeconds, s.fields.Species]));

    // The BirdCLEF grid: 31 windows ending 5 … 155, each the max of the chunks inside it.
    const windows = table(await readFile(join(dir, 'birdclef', 'site1', 'S_0001.csv'), 'utf8'));
    expect(windows.map((r) => r.row_id)).toEqual(Array.from({ length: 31 }, (_, k) => `S_0001_${5 * (k + 1)}`));
    windows.forEach((w, k) => {
      for (const c of classes) expect(Number(w[c])).toBe(Math.max(...chunks.slice(5 * k, 5 * k + 5).map((r) => Number(r[c]))));
    });
    // The combined tables hold every recording, in input order (the folder's sorted paths).
    const submission = table(await readFile(join(dir, 'submission.csv'), 'utf8'));
    expect(submission.filter((r) => r.row_id.startsWith('S_0001_'))).toEqual(windows);
    expect(submission).toHaveLength(6 * 1 + 31);
    expect(table(await readFile(join(dir, 'predictions.csv'), 'utf8'))).toHaveLength(6 * 4 + 151);

    // With --merge the same detections join into runs: fewer selections, covering the same seconds.
    const merged = join(fx.dir, 'merged');
    expect((await runCli(['predict', '--model', fx.model, long, '-o', merged, '--format', 'raven', '--threshold', '0', '--top-k', '1', '--merge', '--no-progress'])).code).toBe(0);
    const runs = readRavenTable(await readFile(join(merged, 'raven', 'S_0001.birdcall.selections.txt'), 'utf8'));
    expect(runs.length).toBeLessThan(raven.length);
    expect(runs.reduce((n, s) => n + s.endSeconds - s.beginSeconds, 0)).toBe(151);
  });

  it('resumes: a re-run skips what is done; new options, a changed model or a damaged output are predicted again', async () => {
    const dir = join(fx.dir, 'resume');
    const args = ['predict', '--model', fx.model, archive, '-o', dir, '--format', 'birdclef,raven', '--no-progress'];
    expect((await runCli(args)).stderr).toMatch(/predicted 7, up to date 0/);
    const before = await readFile(join(dir, 'submission.csv'), 'utf8');
    expect((await runCli(args)).stderr).toMatch(/predicted 0, up to date 7/);
    expect(await readFile(join(dir, 'submission.csv'), 'utf8')).toBe(before);

    await rm(join(dir, 'raven', 'hitone', 'hitone1.birdcall.selections.txt'));
    expect((await runCli(args)).stderr).toMatch(/predicted 1, up to date 6/);
    expect((await runCli([...args, '--threshold', '0.9'])).stderr).toMatch(/predicted 7, up to date 0/);

    const model2 = join(fx.dir, 'model2');
    await cp(fx.model, model2, { recursive: true });
    const classes = join(model2, 'classes.json');
    await writeFile(classes, (await readFile(classes, 'utf8')).replace('hitone', 'hightone'));
    const again = await runCli(['predict', '--model', model2, archive, '-o', dir, '--format', 'birdclef,raven', '--threshold', '0.9', '--no-progress']);
    expect(again.stderr).toMatch(/predicted 7, up to date 0/);
  });

  it('lists a bad recording in errors.csv and exits 3; 1 when nothing was predicted', async () => {
    const mixed = join(fx.dir, 'mixed');
    await mkdir(join(mixed, 'x'), { recursive: true });
    await writeFile(join(mixed, 'x', 'good.wav'), encodeWav(tone(600, 3.5, 9), RATE));
    await writeFile(join(mixed, 'x', 'broken.wav'), 'RIFF but not really a wave file');
    const dir = join(fx.dir, 'mixed-out');
    const partial = await runCli(['predict', '--model', fx.model, mixed, '-o', dir, '--no-progress']);
    expect(partial.code).toBe(3);
    const errors = table(await readFile(join(dir, 'errors.csv'), 'utf8'));
    expect(errors.map((e) => [e.path, e.level])).toEqual([['x/broken.wav', 'error']]);
    expect(errors[0].code).toMatch(/^WAV_/);
    expect(table(await readFile(join(dir, 'predictions.csv'), 'utf8')).map((r) => r.row_id)).toEqual(['good_1', 'good_2', 'good_3', 'good_4']);
    // A manifest row pointing outside the manifest's folder is listed and skipped, like a bad file.
    await writeFile(join(mixed, 'list.csv'), 'path,primary_label,secondary_labels\nx/good.wav,a,\n../outside.wav,a,\n');
    const listed = await runCli(['predict', '--model', fx.model, join(mixed, 'list.csv'), '-o', join(fx.dir, 'listed-out'), '--no-progress']);
    expect(listed.code).toBe(3);
    const listedErrors = table(await readFile(join(fx.dir, 'listed-out', 'errors.csv'), 'utf8'));
    expect(listedErrors.map((e) => [e.path, e.level])).toEqual([['../outside.wav', 'error']]);
    expect(listedErrors[0].code).toMatch(/PATH/);
    await rm(join(mixed, 'list.csv'));
    await rm(join(mixed, 'x', 'good.wav'));
    expect((await runCli(['predict', '--model', fx.model, mixed, '-o', join(fx.dir, 'none-out'), '--no-progress'])).code).toBe(1);
    expect((await runCli(['predict', '--model', fx.model, mixed, '-o', join(fx.dir, 'x.csv'), '--format', 'raven'])).code).toBe(2);
    expect((await runCli(['predict', '--model', fx.model, mixed, '-o', dir, '--format', 'svg'])).code).toBe(2);
    expect((await runCli(['predict', '--model', fx.model, mixed, '-o', dir, '--threshold', 'nosuch=0.5'])).code).toBe(2);
  });

  it('splits an archive with --shard K/N: every recording in exactly one shard', async () => {
    const ids: string[][] = [];
    for (const k of [0, 1]) {
      const dir = join(fx.dir, `shard${k}`);
      const result = await runCli(['predict', '--model', fx.model, archive, '-o', dir, '--shard', `${k}/2`, '--no-progress']);
      expect(result.code).toBe(0);
      ids.push([...new Set(table(await readFile(join(dir, 'predictions.csv'), 'utf8')).map((r) => r.row_id.replace(/_\d+$/, '')))]);
    }
    expect(ids[0].length).toBeGreaterThan(0);
    expect(ids[1].length).toBeGreaterThan(0);
    expect([...ids[0], ...ids[1]].sort()).toEqual(['S_0001', 'hitone0', 'hitone1', 'hitone2', 'lowtone0', 'lowtone1', 'lowtone2']);
  });

  it('manifest merge joins predict shards into the tables of one unsharded run, byte for byte', async () => {
    const input = join(fx.dir, 'sharded-in');
    await cp(archive, input, { recursive: true });
    await writeFile(join(input, 'broken.wav'), 'RIFF but not really a wave file');
    const common = ['--model', fx.model, input, '--format', 'csv,birdclef,raven,audacity', '--threshold', '0.5', '--no-progress'];
    const whole = join(fx.dir, 'unsharded');
    expect((await runCli(['predict', ...common, '-o', whole])).code).toBe(3);
    const shardDirs = [0, 1, 2].map((k) => join(fx.dir, 'sharded', `shard-${k}`));
    for (const [k, dir] of shardDirs.entries()) {
      expect([0, 3]).toContain((await runCli(['predict', ...common, '-o', dir, '--shard', `${k}/3`])).code);
      expect(existsSync(join(dir, 'shard.json'))).toBe(true);
    }
    const merged = join(fx.dir, 'sharded', 'all');
    // A shard missing: refused, nothing written.
    const partial = await runCli(['manifest', 'merge', merged, ...shardDirs.slice(0, 2)]);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toMatch(/shard 2\/3 missing/);
    expect(existsSync(merged)).toBe(false);
    const result = await runCli(['manifest', 'merge', merged, ...shardDirs]);
    expect(result.stderr).toMatch(/merged 3 predict shard\(s\): 8 recordings/);
    expect(result.code).toBe(3); // broken.wav failed in its shard, as in the unsharded run
    const tables = (dir: string): string[] => allFiles(dir).filter((f) => !f.startsWith('.birdcall') && f !== 'summary.json').sort();
    expect(tables(merged)).toEqual(tables(whole));
    expect(tables(whole)).toEqual(expect.arrayContaining(['predictions.csv', 'submission.csv', 'errors.csv', 'raven/site1/S_0001.birdcall.selections.txt']));
    for (const f of tables(whole)) expect(await readFile(join(merged, f), 'utf8'), f).toBe(await readFile(join(whole, f), 'utf8'));
  });

  it('stops on a signal mid-recording with no temp file and valid tables, and the next run finishes the rest', async () => {
    await initBackend();
    const predictor = await loadPredictor(fx.model);
    const dir = join(fx.dir, 'interrupted');
    const controller = new AbortController();
    const options = { input: archive, outDir: dir, formats: ['csv', 'raven'] as const, jobs: 2, streamAbove: 100_000, signal: controller.signal };
    // The folder's order puts the long recording last; abort inside it (streamed, so progress comes per
    // window) after its first 60 s.
    const stopped = await predictArchive(predictor, {
      ...options,
      onProgress: (p) => {
        if (p.source.endsWith('S_0001.wav') && p.audioSeconds > 0) controller.abort();
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(stopped.predicted).toBe(6);
    expect(allFiles(dir).filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
    expect(existsSync(join(dir, 'csv', 'site1', 'S_0001.csv'))).toBe(false);
    expect(table(await readFile(join(dir, 'predictions.csv'), 'utf8'))).toHaveLength(6 * 4);

    const rest = await predictArchive(predictor, { ...options, signal: undefined });
    expect([rest.interrupted, rest.predicted, rest.skipped, rest.failed]).toEqual([false, 1, 6, 0]);
    expect(table(await readFile(join(dir, 'predictions.csv'), 'utf8'))).toHaveLength(6 * 4 + 151);
    const again = await predictArchive(predictor, { ...options, signal: undefined });
    expect([again.predicted, again.skipped]).toEqual([0, 7]);
  });

  it('birdcall predict exits 130 on SIGINT and SIGTERM, leaving no temp file; the same command then finishes', async () => {
    const input = join(fx.dir, 'signal-in');
    await mkdir(input, { recursive: true });
    // 20 minutes at 8 kHz: long enough that the signal lands mid-recording.
    await writeFile(join(input, 'long.wav'), encodeWav(tone(2400, 1200, 3), RATE));
    await writeFile(join(input, 'short.wav'), encodeWav(tone(600, 3.5, 4), RATE));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dir = join(fx.dir, `signal-${signal}`);
      const args = [join(ROOT, 'bin', 'birdcall.js'), 'predict', '--model', fx.model, input, '-o', dir, '--format', 'csv,raven', '--stream-above', '1MB'];
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
        let sent = false;
        child.stderr.on('data', (data: Buffer) => {
          // The first progress line inside long.wav: it is being read.
          if (!sent && /predict: 0\/2 files, 0\.\d\d h/.test(data.toString())) {
            sent = true;
            child.kill(signal);
          }
        });
        child.on('exit', (c) => resolve(c));
      });
      expect(code).toBe(130);
      expect(allFiles(dir).filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
      expect(existsSync(join(dir, 'csv', 'long.csv'))).toBe(false);
      expect(table(await readFile(join(dir, 'predictions.csv'), 'utf8'))).toEqual([]);
      const again = await runCli(['predict', '--model', fx.model, input, '-o', dir, '--format', 'csv,raven', '--stream-above', '1MB', '--no-progress']);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(/predicted 2, up to date 0, failed 0 of 2 files/);
    }
  });
});
