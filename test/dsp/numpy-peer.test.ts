import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIRDCALLS, HAVE_SHARED, SHARED, SHARED_SKIP_REASON } from '../helpers/shared.ts';
import { readAudioFile } from '../../src/audio/read.ts';
import { melSpectrogram, type MelSpectrogramParamsInput } from '../../src/dsp/mel.ts';
import { powerToDb } from '../../src/dsp/db.ts';
import { maxAbsDiff } from './reference.ts';
import { pythonHas, runPython } from './python.ts';

/**
 * Parity on real recordings against ../shared/tools/peers/mel_numpy.py, a numpy re-implementation of
 * librosa 0.11's load + melspectrogram + power_to_db(ref=np.max) that matches librosa to ~1e-12 dB.
 * Parameter sets go beyond the fixtures: other rates (22.05, 44.1, 48 kHz, stereo), nFft that is not a
 * power of two (400, 2400), HTK, reflect padding, no centring.
 */
const PEER = join(SHARED, 'tools', 'peers', 'mel_numpy.py');
const HAVE_NUMPY = pythonHas('numpy');
const ENABLED = HAVE_SHARED && HAVE_NUMPY;
const reason = !HAVE_SHARED ? SHARED_SKIP_REASON : !HAVE_NUMPY ? 'python3 with numpy not found: skipping the numpy peer parity test' : 'present';

const WAVS = [
  'clips/Junco_hyemalis/XC137480.wav',
  'robustness/XC444627_22k05_s16_mono.wav',
  'robustness/XC444627_44k1_s16_mono.wav',
  'robustness/XC444627_48k_s16_stereo.wav',
];

interface ParamSet {
  nFft: number;
  hopLength: number;
  nMels: number;
  fmin: number;
  fmax: number | null;
  htk: boolean;
  center: boolean;
  padMode: 'constant' | 'reflect';
}

const PARAM_SETS: Record<string, ParamSet> = {
  librosa: { nFft: 2048, hopLength: 512, nMels: 128, fmin: 0, fmax: null, htk: false, center: true, padMode: 'constant' },
  kaggle2020: { nFft: 1024, hopLength: 320, nMels: 64, fmin: 50, fmax: 14000, htk: false, center: true, padMode: 'constant' },
  'n400 htk': { nFft: 400, hopLength: 160, nMels: 80, fmin: 20, fmax: 8000, htk: true, center: true, padMode: 'constant' },
  'n2400 reflect': { nFft: 2400, hopLength: 600, nMels: 96, fmin: 100, fmax: 10000, htk: false, center: true, padMode: 'reflect' },
  'n512 uncentred': { nFft: 512, hopLength: 128, nMels: 40, fmin: 0, fmax: null, htk: false, center: false, padMode: 'constant' },
};

// One Python process for every job (importing numpy dominates a single run).
const PEER_SCRIPT = `
import sys, json, importlib.util, numpy as np
spec = importlib.util.spec_from_file_location('mel_numpy', sys.argv[1])
peer = importlib.util.module_from_spec(spec); spec.loader.exec_module(peer)
for job in json.loads(sys.argv[2]):
    y, sr = peer.read_wav(job['wav'])
    p = job['params']
    M = peer.melspectrogram(y, sr, p['nFft'], p['hopLength'], p['nMels'], p['fmin'], p['fmax'], p['htk'], 'slaney',
                            p['center'], p['padMode'], dtype=np.float64)
    D = peer.power_to_db(M)
    D.astype('<f8').tofile(job['out'])
    print(json.dumps({'out': job['out'], 'shape': list(D.shape)}))
`;

describe.skipIf(!ENABLED)(`mel dB on real recordings vs the numpy peer (${reason})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-peer-'));
  const jobs = WAVS.flatMap((wav, w) =>
    Object.entries(PARAM_SETS).map(([name, params], p) => ({ wav, name, params, out: join(dir, `${w}-${p}.f64`) })),
  );
  const shapes = new Map<string, number[]>();

  beforeAll(() => {
    const stdout = runPython(PEER_SCRIPT, [PEER, JSON.stringify(jobs.map((j) => ({ ...j, wav: join(BIRDCALLS, j.wav) })))]);
    for (const line of stdout.trim().split('\n')) {
      const r = JSON.parse(line) as { out: string; shape: number[] };
      shapes.set(r.out, r.shape);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(jobs.map((j) => [j.wav, j.name, j] as const))('%s with %s is within 1e-3 dB', async (_wav, _name, job) => {
    const audio = await readAudioFile(join(BIRDCALLS, job.wav));
    const params: MelSpectrogramParamsInput = { ...job.params, sr: audio.sampleRate, dtype: 'float64' };
    const db = powerToDb(melSpectrogram(audio.samples, params), { ref: 'max', amin: 1e-10, topDb: 80 });
    const bytes = readFileSync(job.out);
    const expected = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect([db.bins, db.frames]).toEqual(shapes.get(job.out));
    expect(maxAbsDiff(db.values, expected)).toBeLessThanOrEqual(1e-3);
  });
});
