export const REGIONS = [
    { name: 'northern coast', latitude: 59.2, longitude: 5.6, spread: 0.8, background: { wind: 1, hiss: 0.35, insects: 0, frogs: 0 }, secondaryChance: 0.2 },
    { name: 'lowland wetland', latitude: 52.4, longitude: 5.1, spread: 0.5, background: { wind: 0.4, hiss: 0.3, insects: 0.1, frogs: 0.6 }, secondaryChance: 0.35 },
    { name: 'highland forest', latitude: 46.6, longitude: 8.9, spread: 0.6, background: { wind: 0.5, hiss: 0.5, insects: 0.15, frogs: 0 }, secondaryChance: 0.3 },
    { name: 'southern scrub', latitude: 37.6, longitude: -4.8, spread: 0.7, background: { wind: 0.3, hiss: 0.4, insects: 0.7, frogs: 0 }, secondaryChance: 0.25 },
];
export const RECORDISTS = [
    { name: 'Ada Fenwick', skill: 0.9 },
    { name: 'Bruno Okafor', skill: 0.5 },
    { name: 'Chiara Lindqvist', skill: 0.1 },
    { name: 'Dmitri Halvorsen', skill: -0.3 },
    { name: 'Elif Marchetti', skill: -0.7 },
    { name: 'Farid Oyelaran', skill: 0.2 },
];
/**
 * Broadband SNR range (dB, primary song energy over background energy) for each rating 1-5: a lower
 * rating is always noisier. Rating 1 is still usable: most background energy is wind below 1 kHz.
 */
export const SNR_DB_BY_RATING = {
    1: [-8, -2],
    2: [-2, 4],
    3: [4, 10],
    4: [10, 17],
    5: [17, 27],
};
/** The rating whose SNR range holds `snrDb` (the inverse of SNR_DB_BY_RATING). */
export function ratingForSnr(snrDb) {
    for (let rating = 5; rating >= 2; rating--)
        if (snrDb >= SNR_DB_BY_RATING[rating][0])
            return rating;
    return 1;
}
/** A rating drawn around the recordist's skill, 1-5 as on xeno-canto. */
export function drawRating(rng, recordist) {
    const quality = 3.4 + recordist.skill + 1.0 * rng.normal();
    return Math.min(5, Math.max(1, Math.round(quality)));
}
export function drawSite(rng, region) {
    return {
        latitude: round(region.latitude + region.spread * rng.uniform(-1, 1), 4),
        longitude: round(region.longitude + region.spread * rng.uniform(-1, 1), 4),
    };
}
/** A date in 2015-2024, mostly in the breeding season (April to July) as real collections are. */
export function drawDate(rng) {
    const year = rng.int(2015, 2024);
    const month = rng.chance(0.75) ? rng.int(4, 7) : rng.int(1, 12);
    const day = rng.int(1, 28);
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
/** Python-list string as in BirdCLEF's train_metadata.csv: "['a', 'b']", "[]" when empty. */
export function pythonList(items) {
    return `[${items.map((item) => `'${item}'`).join(', ')}]`;
}
function round(value, digits) {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}
//# sourceMappingURL=metadata.js.map