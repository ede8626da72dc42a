export const MAX_PHRASE_SECONDS = 2;
/** A value jittered by up to +-`fraction` (note-to-note variation within a recording). */
function jitter(rng, value, fraction = 0.02) {
    return value * rng.uniform(1 - fraction, 1 + fraction);
}
/** Lay out notes one after the other with the given gaps; returns the notes with absolute start times. */
function sequence(notes, gaps) {
    let t = 0;
    return notes.map((note, i) => {
        const placed = { ...note, start: t };
        t += note.duration + (gaps[i] ?? 0);
        return placed;
    });
}
function whistle(rng, v, duration, from, to) {
    return { duration: duration * v.tempo, f0: jitter(rng, from * v.pitch), f1: jitter(rng, to * v.pitch), amp: 1, harmonics: [1, 0.12] };
}
export const SPECIES = [
    {
        code: 'silwhi',
        commonName: 'Silver Whistler',
        scientificName: 'Sibilornis argentea',
        homeRegions: [0, 2],
        level: 1,
        // Two to four long down-slurred whistles, each a little lower than the last.
        song(rng, v) {
            const count = rng.int(2, 3);
            const notes = Array.from({ length: count }, (_, i) => whistle(rng, v, rng.uniform(0.32, 0.42), 3300 * 0.96 ** i, 2100 * 0.96 ** i));
            return sequence(notes, notes.map(() => rng.uniform(0.1, 0.18) * v.tempo));
        },
        call: (rng, v) => sequence([whistle(rng, v, 0.28, 3000, 2200)], []),
    },
    {
        code: 'embtri',
        commonName: 'Ember Trillbill',
        scientificName: 'Trillops ignicolor',
        homeRegions: [1, 3],
        level: 1.8,
        // A fast trill of short up-sweeps that swells in loudness.
        song(rng, v) {
            const count = rng.int(12, 22);
            const period = v.tempo / rng.uniform(17, 21);
            return Array.from({ length: count }, (_, i) => ({
                start: i * period,
                duration: 0.028 * v.tempo,
                f0: jitter(rng, 4200 * v.pitch),
                f1: jitter(rng, 5300 * v.pitch),
                amp: 0.6 + (0.4 * i) / (count - 1),
                attack: 0.004,
                release: 0.008,
            }));
        },
        call(rng, v) {
            const count = rng.int(3, 5);
            return Array.from({ length: count }, (_, i) => ({
                start: (i * v.tempo) / 19,
                duration: 0.028 * v.tempo,
                f0: jitter(rng, 4200 * v.pitch),
                f1: jitter(rng, 5300 * v.pitch),
                amp: 1,
                attack: 0.004,
                release: 0.008,
            }));
        },
    },
    {
        code: 'duskho',
        commonName: 'Dusky Hornbird',
        scientificName: 'Cornicina fusca',
        homeRegions: [1],
        level: 1,
        // Nasal honks: a low fundamental under a rich stack of harmonics.
        song(rng, v) {
            const count = rng.int(2, 3);
            const notes = Array.from({ length: count }, () => ({
                duration: rng.uniform(0.22, 0.3) * v.tempo,
                f0: jitter(rng, 1250 * v.pitch),
                f1: jitter(rng, 1150 * v.pitch),
                amp: 1,
                harmonics: [1, 0.8, 0.65, 0.45, 0.3, 0.2],
            }));
            return sequence(notes, notes.map(() => rng.uniform(0.15, 0.25) * v.tempo));
        },
        call: (rng, v) => sequence([{ duration: 0.18 * v.tempo, f0: jitter(rng, 1250 * v.pitch), f1: jitter(rng, 1180 * v.pitch), amp: 1, harmonics: [1, 0.8, 0.65, 0.45, 0.3, 0.2] }], []),
    },
    {
        code: 'buzwar',
        commonName: 'Buzzing Warbler',
        scientificName: 'Susurrella vibrans',
        homeRegions: [2, 3],
        level: 1.7,
        // A long buzz, then a shorter higher one: a high tone chopped ~100 times a second.
        song(rng, v) {
            const amHz = rng.uniform(80, 110);
            return sequence([
                { duration: rng.uniform(0.6, 0.8) * v.tempo, f0: jitter(rng, 6200 * v.pitch), f1: jitter(rng, 6600 * v.pitch), amp: 1, amHz, amDepth: 0.9 },
                { duration: rng.uniform(0.3, 0.4) * v.tempo, f0: jitter(rng, 7000 * v.pitch), f1: jitter(rng, 7400 * v.pitch), amp: 1, amHz, amDepth: 0.9 },
            ], [rng.uniform(0.08, 0.15) * v.tempo]);
        },
        call: (rng, v) => sequence([{ duration: 0.25 * v.tempo, f0: jitter(rng, 6400 * v.pitch), f1: jitter(rng, 6600 * v.pitch), amp: 1, amHz: rng.uniform(80, 110), amDepth: 0.9 }], []),
    },
    {
        code: 'pipchi',
        commonName: 'Pippin Chipper',
        scientificName: 'Crepitulus minor',
        homeRegions: [0, 1],
        level: 3.2,
        // Irregular series of very short, steep, high chips.
        song(rng, v) {
            const count = rng.int(5, 8);
            const notes = Array.from({ length: count }, () => chip(rng, v));
            return sequence(notes, notes.map(() => rng.uniform(0.1, 0.18) * v.tempo));
        },
        call(rng, v) {
            const notes = Array.from({ length: rng.int(2, 3) }, () => chip(rng, v));
            return sequence(notes, notes.map(() => rng.uniform(0.08, 0.12) * v.tempo));
        },
    },
    {
        code: 'risfin',
        commonName: 'Rising Finchlet',
        scientificName: 'Ascendris rubella',
        homeRegions: [0, 3],
        level: 1.1,
        // Up-slurred whistles that get shorter and closer together.
        song(rng, v) {
            const count = rng.int(3, 5);
            const notes = Array.from({ length: count }, (_, i) => whistle(rng, v, 0.25 * 0.9 ** i, 2400, 4600));
            return sequence(notes, notes.map((_, i) => 0.16 * 0.8 ** i * v.tempo));
        },
        call: (rng, v) => sequence([whistle(rng, v, 0.16, 2500, 4300)], []),
    },
    {
        code: 'vibwre',
        commonName: 'Vibrato Wren',
        scientificName: 'Tremulina silvestris',
        homeRegions: [2],
        level: 1.1,
        // One long warble: a slowly falling tone with fast, deep vibrato.
        song(rng, v) {
            return sequence([{
                    duration: rng.uniform(0.9, 1.4) * v.tempo,
                    f0: jitter(rng, 3700 * v.pitch),
                    f1: jitter(rng, 3300 * v.pitch),
                    amp: 1,
                    harmonics: [1, 0.2],
                    vibratoHz: rng.uniform(11, 14) / v.tempo,
                    vibratoDepth: 500 * v.pitch,
                }], []);
        },
        call: (rng, v) => sequence([{ duration: 0.35 * v.tempo, f0: jitter(rng, 3600 * v.pitch), f1: jitter(rng, 3400 * v.pitch), amp: 1, harmonics: [1, 0.2], vibratoHz: 12 / v.tempo, vibratoDepth: 500 * v.pitch }], []),
    },
    {
        code: 'sibtit',
        commonName: 'Sibilant Tit',
        scientificName: 'Tenuivox alticola',
        homeRegions: [2, 0],
        level: 1,
        // Thin, high, almost steady "seee" notes.
        song(rng, v) {
            const count = rng.int(2, 3);
            const notes = Array.from({ length: count }, () => seee(rng, v, rng.uniform(0.3, 0.42)));
            return sequence(notes, notes.map(() => rng.uniform(0.15, 0.22) * v.tempo));
        },
        call: (rng, v) => sequence([seee(rng, v, 0.3)], []),
    },
    {
        code: 'twodov',
        commonName: 'Two-note Dove',
        scientificName: 'Diphonia columbina',
        homeRegions: [3],
        level: 1,
        // "Hoo-hooo": a low note and a longer lower one, soft harmonics.
        song(rng, v) {
            const pairs = rng.int(1, 2);
            const notes = [];
            const gaps = [];
            for (let p = 0; p < pairs; p++) {
                notes.push({ duration: 0.25 * v.tempo, f0: jitter(rng, 1550 * v.pitch), f1: jitter(rng, 1500 * v.pitch), amp: 1, harmonics: [1, 0.3, 0.1] });
                notes.push({ duration: 0.38 * v.tempo, f0: jitter(rng, 1250 * v.pitch), f1: jitter(rng, 1160 * v.pitch), amp: 1, harmonics: [1, 0.3, 0.1] });
                gaps.push(0.08 * v.tempo, 0.22 * v.tempo);
            }
            return sequence(notes, gaps);
        },
        call: (rng, v) => sequence([{ duration: 0.3 * v.tempo, f0: jitter(rng, 1450 * v.pitch), f1: jitter(rng, 1250 * v.pitch), amp: 1, harmonics: [1, 0.3, 0.1] }], []),
    },
    {
        code: 'ratjay',
        commonName: 'Rattle Jay',
        scientificName: 'Crotalopica strepens',
        homeRegions: [1, 2],
        level: 1.8,
        // A dry rattle: bursts of band-limited noise about 25 times a second.
        song: (rng, v) => rattle(rng, v, rng.uniform(0.6, 1.0)),
        call: (rng, v) => rattle(rng, v, 0.3),
    },
];
function chip(rng, v) {
    return { duration: 0.02, f0: jitter(rng, 9000 * v.pitch), f1: jitter(rng, 5200 * v.pitch), amp: 1, attack: 0.002, release: 0.006 };
}
function seee(rng, v, duration) {
    return {
        duration: duration * v.tempo,
        f0: jitter(rng, 9800 * v.pitch),
        f1: jitter(rng, 9400 * v.pitch),
        amp: 1,
        vibratoHz: 30,
        vibratoDepth: 60,
    };
}
function rattle(rng, v, seconds) {
    const period = v.tempo / rng.uniform(22, 28);
    const count = Math.max(2, Math.round((seconds * v.tempo) / period));
    const centre = 3000 * v.pitch;
    return Array.from({ length: count }, (_, i) => ({
        start: i * period,
        duration: 0.018,
        f0: jitter(rng, centre),
        f1: jitter(rng, centre),
        amp: 1,
        noiseBandwidth: 1400,
        attack: 0.002,
        release: 0.008,
    }));
}
/** Look a species up by code. */
export function speciesByCode(code) {
    return SPECIES.find((s) => s.code === code);
}
//# sourceMappingURL=species.js.map