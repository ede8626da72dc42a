import type { Spectrogram } from './types.ts';
import { type DbParamsInput } from './db.ts';
import { type MelFilterbank, type MelSpectrogramParamsInput } from './mel.ts';
import { type SpectralOptions, type StftConfig } from './stft.ts';
/**
 * A mel spectrogram computed from successive blocks of samples, so a long recording never has to be in
 * memory: feed blocks of any size with `push`, then `finish`. Frames are cut across block edges exactly
 * as the whole-signal STFT cuts them, including the centre padding at both ends (which is why the last
 * frames wait for `finish`), and go through the same FrameEngine, so the output is identical to
 * `melSpectrogram` on the concatenated signal. Only the mel power is kept ([nMels x frames], float32 by
 * default: 64 bands x 360 000 frames for an hour at 32 kHz / hop 320 is 92 MB), so dB with ref='max'
 * at the end uses the whole-file maximum, as librosa's.
 */
export declare class MelStream {
    readonly stft: StftConfig;
    readonly filterbank: MelFilterbank;
    private readonly engine;
    private readonly options;
    /** Retained raw samples: buffer[j] is sample bufferStart + j. */
    private buffer;
    private bufferStart;
    private bufferLength;
    /** Samples pushed so far. */
    private total;
    /** Index of the next frame to compute. */
    private nextFrame;
    private chunks;
    private finished;
    constructor(params?: MelSpectrogramParamsInput, options?: SpectralOptions);
    /** Frames computed so far. */
    get frames(): number;
    /** Add the next block of samples; computes every frame that no longer depends on what follows. */
    push(block: Float32Array): void;
    /**
     * Compute the frames that touch the end padding and return the mel spectrogram [nMels, frames] (the
     * whole-signal result). With `db`, the values are converted to dB in place (power_to_db; pass
     * ref: 'max' for the whole-file maximum) so no second copy is made.
     */
    finish(options?: {
        db?: DbParamsInput;
    }): Spectrogram;
    private computeFrame;
    /** Append a block, first dropping samples no remaining frame can read. */
    private append;
}
