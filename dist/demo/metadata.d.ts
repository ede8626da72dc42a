import type { DemoRng } from './prng.ts';
/**
 * Who recorded what, where and how well. The metadata carries a real difficulty gradient: a recordist's
 * skill shifts the ratings they get, a rating fixes the range of the signal-to-noise ratio, and each region
 * has its own background (wind on the coast, frogs in the wetland, insects in the scrub).
 */
export interface Region {
    name: string;
    /** Centre and spread (degrees) of recording sites. */
    latitude: number;
    longitude: number;
    spread: number;
    /** Relative weights of the background layers (each layer is normalised to unit RMS before weighting). */
    background: {
        wind: number;
        hiss: number;
        insects: number;
        frogs: number;
    };
    /** Chance that a second species is singing in the background. */
    secondaryChance: number;
}
export declare const REGIONS: readonly Region[];
export interface Recordist {
    name: string;
    /** Added to the mean rating of their recordings (better equipment and fieldcraft). */
    skill: number;
}
export declare const RECORDISTS: readonly Recordist[];
/**
 * Broadband SNR range (dB, primary song energy over background energy) for each rating 1-5: a lower
 * rating is always noisier. Rating 1 is still usable: most background energy is wind below 1 kHz.
 */
export declare const SNR_DB_BY_RATING: Readonly<Record<number, readonly [number, number]>>;
/** The rating whose SNR range holds `snrDb` (the inverse of SNR_DB_BY_RATING). */
export declare function ratingForSnr(snrDb: number): number;
/** A rating drawn around the recordist's skill, 1-5 as on xeno-canto. */
export declare function drawRating(rng: DemoRng, recordist: Recordist): number;
export declare function drawSite(rng: DemoRng, region: Region): {
    latitude: number;
    longitude: number;
};
/** A date in 2015-2024, mostly in the breeding season (April to July) as real collections are. */
export declare function drawDate(rng: DemoRng): string;
/** Python-list string as in BirdCLEF's train_metadata.csv: "['a', 'b']", "[]" when empty. */
export declare function pythonList(items: readonly string[]): string;
