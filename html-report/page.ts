// The whole report page: one self-contained HTML file (inline CSS and SVG; no script, no
// external asset; a Content-Security-Policy that forbids fetching anything), from whatever
// parts ran. Missing parts render as "not run" sections with the reason.
import { redactSecrets } from '../lib/redact';
import { conformanceSection } from './conformance';
import { capacitySection } from './capacity';
import { html, trusted, type Html } from './html';
import type { Part, ReportInputs, ScenarioSummary } from './inputs';
import { isolationSection } from './isolation';
import { badge, notRun, notes, runLine, section, thresholdTable, verdictOf, type Verdict } from './parts';
import { rateLimitSection } from './rate-limit';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:24px;margin:8px 0}h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:20px 0 8px}
code{font:12px ui-monospace,Menlo,Consolas,monospace}pre{font:12px ui-monospace,Menlo,Consolas,monospace;background:#f6f6f6;padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0;max-height:16em;overflow:auto}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}thead th{background:#f3f3f3}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;color:#fff;vertical-align:middle}
.b-pass{background:#2a9d8f}.b-fail{background:#d62828}.b-skip{background:#8d99ae}.b-info{background:#457b9d}.b-not-run{background:#adb5bd}
.matrix td.cell{text-align:center;min-width:34px;font-weight:600}.matrix small{display:block;font-weight:400;color:#555;font-size:10px}
.v-pass{background:#d8f3dc}.v-fail{background:#ffccd5}.v-skip{background:#e9ecef}.v-not-exercised{background:#fff3bf}.v-n\\/a{color:#bbb}
.rules td{font-size:13px}.rules .check{color:#555;font-size:12px}.r-fail{background:#fff5f5}
.not-run{color:#555;font-style:italic}.meta,.caption,.legend{color:#555;font-size:12px}.notes{font-size:12px;color:#333}
figure.chart{margin:12px 0}figure.chart figcaption{font-weight:600;font-size:13px}.evidence{border-left:3px solid #ccc;padding-left:8px;margin:6px 0}svg.chart{display:block;max-width:100%;height:auto;margin:4px 0}
.overview td{min-width:90px}details.data{font-size:12px}footer{margin-top:40px;color:#666;font-size:12px;border-top:1px solid #ddd;padding-top:8px}
@media print{details{display:block}details>*{display:block}section{break-inside:auto}h2{break-after:avoid}figure.chart{break-inside:avoid}}
`;

const TITLES: Record<string, string> = { smoke: 'Smoke', soak: 'Soak', spike: 'Spike' };

function otherScenario(name: 'smoke' | 'soak' | 'spike', p: Part<ScenarioSummary>): Html {
  if (!p.ok) return notRun(name, `${TITLES[name]} (k6)`, p.reason);
  return section(name, `${TITLES[name]} (k6)`, verdictOf(p.data), html`${runLine(p)}${thresholdTable(p.data)}${notes(p.data)}`);
}

function verdictOfPart(p: Part<ScenarioSummary>): Verdict {
  return p.ok ? verdictOf(p.data) : 'not-run';
}

export interface RenderOptions {
  /** Keys known to the caller: redacted wherever they appear, in any spelling lib/redact.ts knows. */
  keys?: readonly string[];
}

export function renderReport(inputs: ReportInputs, opts: RenderOptions = {}): string {
  const k = inputs.k6;
  const conf = inputs.conformance;
  const confVerdict: Verdict = conf.ok ? (conf.data.totals.fail > 0 ? 'fail' : 'pass') : 'not-run';
  const rlVerdict: Verdict = !k['rate-limit'].ok && !k['retry-after'].ok ? 'not-run' : [k['rate-limit'], k['retry-after']].some((p) => p.ok && !p.data.pass) ? 'fail' : 'pass';
  const overview: Array<[string, string, Verdict]> = [
    ['conformance', 'Conformance suite', confVerdict],
    ['rate-limit', 'Rate limiting (rate-limit, retry-after)', rlVerdict],
    ['key-isolation', 'Key isolation', verdictOfPart(k['key-isolation'])],
    ['capacity', 'Capacity', verdictOfPart(k.capacity)],
    ['smoke', 'Smoke (k6)', verdictOfPart(k.smoke)],
    ['soak', 'Soak (k6)', verdictOfPart(k.soak)],
    ['spike', 'Spike (k6)', verdictOfPart(k.spike)],
  ];
  const body = html`<header><h1>Rundun API v1 — harness report</h1><p class="meta">Written ${inputs.generatedAt}. One self-contained file: no script, nothing fetched; charts are inline SVG drawn when the report was written.</p>${inputs.k6Note ? html`<p class="not-run">${inputs.k6Note}</p>` : ''}</header>
<table class="overview"><thead><tr><th>part</th><th>result</th></tr></thead><tbody>${overview.map(([id, title, v]) => html`<tr><td><a href="#${id}">${title}</a></td><td>${badge(v)}</td></tr>`)}</tbody></table>
${conf.ok ? conformanceSection(conf.data, conf.file) : notRun('conformance', 'Conformance', conf.reason)}
${rateLimitSection(k['rate-limit'], k['retry-after'])}
${isolationSection(k['key-isolation'])}
${capacitySection(k.capacity)}
${otherScenario('smoke', k.smoke)}${otherScenario('soak', k.soak)}${otherScenario('spike', k.spike)}
<footer>rundun-harness: <code>npm run report</code> rebuilds this page from reports/*.json. API keys appear at most as rdk_live_… and their last four characters.</footer>`;
  const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Rundun harness report</title><style>${CSS}</style></head>
<body>${trusted(body.text)}</body></html>
`;
  // Last line of defence: every interpolated string was already redacted by pattern; this also
  // catches the caller's keys in any spelling (bare secret, base64) that pattern cannot know.
  return redactSecrets(page, opts.keys ?? []);
}
