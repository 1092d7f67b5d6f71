// Building blocks shared by the report's sections: section frames, "not run" notices, verdict
// badges, the thresholds and notes of a k6 summary.
import { fmtNumber } from '../lib/k6-summary';
import { html, type Html } from './html';
import type { Part, ScenarioSummary } from './inputs';

export type Verdict = 'pass' | 'fail' | 'skip' | 'info' | 'not-run';

export function badge(v: Verdict, label: string = v): Html {
  return html`<span class="badge b-${v}">${label}</span>`;
}

export function section(id: string, title: string, verdict: Verdict, body: Html | Html[]): Html {
  return html`<section id="${id}" data-section="${id}" data-verdict="${verdict}"><h2>${title} ${badge(verdict)}</h2>${body}</section>`;
}

/** A part that did not run: the section is still there, saying why. */
export function notRun(id: string, title: string, reason: string): Html {
  return section(id, title, 'not-run', html`<p class="not-run">Not run: ${reason}</p>`);
}

export function runLine(p: Extract<Part<ScenarioSummary>, { ok: true }>): Html {
  const s = p.data;
  const dur = s.testRunDurationMs ? `, ran ${fmtNumber(s.testRunDurationMs / 1000)} s` : '';
  return html`<p class="meta">From <code>${p.file}</code>${s.generatedAt ? html`, written ${s.generatedAt}` : ''}${dur}${s.target?.baseUrl ? html`; target <code>${s.target.baseUrl}</code>` : ''}${s.target?.source ? html` (${s.target.source})` : ''}.</p>`;
}

export function thresholdTable(s: ScenarioSummary): Html {
  if (s.thresholds.length === 0) return html`<p>No thresholds in this summary${s.error ? html`: ${s.error}` : ''}.</p>`;
  const rows = s.thresholds.map((t) => {
    const actual = t.notReported !== undefined ? `not reported: ${t.notReported}` : t.noSamples ? 'no samples' : t.actual !== undefined ? `${t.aggregation ?? ''}=${fmtNumber(t.actual)}` : '';
    return html`<tr class="${t.ok ? 'r-pass' : 'r-fail'}"><td><code>${t.key}</code></td><td><code>${t.expression}</code></td><td>${badge(t.ok ? 'pass' : 'fail')}</td><td>${actual}</td></tr>`;
  });
  return html`<table class="thresholds"><thead><tr><th>threshold</th><th>expression</th><th>result</th><th>value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function notes(s: ScenarioSummary): Html {
  if (s.notes.length === 0) return html``;
  return html`<ul class="notes">${s.notes.map((n) => html`<li>${n}</li>`)}</ul>`;
}

export function verdictOf(s: ScenarioSummary): Verdict {
  return s.pass ? 'pass' : 'fail';
}

/** The chart's numbers as a table (for print, screen readers and copying), folded away on screen. */
export function dataTable(caption: string, head: string[], rows: Array<Array<string | number>>): Html {
  return html`<details class="data"><summary>${caption}</summary><table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table></details>`;
}
