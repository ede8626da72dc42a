import { createRng, deriveSeed } from "./prng.js";
import { MAX_PHRASE_SECONDS } from "./species.js";
import { addFrogs, addInsects, addScaled, addWind, energy, renderNote, scale, whiteNoise } from "./synth.js";
import { drawDate, drawRating, drawSite, REGIONS, RECORDISTS, SNR_DB_BY_RATING, } from "./metadata.js";
/** Highest absolute sample value of a mix: no clipping when written as 16-bit PCM. */
export const MAX_PEAK = 0.95;
/** Longest time between the starts of two phrases of the primary species: every 3 s window holds one. */
export const MAX_PRIMARY_SPACING_SECONDS = 2.5;
function recordingId(speciesIndex, index) {
    return `SYN${String(speciesIndex + 1).padStart(2, '0')}${String(index + 1).padStart(3, '0')}`;
}
/** A stretch of 40-75% of the recording (at least 3 s when the recording allows). */
function drawSpan(rng, seconds) {
    const length = Math.min(seconds, Math.max(3, seconds * rng.uniform(0.4, 0.75)));
    const start = rng.uniform(0, seconds - length);
    return [start, start + length];
}
function drawVariation(rng) {
    return { pitch: rng.uniform(0.9, 1.1), tempo: rng.uniform(0.85, 1.15) };
}
/**
 * Decide recording `index` of `species` (one of `pool`, the dataset's species). Draws from its own seeded
 * stream, so it does not depend on how many other recordings the dataset has.
 */
export function planRecording(seed, pool, speciesIndex, index, opts) {
    const species = pool[speciesIndex];
    const rng = createRng(deriveSeed(seed, 'plan', species.code, index));
    const region = rng.chance(0.8) ? REGIONS[rng.pick(species.homeRegions)] : rng.pick(REGIONS);
    const recordist = rng.pick(RECORDISTS);
    const rating = drawRating(rng, recordist);
    const [snrLo, snrHi] = SNR_DB_BY_RATING[rating];
    const others = pool.filter((s) => s.code !== species.code);
    const hasSecondary = others.length > 0 && rng.chance(region.secondaryChance * opts.secondaryRate);
    // Draw the secondary unconditionally so that switching it off leaves every later draw unchanged.
    const secondaryPick = others.length > 0 ? rng.pick(others) : undefined;
    const site = drawSite(rng, region);
    const seconds = Math.round(rng.uniform(opts.minSeconds, opts.maxSeconds) * 100) / 100;
    return {
        id: recordingId(speciesIndex, index),
        species,
        secondary: hasSecondary ? secondaryPick : undefined,
        type: rng.chance(0.65) ? 'song' : 'call',
        seconds,
        sampleRate: opts.sampleRate,
        variation: drawVariation(rng),
        secondaryVariation: drawVariation(rng),
        secondaryGain: rng.uniform(0.15, 0.4),
        secondarySpan: drawSpan(rng, seconds),
        region,
        recordist,
        rating,
        snrDb: rng.uniform(snrLo, snrHi),
        latitude: site.latitude,
        longitude: site.longitude,
        date: drawDate(rng),
        levelDb: rng.uniform(-30, -14),
        audioSeed: deriveSeed(seed, 'audio', species.code, index),
    };
}
/**
 * Render phrases of one species from `from` to `to` seconds: the first starts within half a second of
 * `from`, and starts are never more than `maxSpacing` seconds apart, so the species is present throughout.
 */
function sing(out, plan, species, variation, gain, span, gapRange, maxSpacing, rng) {
    let t = span[0] + rng.uniform(0, 0.5);
    while (t < span[1]) {
        const notes = plan.type === 'song' ? species.song(rng, variation) : species.call(rng, variation);
        const phraseEnd = Math.min(MAX_PHRASE_SECONDS, Math.max(...notes.map((n) => n.start + n.duration)));
        // Distance to the microphone varies from phrase to phrase.
        const amp = gain * species.level * rng.uniform(0.7, 1);
        for (const note of notes)
            renderNote(out, plan.sampleRate, { ...note, start: t + note.start, amp: note.amp * amp }, rng);
        const gap = rng.uniform(gapRange[0], gapRange[1]) * variation.tempo;
        t += Math.max(phraseEnd + 0.05, Math.min(maxSpacing, phraseEnd + gap));
    }
}
function background(length, plan, rng) {
    const weights = plan.region.background;
    const out = new Float32Array(length);
    const layer = new Float32Array(length);
    const layers = [
        [weights.wind, (buffer) => addWind(buffer, plan.sampleRate, rng, 1, rng.uniform(120, 350))],
        [weights.hiss, (buffer) => whiteNoise(buffer, rng)],
        [weights.insects, (buffer) => addInsects(buffer, plan.sampleRate, rng, 1)],
        [weights.frogs, (buffer) => addFrogs(buffer, plan.sampleRate, rng, 1)],
    ];
    for (const [weight, fill] of layers) {
        if (weight <= 0)
            continue;
        layer.fill(0);
        fill(layer);
        // Each layer at unit RMS times its weight, so the region's weights are the layers' relative levels.
        const e = energy(layer);
        if (e > 0)
            addScaled(out, layer, weight / Math.sqrt(e / length));
    }
    return out;
}
/** Short fades at both ends, so cut-off phrases and noise do not click. */
function fadeEdges(samples, sampleRate) {
    const n = Math.min(Math.round(0.01 * sampleRate), Math.floor(samples.length / 2));
    for (let i = 0; i < n; i++) {
        const g = i / n;
        samples[i] *= g;
        samples[samples.length - 1 - i] *= g;
    }
}
/** Make the samples of a planned recording. */
export function synthesizeRecording(plan) {
    const rng = createRng(plan.audioSeed);
    const length = Math.round(plan.seconds * plan.sampleRate);
    const primary = new Float32Array(length);
    const secondary = new Float32Array(length);
    sing(primary, plan, plan.species, plan.variation, 1, [0, plan.seconds], [0.4, 1.4], MAX_PRIMARY_SPACING_SECONDS, rng);
    if (plan.secondary) {
        sing(secondary, plan, plan.secondary, plan.secondaryVariation, plan.secondaryGain, plan.secondarySpan, [0.6, 2], 3, rng);
    }
    const noise = background(length, plan, rng);
    for (const part of [primary, secondary, noise])
        fadeEdges(part, plan.sampleRate);
    const targetNoiseEnergy = energy(primary) / 10 ** (plan.snrDb / 10);
    scale(noise, Math.sqrt(targetNoiseEnergy / energy(noise)));
    const mix = new Float32Array(length);
    let peak = 0;
    for (let i = 0; i < length; i++) {
        mix[i] = primary[i] + secondary[i] + noise[i];
        peak = Math.max(peak, Math.abs(mix[i]));
    }
    const rms = Math.sqrt(energy(mix) / length);
    const gain = Math.min(10 ** (plan.levelDb / 20) / rms, MAX_PEAK / peak);
    for (const part of [primary, secondary, noise, mix])
        scale(part, gain);
    return {
        plan,
        primary,
        secondary,
        background: noise,
        mix,
        snrDb: 10 * Math.log10(energy(primary) / energy(noise)),
    };
}
//# sourceMappingURL=recording.js.map