/**
 * `npm run docs:report-image`: the README's picture of the selector report (docs/img/report.png), taken by
 * headless Chromium from the report `npm start` writes. Run `npm start` first so the report is current.
 *   npx tsx scripts/report-screenshot.ts [REPORT_HTML] [OUT_PNG] [--width PX]
 * Chromium's --screenshot captures the window, not the page, so a first pass measures the page (--dump-dom
 * with a script that writes the sizes into the DOM) and the second takes the window at the page's height. The
 * candidate table and the slice heatmap are wider than the report's 1100 px text column (a browser scrolls
 * them sideways, which a picture cannot), so the picture widens the page to the widest of them.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Writes the page height and the widest scrolled content (px) into the DOM. */
const MEASURE = `<script>
document.body.setAttribute('data-height', String(Math.ceil(document.documentElement.scrollHeight)));
document.body.setAttribute('data-wide', String(Math.max(0, ...[...document.querySelectorAll('.scroll')].map((e) => e.scrollWidth))));
</script>`;

/** Lets the text column grow to the widest table, so nothing sits behind a sideways scroll. */
const WIDEN = '<style>body { max-width: none; }</style>';

function measure(profile: string, page: string, width: number): { height: number; wide: number } {
  const dom = chromium(profile, [`--window-size=${width},1000`, '--dump-dom', `file://${page}`]);
  const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
  const wide = Number(/data-wide="(\d+)"/.exec(dom)?.[1]);
  if (!(height > 0) || !(wide >= 0)) throw new Error('could not measure the page');
  return { height, wide };
}

function chromium(profile: string, args: string[]): string {
  const common = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-dev-shm-usage', `--user-data-dir=${profile}`];
  try {
    return execFileSync('chromium', [...common, ...args], { encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'chromium is not on PATH (apt-get install -y chromium)' : `chromium failed: ${(error as Error).message}`);
  }
}

function main(): void {
  const program = new Command('report-screenshot')
    .argument('[html]', 'the report page', join(ROOT, 'reports', 'demo', 'report.html'))
    .argument('[png]', 'the picture to write', join(ROOT, 'docs', 'img', 'report.png'))
    .option('--width <px>', 'window width (CSS pixels)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 320) throw new InvalidArgumentError('a whole number of pixels >= 320');
      return n;
    }, 1100)
    .parse();
  const [html, png] = program.processedArgs as [string, string];
  const { width } = program.opts<{ width: number }>();
  statSync(html); // a missing report fails here, naming it
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-shot-'));
  try {
    // The script and style go into copies: the report itself stays script-free and unchanged.
    const report = readFileSync(html, 'utf8');
    const narrow = join(dir, 'narrow.html');
    writeFileSync(narrow, report.replace('</body>', `${MEASURE}</body>`));
    // 2em of body padding and margin either side of the widest table, as the report's CSS has them.
    const fit = Math.max(width, measure(join(dir, 'profile'), narrow, width).wide + 64);
    const page = join(dir, 'page.html');
    writeFileSync(page, fit > width ? report.replace('</head>', `${WIDEN}</head>`) : report);
    writeFileSync(narrow, readFileSync(page, 'utf8').replace('</body>', `${MEASURE}</body>`));
    const { height } = measure(join(dir, 'profile'), narrow, fit);
    const shot = join(dir, 'shot.png');
    chromium(join(dir, 'profile'), [`--window-size=${fit},${height}`, `--screenshot=${shot}`, `file://${page}`]);
    copyFileSync(shot, png);
    console.log(`report-screenshot: ${png} (${fit} x ${height} px) from ${html}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`report-screenshot: ${(error as Error).message}`);
  process.exit(1);
}
