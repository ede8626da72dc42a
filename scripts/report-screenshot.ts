/**
 * `npm run docs:report-image`: the README's picture of the selector report (docs/img/report.png), taken by
 * headless Chromium from the report `npm start` writes. Run `npm start` first so the report is current.
 *   npx tsx scripts/report-screenshot.ts [REPORT_HTML] [OUT_PNG] [--width PX]
 * Chromium's --screenshot captures the window, not the page, so a first pass measures the page height
 * (--dump-dom with a script that writes it into the DOM) and the second takes the window at that height.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MEASURE = `<script>document.body.setAttribute('data-height', String(Math.ceil(document.documentElement.scrollHeight)));</script>`;

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
    // The measuring script goes into a copy: the report itself stays script-free.
    const measured = join(dir, 'measured.html');
    writeFileSync(measured, readFileSync(html, 'utf8').replace('</body>', `${MEASURE}</body>`));
    const dom = chromium(join(dir, 'profile'), [`--window-size=${width},1000`, '--dump-dom', `file://${measured}`]);
    const height = Number(/data-height="(\d+)"/.exec(dom)?.[1]);
    if (!(height > 0)) throw new Error('could not measure the page height');
    const shot = join(dir, 'shot.png');
    chromium(join(dir, 'profile'), [`--window-size=${width},${height}`, `--screenshot=${shot}`, `file://${resolve(html)}`]);
    copyFileSync(shot, png);
    console.log(`report-screenshot: ${png} (${width} x ${height} px) from ${html}`);
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
