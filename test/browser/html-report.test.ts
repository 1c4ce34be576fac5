// The HTML report in a real browser: Debian's chromium, driven by playwright-core (no browser
// download). The page must render every cell, open a cell's detail view on a click, hide cells
// when a filter is unticked, replay a recording, and load nothing but itself. Screenshots are
// kept under .tap/browser/ for a human to look at.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { html } from '../../harness/report/html.js';
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

const SHOTS = path.resolve(import.meta.dirname, '../../.tap/browser');

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
