/**
 * `npm run bench`: every benchmark of the project, side by side with its peer in the same run, as ratios.
 * Writes bench/results/latest.json (CPU model, core count, Node version, commit, load average, and each
 * section's full result). These machines are shared and noisy: compare within one run, never across runs.
 *
 *   npm run bench                      # everything (several minutes)
 *   npm run bench -- --only fft,mel    # some sections: fft, mel, stream, convert, pcen, png, convert-rss, decode, resample, compressed, train, chaos, queue, startup, predict
 *
 * Each section runs in a process of its own: what one leaves behind (a grown heap and its garbage
 * collections, fft.js slowed down for the rest of a process once fed mixed array types) must not move
 * another's figures (the compressed-decode ratios moved by 0.1-0.2 with the sections run before them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Section {
  name: string;
  what: string;
  run(): Promise<{ result: unknown; text: string }>;
}

const json = (x: unknown): string => JSON.stringify(x, null, 2);

const SECTIONS: Section[] = [
  {
    name: 'fft',
    what: 'real FFT throughput, N = 256..4096: the wasm SIMD power path (float64, float32), the JS plans, vs numpy 1.24 and 2.x batched rfft',
    async run() {
      const { benchFft, formatFftBench } = await import('./fft.ts');
      const result = benchFft();
      return { result, text: formatFftBench(result) };
    },
  },
  {
    name: 'mel',
    what: 'WAV -> mel -> dB real-time factor on a 10-minute 32 kHz file, presets birdclef, librosa and kaggle2020, vs numpy 1.24 and 2.x',
    async run() {
      const { benchMel, formatMelBench } = await import('./mel.ts');
      const result = await benchMel();
      return { result, text: formatMelBench(result) };
    },
  },
  {
    name: 'stream',
    what: 'mel on 1 vs 2 worker threads, and peak RSS of `birdcall melspec` on a 60-minute file',
    async run() {
      const { benchStream, formatStreamBench } = await import('./stream.ts');
      const result = await benchStream();
      return { result, text: formatStreamBench(result) };
    },
  },
  {
    name: 'convert',
    what: "birdcall convert --preset default (the peer's pipeline, PNGs compared; --jobs 1 and 2; the default recipe for information) vs convert_numpy.py --jobs 2 on 400 WAV and 400 Ogg clips",
    async run() {
      const { benchConvert, formatConvertBench } = await import('./convert.ts');
      const result = await benchConvert();
      return { result, text: formatConvertBench(result) };
    },
  },
  {
    name: 'pcen',
    what: "PCEN of the default recipe's chunks: the JS loop vs the wasm SIMD path (ns per value, values that differ)",
    async run() {
      const { benchPcen, formatPcenBench } = await import('./pcen.ts');
      const result = await benchPcen();
      return { result, text: formatPcenBench(result) };
    },
  },
  {
    name: 'png',
    what: "PNG encoding of the default preset's images: sharp vs the direct encoder (src/image/png-write.ts)",
    async run() {
      const { benchPng, formatPngBench } = await import('./png.ts');
      const result = await benchPng();
      return { result, text: formatPngBench(result) };
    },
  },
  {
    name: 'convert-rss',
    what: 'peak RSS of `birdcall convert` on a 60-minute WAV, Ogg Vorbis and FLAC, streamed vs read whole (same manifest)',
    async run() {
      const { benchConvertRss, formatConvertRss } = await import('./convert-rss.ts');
      const result = benchConvertRss();
      return { result, text: formatConvertRss(result) };
    },
  },
  {
    name: 'decode',
    what: 'WAV decode MB/s: our parser vs wav-decoder 1.3.0 on the shared recordings',
    async run() {
      const { benchWavDecode } = await import('./wav-decode.ts');
      const r = benchWavDecode();
      const text =
        `birdcall decodeWav ${r.oursMBps.toFixed(0)} MB/s on ${r.files} files (${r.oursOnSameMBps.toFixed(0)} MB/s on the ${r.wavDecoderAccepted} wav-decoder reads)\n` +
        `wav-decoder 1.3.0  ${r.wavDecoderMBps.toFixed(0)} MB/s, reads ${r.wavDecoderAccepted} of ${r.files}; ratio ours/wav-decoder ${(r.oursOnSameMBps / r.wavDecoderMBps).toFixed(2)}`;
      return { result: r, text };
    },
  },
  {
    name: 'resample',
    what: 'resampling 44.1 -> 32 kHz and 48 -> 32 kHz, x real time, vs sox in the same run',
    async run() {
      const { benchResample } = await import('./resample.ts');
      const r = await benchResample();
      const x = (v: number | null): string => (v === null ? '-' : v.toFixed(2));
      const text = r.rows
        .map((row) => `${row.from / 1000} -> ${row.to / 1000} kHz  ${row.method.padEnd(34)} ${row.realTime.toFixed(0).padStart(5)}x real time   ours/sox ${x(row.ratioToSox)} (CPU ${x(row.cpuRatioToSox)})`)
        .join('\n');
      return { result: r, text };
    },
  },
  {
    name: 'compressed',
    what: 'FLAC, Ogg Vorbis, MP3 decode, seconds of audio per second, vs libsndfile (soundfile) and sox',
    async run() {
      const { benchCompressedDecode } = await import('./decode-compressed.ts');
      const r = await benchCompressedDecode();
      const text = r.rows
        .map(
          (row) =>
            `${row.format.padEnd(5)} decodeAudio ${row.decodeAudio.toFixed(0)}x real time (CPU ${row.decodeAudioCpu.toFixed(0)}x)   ` +
            `libsndfile ${row.libsndfile?.toFixed(0) ?? '-'}x (CPU ${row.libsndfileCpu?.toFixed(0) ?? '-'}x; ours/libsndfile CPU ${row.ratioCpu?.toFixed(2) ?? '-'}, median of ${r.rounds} alternating rounds)   sox process ${row.soxProcess.toFixed(0)}x`,
        )
        .join('\n');
      return { result: r, text };
    },
  },
  {
    name: 'train',
    what: 'CNN training and inference, s per example, vs the PyTorch CPU peer at the same thread count',
    async run() {
      const { benchTrain, formatRow } = await import('./train.ts');
      const result = await benchTrain();
      const rows = (result as { configs?: Parameters<typeof formatRow>[0][] }).configs ?? [];
      return { result, text: rows.map(formatRow).join('\n') || json(result) };
    },
  },
  {
    name: 'predict',
    what: '`birdcall predict` on 10- and 60-minute WAVs and the 60-minute Ogg, MP3 and FLAC, default and recipe models: x real time and peak RSS, streamed vs read whole',
    async run() {
      const { benchPredict, formatPredictBench } = await import('./predict.ts');
      const result = await benchPredict();
      return { result, text: formatPredictBench(result) };
    },
  },
  {
    name: 'chaos',
    what: 'queue mode: 400 files, 3 workers, a worker SIGKILLed every ~1.2 s, Redis restarted once, one SIGTERM mid-file; files lost/duplicated/corrupt',
    async run() {
      const { runChaos } = await import('../test/helpers/chaos.ts');
      const r = await runChaos({ files: 400, workers: 3, killEveryMs: 1200, holdMs: 250, lockMs: 2000, redisDownMs: 2000, seed: 1, log: (l) => console.log(`  ${l}`) });
      const c = r.check;
      const text =
        `${r.files} files in ${r.seconds.toFixed(0)} s: ${r.workerKills} worker kills (${r.killsMidFile} mid-file), ${r.redisRestarts} Redis restart, ` +
        `SIGTERM mid-file exit ${r.sigterm?.code} after ${r.sigterm?.seconds.toFixed(2)} s; ${r.failedJobs} jobs failed in the queue (converted by finish); ` +
        `lost ${c.missingSources.length}, duplicated ${c.duplicateRows.length + c.strayFiles.length}, corrupt ${c.corrupt.length}, temp files ${c.tempFiles.length}`;
      return { result: r, text };
    },
  },
  {
    name: 'queue',
    what: '10,000 small jobs (BIRDCALL_BENCH_QUEUE_FILES) through the Redis queue with 1, 2, 4 workers vs convert --jobs 1, 2, 4: jobs/s, Redis peak memory',
    async run() {
      const { benchQueue, formatQueueRun } = await import('./queue.ts');
      const files = Number(process.env.BIRDCALL_BENCH_QUEUE_FILES ?? 10_000);
      const r = await benchQueue({ files });
      return { result: r, text: r.queue.map(formatQueueRun).join('\n') };
    },
  },
  {
    name: 'startup',
    what: 'wall time to start `birdcall --version` and `birdcall <cmd> --help` (dist/), vs tsx on the sources and bare node',
    async run() {
      const { benchStartup, formatStartup } = await import('./startup.ts');
      const result = benchStartup();
      return { result, text: formatStartup(result) };
    },
  },
];

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Runs one section in a new process (this file with --section NAME), its progress on our stderr. */
async function runApart(name: string): Promise<{ result: unknown; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-section-'));
  try {
    const out = join(dir, 'section.json');
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--section', name, out], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (child.status !== 0) throw new Error(`the section's process exited with ${child.status ?? child.signal}`);
    return JSON.parse(readFileSync(out, 'utf8')) as { result: unknown; text: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const sectionAt = args.indexOf('--section');
  if (sectionAt >= 0) {
    // A child of runApart: one section, its result to the file named after it.
    const section = SECTIONS.find((s) => s.name === args[sectionAt + 1]);
    if (!section) throw new Error(`bench: no section ${args[sectionAt + 1]}`);
    writeFileSync(args[sectionAt + 2], json(await section.run()));
    return;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: npm run bench [-- --only a,b]\nsections:');
    for (const s of SECTIONS) console.log(`  ${s.name.padEnd(11)} ${s.what}`);
    return;
  }
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;
  const unknown = only ? [...only].filter((n) => !SECTIONS.some((s) => s.name === n)) : [];
  if (unknown.length) {
    console.error(`bench: unknown section(s) ${unknown.join(', ')}; see --help`);
    process.exitCode = 2;
    return;
  }
  const env = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, commit: commit(), loadavgAtStart: loadavg() };
  console.log(`${env.cpu}, ${env.cores} cores, Node ${env.node}, commit ${env.commit}, load average ${env.loadavgAtStart.map((x) => x.toFixed(1)).join(' ')}`);
  const results: Record<string, unknown> = {};
  let failed = 0;
  for (const section of SECTIONS) {
    if (only && !only.has(section.name)) continue;
    console.log(`\n## ${section.name}: ${section.what}`);
    const t0 = performance.now();
    try {
      const { result, text } = await runApart(section.name);
      results[section.name] = result;
      console.log(text);
    } catch (err) {
      failed++;
      results[section.name] = { error: (err as Error).message };
      console.log(`(failed: ${(err as Error).message})`);
    }
    console.log(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const out = join(HERE, 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, json({ env: { ...env, loadavgAtEnd: loadavg(), date: new Date().toISOString() }, results }) + '\n');
  console.log(`\nwrote ${out}`);
  if (failed) process.exitCode = 1;
}

await main();
