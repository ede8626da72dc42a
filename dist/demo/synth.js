import { noiseSource } from "./prng.js";
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
export const MAX_CALL_HZ = 12_000;
const TABLE_SIZE = 4096;
/** One cycle of sine plus a guard point; linear interpolation errs by under 3e-7 (-130 dB). */
const SINE = Float64Array.from({ length: TABLE_SIZE + 1 }, (_, i) => Math.sin((2 * Math.PI * i) / TABLE_SIZE));
/** sin(2 pi * cycles), by table lookup. */
function sinCycles(cycles) {
    const x = (cycles - Math.floor(cycles)) * TABLE_SIZE;
    const i = x | 0;
    return SINE[i] + (x - i) * (SINE[i + 1] - SINE[i]);
}
/** Harmonics that stay under MAX_CALL_HZ (at least the fundamental): the rest are dropped, not aliased. */
function harmonicsInBand(note) {
    const harmonics = note.harmonics ?? [1];
    const top = Math.max(note.f0, note.f1) + (note.vibratoDepth ?? 0);
    let count = 1;
    for (let k = 2; k <= harmonics.length; k++)
        if (k * top <= MAX_CALL_HZ)
            count = k;
    return harmonics.slice(0, count);
}
/** The highest frequency a note reaches, counting its harmonics, vibrato and modulation sidebands. */
export function noteMaxHz(note) {
    const top = Math.max(note.f0, note.f1) + (note.vibratoDepth ?? 0);
    return harmonicsInBand(note).length * top + (note.amHz ?? 0) + (note.noiseBandwidth ?? 0) / 2;
}
/** The lowest frequency a note reaches. */
export function noteMinHz(note) {
    const bottom = Math.min(note.f0, note.f1) - (note.vibratoDepth ?? 0);
    return bottom - (note.amHz ?? 0) - (note.noiseBandwidth ?? 0) / 2;
}
/** Add one note into `out` (samples at `sampleRate`); samples past either end of the buffer are skipped. */
export function renderNote(out, sampleRate, note, rng) {
    const first = Math.round(note.start * sampleRate);
    const length = Math.round(note.duration * sampleRate);
    if (length <= 0)
        return;
    const harmonics = harmonicsInBand(note);
    const harmonicCount = harmonics.length;
    const attack = Math.max(1, Math.round((note.attack ?? Math.min(0.02, note.duration * 0.2)) * sampleRate));
    const release = Math.max(1, Math.round((note.release ?? Math.min(0.04, note.duration * 0.3)) * sampleRate));
    const glidePerSample = Math.exp(Math.log(note.f1 / note.f0) / length);
    const vibratoStep = (note.vibratoHz ?? 0) / sampleRate;
    const vibratoDepth = note.vibratoDepth ?? 0;
    const amStep = (note.amHz ?? 0) / sampleRate;
    const amDepth = note.amDepth ?? 0;
    // Band-limited noise = slowly varying random amplitude times the carrier: white noise through four
    // one-pole low-passes at half the bandwidth (one pole alone leaks across the whole spectrum).
    const bandwidth = note.noiseBandwidth ?? 0;
    const pole = bandwidth > 0 ? Math.exp((-2 * Math.PI * (bandwidth / 2)) / sampleRate) : 0;
    const noiseGain = bandwidth > 0 ? 1 / Math.sqrt(cascadeVarianceGain(pole)) : 0;
    const noise = noiseSource(rng.int(0, 0xffffffff));
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let phase = rng.next(); // cycles
    let glide = note.f0;
    let vibratoPhase = 0;
    let amPhase = 0;
    // Notes are cut at the buffer's end; the loop stops there.
    const end = Math.min(length, out.length - first);
    for (let i = 0; i < end; i++) {
        let envelope = 1;
        if (i < attack)
            envelope = 0.5 - 0.5 * sinCycles(0.25 + (0.5 * i) / attack);
        const fromEnd = length - 1 - i;
        if (fromEnd < release)
            envelope *= 0.5 - 0.5 * sinCycles(0.25 + (0.5 * fromEnd) / release);
        if (amDepth > 0)
            envelope *= 1 - amDepth * (0.5 + 0.5 * sinCycles(amPhase + 0.25));
        let value = harmonics[0] * sinCycles(phase);
        for (let k = 1; k < harmonicCount; k++)
            value += harmonics[k] * sinCycles((k + 1) * phase);
        if (bandwidth > 0) {
            s1 = pole * s1 + (1 - pole) * noise();
            s2 = pole * s2 + (1 - pole) * s1;
            s3 = pole * s3 + (1 - pole) * s2;
            s4 = pole * s4 + (1 - pole) * s3;
            value *= s4 * noiseGain;
        }
        if (first + i >= 0)
            out[first + i] += note.amp * envelope * value;
        const frequency = vibratoDepth > 0 ? glide + vibratoDepth * sinCycles(vibratoPhase) : glide;
        phase += frequency / sampleRate;
        phase -= Math.floor(phase); // keep k * phase small so the table lookup stays exact
        glide *= glidePerSample;
        vibratoPhase += vibratoStep;
        amPhase += amStep;
    }
}
/**
 * How much four cascaded one-pole low-passes (coefficient `pole`) scale the variance of white noise: the
 * sum of the squared impulse response (1-a)^4 C(n+3, 3) a^n.
 */
