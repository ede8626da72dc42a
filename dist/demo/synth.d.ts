import { type DemoRng } from './prng.ts';
/**
 * Building blocks of synthetic bird song and its background: notes (tones with glides, vibrato, amplitude
 * modulation, harmonics, or band-limited noise) and background layers (wind, hiss, insects, frogs). Each
 * adds into a caller-owned Float32Array so that a recording is a sum of layers that stay available apart
 * (the SNR and the rating are computed from them).
 *
 * These loops run for every sample of every recording (about 30 million samples for the default dataset,
 * which must generate in seconds), so they use a sine table instead of Math.sin, running products instead
 * of Math.exp, and phases kept in cycles.
 */
/** Highest frequency any call component may reach: calls stay inside 1-12 kHz. */
export declare const MAX_CALL_HZ = 12000;
export interface Note {
    /** Onset in seconds from the start of the buffer. */
    start: number;
    /** Seconds. */
    duration: number;
    /** Fundamental frequency at the onset, Hz. */
    f0: number;
    /** Fundamental frequency at the end, Hz; the glide is exponential (straight on a mel axis). */
    f1: number;
    /** Peak amplitude of the envelope (linear). */
    amp: number;
    /** Relative amplitudes of harmonics 1, 2, 3, … (default [1]: a pure whistle). */
    harmonics?: readonly number[];
    /** Vibrato rate in Hz and depth in Hz (sinusoidal FM around the glide). */
    vibratoHz?: number;
    vibratoDepth?: number;
    /** Amplitude modulation rate in Hz and depth in [0, 1] (a buzz when the rate is ~100 Hz). */
    amHz?: number;
    amDepth?: number;
    /** When set, the note is noise of about this bandwidth (Hz) around the frequency track (a rattle). */
    noiseBandwidth?: number;
    /** Attack and release of the raised-cosine envelope, seconds (defaults scale with the duration). */
    attack?: number;
    release?: number;
}
/** The highest frequency a note reaches, counting its harmonics, vibrato and modulation sidebands. */
export declare function noteMaxHz(note: Note): number;
/** The lowest frequency a note reaches. */
export declare function noteMinHz(note: Note): number;
/** Add one note into `out` (samples at `sampleRate`); samples past either end of the buffer are skipped. */
export declare function renderNote(out: Float32Array, sampleRate: number, note: Note, rng: DemoRng): void;
/** White noise of unit variance. */
export declare function whiteNoise(out: Float32Array, rng: DemoRng, gain?: number): void;
/**
 * Wind: white noise through two one-pole low-passes (energy mostly below `cutoffHz`, a few hundred Hz),
 * under a slow gust envelope made of a few random sinusoids, so it swells and fades over seconds. Its level
 * is arbitrary: callers normalise each background layer before mixing.
 */
export declare function addWind(out: Float32Array, sampleRate: number, rng: DemoRng, gain: number, cutoffHz: number): void;
/**
 * Insects: pulsed narrow-band noise above the call band (12.5-15 kHz), in bouts of a few seconds.
 * It is "other-band chatter": visible in a spectrogram, but never where the birds sing.
 */
export declare function addInsects(out: Float32Array, sampleRate: number, rng: DemoRng, gain: number): void;
/**
 * Frogs: pulsed low croaks whose harmonics stay below 1 kHz, the other side of the call band. Written
 * directly rather than through renderNote, whose harmonic limit is about the call band.
 */
export declare function addFrogs(out: Float32Array, sampleRate: number, rng: DemoRng, gain: number): void;
/** Sum of squares, in double precision. */
export declare function energy(samples: Float32Array): number;
/** Multiply in place. */
export declare function scale(samples: Float32Array, gain: number): void;
/** out += gain * x, in place. */
export declare function addScaled(out: Float32Array, x: Float32Array, gain: number): void;
