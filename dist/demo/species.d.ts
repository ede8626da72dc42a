import type { DemoRng } from './prng.ts';
import type { Note } from './synth.ts';
/**
 * The invented species of the demo data. Each has its own call structure, so that a small CNN on a
 * mel spectrogram can tell them apart by shape (glide direction, repetition rate, harmonics, modulation)
 * rather than by loudness; several share a frequency band on purpose (whistler, finchlet, wren and jay all
 * sit around 2-5 kHz) so that the band alone is not enough either.
 */
/** How one recording's bird differs from the species' template. */
export interface Variation {
    /** Frequency factor for the whole recording (an individual's pitch). */
    pitch: number;
    /** Duration factor for notes and gaps (an individual's tempo: > 1 is slower). */
    tempo: number;
}
export interface Species {
    /** eBird-style six-letter code, the `primary_label`. */
    code: string;
    commonName: string;
    scientificName: string;
    /** Index into REGIONS of where it is usually recorded. */
    homeRegions: readonly number[];
    /**
     * Amplitude factor that gives every species about the same peak on a mel spectrogram (measured with
     * nFft 2048, hop 512, 64 mel bands): short chips and noisy rattles spread their energy over more
     * pixels than a whistle does, so they need more amplitude to look as loud.
     */
    level: number;
    /** One phrase of song; note times start at 0. Every phrase lasts under MAX_PHRASE_SECONDS. */
    song(rng: DemoRng, v: Variation): Note[];
    /** One call; note times start at 0. */
    call(rng: DemoRng, v: Variation): Note[];
}
export declare const MAX_PHRASE_SECONDS = 2;
export declare const SPECIES: readonly Species[];
/** Look a species up by code. */
export declare function speciesByCode(code: string): Species | undefined;