function cascadeVarianceGain(pole) {
    let sum = 0;
    let term = (1 - pole) ** 4; // n = 0: C(3, 3) = 1
    for (let n = 0; n < 100_000 && (n < 10 || term > 1e-12); n++) {
        sum += term * term;
        term *= (pole * (n + 4)) / (n + 1); // C(n+4, 3) / C(n+3, 3) = (n+4)/(n+1)
    }
    return sum;
}
/** White noise of unit variance. */
export function whiteNoise(out, rng, gain = 1) {
    const noise = noiseSource(rng.int(0, 0xffffffff));
    for (let i = 0; i < out.length; i++)
        out[i] += gain * noise();
}
/** Wind is computed at 1/WIND_DECIMATION of the sample rate: it has nothing above a few hundred Hz. */
const WIND_DECIMATION = 16;
/**
 * Wind: white noise through two one-pole low-passes (energy mostly below `cutoffHz`, a few hundred Hz),
 * under a slow gust envelope made of a few random sinusoids, so it swells and fades over seconds. Its level
 * is arbitrary: callers normalise each background layer before mixing.
 */
export function addWind(out, sampleRate, rng, gain, cutoffHz) {
    const lowRate = sampleRate / WIND_DECIMATION;
    const pole = Math.exp((-2 * Math.PI * cutoffHz) / lowRate);
    const gusts = Array.from({ length: 3 }, () => ({ step: rng.uniform(0.05, 0.4) / lowRate, phase: rng.next() }));
    const noise = noiseSource(rng.int(0, 0xffffffff));
    let a = 0;
    let b = 0;
    let previous = 0;
    for (let j = 0; j * WIND_DECIMATION < out.length; j++) {
        a = pole * a + (1 - pole) * noise();
        b = pole * b + (1 - pole) * a;
        let gust = 0.6;
        for (const g of gusts)
            gust += 0.25 * sinCycles(g.phase + g.step * j);
        const current = b * Math.max(0.1, gust);
        // Linear interpolation back to the full rate (its images near 2 kHz are 30 dB down and sit under hiss).
        for (let k = 0; k < WIND_DECIMATION; k++) {
            const i = j * WIND_DECIMATION + k;
            if (i >= out.length)
                break;
            out[i] += gain * (previous + ((current - previous) * k) / WIND_DECIMATION);
        }
        previous = current;
    }
}
/**
 * Insects: pulsed narrow-band noise above the call band (12.5-15 kHz), in bouts of a few seconds.
 * It is "other-band chatter": visible in a spectrogram, but never where the birds sing.
 */
export function addInsects(out, sampleRate, rng, gain) {
    const duration = out.length / sampleRate;
    let t = rng.uniform(0, 2);
    while (t < duration) {
        const bout = rng.uniform(1.5, 5);
        const carrier = Math.min(rng.uniform(12_500, 15_000), sampleRate * 0.47);
        renderNote(out, sampleRate, {
            start: t,
            duration: bout,
            f0: carrier,
            f1: carrier * rng.uniform(0.99, 1.01),
            amp: gain,
            amHz: rng.uniform(25, 60),
            amDepth: 0.95,
            noiseBandwidth: 400,
            attack: 0.2,
            release: 0.3,
        }, rng);
        t += bout + rng.uniform(0.5, 3);
    }
}
/**
 * Frogs: pulsed low croaks whose harmonics stay below 1 kHz, the other side of the call band. Written
 * directly rather than through renderNote, whose harmonic limit is about the call band.
 */
export function addFrogs(out, sampleRate, rng, gain) {
    const duration = out.length / sampleRate;
    const fundamental = rng.uniform(250, 400);
    let t = rng.uniform(0, 1);
    while (t < duration) {
        const length = Math.round(rng.uniform(0.12, 0.3) * sampleRate);
        const first = Math.round(t * sampleRate);
        const pulseStep = rng.uniform(30, 50) / sampleRate;
        const step = (fundamental * rng.uniform(0.95, 1.05)) / sampleRate;
        for (let i = 0; i < length && first + i < out.length; i++) {
            const envelope = sinCycles((0.5 * i) / length) * (0.5 + 0.5 * sinCycles(0.25 + pulseStep * i));
            // Fundamental plus a softer second harmonic: the top stays below 0.85 kHz.
            out[first + i] += gain * envelope * (sinCycles(step * i) + 0.5 * sinCycles(2 * step * i));
        }
        t += rng.uniform(0.4, 2);
    }
}
/** Sum of squares, in double precision. */
export function energy(samples) {
    let sum = 0;
    for (let i = 0; i < samples.length; i++)
        sum += samples[i] * samples[i];
    return sum;
}
/** Multiply in place. */
export function scale(samples, gain) {
    for (let i = 0; i < samples.length; i++)
        samples[i] *= gain;
}
/** out += gain * x, in place. */
export function addScaled(out, x, gain) {
    for (let i = 0; i < out.length; i++)
        out[i] += gain * x[i];
}
//# sourceMappingURL=synth.js.map