import { describe, it, expect } from 'vitest';
import {
  createRng,
  MAX_PEAK,
  MAX_PHRASE_SECONDS,
  MAX_PRIMARY_SPACING_SECONDS,
  metadataRow,
  planDemoDataset,
  pythonList,
  ratingForSnr,
  planSoundscape,
  RECORDISTS,
  REGIONS,
  SHIFTED_RECORDISTS,
  SHIFTED_REGIONS,
  SNR_DB_BY_RATING,
  SPECIES,
  synthesizeRecording,
  type SynthesizedRecording,
} from '../../src/demo/index.ts';
import { noteMaxHz, noteMinHz } from '../../src/demo/synth.ts';
import { averagePowerSpectrum, bandFraction, logBandProfile } from './spectral.ts';

const SAMPLE_RATE = 32000;

function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / Math.max(1, to - from));
}

function correlation(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, v) => a + v, 0) / xs.length;
  const my = ys.reduce((a, v) => a + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

// 8 species x 5 short recordings, synthesised once and shared by the checks below (about a second).
const recordings: SynthesizedRecording[] = planDemoDataset({ perSpecies: 5, minSeconds: 5, maxSeconds: 7, seed: 11 }).map(synthesizeRecording);

describe('demo recording plans (metadata)', () => {
  const plans = planDemoDataset();

  it('has the configured shape by default: 8 species x 12 recordings of 5-15 s, unique ids', () => {
    expect(plans).toHaveLength(96);
    expect(new Set(plans.map((p) => p.id)).size).toBe(96);
    for (const species of SPECIES.slice(0, 8)) expect(plans.filter((p) => p.species === species)).toHaveLength(12);
    for (const plan of plans) {
      expect(plan.seconds).toBeGreaterThanOrEqual(5);
      expect(plan.seconds).toBeLessThanOrEqual(15);
      expect(plan.sampleRate).toBe(SAMPLE_RATE);
    }
  });

  it('uses six-letter codes and distinct names for every species', () => {
    for (const s of SPECIES) expect(s.code).toMatch(/^[a-z]{6}$/);
    expect(new Set(SPECIES.map((s) => s.code)).size).toBe(SPECIES.length);
    expect(new Set(SPECIES.map((s) => s.commonName)).size).toBe(SPECIES.length);
    expect(SPECIES.length).toBeGreaterThanOrEqual(8);
  });

  it('gives a known share of recordings (35-50% by region) one background species, never the primary one', () => {
    const many = planDemoDataset({ perSpecies: 100, species: 10 });
    const withSecondary = many.filter((p) => p.voices.length > 0);
    const expected = many.reduce((sum, p) => sum + p.region.secondaryChance, 0) / many.length;
    expect(expected).toBeGreaterThan(0.38);
    expect(expected).toBeLessThan(0.48);
    expect(Math.abs(withSecondary.length / many.length - expected)).toBeLessThan(0.04);
    for (const plan of many) expect(plan.voices.length).toBeLessThanOrEqual(1);
    for (const plan of withSecondary) expect(plan.voices[0].species.code).not.toBe(plan.species.code);
    expect(planDemoDataset({ secondaryRate: 0 }).every((p) => p.voices.length === 0)).toBe(true);
  });

  it('makes regions differ in difficulty: in-band chorus from none on the coast to the most in the forest', () => {
    const chorus = Object.fromEntries(REGIONS.map((r) => [r.name, r.background.chorus]));
    expect(chorus['northern coast']).toBe(0);
    expect(Math.max(...Object.values(chorus))).toBe(chorus['highland forest']);
  });

  it('ties ratings to recordists: better recordists get better ratings on average', () => {
    const many = planDemoDataset({ perSpecies: 100, species: 10 });
    const meanRating = (name: string) => {
      const ratings = many.filter((p) => p.recordist.name === name).map((p) => p.rating);
      return ratings.reduce((a, v) => a + v, 0) / ratings.length;
    };
    const bySkill = [...RECORDISTS].sort((a, b) => a.skill - b.skill);
    expect(meanRating(bySkill.at(-1)!.name) - meanRating(bySkill[0].name)).toBeGreaterThan(1);
    for (let rating = 1; rating <= 5; rating++) expect(many.some((p) => p.rating === rating)).toBe(true);
  });
});

describe('shifted test set (soundscapes)', () => {
  const focal = planDemoDataset({ perSpecies: 30 });
  const shifted = planDemoDataset({ perSpecies: 30, shifted: true, seed: 3 });

  it('overlaps 2-3 species, every one singing throughout at a level near the listed one', () => {
    for (const p of shifted) {
      expect(p.kind).toBe('soundscape');
      expect(p.voices.length).toBeGreaterThanOrEqual(1);
      expect(p.voices.length).toBeLessThanOrEqual(2);
      const codes = [p.species.code, ...p.voices.map((v) => v.species.code)];
      expect(new Set(codes).size).toBe(codes.length);
      for (const v of p.voices) {
        expect(v.span).toEqual([0, p.seconds]);
        expect(v.gain).toBeGreaterThanOrEqual(0.6);
      }
    }
    expect(shifted.some((p) => p.voices.length === 2)).toBe(true);
  });

  it('comes from regions and recorders never in the training data, with lower ratings', () => {
    const seenRegions = new Set(focal.map((p) => p.region.name));
    const seenRecordists = new Set(focal.map((p) => p.recordist.name));
    for (const p of shifted) {
      expect(SHIFTED_REGIONS).toContain(p.region);
      expect(seenRegions.has(p.region.name)).toBe(false);
      expect(SHIFTED_RECORDISTS).toContain(p.recordist);
      expect(seenRecordists.has(p.recordist.name)).toBe(false);
    }
    const mean = (ps: typeof focal) => ps.reduce((s, p) => s + p.rating, 0) / ps.length;
    expect(mean(shifted)).toBeLessThan(mean(focal) - 1);
    expect(planSoundscape(3, SPECIES.slice(0, 8), 0, 0, { sampleRate: SAMPLE_RATE, minSeconds: 5, maxSeconds: 15, secondaryRate: 1 })).toEqual(shifted[0]);
  });

  it('writes every singing species into the metadata: primary_label and secondary_labels', () => {
    const row = metadataRow(shifted[0]);
    expect(row.primary_label).toBe(shifted[0].species.code);
    expect(row.secondary_labels).toBe(pythonList(shifted[0].voices.map((v) => v.species.code)));
    expect(String(row.filename)).toMatch(/^[a-z]{6}\/SSC\d{5}\.wav$/);
  });
});

describe('synthesised demo recordings', () => {
  it('mixes primary, secondary and background exactly into the audio that is written', () => {
    for (const r of recordings) {
      let worst = 0;
      for (let i = 0; i < r.mix.length; i++) worst = Math.max(worst, Math.abs(r.mix[i] - (r.primary[i] + r.secondary[i] + r.background[i])));
      expect(worst).toBeLessThan(1e-6);
      let peak = 0;
      for (const v of r.mix) peak = Math.max(peak, Math.abs(v));
      expect(peak).toBeLessThanOrEqual(MAX_PEAK + 1e-6);
      // at the planned level unless that would have clipped
      const levelDb = 20 * Math.log10(rms(r.mix));
      if (peak < MAX_PEAK - 1e-4) expect(levelDb).toBeCloseTo(r.plan.levelDb, 2);
      else expect(levelDb).toBeLessThan(r.plan.levelDb);
    }
  });

  it('has an SNR, measured on its own parts, inside the range of its rating; rating and SNR correlate', () => {
    for (const r of recordings) {
      expect(r.snrDb).toBeCloseTo(r.plan.snrDb, 3);
      expect(ratingForSnr(r.snrDb)).toBe(r.plan.rating);
      const [lo, hi] = SNR_DB_BY_RATING[r.plan.rating];
      expect(r.snrDb).toBeGreaterThanOrEqual(lo);
      expect(r.snrDb).toBeLessThan(hi);
    }
    expect(correlation(recordings.map((r) => r.plan.rating), recordings.map((r) => r.snrDb))).toBeGreaterThan(0.8);
  });

  it('keeps the primary species present in every 3 s window of the recording', () => {
    const window = 3 * SAMPLE_RATE;
    for (const r of recordings) {
      const overall = rms(r.primary);
      for (let start = 0; start + window <= r.primary.length; start += SAMPLE_RATE / 2) {
        expect(rms(r.primary, start, start + window), `${r.plan.id} at ${start / SAMPLE_RATE} s`).toBeGreaterThan(overall * 0.1);
      }
    }
  });

  it('has the background species sing audibly in every 3 s window, more softly than the primary', () => {
    const withSecondary = recordings.filter((r) => r.plan.voices.length > 0);
    expect(withSecondary.length).toBeGreaterThan(8);
    const window = 3 * SAMPLE_RATE;
    for (const r of withSecondary) {
      expect(r.plan.voices[0].span).toEqual([0, r.plan.seconds]);
      expect(r.plan.voices[0].gain).toBeGreaterThanOrEqual(0.35);
      expect(r.plan.voices[0].gain).toBeLessThan(0.7);
      // an audible level in every chunk a 3 s pipeline can cut (what makes the label learnable)
      for (let start = 0; start + window <= r.secondary.length; start += SAMPLE_RATE / 2) {
        expect(rms(r.secondary, start, start + window), `${r.plan.id} at ${start / SAMPLE_RATE} s`).toBeGreaterThan(rms(r.primary) * 0.1);
      }
      expect(rms(r.secondary)).toBeLessThan(rms(r.primary));
    }
    for (const r of recordings.filter((x) => x.plan.voices.length === 0)) expect(rms(r.secondary)).toBe(0);
  });

  it('keeps every call between 1 and 12 kHz, and every phrase shorter than the spacing allows', () => {
    const rng = createRng(5);
    let lowest = Infinity;
    let highest = 0;
    let longest = 0;
    for (const species of SPECIES) {
      for (let i = 0; i < 100; i++) {
        const variation = { pitch: i % 2 ? 0.9 : 1.1, tempo: i % 3 ? 0.85 : 1.15 };
        const notes = (i % 4 ? species.song : species.call)(rng, variation);
        lowest = Math.min(lowest, ...notes.map(noteMinHz));
        highest = Math.max(highest, ...notes.map(noteMaxHz));
        longest = Math.max(longest, ...notes.map((n) => n.start + n.duration));
      }
    }
    expect(lowest).toBeGreaterThanOrEqual(1000);
    expect(highest).toBeLessThanOrEqual(12000);
    expect(longest).toBeLessThanOrEqual(MAX_PHRASE_SECONDS);
    expect(MAX_PHRASE_SECONDS).toBeLessThan(MAX_PRIMARY_SPACING_SECONDS);
    // and in the rendered audio: almost no primary energy outside the call band
    for (const r of recordings) expect(bandFraction(averagePowerSpectrum(r.primary), SAMPLE_RATE, 900, 12500)).toBeGreaterThan(0.98);
  });

  it('puts the background noise mostly outside the call band in the windy region (wind is low-frequency)', () => {
    const coastal = recordings.filter((r) => r.plan.region.name === 'northern coast');
    expect(coastal.length).toBeGreaterThan(0);
    for (const r of coastal) expect(bandFraction(averagePowerSpectrum(r.background), SAMPLE_RATE, 0, 1000)).toBeGreaterThan(0.5);
  });

  it('makes species distinguishable by spectrum: nearest-centroid on band profiles mostly right on the song, well above chance on the noisy mix', () => {
    const accuracy = (part: (r: SynthesizedRecording) => Float32Array): number => {
      const profiles = recordings.map((r) => ({ code: r.plan.species.code, profile: logBandProfile(averagePowerSpectrum(part(r)), SAMPLE_RATE) }));
      const codes = [...new Set(profiles.map((p) => p.code))];
      let correct = 0;
      profiles.forEach((x, i) => {
        // leave-one-out: the recording is not part of its own species' centroid
        const distance = (code: string) => {
          const others = profiles.filter((p, j) => p.code === code && j !== i);
          return x.profile.reduce((sum, v, b) => sum + (v - others.reduce((a, o) => a + o.profile[b], 0) / others.length) ** 2, 0);
        };
        const nearest = codes.reduce((best, code) => (distance(code) < distance(best) ? code : best));
        if (nearest === x.code) correct++;
      });
      return correct / profiles.length;
    };
    // chance is 1/8; the mix is hard on purpose (low SNRs, an in-band chorus), which a spectrum average cannot see through
    expect(accuracy((r) => r.primary)).toBeGreaterThanOrEqual(0.75);
    expect(accuracy((r) => r.mix)).toBeGreaterThanOrEqual(0.4);
  });

  it('does not let loudness identify the species: a nearest-level guess is rarely right', () => {
    const levels = recordings.map((r) => ({ code: r.plan.species.code, db: 20 * Math.log10(rms(r.mix)) }));
    const codes = [...new Set(levels.map((l) => l.code))];
    let correct = 0;
    levels.forEach((x, i) => {
      const meanOf = (code: string) => {
        const others = levels.filter((l, j) => l.code === code && j !== i);
        return others.reduce((a, o) => a + o.db, 0) / others.length;
      };
      const nearest = codes.reduce((best, code) => (Math.abs(meanOf(code) - x.db) < Math.abs(meanOf(best) - x.db) ? code : best));
      if (nearest === x.code) correct++;
    });
    expect(correct / levels.length).toBeLessThan(0.35); // chance is 1/8; the band profile of the song above gets >= 0.75
  });
});
