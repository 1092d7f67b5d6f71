// The HTML report built from real runs (the conformance suite against the simulator, the k6
// scenarios in the emulator), opened in headless Chromium: the matrix and every chart are drawn
// with data, nothing is fetched, no console error, no key. And the browser check itself is
// shown to fail on broken pages (an external script, a stylesheet, an empty chart, ...).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from '../../html-report/write';
import { CSP } from '../../html-report/page';
import { windowChart } from '../../html-report/rate-limit';
import { checkPage, chromiumMissing, launch, type Expectations } from './browser-check';
import { K6_RUNS, writeConformance, writeK6Summary } from './real-data';

const CHARTS = ['ratelimit-windows', 'retry-after-tightness', 'isolation-throttled', 'isolation-bystanders', 'capacity-knee'];
const FULL: Expectations = { charts: CHARTS, sections: ['conformance', 'rate-limit', 'key-isolation', 'capacity'], matrix: true };
const NO_BROWSER = chromiumMissing();
if (NO_BROWSER) console.log(`html-report: browser checks skipped: ${NO_BROWSER}`);

let dir: string;
let page: string;
let secrets: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rundun-html-report-'));
  const [keys, ...runs] = await Promise.all([writeConformance(dir), ...K6_RUNS.map((r) => writeK6Summary(dir, r.scenario, r.env))]);
  secrets = [...(keys as string[]), ...runs.flatMap((r) => r.secrets)];
  for (const r of runs) expect(r.r.exitCode, `${r.r.logs.map((l) => l.message).join('\n')}`).toBe(0);
  page = readFileSync(writeHtmlReport(dir, {}), 'utf8');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HTML report from real runs', () => {
  it('has every part, each passing, with the figures the charts need', () => {
    for (const id of FULL.sections) expect(page, id).toMatch(new RegExp(`data-section="${id}" data-verdict="pass"`));
    for (const id of CHARTS) expect(page, id).toContain(`data-chart="${id}"`);
    expect(page).toMatch(/measured limit<\/th><td>(9|10|11)(\.\d+)? accepted per window in steady state/);
    expect(page).toMatch(/knee at 20 rps/);
    expect(page).toMatch(/Retry-After honoured<\/th><td>\d+ of \d+ retries after waiting Retry-After succeeded \(100 %\)/);
    expect(page).toMatch(/bystanders secondary, other_org \(half their limit\)<\/td><td>\d+ accepted, 0 throttled/);
    // Parts that did not run say why.
    expect(page).toMatch(/data-section="soak" data-verdict="not-run"><h2>[^<]*<span[^>]*>not-run<\/span><\/h2><p class="not-run">Not run: /);
  });

  it('holds no key, in any spelling, and is self-contained (a CSP that forbids fetching; no script)', () => {
    for (const k of secrets) {
      expect(page.includes(k), 'a key leaked').toBe(false);
      expect(page.includes(k.slice(-12)), 'a key fragment leaked').toBe(false);
    }
    expect(page).toContain(`content="${CSP}"`);
    // (URLs in text, e.g. the target, are fine: the browser test proves nothing is fetched.)
    expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|url\(|@import/i);
  });

  it.skipIf(NO_BROWSER)('renders in Chromium: matrix and every chart drawn, no console error, no request but its own file (screenshot: reports/index.png)', async () => {
    const browser = await launch();
    try {
      mkdirSync('reports', { recursive: true });
      const r = await checkPage(browser, join(dir, 'index.html'), FULL, join(dir, 'index.png'));
      expect(r.problems).toEqual([]);
      expect(r.matrixCells).toBeGreaterThan(20);
      for (const id of CHARTS) expect(r.marks[id], id).toBeGreaterThan(0);
      copyFileSync(join(dir, 'index.png'), join('reports', 'index.png'));
    } finally {
      await browser.close();
    }
  });
});

describe.skipIf(NO_BROWSER)('the browser check fails on a broken page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(() => browser?.close());

  const noCsp = (p: string) => p.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  const emptyChart = windowChart('ratelimit-windows', 'empty', { windowMs: 500, bucketMs: 500, keys: 1, points: [{ startMs: 0, accepted: 0, rejected: 0 }] }, { limit: 10 }).text;
  const cases: Array<[what: string, broken: (p: string) => string, problem: RegExp]> = [
    ['an external script (no CSP)', (p) => noCsp(p).replace('</head>', '<script src="http://127.0.0.1:9/chart.js"></script></head>'), /request to http:\/\/127\.0\.0\.1:9\/chart\.js/],
    ['an external script (CSP blocks it: the console says so)', (p) => p.replace('</head>', '<script src="http://127.0.0.1:9/chart.js"></script></head>'), /console error: .*Content Security Policy/],
    ['an external stylesheet', (p) => noCsp(p).replace('</head>', '<link rel="stylesheet" href="http://127.0.0.1:9/s.css"></head>'), /request to http:\/\/127\.0\.0\.1:9\/s\.css/],
    ['an image from the network', (p) => noCsp(p).replace('</footer>', '<img src="http://127.0.0.1:9/x.png"></footer>'), /request to http:\/\/127\.0\.0\.1:9\/x\.png/],
    ['an inline script that throws', (p) => noCsp(p).replace('</body>', '<script>throw new Error("boom")</script></body>'), /page error: boom|console error/],
    ['an empty rate-limit chart', (p) => p.replace(/<svg[^>]*data-chart="ratelimit-windows"[\s\S]*?<\/svg>/, emptyChart), /chart ratelimit-windows has no data marks/],
    ['a missing capacity chart', (p) => p.replace(/<svg[^>]*data-chart="capacity-knee"[\s\S]*?<\/svg>/, ''), /chart capacity-knee is missing/],
    ['no matrix cells', (p) => p.replace(/<table id="matrix"[\s\S]*?<\/table>/, '<table id="matrix"></table>'), /the conformance matrix has no cells/],
  ];
  it.each(cases)('%s', async (_what, broken, problem) => {
    const file = join(dir, `broken-${Math.random().toString(36).slice(2)}.html`);
    const html = broken(page);
    expect(html).not.toBe(page);
    writeFileSync(file, html);
    const r = await checkPage(browser, file, FULL);
    expect(r.problems.join('\n')).toMatch(problem);
  });
});
