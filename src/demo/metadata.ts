import type { DemoRng } from './prng.ts';

/**
 * Who recorded what, where and how well. The metadata carries a real difficulty gradient: a recordist's
 * skill shifts the ratings they get, a rating fixes the range of the signal-to-noise ratio, and each region
 * has its own background (wind on the coast, frogs in the wetland, insects in the scrub). What makes a region
 * hard is its chorus of distant, unlabelled birds: it sits in the call band, where wind, frogs and insects
 * do not, so at the same SNR the forest (all chorus) is much harder than the coast (no chorus).
 */

export interface Region {
  name: string;
  /** Centre and spread (degrees) of recording sites. */
  latitude: number;
  longitude: number;
  spread: number;
  /** Relative weights of the background layers (each layer is normalised to unit RMS before weighting). */
  background: { wind: number; hiss: number; insects: number; frogs: number; chorus: number };
  /** Chance that a second species is singing in the background (throughout the recording, audibly). */
  secondaryChance: number;
}

export const REGIONS: readonly Region[] = [
  { name: 'northern coast', latitude: 59.2, longitude: 5.6, spread: 0.8, background: { wind: 1, hiss: 0.35, insects: 0, frogs: 0, chorus: 0 }, secondaryChance: 0.35 },
  { name: 'lowland wetland', latitude: 52.4, longitude: 5.1, spread: 0.5, background: { wind: 0.4, hiss: 0.3, insects: 0.1, frogs: 0.6, chorus: 0.35 }, secondaryChance: 0.5 },
  { name: 'highland forest', latitude: 46.6, longitude: 8.9, spread: 0.6, background: { wind: 0.3, hiss: 0.3, insects: 0.1, frogs: 0, chorus: 1 }, secondaryChance: 0.45 },
  { name: 'southern scrub', latitude: 37.6, longitude: -4.8, spread: 0.7, background: { wind: 0.3, hiss: 0.4, insects: 0.7, frogs: 0, chorus: 0.5 }, secondaryChance: 0.4 },
];

/**
 * Regions of the shifted test set only (soundscapes): never in a training or held-out set, each with a
 * dense chorus and broadband hiss (a different microphone), as a competition's test sites are new sites.
 */
export const SHIFTED_REGIONS: readonly Region[] = [
  { name: 'river delta', latitude: 45.2, longitude: 29.4, spread: 0.4, background: { wind: 0.3, hiss: 0.8, insects: 0.3, frogs: 0.5, chorus: 1.2 }, secondaryChance: 1 },
  { name: 'montane steppe', latitude: 42.6, longitude: 75.2, spread: 0.5, background: { wind: 0.8, hiss: 0.8, insects: 0.4, frogs: 0, chorus: 1 }, secondaryChance: 1 },
];

export interface Recordist {
  name: string;
  /** Added to the mean rating of their recordings (better equipment and fieldcraft). */
  skill: number;
}

export const RECORDISTS: readonly Recordist[] = [
  { name: 'Ada Fenwick', skill: 0.9 },
  { name: 'Bruno Okafor', skill: 0.5 },
  { name: 'Chiara Lindqvist', skill: 0.1 },
  { name: 'Dmitri Halvorsen', skill: -0.3 },
  { name: 'Elif Marchetti', skill: -0.7 },
  { name: 'Farid Oyelaran', skill: 0.2 },
];

/** Recordists of the shifted test set only: autonomous recorders, no fieldcraft (low ratings). */
export const SHIFTED_RECORDISTS: readonly Recordist[] = [
  { name: 'Recorder unit 7', skill: -1.2 },
  { name: 'Recorder unit 12', skill: -1.6 },
];

/**
 * Broadband SNR range (dB, primary song energy over background energy) for each rating 1-5: a lower
 * rating is always noisier. How hard a rating is depends on the region: wind sits below the call band, a chorus in it.
 */
export const SNR_DB_BY_RATING: Readonly<Record<number, readonly [number, number]>> = {
  1: [-18, -12],
  2: [-12, -7],
  3: [-7, -2],
  4: [-2, 4],
  5: [4, 12],
};

/** The rating whose SNR range holds `snrDb` (the inverse of SNR_DB_BY_RATING). */
export function ratingForSnr(snrDb: number): number {
  for (let rating = 5; rating >= 2; rating--) if (snrDb >= SNR_DB_BY_RATING[rating][0]) return rating;
  return 1;
}

/** A rating drawn around the recordist's skill, 1-5 as on xeno-canto. */
export function drawRating(rng: DemoRng, recordist: Recordist): number {
  const quality = 3.4 + recordist.skill + 1.0 * rng.normal();
  return Math.min(5, Math.max(1, Math.round(quality)));
}

export function drawSite(rng: DemoRng, region: Region): { latitude: number; longitude: number } {
  return {
    latitude: round(region.latitude + region.spread * rng.uniform(-1, 1), 4),
    longitude: round(region.longitude + region.spread * rng.uniform(-1, 1), 4),
  };
}

/** A date in 2015-2024, mostly in the breeding season (April to July) as real collections are. */
export function drawDate(rng: DemoRng): string {
  const year = rng.int(2015, 2024);
  const month = rng.chance(0.75) ? rng.int(4, 7) : rng.int(1, 12);
  const day = rng.int(1, 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Python-list string as in BirdCLEF's train_metadata.csv: "['a', 'b']", "[]" when empty. */
export function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
