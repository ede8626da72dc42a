import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { audacityFileName, audacityLabels, readAudacityLabels } from '../../src/detect/audacity.ts';
import { detect, type Detection } from '../../src/detect/detections.ts';
import { gridWindows } from '../../src/detect/grid.ts';
import { RAVEN_COLUMNS, ravenFileName, ravenTable, readRavenTable } from '../../src/detect/raven.ts';
import { formatProbability, rowId, scoreHeader, scoreRows } from '../../src/detect/tables.ts';

const CLASSES = ['Turdus_merula', 'Parus_major'];

/** Detections with awkward times: thirds of a second, a tiny start, an hour in. */
const DETECTIONS: Detection[] = [
  { startSeconds: 0, endSeconds: 1 / 3, label: 'Turdus_merula', score: 0.91234 },
  { startSeconds: 1e-7, endSeconds: 2.5, label: 'Parus_major', score: 0.5 },
  { startSeconds: 3597.03125, endSeconds: 3600, label: 'Turdus_merula', score: 0.77 },
];

describe('Raven Pro selection table', () => {
  it('has the published header and one tab-separated row per selection, numbered from 1', () => {
    const text = ravenTable(DETECTIONS, { lowHz: 1000, highHz: 11000 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies\tScore');
    expect(lines[1]).toBe('1\tSpectrogram 1\t1\t0.000000\t0.333333\t1000\t11000\tTurdus_merula\t0.9123');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).every((l) => l.split('\t').length === RAVEN_COLUMNS.length)).toBe(true);
    expect(ravenFileName('XC1')).toBe('XC1.birdcall.selections.txt');
  });

  it('loads back with the same times, band and species', () => {
    const table = readRavenTable(ravenTable(DETECTIONS, { lowHz: 1000, highHz: 11000 }));
    expect(table.map((s) => s.selection)).toEqual([1, 2, 3]);
    table.forEach((s, i) => {
      expect(s.beginSeconds).toBeCloseTo(DETECTIONS[i].startSeconds, 6);
      expect(s.endSeconds).toBeCloseTo(DETECTIONS[i].endSeconds, 6);
      expect([s.view, s.channel, s.lowHz, s.highHz]).toEqual(['Spectrogram 1', 1, 1000, 11000]);
      expect(s.fields.Species).toBe(DETECTIONS[i].label);
    });
    // Times on the sample grid come back exactly.
    expect(table[2].beginSeconds).toBe(3597.03125);
  });

  it('reads a table Raven wrote itself: columns in another order, extra columns, CRLF', () => {
    const raven =
      'Selection\tView\tChannel\tBegin File\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tDelta Time (s)\r\n' +
      '1\tWaveform 1\t1\tS1.wav\t1.25\t2.5\t0\t12000\t1.25\r\n1\tSpectrogram 1\t1\tS1.wav\t1.25\t2.5\t0\t12000\t1.25\r\n';
    const table = readRavenTable(raven);
    expect(table.map((s) => [s.view, s.beginSeconds, s.endSeconds, s.fields['Begin File']])).toEqual([
      ['Waveform 1', 1.25, 2.5, 'S1.wav'],
      ['Spectrogram 1', 1.25, 2.5, 'S1.wav'],
    ]);
    expect(() => readRavenTable('Selection\tView\n1\tSpectrogram 1\n', 't.txt')).toThrow(/t\.txt: no column "Channel"/);
    expect(() => readRavenTable(`${RAVEN_COLUMNS.join('\t')}\n1\tSpectrogram 1\t1\tx\t2\t0\t1\ta\t0.5\n`)).toThrow(/Begin Time \(s\) "x"/);
  });
});

describe('Audacity label track', () => {
  it('writes start<TAB>end<TAB>label lines with six decimals and no header, which read back', () => {
    const text = audacityLabels(DETECTIONS);
    expect(text.split('\n')[0]).toBe('0.000000\t0.333333\tTurdus_merula 0.91');
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^\d+\.\d{6}\t\d+\.\d{6}\t[^\t]+$/);
    const labels = readAudacityLabels(text);
    expect(labels.map((l) => [l.startSeconds, l.endSeconds, l.text])).toEqual([
      [0, 0.333333, 'Turdus_merula 0.91'],
      [0, 2.5, 'Parus_major 0.50'],
      [3597.03125, 3600, 'Turdus_merula 0.77'],
    ]);
    expect(audacityFileName('S1')).toBe('S1.birdcall.labels.txt');
  });

  it("skips the extended format's frequency lines and refuses lines without two times", () => {
    expect(readAudacityLabels('1.000000\t2.000000\tx\n\\\t100.0\t2000.0\n')).toEqual([{ startSeconds: 1, endSeconds: 2, text: 'x' }]);
    expect(() => readAudacityLabels('1.0 2.0 x\n', 'l.txt')).toThrow(/l\.txt: line 1/);
  });
});

describe('score tables', () => {
  it('names rows <file stem>_<end second>, whole seconds as integers', () => {
    expect(rowId('birds/XC123.ogg', 5)).toBe('XC123_5');
    expect(rowId('soundscape_1.wav', 10.0000001)).toBe('soundscape_1_10');
    expect(rowId('a/b.c.wav', 7.5)).toBe('b.c_7.5');
  });

  it('writes a BirdCLEF submission: row_id then a column per class, 5 s rows ending 5, 10, …', () => {
    const chunks = Array.from({ length: 8 }, (_, s) => ({ startSeconds: s, endSeconds: s + 3, scores: Float32Array.of(s / 10, 0.1) }));
    const text = scoreHeader(CLASSES) + scoreRows('site1/S_0001.wav', gridWindows(chunks, 2, 10));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(['row_id', ...CLASSES]);
    expect(rows.map((r) => r.row_id)).toEqual(['S_0001_5', 'S_0001_10']);
    expect(rows.map((r) => Number(r.Turdus_merula))).toEqual([Number(formatProbability(Float32Array.of(0.4)[0])), Number(formatProbability(Float32Array.of(0.7)[0]))]);
  });
});

describe('detections end to end', () => {
  it('a merged Raven table of overlapping chunks spans from the first detecting chunk to the last', () => {
    const chunks = Array.from({ length: 6 }, (_, s) => ({ startSeconds: s, endSeconds: s + 3, scores: Float32Array.of(s >= 2 ? 0.9 : 0.1, 0) }));
    const table = readRavenTable(ravenTable(detect(chunks, CLASSES, { merge: true }), { lowHz: 0, highHz: 16000 }));
    expect(table.map((s) => [s.beginSeconds, s.endSeconds, s.fields.Species])).toEqual([[2, 8, 'Turdus_merula']]);
  });
});
