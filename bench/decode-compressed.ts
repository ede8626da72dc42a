/**
 * Decode speed of the compressed formats (issue 9), in seconds of audio per second of decoding, on FLAC,
 * Ogg Vorbis and MP3 copies of real recordings from ../shared/data/birdcalls made with sox:
 *  - `decodeAudio`: what the pipeline runs with its defaults (detection, container walk; on clean streams
 *    our FLAC decoder, stb_vorbis and dr_mp3 in wasm, on the others the packages; frame CRCs checked, the
 *    FLAC MD5 not, as in libsndfile);
 *  - `wasm reused`: the bare package (libFLAC, libvorbis, libmpg123) with one decoder instance kept across
 *    files and no checks, for scale (with a fresh instance per file, FLAC and Ogg were 1.5-2x slower in
 *    CPU time on these 6 s clips, which is why src/audio/compressed.ts pools them);
 *  - `sox process`: decoding each file to WAV with the sox command line (start-up included), for scale;
 *  - `libsndfile`: soundfile.read (libsndfile, native) on the same bytes in one Python process, the peer
 *    the issue sets (issue 16: decode >= 0.8x libsndfile), timed in that process like ours (wall and
 *    CPU seconds of the decoding alone, median of the same number of runs, each run decoding the files
 *    as many times as makes MIN_RUN_AUDIO_SECONDS). Ours and libsndfile alternate
 *    in `rounds` rounds (the machine is shared: load changes between rounds); each x real time is the
 *    median over the rounds, and `ours / libsndfile` is the median of the rounds' ratios.
 *
 *   npx tsx bench/decode-compressed.ts          # prints a table; add --json for machine-readable output
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis';
import { MPEGDecoder } from 'mpg123-decoder';
import { decodeAudio } from '../src/audio/decode.ts';
import { decodeWav } from '../src/audio/wav.ts';

const SHARED = fileURLToPath(new URL('../../shared/data/birdcalls/', import.meta.url));

/** The first 6 s clip of each species, plus the 44.1 kHz stereo robin and the longer 44.1 kHz spinetail. */
function sourcePaths(): string[] {
  const clips = join(SHARED, 'clips');
  const firsts = readdirSync(clips)
    .sort()
    .map((species) => join(clips, species, readdirSync(join(clips, species)).filter((f) => f.endsWith('.wav')).sort()[0]));
  return [...firsts, join(SHARED, 'other/european_robin_stereo_44k.wav'), join(SHARED, 'other/spinetail_Cranioleuca_erythrops_44k.wav')];
}

type Format = 'flac' | 'ogg' | 'mp3';
const FORMATS: Format[] = ['flac', 'ogg', 'mp3'];

export interface CompressedDecodeRow {
  format: Format;
  files: number;
  megabytes: number;
  /** Seconds of audio per wall-clock second of decoding (x real time), median of the runs. */
  decodeAudio: number;
  wasmReused: number;
  /** The same per CPU second of this process (robust to other load on the machine). */
  decodeAudioCpu: number;
  wasmReusedCpu: number;
  /** sox runs in child processes, so only its wall time means anything. */
  soxProcess: number;
  /** soundfile.read (libsndfile) in /usr/bin/python3, x real time in wall and CPU time; null without soundfile. */
  libsndfile: number | null;
  libsndfileCpu: number | null;
  /** Median over the rounds of decodeAudioCpu / libsndfileCpu measured in the same round; null without soundfile. */
  ratioCpu: number | null;
}

// soundfile.read on each file's bytes (from memory, as ours decodes bytes), float32 like ours.
const SOUNDFILE_SCRIPT = `
import io, json, sys, time
import soundfile as sf
runs = int(sys.argv[1]); repeat = int(sys.argv[2]); datas = [open(p, 'rb').read() for p in sys.argv[3:]] * repeat
def once():
    for d in datas: sf.read(io.BytesIO(d), dtype='float32')
once()
t = []
for _ in range(runs):
    c0 = time.process_time(); w0 = time.perf_counter(); once(); t.append((time.perf_counter() - w0, time.process_time() - c0))
t.sort(key=lambda x: x[1])
print(json.dumps({'wall': t[len(t) // 2][0], 'cpu': t[len(t) // 2][1], 'version': sf.__libsndfile_version__}))
`;

/** libsndfile's decode time of `paths` (soundfile in the system Python), or null when it is not there. */
function libsndfileTimes(paths: string[], runs: number, repeat: number): { wall: number; cpu: number; version: string } | null {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SOUNDFILE_SCRIPT, String(runs), String(repeat), ...paths], { encoding: 'utf8' })) as { wall: number; cpu: number; version: string };
  } catch {
    return null;
  }
}

