import { open, readFile } from 'node:fs/promises';
import { openWavStream, parseWavHeader } from "../audio/wav.js";
import { powerToDbValues } from "../dsp/db.js";
import { melSpectrogramParallel } from "../dsp/parallel.js";
import { MelStream } from "../dsp/stream.js";
import { UsageError } from "../errors.js";
import { encodeNpy } from "../image/npy.js";
import { writeFileAtomic } from "../store/atomic.js";
import { dbBlock, melspecBlock, resampleBlock } from "../pipeline/blocks/index.js";
import { pipeline, presetSettings } from "../pipeline/pipeline.js";
import { runPipelineOnFile } from "../pipeline/run.js";
import { parseParams, toKebab } from "../params.js";
import { db, decode, melspec, npy, resample } from "../pipeline/steps.js";
import { addParamOptions, readParamOptions } from "./blocks.js";
const flagOf = (name) => `--${toKebab(name)}`;
function targetRateOf(raw) {
    const text = raw.trim();
    const value = text !== '' && Number.isFinite(Number(text)) ? Number(text) : raw;
    return parseParams(resampleBlock.params, { sampleRate: value }, '', { usage: true, spell: () => '--sr' }).sampleRate;
}
/** The rules librosa leaves to warnings or to a later crash, checked before any sample is decoded. */
function checkAgainstRate(params, sr) {
    const nFft = params.nFft;
    const winLength = params.winLength ?? nFft;
    if (winLength > nFft)
        throw new UsageError(`--win-length (${winLength}) must not exceed --n-fft (${nFft})`);
    const fmax = params.fmax;
    if (typeof fmax === 'number' && fmax > sr / 2) {
        throw new UsageError(`--fmax ${fmax} Hz is above the Nyquist frequency (${sr / 2} Hz at ${sr} Hz); lower it or raise --sr`);
    }
    const fmin = params.fmin;
    const top = typeof fmax === 'number' ? fmax : sr / 2;
    if (fmin >= top)
        throw new UsageError(`--fmin ${fmin} Hz must be below fmax (${top} Hz)`);
}
function jobsOf(raw) {
    if (raw === undefined)
        return 1;
    const n = Number(raw.trim());
    if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--jobs must be a whole number of threads >= 1, got "${raw}"`);
    return n;
}
function fileError(err, path) {
    const code = err.code;
    return new UsageError(code === 'ENOENT' ? 'input file not found' : code === 'EISDIR' ? 'is a folder, not a WAV file' : `cannot read (${code})`, path);
}
/** Whether the file starts like a RIFF/WAVE file, read from its first 12 bytes only. */
async function looksLikeWav(path) {
    let fh;
    try {
        fh = await open(path, 'r');
        const head = new Uint8Array(12);
        const { bytesRead } = await fh.read(head, 0, 12, 0);
        const text = new TextDecoder('latin1').decode(head.subarray(0, bytesRead));
        return bytesRead === 12 && text.startsWith('RIFF') && text.endsWith('WAVE');
    }
    catch (err) {
        throw fileError(err, path);
    }
    finally {
        await fh?.close();
    }
}
/**
 * The streaming path: blocks of the WAV file go through MelStream, so memory holds one block of samples
 * and the mel output, whatever the length (about 200 MB peak for an hour at 32 kHz, 64 mels), and the
 * values equal the whole-file pipeline's (MelStream frames across block edges as the whole-signal STFT).
 */
async function melStreamed(wav, params, db, warn, file) {
    const stream = new MelStream(params, { warn, file });
    for await (const block of wav.blocks())
        stream.push(block);
    return stream.finish(db ? { db } : {});
}
/**
 * The threaded path: the samples go once into shared memory (4 bytes a sample: 460 MB for an hour at
 * 32 kHz, so not bounded like the streaming path) and `jobs` threads split the frames.
 */
async function melThreaded(wav, params, db, jobs, warn, file) {
    const samples = new Float32Array(new SharedArrayBuffer(4 * wav.info.numFrames));
    let filled = 0;
    for await (const block of wav.blocks()) {
        samples.set(block, filled);
        filled += block.length;
    }
    const mel = await melSpectrogramParallel(samples.subarray(0, filled), params, { jobs, warn, file });
    if (!db)
        return mel;
    const { ref, amin, topDb } = db;
    let refValue = typeof ref === 'number' ? ref : -Infinity;
    if (ref === 'max')
        for (let i = 0; i < mel.values.length; i++)
            if (mel.values[i] > refValue)
                refValue = mel.values[i];
    // in place: the same arithmetic as powerToDb without a second copy of the output
    powerToDbValues(mel.values, refValue, amin, topDb, mel.values);
    return { ...mel, scale: 'db', params: { ...mel.params, db: 'power', ref, amin, topDb } };
}
async function writeOutput(path, bytes) {
    try {
        await writeFileAtomic(path, bytes);
    }
    catch (err) {
        const code = err.code;
        if (code === 'ENOENT')
            throw new UsageError('the output folder does not exist', path);
        throw new UsageError(`cannot write the output (${code ?? err.message})`, path);
    }
}
async function readInput(path) {
    try {
        return new Uint8Array(await readFile(path));
    }
    catch (err) {
        throw fileError(err, path);
    }
}
export function register(program) {
    const command = program
        .command('melspec')
        .description('mel spectrogram of one WAV file as a .npy [n_mels, n_frames] (librosa.feature.melspectrogram; --db for power_to_db)')
        .argument('<input>', 'WAV file')
        .requiredOption('-o, --output <file>', 'output .npy file (NumPy format 1.0, little-endian, C order)')
        .option('--sr <hz>', "resample to this rate first (librosa.load's sr); default: the file's own rate")
        .option('--preset <name>', 'start from a preset (librosa, birdclef, kaggle2020, birdnet); flags given override it')
        .option('--db', 'convert to dB (librosa.power_to_db; see --ref, --amin, --top-db)')
        .option('--jobs <n>', 'threads for one file, this one included (WAV without --sr resampling; holds the samples in memory: 460 MB per hour at 32 kHz). Default 1: stream the file in blocks, bounded memory')
        .option('--no-stream', 'read the whole file at once through the block pipeline instead of streaming it (same values)');
    const melInfos = addParamOptions(command, melspecBlock.params);
    const dbInfos = addParamOptions(command, dbBlock.params);
    command.addHelpText('after', '\nExample:\n  birdcall melspec XC1234.wav -o XC1234.npy --sr 32000 --n-fft 2048 --hop-length 512 --n-mels 128 --fmin 20 --fmax 16000 --db');
    command.action(async (input, flags) => {
        const base = flags.preset !== undefined ? presetSettings(flags.preset) : { sampleRate: undefined, melspec: {} };
        const melParams = parseParams(melspecBlock.params, { ...base.melspec, ...readParamOptions(command, melInfos) }, '', { usage: true, spell: flagOf });
        const dbParams = parseParams(dbBlock.params, readParamOptions(command, dbInfos), '', { usage: true, spell: flagOf });
        const targetRate = flags.sr !== undefined ? targetRateOf(flags.sr) : base.sampleRate;
        const jobs = jobsOf(flags.jobs);
        // A WAV file at its own rate streams (or is split across threads) without ever being read whole;
        // everything else (other formats, resampling) goes through the block pipeline.
        if (flags.stream && (await looksLikeWav(input))) {
            const warnings = [];
            const warn = (w) => warnings.push(w);
            const wav = await openWavStream(input, { onWarning: warn });
            const rate = wav.info.sampleRate;
            if (targetRate === undefined || targetRate === rate) {
                checkAgainstRate(melParams, rate);
                const params = { ...melParams, sr: rate };
                const db = flags.db ? dbParams : null;
                const mel = jobs > 1 ? await melThreaded(wav, params, db, jobs, warn, input) : await melStreamed(wav, params, db, warn, input);
                for (const w of warnings)
                    process.stderr.write(`birdcall: warning: ${input}: ${w}\n`);
                await writeOutput(flags.output, encodeNpy(mel.values, [mel.bins, mel.frames]));
                return;
            }
        }
        const bytes = await readInput(input);
        const header = parseWavHeader(bytes, input);
        checkAgainstRate(melParams, targetRate ?? header.sampleRate);
        const steps = [decode()];
        if (targetRate !== undefined && targetRate !== header.sampleRate)
            steps.push(resample({ sampleRate: targetRate }));
        steps.push(melspec(melParams));
        if (flags.db)
            steps.push(db(dbParams));
        steps.push(npy({ dtype: melParams.dtype }));
        const { items, warnings } = await runPipelineOnFile(pipeline(...steps), { path: input, bytes });
        for (const w of warnings)
            process.stderr.write(`birdcall: warning: ${input}: ${w}\n`);
        const artifact = items[0].artifacts.find((a) => a.name === 'npy');
        await writeOutput(flags.output, artifact.bytes);
    });
}
//# sourceMappingURL=melspec.js.map