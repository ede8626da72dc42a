import type { MelSpectrogramParamsInput } from './mel.ts';
/** A named parameter set: the target sample rate plus every STFT and mel parameter. */
export interface Preset {
    /** One line for listings. */
    doc: string;
    /** Where the numbers come from. */
    source: string;
    params: Required<Pick<MelSpectrogramParamsInput, 'sr' | 'nFft' | 'hopLength' | 'nMels' | 'fmin' | 'fmax'>> & MelSpectrogramParamsInput;
}
export type PresetName = 'librosa' | 'birdclef' | 'kaggle2020' | 'birdnet';
/**
 * Parameter sets that set everything at once. `sr` is the rate the audio is resampled to; applying a
 * preset's STFT and mel numbers at a file's own rate is the caller's choice (the benchmark does that).
 */
export declare const presets: Record<PresetName, Preset>;
export declare const presetNames: PresetName[];
