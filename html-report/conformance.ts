// The conformance section: totals, the operation × status matrix, failures with their evidence,
// every rule with its verdict (and a sample exchange it held on), drift, pacing and probes.
import type { Cell, ConformanceReport, RuleReport } from '../conformance/report/build';
import type { Evidence } from '../conformance/engine/exchange';
import { html, num, type Html } from './html';
import { badge, section, type Verdict } from './parts';

const SYMBOL: Record<Cell['verdict'], string> = { pass: '✓', fail: '✗', skip: 's', 'n/a': '·', 'not-exercised': '?' };

export function evidenceBlock(e: Evidence): Html {
  const headers = Object.entries(e.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
  return html`<div class="evidence"><div><code>${e.request}</code> → ${e.error ? html`<strong>no response</strong> (${e.error})` : html`<strong>${e.status}</strong>`}</div>${headers.length ? html`<pre class="headers">${headers.join('\n')}</pre>` : ''}${e.body ? html`<pre class="body">${e.body}</pre>` : ''}</div>`;
}

function matrix(r: ConformanceReport): Html {
  const head = html`<tr><th>operation</th>${r.matrix.statuses.map((s) => html`<th>${s}</th>`)}</tr>`;
  const rows = r.matrix.operations.map((op) => {
    const cells = r.matrix.statuses.map((s) => {
      const c = r.matrix.cells[op]?.[String(s)] ?? { verdict: 'not-exercised', seen: 0 };
      const title = `${op} ${s}: ${c.verdict}, ${c.seen} response(s) seen`;
      return html`<td class="cell v-${c.verdict}" data-verdict="${c.verdict}" title="${title}">${SYMBOL[c.verdict] ?? '?'}${c.verdict === 'n/a' ? '' : html`<small>${c.seen}</small>`}</td>`;
    });
    return html`<tr><th scope="row"><code>${op}</code></th>${cells}</tr>`;
  });
  return html`<table id="matrix" class="matrix"><thead>${head}</thead><tbody>${rows}</tbody></table>
<p class="legend">✓ verified · ✗ failed · s skipped · ? applies but not exercised · <span class="na">·</span> not applicable; the small number is how many responses had that status.</p>`;
}

function ruleRow(x: RuleReport): Html {
  const why = x.note ?? (x.status === 'fail' ? x.failures[0]?.message : x.status === 'pass' ? `held on ${x.heldOn} check(s)` : '');
  const evidence = x.failures.length
    ? html`<details open><summary>${x.failures.length} failure(s)</summary>${x.failures.slice(0, 5).map((f) => html`<p><strong>${f.probe}</strong>: ${f.message}</p>${f.evidence.slice(0, 3).map(evidenceBlock)}`)}${x.failures.length > 5 ? html`<p>… and ${x.failures.length - 5} more (see conformance.json)</p>` : ''}</details>`
    : x.sample
      ? html`<details><summary>sample exchange</summary>${evidenceBlock(x.sample)}</details>`
      : '';
  return html`<tr class="r-${x.status}" data-rule="${x.id}"><td><code>${x.id}</code><div class="check">${x.check}</div></td><td>${x.tag}</td><td>${badge(x.status as Verdict)}</td><td>${x.checkedBy.join(', ')}</td><td>${why}${evidence}</td></tr>`;
}

export function conformanceSection(r: ConformanceReport, file: string): Html {
  const t = r.totals;
  const verdict: Verdict = t.fail > 0 ? 'fail' : 'pass';
  const keys = Object.entries(r.target.keys ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const failed = r.rules.filter((x) => x.status === 'fail');
  const body = html`<p class="meta">From <code>${file}</code>, written ${r.generatedAt}: target <code>${r.target.baseUrl}</code> (${r.target.source})${r.target.simulator ? ' — the project’s simulator' : ''}; ${r.requests} requests in ${num(r.durationMs / 1000)} s; keys ${keys}; expected rate limit ${r.target.rateLimit}.</p>
<p class="totals">${badge('pass', `${t.pass} passed`)} ${badge('fail', `${t.fail} failed`)} ${badge('skip', `${t.skip} skipped`)} ${t.info ? badge('info', `${t.info} informational`) : ''}</p>
${r.overrideNotes?.length ? html`<h3>Contract overrides in force</h3><ul>${r.overrideNotes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<h3>Status matrix (operation × status)</h3>${matrix(r)}
<h3>Failures (${failed.length})</h3>${failed.length === 0 ? html`<p>None.</p>` : html`<table class="rules"><tbody>${failed.map(ruleRow)}</tbody></table>`}
<h3>Rules (${r.rules.length})</h3>
<table id="rules" class="rules"><thead><tr><th>rule</th><th>tag</th><th>result</th><th>checked by</th><th>evidence / note</th></tr></thead><tbody>${r.rules.map(ruleRow)}</tbody></table>
<h3>Drift (unknown properties: reported, never failed)</h3>${r.drift?.length ? html`<table><thead><tr><th>schema</th><th>property</th><th>first seen on</th><th>times</th></tr></thead><tbody>${r.drift.map((d) => html`<tr><td>${d.schema}</td><td><code>${d.path}</code></td><td><code>${d.request}</code></td><td>${d.count}</td></tr>`)}</tbody></table>` : html`<p>None seen.</p>`}
<h3>Pacing</h3><p>${r.waitedOut429?.count ? `${r.waitedOut429.count} responses outside the rate-limit probes were 429 and were waited out (${num(r.waitedOut429.totalWaitMs / 1000)} s in all); they are not blamed on any rule.` : 'No 429 outside the rate-limit probes.'}</p>
<h3>Probes</h3><table><thead><tr><th>probe</th><th>result</th><th>requests</th><th>ms</th></tr></thead><tbody>${r.probes.map((p) => html`<tr><td><code>${p.id}</code></td><td>${badge(p.status as Verdict)}${p.reason ? html` ${p.reason}` : ''}</td><td>${p.requests}</td><td>${p.durationMs}</td></tr>`)}</tbody></table>`;
  return section('conformance', 'Conformance', verdict, body);
}
