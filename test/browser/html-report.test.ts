// The HTML report in a real browser: Debian's chromium, driven by playwright-core (no browser
// download). The page must render every cell, open a cell's detail view on a click, hide cells
// when a filter is unticked, replay a recording, and load nothing but itself; the summary and the
// heatmap must be on the first screen, and the verdict colours must stay apart for colour-blind
// readers. Screenshots are kept under .tap/browser/ for a human to look at.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { html } from '../../harness/report/html.js';
import { VERDICTS } from '../../harness/results.js';
import { multiTarget, withExpectations } from '../report/fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
/**
 * The page's document, for functions that run in the page: the project compiles without the DOM
 * library, and strings instead of functions would need eval, which the report's CSP forbids.
 */
interface PageDocument {
  querySelectorAll(selector: string): { length: number };
  querySelector(selector: string): { textContent: string | null } | null;
}

/** The page's window, for getComputedStyle in a function that runs in the page (see PageDocument). */
interface PageWindow {
  getComputedStyle(el: unknown): { backgroundColor: string };
}

const SHOTS = path.resolve(import.meta.dirname, '../../.tap/browser');

// ---- Colour vision deficiency, simulated ----

type Rgb = [number, number, number];

/**
 * Machado, Oliveira & Fernandes (2009), severity 1: the full dichromacies, applied in linear RGB.
 * The three forms cover nearly all colour-blind readers (deuteranomaly and protanomaly, the common
 * ones, are milder versions of the first two).
 */
const DICHROMACY: Record<string, readonly Rgb[]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

