// The report in three forms: JSON (machines), JUnit XML (CI: one test case per rule), Markdown
// (people). Plus the one-screen console summary. All from the same ConformanceReport.
import { redactSecrets } from '../../lib/redact';
import type { ConformanceReport, RuleReport, Cell } from './build';
import type { Evidence } from '../engine/exchange';

const SYMBOL: Record<Cell['verdict'], string> = { pass: '✓', fail: '✗', skip: 's', 'n/a': '·', 'not-exercised': '?' };

export function renderJson(r: ConformanceReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function evidenceText(e: Evidence): string {
  const headers = Object.entries(e.headers).map(([k, v]) => `${k}: ${v}`).join('; ');
  return `${e.request} → ${e.error ? `no response (${e.error})` : e.status}${headers ? ` [${headers}]` : ''}\n  body: ${e.body}`;
}

export function renderJUnit(r: ConformanceReport): string {
  const families = [...new Set(r.rules.map((x) => x.family))];
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (rs: RuleReport[], s: string) => rs.filter((x) => x.status === s).length;
  out.push(`<testsuites name="rundun conformance" tests="${r.rules.length}" failures="${r.totals.fail}" skipped="${r.totals.skip + r.totals.info}" time="${(r.durationMs / 1000).toFixed(3)}">`);
  for (const fam of families) {
    const rs = r.rules.filter((x) => x.family === fam);
    out.push(`  <testsuite name="${xml(fam)}" tests="${rs.length}" failures="${count(rs, 'fail')}" skipped="${count(rs, 'skip') + count(rs, 'info')}">`);
    for (const rule of rs) {
      out.push(`    <testcase classname="conformance.${xml(fam)}" name="${xml(rule.id)}">`);
      if (rule.status === 'fail') {
        const detail = rule.failures.map((f) => `[${f.probe}] ${f.message}\n${f.evidence.map(evidenceText).join('\n')}`).join('\n\n');
        out.push(`      <failure message="${xml(rule.failures[0]!.message.slice(0, 300))}">${xml(detail)}</failure>`);
      } else if (rule.status === 'skip' || rule.status === 'info') out.push(`      <skipped message="${xml(rule.note ?? 'skipped')}"/>`);
      out.push(`      <system-out>${xml(`${rule.check}${rule.status === 'pass' ? ` Held on ${rule.heldOn} check(s).` : ''}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function matrixLines(r: ConformanceReport, md: boolean): string[] {
  const head = ['operation', ...r.matrix.statuses.map(String)];
  const rows = r.matrix.operations.map((op) => [op, ...r.matrix.statuses.map((s) => {
    const c = r.matrix.cells[op]![String(s)]!;
    return c.verdict === 'n/a' ? SYMBOL['n/a'] : `${SYMBOL[c.verdict]}${md ? ` ${c.seen}` : ''}`;
  })]);
  if (md) return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
  const w = Math.max(...r.matrix.operations.map((o) => o.length));
  return [`${'operation'.padEnd(w)}  ${r.matrix.statuses.map((s) => String(s).padStart(3)).join(' ')}`, ...rows.map(([op, ...cs]) => `${op!.padEnd(w)}  ${cs.map((c) => c!.padStart(3)).join(' ')}`)];
}

export function renderMarkdown(r: ConformanceReport): string {
  const o: string[] = [];
  o.push('# Rundun API conformance report', '');
  o.push(`- Target: \`${r.target.baseUrl}\` (${r.target.source})${r.target.simulator ? ' — the project’s simulator' : ''}`);
  o.push(`- Generated: ${r.generatedAt}; ${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s`);
  o.push(`- Keys: ${Object.entries(r.target.keys).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  o.push(`- Expected rate limit: ${r.target.rateLimit}`);
  o.push(`- **Rules: ${r.totals.pass} passed, ${r.totals.fail} failed, ${r.totals.skip} skipped${r.totals.info ? `, ${r.totals.info} informational` : ''}**`, '');
  o.push('## Contract overrides in force', '');
  if (r.overrideNotes.length === 0) o.push('None: the contract as written in schemas/CONTRACT.md, assumptions included.', '');
  else o.push('This target is judged against a contract that differs from schemas/CONTRACT.md:', '', ...r.overrideNotes.map((n) => `- ${n}`), '');
  o.push('## Status matrix (operation × status)', '', `✓ verified, ✗ failed, s skipped, ? applies but not exercised, · not applicable; the number is how many responses had that status.`, '', ...matrixLines(r, true), '');
  const failed = r.rules.filter((x) => x.status === 'fail');
  o.push(`## Failures (${failed.length})`, '');
  if (failed.length === 0) o.push('None.', '');
  for (const f of failed) {
    o.push(`### \`${f.id}\` (${f.tag})`, '', `Rule: ${f.check}`, '');
    for (const x of f.failures.slice(0, 5)) {
      o.push(`- **${x.probe}**: ${x.message}`);
      for (const e of x.evidence) o.push('', '  ```', ...evidenceText(e).split('\n').map((l) => `  ${l}`), '  ```');
    }
    if (f.failures.length > 5) o.push(`- … and ${f.failures.length - 5} more (see the JSON report)`);
    o.push('');
  }
  o.push('## Rules', '', '| rule | tag | result | note |', '|---|---|---|---|');
  for (const x of r.rules) o.push(`| \`${x.id}\` | ${x.tag} | ${x.status}${x.status === 'pass' ? ` (${x.heldOn})` : ''} | ${(x.note ?? (x.status === 'fail' ? x.failures[0]!.message : '')).replace(/\|/g, '\\|').slice(0, 200)} |`);
  o.push('', '## Drift (unknown properties: reported, never failed)', '');
  if (r.drift.length === 0) o.push('None seen.');
  else o.push('| schema | property | first seen on | times |', '|---|---|---|---|', ...r.drift.map((d) => `| ${d.schema} | \`${d.path}\` | ${d.request} | ${d.count} |`));
  o.push('', '## Pacing', '', r.waitedOut429.count === 0 ? 'No 429 outside the rate-limit probes.' : `${r.waitedOut429.count} responses outside the rate-limit probes were 429 and were waited out (${(r.waitedOut429.totalWaitMs / 1000).toFixed(1)} s in all); they are not blamed on any rule.`);
  o.push('', '## Probes', '', '| probe | result | requests | ms |', '|---|---|---|---|');
  for (const p of r.probes) o.push(`| ${p.id} | ${p.status}${p.status === 'skip' ? `: ${p.reason}` : ''} | ${p.requests} | ${p.durationMs} |`);
  o.push('');
  return o.join('\n');
}

export function renderSummary(r: ConformanceReport, paths: string[]): string {
  const o: string[] = [];
  o.push(`Conformance of ${r.target.baseUrl}${r.target.simulator ? ' (simulator)' : ''}: ${r.totals.pass} rules passed, ${r.totals.fail} failed, ${r.totals.skip} skipped`);
  if (r.overrideNotes.length) o.push(`Overrides in force (${r.overrideNotes.length}): see the report's first section.`);
  o.push('', ...matrixLines(r, false), `  (✓ verified  ✗ failed  s skipped  ? not exercised  · n/a)`);
  for (const f of r.rules.filter((x) => x.status === 'fail').slice(0, 10)) o.push(`  FAIL ${f.id}: ${f.failures[0]!.message.slice(0, 150)}`);
  const skipped = r.rules.filter((x) => x.status === 'skip');
  const byK6 = skipped.filter((x) => /k6/.test(x.note ?? ''));
  const other = skipped.filter((x) => !byK6.includes(x));
  if (byK6.length) o.push(`  judged by the k6 scenarios, not here: ${byK6.map((x) => x.id).join(', ')}`);
  for (const x of other) o.push(`  skipped ${x.id}: ${(x.note ?? '').slice(0, 140)}`);
  if (r.waitedOut429.count) o.push(`  ${r.waitedOut429.count} unexpected 429s were waited out (pacing), not blamed on any rule`);
  o.push(`${r.requests} requests in ${(r.durationMs / 1000).toFixed(1)} s. Reports: ${paths.join(', ')}`);
  return o.join('\n');
}

/** Belt and braces: whatever a report holds, no key leaves in full. */
export function scrub(text: string, keys: string[]): string {
  return redactSecrets(text, keys);
}
