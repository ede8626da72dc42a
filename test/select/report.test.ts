import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { renderReport, selectModels, summarize, writeSelection } from '../../src/select/index.ts';
import { simulateEvalSet, simulateModel, BASE } from './simulate.ts';

const PLOTS = ['main-metric', 'secondary', 'slices', 'reliability'];

const sim = simulateEvalSet(2);
const selection = selectModels(
  sim.evalSet,
  [
    simulateModel(sim, 'hears <background> & more', BASE, 7),
    simulateModel(sim, 'ignores-background', { ...BASE, secondary: BASE.absent }, 7),
    simulateModel(sim, 'weak', { ...BASE, primary: 0.3, noise: 2 }, 9),
  ],
  { sliceColumns: ['type', 'region'] },
);

describe('renderReport', () => {
  const html = renderReport(selection);
  it('holds every plot as an inline svg with its data-plot name', () => {
    for (const name of PLOTS) expect(html).toContain(`<svg class="plot" data-plot="${name}"`);
    // one mark per candidate in the interval plots
    const main = html.slice(html.indexOf('data-plot="main-metric"'), html.indexOf('</svg>', html.indexOf('data-plot="main-metric"')));
    expect(main.match(/<circle/g)).toHaveLength(3);
  });
  it('is self-contained: no script, no external resource', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<link|@import|url\(/i);
  });
  it('escapes model names and carries the explanation', () => {
    expect(html).not.toContain('hears <background>');
    expect(html).toContain('hears &#60;background&#62; &#38; more');
    expect(selection.explanation.length).toBeGreaterThan(3);
    expect(html).toContain('Runner-up:');
  });
});

describe('writeSelection and summarize', () => {
  it('write selection.json and report.html without leaving temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-select-'));
    try {
      const out = join(dir, 'reports', 'run1');
      const { jsonPath, htmlPath } = await writeSelection(out, selection);
      expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(selection)));
      expect(readFileSync(htmlPath, 'utf8')).toBe(renderReport(selection));
      expect(readdirSync(out).sort()).toEqual(['report.html', 'selection.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('summarize names the choice, the tie set and the runner-up in a few lines', () => {
    const text = summarize(selection);
    expect(text).toContain(`Chosen: ${selection.chosen}`);
    expect(text).toContain('Tie set:');
    expect(text).toContain(`Runner-up: ${selection.runnerUp}`);
    expect(text.split('\n').length).toBeLessThanOrEqual(6);
  });
});

function findChromium(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

const CHROMIUM = findChromium();
if (CHROMIUM === null) {
  console.warn('no chromium binary on PATH: skipping the headless-browser report test (apt-get install -y chromium)');
}

/** Appended to a copy of the report: measures each plot and its marks after layout, into the DOM. */
const MEASURE = `<script>
for (const svg of document.querySelectorAll('svg.plot')) {
  const box = svg.getBoundingClientRect();
  const marks = [...svg.querySelectorAll('circle, rect, line, polyline, text')].filter((m) => {
    const b = m.getBBox();
    return b.width > 0 || b.height > 0;
  });
  svg.setAttribute('data-box', Math.round(box.width) + 'x' + Math.round(box.height));
  svg.setAttribute('data-marks', String(marks.length));
}
document.body.setAttribute('data-measured', 'yes');
</script>`;

describe.skipIf(CHROMIUM === null)('report.html in headless Chromium', () => {
  it('renders every plot with a non-zero size and visible marks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'birdcall-report-'));
    try {
      const page = join(dir, 'report-measured.html');
      writeFileSync(page, renderReport(selection).replace('</body>', `${MEASURE}</body>`));
      const dom = execFileSync(
        CHROMIUM!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-dev-shm-usage',
          `--user-data-dir=${join(dir, 'profile')}`,
          '--dump-dom',
          `file://${page}`,
        ],
        { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'ignore'] },
      );
      expect(dom).toContain('data-measured="yes"');
      for (const name of PLOTS) {
        const tag = dom.match(new RegExp(`<svg[^>]*data-plot="${name}"[^>]*>`));
        expect(tag, `plot ${name} in the rendered DOM`).not.toBeNull();
        const box = /data-box="(\d+)x(\d+)"/.exec(tag![0]);
        const marks = /data-marks="(\d+)"/.exec(tag![0]);
        expect(Number(box![1])).toBeGreaterThan(0);
        expect(Number(box![2])).toBeGreaterThan(0);
        expect(Number(marks![1])).toBeGreaterThan(3);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
