import FFT from 'fft.js';

/**
 * Cheap spectral summaries for the demo-data tests (not the project's DSP: a Hann-windowed power spectrum
 * averaged over frames is all these sanity checks need).
 */
export function averagePowerSpectrum(samples: Float32Array, nFft = 1024): Float64Array {
  const fft = new FFT(nFft);
  const input = new Array<number>(nFft).fill(0);
  const output = fft.createComplexArray() as number[];
  const power = new Float64Array(nFft / 2 + 1);
  const hop = nFft / 2;
  let frames = 0;
  for (let start = 0; start + nFft <= samples.length; start += hop) {
    for (let i = 0; i < nFft; i++) input[i] = samples[start + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nFft));
    fft.realTransform(output, input);
    for (let k = 0; k <= nFft / 2; k++) power[k] += output[2 * k] ** 2 + output[2 * k + 1] ** 2;
    frames++;
  }
  for (let k = 0; k < power.length; k++) power[k] /= Math.max(frames, 1);
  return power;
}

/** Fraction of the spectrum's power between loHz and hiHz. */
export function bandFraction(power: Float64Array, sampleRate: number, loHz: number, hiHz: number): number {
  const binHz = sampleRate / (2 * (power.length - 1));
  let inBand = 0;
  let total = 0;
  power.forEach((p, k) => {
    total += p;
    if (k * binHz >= loHz && k * binHz <= hiHz) inBand += p;
  });
  return inBand / total;
}

/** Log power in `bands` log-spaced bands between loHz and hiHz, normalised to sum to zero (shape only). */
export function logBandProfile(power: Float64Array, sampleRate: number, bands = 16, loHz = 1000, hiHz = 12000): number[] {
  const binHz = sampleRate / (2 * (power.length - 1));
  const edges = Array.from({ length: bands + 1 }, (_, b) => loHz * (hiHz / loHz) ** (b / bands));
  const profile = edges.slice(0, -1).map((lo, b) => {
    let sum = 1e-12;
    for (let k = 0; k < power.length; k++) if (k * binHz >= lo && k * binHz < edges[b + 1]) sum += power[k];
    return 10 * Math.log10(sum);
  });
  const mean = profile.reduce((a, v) => a + v, 0) / bands;
  return profile.map((v) => v - mean);
}

/** Power-weighted mean frequency, Hz. */
export function spectralCentroid(power: Float64Array, sampleRate: number): number {
  const binHz = sampleRate / (2 * (power.length - 1));
  let weighted = 0;
  let total = 0;
  power.forEach((p, k) => {
    weighted += p * k * binHz;
    total += p;
  });
  return weighted / total;
}
