import { type Species, type Variation } from './species.ts';
import { type Recordist, type Region } from './metadata.ts';
/** Highest absolute sample value of a mix: no clipping when written as 16-bit PCM. */
export declare const MAX_PEAK = 0.95;
/** Longest time between the starts of two phrases of the primary species: every 3 s window holds one. */
export declare const MAX_PRIMARY_SPACING_SECONDS = 2.5;
export interface RecordingOptions {
    sampleRate: number;
    minSeconds: number;
    maxSeconds: number;
    /** Scales each region's chance of a background species (1 = as the region says, 0 = never). */
    secondaryRate: number;
}
/** Everything decided about one recording before any sample is made; the metadata row comes from it. */
export interface RecordingPlan {
    /** File stem, unique in the dataset, e.g. SYN01007 (species 1, recording 7). */
    id: string;
    species: Species;
    /** A second species singing more softly in the background, if any (the secondary label). */
    secondary?: Species;
    type: 'song' | 'call';
    seconds: number;
    sampleRate: number;
    variation: Variation;
    secondaryVariation: Variation;
    /**
     * Amplitude of the background species' notes relative to the primary's (after each species' `level`):
     * always quieter, so that the primary species is the most prominent one, as in a focal recording.
     */
    secondaryGain: number;
    /** Seconds from and to which the background species sings (part of the recording, as a bird passing by). */
    secondarySpan: readonly [number, number];
    region: Region;
    recordist: Recordist;
    /** 1-5; fixes the SNR range. */
    rating: number;
    /** Target broadband SNR of the primary song over the background, dB. */
    snrDb: number;
    latitude: number;
    longitude: number;
    date: string;
    /**
     * Target RMS level of the final mix, dBFS, drawn the same way for every species so that loudness says
     * little about the species (the gain is lowered if the peak would pass MAX_PEAK).
     */
    levelDb: number;
    /** Seed of the sample-level randomness. */
    audioSeed: number;
}
/** One synthesised recording, with its parts kept apart: `mix` = primary + secondary + background. */
export interface SynthesizedRecording {
    plan: RecordingPlan;
    primary: Float32Array;
    secondary: Float32Array;
    background: Float32Array;
    mix: Float32Array;
    /** 10 log10(energy(primary) / energy(background)), measured on the parts. */
    snrDb: number;
}
/**
 * Decide recording `index` of `species` (one of `pool`, the dataset's species). Draws from its own seeded
 * stream, so it does not depend on how many other recordings the dataset has.
 */
export declare function planRecording(seed: number, pool: readonly Species[], speciesIndex: number, index: number, opts: RecordingOptions): RecordingPlan;
/** Make the samples of a planned recording. */
export declare function synthesizeRecording(plan: RecordingPlan): SynthesizedRecording;
