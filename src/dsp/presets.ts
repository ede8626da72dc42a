import { UsageError } from '../errors.ts';
import type { MelSpectrogramParamsInput } from './mel.ts';

/** A named parameter set: the target sample rate plus every STFT and mel parameter. */
export interface Preset {
  /** One line for listings. */
  doc: string;
  /** Where the numbers come from. */
  source: string;
  params: Required<Pick<MelSpectrogramParamsInput, 'sr' | 'nFft' | 'hopLength' | 'nMels' | 'fmin' | 'fmax'>> &
    MelSpectrogramParamsInput;
}

export type PresetName = 'librosa' | 'birdclef' | 'kaggle2020' | 'birdnet';

/**
 * Parameter sets that set everything at once. `sr` is the rate the audio is resampled to; applying a
 * preset's STFT and mel numbers at a file's own rate is the caller's choice (the benchmark does that).
 */
export const presets: Record<PresetName, Preset> = {
  // librosa 0.11 defaults: librosa.load sr=22050; stft n_fft=2048, hop_length=win_length//4=512, hann,
  // center=True, pad_mode='constant'; filters.mel n_mels=128, fmin=0, fmax=sr/2, htk=False, norm='slaney'.
  librosa: {
    doc: 'librosa defaults: 22050 Hz, nFft 2048, hop 512, 128 mels, 0 Hz to sr/2',
    source: 'librosa 0.11.0 function defaults (librosa.load, librosa.stft, librosa.filters.mel)',
    params: { sr: 22050, nFft: 2048, hopLength: 512, nMels: 128, fmin: 0, fmax: null },
  },
  // The BirdCLEF Kaggle competitions (2021-2024) ship 32 kHz audio; the widely shared baselines compute
  // 128-band mel spectrograms with n_fft 2048, hop 512, fmin 20 Hz, fmax 16 kHz (Nyquist).
  birdclef: {
    doc: 'BirdCLEF baselines: 32 kHz, nFft 2048, hop 512, 128 mels, 20 Hz to 16 kHz',
    source: 'BirdCLEF 2021-2024 (Kaggle) 32 kHz data and the common public baseline notebooks',
    params: { sr: 32000, nFft: 2048, hopLength: 512, nMels: 128, fmin: 20, fmax: 16000 },
  },
  // Cornell Birdcall Identification (Kaggle 2020) winning solutions (PANNs-style front end): 32 kHz,
  // window 1024, hop 320 (10 ms), 64 mel bins, 50 Hz to 14 kHz.
  kaggle2020: {
    doc: 'Kaggle 2020 birdcall (PANNs front end): 32 kHz, nFft 1024, hop 320, 64 mels, 50 Hz to 14 kHz',
    source: 'Cornell Birdcall Identification 2020 top solutions, after PANNs (Kong et al. 2020) Cnn14 settings',
    params: { sr: 32000, nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 },
  },
  // BirdNET (Kahl et al. 2021): 48 kHz input; its spectrogram front end uses FFT 2048 with hop 278
  // (~5.8 ms) and 96 mel bands; this preset is its low band, 0 to 3 kHz.
  birdnet: {
    doc: 'BirdNET low band: 48 kHz, nFft 2048, hop 278, 96 mels, 0 to 3 kHz',
    source: 'BirdNET (Kahl et al. 2021, Ecological Informatics 61) spectrogram settings',
    params: { sr: 48000, nFft: 2048, hopLength: 278, nMels: 96, fmin: 0, fmax: 3000 },
  },
};

export const presetNames = Object.keys(presets) as PresetName[];

/** `convert` without --pipeline/--preset uses this preset: 32 kHz, the BirdCLEF convention. */
export const DEFAULT_PRESET: PresetName = 'birdclef';

/**
 * A dsp preset split the way blocks need it: the rate audio is resampled to, and the melspec params
 * (the preset's `sr` is not a melspec param: melspec reads the rate from the audio).
 *
 * @param name - a preset of `presetNames` ('librosa', 'birdclef', 'kaggle2020', 'birdnet') or 'default'
 *   (DEFAULT_PRESET, 'birdclef').
 * @returns `sampleRate` in Hz and the melspec params (nFft, hopLength in samples, nMels, fmin/fmax in Hz).
 * @throws UsageError for an unknown name, listing the presets.
 *
 * @example
 * ```ts
 * import assert from 'node:assert/strict';
 * import { UsageError, presetSettings } from 'birdcall';
 *
 * assert.deepEqual(presetSettings('kaggle2020'), { sampleRate: 32000, melspec: { nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000 } });
 * assert.deepEqual(presetSettings('default'), presetSettings('birdclef'));
 * assert.throws(() => presetSettings('birdclef2025'), (e: unknown) => e instanceof UsageError && e.message.startsWith('unknown preset "birdclef2025"'));
 * ```
 */
export function presetSettings(name: string): { sampleRate: number; melspec: Record<string, unknown> } {
  const key = name === 'default' ? DEFAULT_PRESET : name;
  if (!(presetNames as string[]).includes(key)) {
    throw new UsageError(`unknown preset "${name}"; presets: ${presetNames.join(', ')} (and "default" = ${DEFAULT_PRESET})`);
  }
  const { sr, ...melspec } = presets[key as PresetName].params;
  return { sampleRate: sr, melspec };
}

