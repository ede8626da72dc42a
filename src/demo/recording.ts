import { createRng, deriveSeed, type DemoRng } from './prng.ts';
import { MAX_PHRASE_SECONDS, type Species, type Variation } from './species.ts';
import { addFrogs, addInsects, addScaled, addWind, energy, renderNote, scale, whiteNoise } from './synth.ts';
import {
  drawDate,
  drawRating,
  drawSite,
  REGIONS,
  RECORDISTS,
  SNR_DB_BY_RATING,
  type Recordist,
  type Region,
} from './metadata.ts';

/** Highest absolute sample value of a mix: no clipping when written as 16-bit PCM. */
export const MAX_PEAK = 0.95;

/** Longest time between the starts of two phrases of the primary species: every 3 s window holds one. */
export const MAX_PRIMARY_SPACING_SECONDS = 2.5;

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

function recordingId(speciesIndex: number, index: number): string {
  return `SYN${String(speciesIndex + 1).padStart(2, '0')}${String(index + 1).padStart(3, '0')}`;
}

/** A stretch of 40-75% of the recording (at least 3 s when the recording allows). */
function drawSpan(rng: DemoRng, seconds: number): [number, number] {
  const length = Math.min(seconds, Math.max(3, seconds * rng.uniform(0.4, 0.75)));
  const start = rng.uniform(0, seconds - length);
  return [start, start + length];
}

function drawVariation(rng: DemoRng): Variation {
  return { pitch: rng.uniform(0.9, 1.1), tempo: rng.uniform(0.85, 1.15) };
}

/**
 * Decide recording `index` of `species` (one of `pool`, the dataset's species). Draws from its own seeded
 * stream, so it does not depend on how many other recordings the dataset has.
 */
export function planRecording(
  seed: number,
  pool: readonly Species[],
  speciesIndex: number,
  index: number,
  opts: RecordingOptions,
): RecordingPlan {
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
function sing(
  out: Float32Array,
  plan: RecordingPlan,
  species: Species,
  variation: Variation,
  gain: number,
  span: readonly [number, number],
  gapRange: readonly [number, number],
  maxSpacing: number,
  rng: DemoRng,
): void {
  let t = span[0] + rng.uniform(0, 0.5);
  while (t < span[1]) {
    const notes = plan.type === 'song' ? species.song(rng, variation) : species.call(rng, variation);
    const phraseEnd = Math.min(MAX_PHRASE_SECONDS, Math.max(...notes.map((n) => n.start + n.duration)));
    // Distance to the microphone varies from phrase to phrase.
    const amp = gain * species.level * rng.uniform(0.7, 1);
    for (const note of notes) renderNote(out, plan.sampleRate, { ...note, start: t + note.start, amp: note.amp * amp }, rng);
    const gap = rng.uniform(gapRange[0], gapRange[1]) * variation.tempo;
    t += Math.max(phraseEnd + 0.05, Math.min(maxSpacing, phraseEnd + gap));
  }
}

function background(length: number, plan: RecordingPlan, rng: DemoRng): Float32Array {
  const weights = plan.region.background;
  const out = new Float32Array(length);
  const layer = new Float32Array(length);
  const layers: [number, (buffer: Float32Array) => void][] = [
    [weights.wind, (buffer) => addWind(buffer, plan.sampleRate, rng, 1, rng.uniform(120, 350))],
    [weights.hiss, (buffer) => whiteNoise(buffer, rng)],
    [weights.insects, (buffer) => addInsects(buffer, plan.sampleRate, rng, 1)],
    [weights.frogs, (buffer) => addFrogs(buffer, plan.sampleRate, rng, 1)],
  ];
  for (const [weight, fill] of layers) {
    if (weight <= 0) continue;
    layer.fill(0);
    fill(layer);
    // Each layer at unit RMS times its weight, so the region's weights are the layers' relative levels.
    const e = energy(layer);
    if (e > 0) addScaled(out, layer, weight / Math.sqrt(e / length));
  }
  return out;
}

/** Short fades at both ends, so cut-off phrases and noise do not click. */
function fadeEdges(samples: Float32Array, sampleRate: number): void {
  const n = Math.min(Math.round(0.01 * sampleRate), Math.floor(samples.length / 2));
  for (let i = 0; i < n; i++) {
    const g = i / n;
    samples[i] *= g;
    samples[samples.length - 1 - i] *= g;
  }
}

/** Make the samples of a planned recording. */
export function synthesizeRecording(plan: RecordingPlan): SynthesizedRecording {
  const rng = createRng(plan.audioSeed);
  const length = Math.round(plan.seconds * plan.sampleRate);
  const primary = new Float32Array(length);
  const secondary = new Float32Array(length);
  sing(primary, plan, plan.species, plan.variation, 1, [0, plan.seconds], [0.4, 1.4], MAX_PRIMARY_SPACING_SECONDS, rng);
  if (plan.secondary) {
    sing(secondary, plan, plan.secondary, plan.secondaryVariation, plan.secondaryGain, plan.secondarySpan, [0.6, 2], 3, rng);
  }
  const noise = background(length, plan, rng);
  for (const part of [primary, secondary, noise]) fadeEdges(part, plan.sampleRate);

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
  for (const part of [primary, secondary, noise, mix]) scale(part, gain);
  return {
    plan,
    primary,
    secondary,
    background: noise,
    mix,
    snrDb: 10 * Math.log10(energy(primary) / energy(noise)),
  };
}