export interface CompressedDecodeBench {
  /** Why nothing was measured (sox or ../shared missing), else undefined. */
  skipped?: string;
  audioSeconds: number;
  runs: number;
  /** Rounds of ours then libsndfile (see oursAgainstLibsndfile). */
  rounds: number;
  rows: CompressedDecodeRow[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * One warm-up run (wasm compilation, JIT), then `runs` timed runs; the median wall seconds and the median
 * CPU seconds of this process (user + system), which other processes' load on a shared machine distorts
 * much less than wall time.
 */
async function timeIt(fn: () => Promise<void> | void, runs: number): Promise<{ wall: number; cpu: number }> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    wall.push((performance.now() - t0) / 1000);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function haveSox(): boolean {
  try {
    return execFileSync('sox', ['-h'], { encoding: 'utf8' }).includes(' mp3 ');
  } catch {
    return false;
  }
}

async function reusedDecoder(format: Format): Promise<{ decode(b: Uint8Array): Promise<unknown>; free(): void }> {
  if (format === 'flac') {
    const d = new FLACDecoder();
    await d.ready;
    // decodeFile resets the instance itself after each file.
    return { decode: (b) => d.decodeFile(b), free: () => d.free() };
  }
  if (format === 'ogg') {
    const d = new OggVorbisDecoder();
    await d.ready;
    return { decode: (b) => d.decodeFile(b), free: () => d.free() };
  }
  const d = new MPEGDecoder();
  await d.ready;
  return {
    decode: async (b) => {
      const out = d.decode(b);
      await d.reset();
      return out;
    },
    free: () => d.free(),
  };
}

/**
 * Audio seconds each timed run decodes at least (the files over and over): one pass over the files is 80 s
 * of audio, 30 ms of MP3 decoding, where one collection or one late tier-up of the decoder's wasm moved a
 * run's time by a third (MP3 rounds read 0.86, 1.09, 0.86 of libsndfile within one bench).
 */
const MIN_RUN_AUDIO_SECONDS = 600;

/** Ours and libsndfile alternately, `rounds` times: median x real time of each, and of the rounds' CPU ratios. */
async function oursAgainstLibsndfile(
  bytes: Uint8Array[],
  paths: string[],
  audioSeconds: number,
  runs: number,
  rounds: number,
): Promise<Pick<CompressedDecodeRow, 'decodeAudio' | 'decodeAudioCpu' | 'libsndfile' | 'libsndfileCpu' | 'ratioCpu'>> {
  // The library's warnings would interleave with the table; a clean encode has none anyway.
  const quiet = { onWarning: () => undefined };
  const ours: { wall: number; cpu: number }[] = [];
  const peers: { wall: number; cpu: number }[] = [];
  const repeat = Math.max(1, Math.ceil(MIN_RUN_AUDIO_SECONDS / audioSeconds));
  for (let r = 0; r < rounds; r++) {
    ours.push(
      await timeIt(async () => {
        for (let k = 0; k < repeat; k++) for (let i = 0; i < bytes.length; i++) await decodeAudio(bytes[i], paths[i], quiet);
      }, runs),
    );
    const peer = libsndfileTimes(paths, runs, repeat);
    if (peer) peers.push(peer);
  }
  const have = peers.length === rounds;
  const perRun = audioSeconds * repeat;
  return {
    decodeAudio: perRun / median(ours.map((t) => t.wall)),
    decodeAudioCpu: perRun / median(ours.map((t) => t.cpu)),
    libsndfile: have ? perRun / median(peers.map((t) => t.wall)) : null,
    libsndfileCpu: have ? perRun / median(peers.map((t) => t.cpu)) : null,
    ratioCpu: have ? median(peers.map((p, r) => p.cpu / ours[r].cpu)) : null,
  };
}

export async function benchCompressedDecode(runs = 5, rounds = 3): Promise<CompressedDecodeBench> {
  if (!existsSync(SHARED)) return { skipped: `${SHARED} not found`, audioSeconds: 0, runs, rounds, rows: [] };
  if (!haveSox()) return { skipped: 'sox with MP3 support not found (apt-get install sox libsox-fmt-mp3)', audioSeconds: 0, runs, rounds, rows: [] };
  const wavs = sourcePaths();
  const audioSeconds = wavs.reduce((s, w) => {
    const a = decodeWav(readFileSync(w), w);
    return s + a.channels[0].length / a.sampleRate;
  }, 0);
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-bench-compressed-'));
  const rows: CompressedDecodeRow[] = [];
  try {
    for (const format of FORMATS) {
      const paths = wavs.map((w) => {
        const out = join(dir, `${basename(w, '.wav')}.${format}`);
        execFileSync('sox', [w, out]);
        return out;
      });
      const bytes = paths.map((p) => new Uint8Array(readFileSync(p)));
      const vsPeer = await oursAgainstLibsndfile(bytes, paths, audioSeconds, runs, rounds);
      const reused = await reusedDecoder(format);
      const theirs = await timeIt(async () => {
        for (const b of bytes) await reused.decode(b);
      }, runs);
      reused.free();
      const sox = await timeIt(() => {
        for (const p of paths) execFileSync('sox', [p, join(dir, 'out.wav')]);
      }, runs);
      rows.push({
        format,
        files: paths.length,
        megabytes: bytes.reduce((n, b) => n + b.length, 0) / 1e6,
        ...vsPeer,
        wasmReused: audioSeconds / theirs.wall,
        wasmReusedCpu: audioSeconds / theirs.cpu,
        soxProcess: audioSeconds / sox.wall,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { audioSeconds, runs, rounds, rows };
}

async function main(): Promise<void> {
  const result = await benchCompressedDecode();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (result.skipped) {
    console.log(`skipped: ${result.skipped}`);
    return;
  }
  console.log(
    `\nCompressed decode, ${result.rows[0]?.files} files, ${result.audioSeconds.toFixed(1)} s of audio, x real time (median of ${result.runs} runs, ` +
      `${result.rounds} rounds of ours then libsndfile; CPU = per CPU second of the decoding process):`,
  );
  console.table(
    result.rows.map((r) => ({
      format: r.format,
      MB: r.megabytes.toFixed(2),
      decodeAudio: Math.round(r.decodeAudio),
      'wasm reused': Math.round(r.wasmReused),
      'decodeAudio (CPU)': Math.round(r.decodeAudioCpu),
      'wasm reused (CPU)': Math.round(r.wasmReusedCpu),
      'sox process': Math.round(r.soxProcess),
      libsndfile: r.libsndfile === null ? '-' : Math.round(r.libsndfile),
      'libsndfile (CPU)': r.libsndfileCpu === null ? '-' : Math.round(r.libsndfileCpu),
      'ours / libsndfile (CPU)': r.ratioCpu === null ? '-' : r.ratioCpu.toFixed(2),
    })),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
