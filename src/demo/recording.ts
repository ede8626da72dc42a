import { createRng, deriveSeed, type DemoRng } from './prng.ts';
import { MAX_PHRASE_SECONDS, type Species, type Variation } from './species.ts';
import { addChorus, addFrogs, addInsects, addScaled, addWind, energy, renderNote, scale, whiteNoise } from './synth.ts';
import {
  drawDate,
  drawRating,
  drawSite,
  REGIONS,
  RECORDISTS,
  SHIFTED_RECORDISTS,
  SHIFTED_REGIONS,
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

/** A background species: sings from `span[0]` to `span[1]` seconds at `gain` times the primary's amplitude. */
export interface Voice {
  species: Species;
  variation: Variation;
  gain: number;
  span: readonly [number, number];
}

/** Everything decided about one recording before any sample is made; the metadata row comes from it. */
export interface RecordingPlan {
  /** File stem, unique in the dataset, e.g. SYN01007 (species 1, recording 7). */
  id: string;
  species: Species;
  /**
   * Species singing besides the primary one (the secondary labels, in order). In a focal recording at most
   * one, always quieter than the primary (gain 0.35-0.7) but audible throughout, so that every chunk of the
   * recording really holds it and a model can learn it; in a soundscape one or two, about as loud.
   */
  voices: Voice[];
  /** 'focal': one target bird (train_audio); 'soundscape': several overlapping (the shifted test set). */
  kind: 'focal' | 'soundscape';
  type: 'song' | 'call';
  seconds: number;
  sampleRate: number;
  variation: Variation;
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

function drawVariation(rng: DemoRng): Variation {
  return { pitch: rng.uniform(0.88, 1.12), tempo: rng.uniform(0.85, 1.15) };
}

/** The conditions a plan draws last, in this order (the order is part of what a seed produces). */
function drawConditions(rng: DemoRng, rating: number, site: { latitude: number; longitude: number }): Pick<RecordingPlan, 'snrDb' | 'latitude' | 'longitude' | 'date' | 'levelDb'> {
  const [snrLo, snrHi] = SNR_DB_BY_RATING[rating];
  return { snrDb: rng.uniform(snrLo, snrHi), latitude: site.latitude, longitude: site.longitude, date: drawDate(rng), levelDb: rng.uniform(-30, -14) };
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
  const others = pool.filter((s) => s.code !== species.code);
  const hasSecondary = others.length > 0 && rng.chance(region.secondaryChance * opts.secondaryRate);
  // Draw the secondary unconditionally so that switching it off leaves every later draw unchanged.
  const secondaryPick = others.length > 0 ? rng.pick(others) : undefined;
  const site = drawSite(rng, region);
  const seconds = Math.round(rng.uniform(opts.minSeconds, opts.maxSeconds) * 100) / 100;
  const type = rng.chance(0.65) ? 'song' : 'call';
  const variation = drawVariation(rng);
  // Drawn whether or not it sings, as above.
  const voiceVariation = drawVariation(rng);
  const voiceGain = rng.uniform(0.35, 0.7);
  const voice: Voice | undefined =
    hasSecondary && secondaryPick ? { species: secondaryPick, variation: voiceVariation, gain: voiceGain, span: [0, seconds] } : undefined;
  return {
    id: recordingId(speciesIndex, index),
    species,
    voices: voice ? [voice] : [],
    kind: 'focal',
    type,
    seconds,
    sampleRate: opts.sampleRate,
    variation,
    region,
    recordist,
    rating,
    ...drawConditions(rng, rating, site),
    audioSeed: deriveSeed(seed, 'audio', species.code, index),
  };
}

/**
 * A soundscape of the shifted test set, in the spirit of BirdCLEF's test soundscapes: the listed species
 * and one or two others (`pool`) all singing throughout at similar levels, at a site (region) and by a
 * recorder (recordist) never seen in training, with the low ratings of unattended recorders. The first
 * species is the primary label only because the metadata layout needs one; every species is in the truth.
 */
export function planSoundscape(
  seed: number,
  pool: readonly Species[],
  speciesIndex: number,
  index: number,
  opts: RecordingOptions,
): RecordingPlan {
  const species = pool[speciesIndex];
  const rng = createRng(deriveSeed(seed, 'soundscape', species.code, index));
  const region = rng.pick(SHIFTED_REGIONS);
  const recordist = rng.pick(SHIFTED_RECORDISTS);
  const rating = drawRating(rng, recordist);
  const others = pool.filter((s) => s.code !== species.code);
  const count = Math.min(others.length, rng.chance(0.5) ? 1 : 2);
  const picked: Species[] = [];
  while (picked.length < count) {
    const s = rng.pick(others);
    if (!picked.includes(s)) picked.push(s);
  }
  const site = drawSite(rng, region);
  const seconds = Math.round(rng.uniform(opts.minSeconds, opts.maxSeconds) * 100) / 100;
  return {
    id: `SSC${String(speciesIndex + 1).padStart(2, '0')}${String(index + 1).padStart(3, '0')}`,
    species,
    voices: picked.map((s) => ({ species: s, variation: drawVariation(rng), gain: rng.uniform(0.6, 1), span: [0, seconds] as const })),
    kind: 'soundscape',
    type: rng.chance(0.5) ? 'song' : 'call',
    seconds,
    sampleRate: opts.sampleRate,
    variation: drawVariation(rng),
    region,
    recordist,
    rating,
    ...drawConditions(rng, rating, site),
    audioSeed: deriveSeed(seed, 'soundscape-audio', species.code, index),
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
    [weights.chorus, (buffer) => addChorus(buffer, plan.sampleRate, rng, 1)],
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
  for (const voice of plan.voices) {
    sing(secondary, plan, voice.species, voice.variation, voice.gain, voice.span, [0.4, 1.4], MAX_PRIMARY_SPACING_SECONDS, rng);
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
