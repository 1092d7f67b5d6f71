// Opens a report page in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and says what is wrong with it: a missing matrix or section, a chart with no
// data marks, a console error, any request besides the page's own file:// URL, a script.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

// The page's DOM, as far as checkPage's in-page function uses it (the project has no DOM lib).
interface El {
  getAttribute(name: string): string | null;
  querySelectorAll(sel: string): ArrayLike<El>;
}
declare const document: El;

export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium, or set CHROMIUM_BIN)`;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface Expectations {
  /** data-chart ids that must be there with at least one data mark each. */
  charts: string[];
  /** data-section ids that must be there. */
  sections: string[];
  /** The conformance matrix must have cells. */
  matrix: boolean;
}

export interface PageReport {
  problems: string[];
  marks: Record<string, number>;
  matrixCells: number;
  requests: string[];
  consoleErrors: string[];
}

export async function checkPage(browser: Browser, file: string, expect: Expectations, screenshot?: string): Promise<PageReport> {
  const own = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => {
    requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  // Nothing may leave the machine even when the page is broken: answer every other request with an abort.
  await context.route('**/*', (route) => (route.request().url() === own ? route.continue() : route.abort()));
  try {
    await page.goto(own, { waitUntil: 'load' });
    // Late requests (lazy images, fonts) have a moment to show up.
    await page.waitForTimeout(200);
    const found = await page.evaluate(() => ({
      charts: Object.fromEntries(Array.from(document.querySelectorAll('svg[data-chart]')).map((s) => [s.getAttribute('data-chart') ?? '', s.querySelectorAll('.mark').length])),
      sections: Array.from(document.querySelectorAll('[data-section]')).map((s) => s.getAttribute('data-section') ?? ''),
      matrixCells: document.querySelectorAll('#matrix td.cell').length,
      scripts: document.querySelectorAll('script').length,
    }));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    const problems: string[] = [];
    for (const id of expect.charts) {
      if (!(id in found.charts)) problems.push(`chart ${id} is missing`);
      else if ((found.charts[id] ?? 0) === 0) problems.push(`chart ${id} has no data marks`);
    }
    for (const id of expect.sections) if (!found.sections.includes(id)) problems.push(`section ${id} is missing`);
    if (expect.matrix && found.matrixCells === 0) problems.push('the conformance matrix has no cells');
    if (found.scripts > 0) problems.push(`${found.scripts} script element(s): the report must draw without script`);
    for (const u of requests) if (u !== own) problems.push(`request to ${u}`);
    for (const e of consoleErrors) problems.push(`console error: ${e}`);
    return { problems, marks: found.charts, matrixCells: found.matrixCells, requests, consoleErrors };
  } finally {
    await context.close();
  }
}