const toLinear = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** sRGB 0–255 → CIELAB (D65), after `matrix` when given. */
function lab(rgb: Rgb, matrix?: readonly Rgb[]): Rgb {
  let [r, g, b] = rgb.map(toLinear) as Rgb;
  if (matrix) [r, g, b] = matrix.map((m) => Math.min(1, Math.max(0, m[0] * r + m[1] * g + m[2] * b))) as Rgb;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference; about 2.3 is just noticeable, 10 and more tell swatches apart at a glance. */
const deltaE = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

const DISTINCT = 10;

t.test('the HTML report in headless chromium', { timeout: 60_000 }, async (t) => {
  if (!CHROMIUM) {
    t.fail('chromium is not installed: apt-get install -y --no-install-recommends chromium (the browser test drives Debian\'s chromium; .ci/run installs it)');
    return;
  }
  const result = withExpectations(multiTarget());
  // One cell gets a terminal recording, as `demo` would record it.
  const recorded = result.cells.find((c) => c.target === 'debian-bullseye' && c.launch === 'nohup' && c.sever === 'logout')!;
  recorded.recording = {
    width: 80,
    height: 24,
    events: [
      [0.02, 'o', '\x1b[1;32mu7@host\x1b[0m:~$ '],
      [0.05, 'i', 'exit\r'],
      [0.06, 'o', 'exix\bt\r\nlogout\r\n'],
      [0.08, 'o', 'Connection to 172.17.0.3 closed.\r\n'],
    ],
  };
  const dir = t.testdir();
  const file = path.join(dir, 'report.html');
  fs.writeFileSync(file, html.render(result));
  fs.mkdirSync(SHOTS, { recursive: true });

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(file).href;
    await page.goto(url);

    // The first screen of a laptop: the summary and the top of the heatmap, nothing to scroll.
    const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await laptop.goto(url);
    const summary = await laptop.locator('#summary').boundingBox();
    const heat = await laptop.locator('table.heat').first().boundingBox();
    t.ok(summary && summary.y < 150, `the summary right under the title (top at ${summary?.y} px)`);
    t.ok(heat && heat.y < 700, `the first heatmap starts within 700 px at 1280×800 (at ${heat?.y} px)`);
    t.ok(await laptop.locator('table.heat').first().locator('tbody tr').first().isVisible(), 'with its first row');
    await laptop.screenshot({ path: path.join(SHOTS, 'report-first-screen.png') });

    // Every verdict's swatch as the browser paints it, then as dichromats would see it.
    const swatches = await Promise.all(
      VERDICTS.map(async (v) => {
        const sw = laptop.locator(`.legend .sw.v-${v}`);
        const css = await sw.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).backgroundColor);
        const rgb = (css.match(/\d+/g) ?? []).slice(0, 3).map(Number) as Rgb;
        return { verdict: v, rgb, glyph: await sw.locator('.g').textContent() };
      }),
    );
    t.equal(new Set(swatches.map((s) => s.glyph)).size, VERDICTS.length, `a glyph each: ${swatches.map((s) => s.glyph).join(' ')}`);
    for (const [name, matrix] of [['normal vision', undefined] as const, ...Object.entries(DICHROMACY)]) {
      const close: string[] = [];
      let least = Infinity;
      for (const [i, a] of swatches.entries()) {
        for (const b of swatches.slice(i + 1)) {
          const d = deltaE(lab(a.rgb, matrix), lab(b.rgb, matrix));
          least = Math.min(least, d);
          if (d < DISTINCT) close.push(`${a.verdict}/${b.verdict} ΔE ${d.toFixed(1)}`);
        }
      }
      t.same(close, [], `${name}: every pair of verdict colours apart (least ΔE ${least.toFixed(1)})`);
    }
    await laptop.close();

    t.equal(await page.locator('[data-cell-id]').count(), result.cells.length, 'every cell is rendered');
    t.equal(await page.locator('[data-cell-id]:visible').count(), result.cells.length, 'and visible');
    // The heading at the top, so the shot has the legend and the first heatmaps.
    await page.locator('#heatmaps > h2').first().evaluate((h) => h.scrollIntoView());
    await page.screenshot({ path: path.join(SHOTS, 'report-heatmap.png') });

    // A click opens the cell's detail view with its timeline and process trees.
    const target = result.cells.find((c) => c.target === 'debian-bullseye' && c.launch === 'disown' && c.rep === 3)!;
    await page.locator(`[data-cell-id="${target.id}"]`).click();
    const detail = page.locator(`#cell-${target.id}`);
    await detail.waitFor({ state: 'visible', timeout: 5000 });
    t.equal(await page.locator('.detail:visible').count(), 1, 'one detail view open');
    t.ok(await detail.locator('.timeline svg').isVisible(), 'timeline shown');
    t.match(await detail.locator('.timeline svg').textContent(), 'probe died');
    t.ok(await detail.locator('table.ptree').first().isVisible(), 'process tree shown');
    t.match(await detail.locator('table.ptree').first().textContent(), 'bash');
    t.match(page.url(), `#cell-${target.id}`, 'the URL names the cell');
    await page.screenshot({ path: path.join(SHOTS, 'report-detail.png') });
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'hidden', timeout: 5000 });
    t.pass('Escape closes it');

    // Flaky cases: the disowned drop disagrees on both targets but one (multiTarget), so its slot
    // has a badge, the Flaky section lists it, and each repetition's view says so.
    t.equal(await page.locator('td.flaky .flaky-badge:visible').count(), result.flaky.length, 'a badge per flaky case');
    await page.locator('#flaky').scrollIntoViewIfNeeded();
    t.match(await page.locator('#flaky').textContent(), 'flaky of');
    await page.screenshot({ path: path.join(SHOTS, 'report-flaky.png') });
    const flakyRep = result.cells.find((c) => c.id === result.flaky[0]!.cellIds[0])!;
    await page.locator(`[data-cell-id="${flakyRep.id}"]`).click();
    const note = page.locator(`#cell-${flakyRep.id} .flaky-note`);
    await note.waitFor({ state: 'visible', timeout: 5000 });
    t.match(await note.textContent(), 'flaky: 2 survived, 1 killed over 3 repeats');
    await page.keyboard.press('Escape');

    // A hash opens a detail view directly, e.g. a link from CI.
    const other = result.cells.find((c) => c.target === 'debian-trixie' && c.launch === 'tmux')!;
    await page.goto(`${url}#cell-${other.id}`);
    await page.locator(`#cell-${other.id}`).waitFor({ state: 'visible', timeout: 5000 });
    t.pass('#cell-<id> opens its view');
    await page.keyboard.press('Escape');

    // Unticking a target hides its cells and its heatmaps.
    const trixie = result.cells.filter((c) => c.target === 'debian-trixie').length;
    await page.locator('#filters input[name="target"][value="debian-trixie"]').uncheck();
    t.equal(await page.locator('[data-cell-id]:visible').count(), result.cells.length - trixie, 'its cells are hidden');
    t.equal(await page.locator('#target-debian-trixie ~ section.view:visible').count(), 0, 'its heatmaps are hidden');
    await page.locator('#filters input[name="launch"][value="nohup"]').uncheck();
    const left = result.cells.filter((c) => c.target !== 'debian-trixie' && c.launch !== 'nohup').length;
    t.equal(await page.locator('[data-cell-id]:visible').count(), left, 'filters combine');
    t.match(await page.locator('#filter-count').textContent(), `${left} of ${result.cells.length} cells shown`);
    await page.locator('#filters button[type="reset"]').click();
    await page.waitForFunction((n) => (globalThis as unknown as { document: PageDocument }).document.querySelectorAll('[data-cell-id]:not([hidden])').length === n, result.cells.length);
    t.pass('show all brings them back');

    // The replay: escape sequences dropped, backspace and CR/LF interpreted.
    await page.goto(`${url}#cell-${recorded.id}`);
    const replay = page.locator(`#cell-${recorded.id} .replay`);
    await replay.locator('button.play').click();
    await page.waitForFunction((sel) => ((globalThis as unknown as { document: PageDocument }).document.querySelector(sel)?.textContent ?? '').includes('closed.'), `#cell-${recorded.id} .replay pre`, {
      timeout: 5000,
    });
    t.equal(
      await replay.locator('pre').textContent(),
      'u7@host:~$ exit\nlogout\nConnection to 172.17.0.3 closed.\n',
      'colour codes dropped, the backspace undid the typo',
    );

    // Without JavaScript the flaky marks are all there: they are rendered, not scripted.
    const noJs = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1400, height: 900 } });
    await noJs.goto(`${url}#cell-${flakyRep.id}`);
    t.ok(await noJs.locator(`#cell-${flakyRep.id} .flaky-note`).isVisible(), 'a flaky repetition’s view by its hash, CSS only');
    t.equal(await noJs.locator('td.flaky .flaky-badge').count(), result.flaky.length);
    await noJs.close();

    t.same(errors, [], 'no script errors');
    t.same(
      requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
      [],
      'nothing loaded from the network',
    );
  } finally {
    await browser?.close();
  }
});
