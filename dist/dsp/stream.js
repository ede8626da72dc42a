import { BirdcallError } from "../errors.js";
import { dbParams, powerToDbValues } from "./db.js";
import { applyMelFrame, melSpectrogramConfig } from "./mel.js";
import { parseParams } from "../params.js";
import { FrameEngine, checkFinite, frameLayout } from "./stft.js";
/** Frames per output chunk while streaming (frame-major; transposed once at the end). */
const CHUNK_FRAMES = 4096;
/**
 * A mel spectrogram computed from successive blocks of samples, so a long recording never has to be in
 * memory: feed blocks of any size with `push`, then `finish`. Frames are cut across block edges exactly
 * as the whole-signal STFT cuts them, including the centre padding at both ends (which is why the last
 * frames wait for `finish`), and go through the same FrameEngine, so the output is identical to
 * `melSpectrogram` on the concatenated signal. Only the mel power is kept ([nMels x frames], float32 by
 * default: 64 bands x 360 000 frames for an hour at 32 kHz / hop 320 is 92 MB), so dB with ref='max'
 * at the end uses the whole-file maximum, as librosa's.
 */
export class MelStream {
    stft;
    filterbank;
    engine;
    options;
    /** Retained raw samples: buffer[j] is sample bufferStart + j. */
    buffer = new Float32Array(0);
    bufferStart = 0;
    bufferLength = 0;
    /** Samples pushed so far. */
    total = 0;
    /** Index of the next frame to compute. */
    nextFrame = 0;
    chunks = [];
    finished = false;
    constructor(params = {}, options = {}) {
        const cfg = melSpectrogramConfig(params);
        this.stft = cfg.stft;
        this.filterbank = cfg.filterbank;
        this.engine = new FrameEngine(cfg.stft);
        this.options = options;
        for (const w of cfg.filterbank.warnings)
            options.warn?.(w);
    }
    /** Frames computed so far. */
    get frames() {
        return this.nextFrame;
    }
    /** Add the next block of samples; computes every frame that no longer depends on what follows. */
    push(block) {
        if (this.finished)
            throw new BirdcallError('STREAM_FINISHED', 'push() after finish()', this.options.file);
        checkFinite(block, this.options.file);
        this.append(block);
        const { nFft, hopLength, center, padMode } = this.stft;
        const pad = center ? Math.floor(nFft / 2) : 0;
        // Frames so far read only samples already here; the signal's end is unknown, so no tail frames yet.
        const layout = {
            frames: Number.MAX_SAFE_INTEGER,
            length: this.total,
            nFft,
            hopLength,
            pad,
            padMode,
            headFrames: center ? Math.ceil(pad / hopLength) : 0,
            tailStart: Number.MAX_SAFE_INTEGER,
            whole: false,
        };
        // reflect padding of the head reads samples 1..pad: wait until they are all here
        if (pad > 0 && padMode === 'reflect' && this.total <= pad)
            return;
        for (;;) {
            const start = this.nextFrame * hopLength - pad;
            if (start + nFft > this.total)
                break;
            this.computeFrame(this.nextFrame, layout);
            this.nextFrame++;
        }
    }
    /**
     * Compute the frames that touch the end padding and return the mel spectrogram [nMels, frames] (the
     * whole-signal result). With `db`, the values are converted to dB in place (power_to_db; pass
     * ref: 'max' for the whole-file maximum) so no second copy is made.
     */
    finish(options = {}) {
        if (this.finished)
            throw new BirdcallError('STREAM_FINISHED', 'finish() called twice', this.options.file);
        this.finished = true;
        const layout = frameLayout(this.total, this.stft, this.options.file);
        if (this.stft.center && this.stft.nFft > this.total) {
            this.options.warn?.(`nFft=${this.stft.nFft} is too large for a signal of ${this.total} samples`);
        }
        for (; this.nextFrame < layout.frames; this.nextFrame++)
            this.computeFrame(this.nextFrame, layout);
        this.buffer = new Float32Array(0);
        const frames = layout.frames;
        const nMels = this.filterbank.nMels;
        const values = this.stft.dtype === 'float64' ? new Float64Array(nMels * frames) : new Float32Array(nMels * frames);
        // transpose chunk by chunk, releasing each, so peak memory stays near one copy
        let t0 = 0;
        while (this.chunks.length > 0) {
            const chunk = this.chunks.shift();
            const n = Math.min(CHUNK_FRAMES, frames - t0);
            for (let f = 0; f < n; f++) {
                for (let m = 0; m < nMels; m++)
                    values[m * frames + t0 + f] = chunk[f * nMels + m];
            }
            t0 += n;
        }
        const spec = {
            values,
            bins: nMels,
            frames,
            axis: 'mel',
            scale: this.stft.power === 1 ? 'magnitude' : 'power',
            sampleRate: this.stft.sr,
            hopLength: this.stft.hopLength,
            params: {
                ...this.stft,
                nMels,
                fmin: this.filterbank.fmin,
                fmax: this.filterbank.fmax,
                htk: this.filterbank.htk,
                norm: this.filterbank.norm,
            },
        };
        if (!options.db)
            return spec;
        const p = parseParams(dbParams, options.db, 'power_to_db');
        let refValue;
        if (p.ref === 'max') {
            refValue = -Infinity;
            for (let i = 0; i < values.length; i++)
                if (values[i] > refValue)
                    refValue = values[i];
        }
        else {
            refValue = p.ref;
        }
        powerToDbValues(values, refValue, p.amin, p.topDb, values);
        return { ...spec, scale: 'db', params: { ...spec.params, db: 'power', ref: p.ref, amin: p.amin, topDb: p.topDb } };
    }
    computeFrame(t, layout) {
        this.engine.computeFrame(t, layout, this.buffer, this.bufferStart);
        const nMels = this.filterbank.nMels;
        const inChunk = t % CHUNK_FRAMES;
        if (inChunk === 0) {
            this.chunks.push(this.stft.dtype === 'float64' ? new Float64Array(CHUNK_FRAMES * nMels) : new Float32Array(CHUNK_FRAMES * nMels));
        }
        applyMelFrame(this.filterbank, this.engine.spectrum, this.chunks[this.chunks.length - 1], inChunk * nMels, 1);
    }
    /** Append a block, first dropping samples no remaining frame can read. */
    append(block) {
        const { nFft, hopLength, center } = this.stft;
        const pad = center ? Math.floor(nFft / 2) : 0;
        // Keep from the next frame's start; also the last nFft + hop samples, which is all a short signal's
        // whole-signal reflect padding can reach (librosa pads a signal that short as one piece).
        const keepFrom = Math.max(0, Math.min(this.nextFrame * hopLength - pad, this.total - nFft - hopLength));
        const drop = Math.max(0, keepFrom - this.bufferStart);
        const keep = this.bufferLength - drop;
        const needed = keep + block.length;
        if (needed > this.buffer.length) {
            const grown = new Float32Array(Math.max(needed, 2 * this.buffer.length, 2 * nFft));
            grown.set(this.buffer.subarray(drop, this.bufferLength));
            this.buffer = grown;
        }
        else if (drop > 0) {
            this.buffer.copyWithin(0, drop, this.bufferLength);
        }
        this.bufferStart += drop;
        this.bufferLength = keep;
        this.buffer.set(block, this.bufferLength);
        this.bufferLength += block.length;
        this.total += block.length;
    }
}
//# sourceMappingURL=stream.js.map