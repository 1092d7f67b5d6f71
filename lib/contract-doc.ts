// Renders schemas/CONTRACT.md from schemas/contract.json, so the document people read and the
// registry the code checks against cannot drift apart (a test compares them).
import { contract, type Rule } from './contract';

const code = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(', ');

/** Who judges the rule: conformance probes, the per-response checks, k6 scenarios, the harness. */
function judgesText(r: Rule): string {
  const j = r.judges ?? {};
  const parts: string[] = [];
  if (j.probes?.length) parts.push(`probe ${code(j.probes)}`);
  if (j.passive) parts.push('passive (every response)');
  if (j.k6?.length) parts.push(`k6 ${code(j.k6)}`);
  if (j.harness) parts.push(`harness: ${esc(j.harness)}`);
  return parts.join('; ') || '**none**';
}

/** The simulator faults that break it (simulator/faults.ts), or why none can. */
function breakersText(r: Rule): string {
  if (r.breakers?.length) return `fault ${code(r.breakers)}`;
  return r.notBreakable ? `not breakable: ${esc(r.notBreakable)}` : '**none**';
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderContractMarkdown(): string {
  const out: string[] = [];
  out.push(`# ${contract.title}`, '');
  out.push(
    `Generated from \`schemas/contract.json\` by \`npm run contract:doc\`; edit the JSON, not this file.`,
    `Source of every quoted sentence: ${contract.source}.`,
    '',
    'Each rule has a stable id (used in test names, k6 check tags, and every report) and a tag:',
    '*documented* (the reference says so) or *assumed* (the reference is silent; the choice and',
    'the argument for it are written down). Assumptions are parameters or rules that a target can',
    'override (`RUNDUN_CONTRACT_OVERRIDES=<file>`, see README); every report lists the overrides',
    'in force at its top.',
    '',
    'Every rule also names who judges it (conformance probes by id, the passive per-response checks,',
    'k6 scenarios) and the simulator faults that break it (`--fault <name>`); test/contract/registry.test.ts',
    'holds the code to these lists.',
    '',
  );
  const families = [...new Set(contract.rules.map((r) => r.family))];
  for (const fam of families) {
    out.push(`## ${fam}`, '', '| id | tag | reference | what is checked | judged by | broken by |', '|---|---|---|---|---|---|');
    for (const r of contract.rules.filter((x) => x.family === fam)) {
      const check = r.assumption ? `${r.check} *Assumption:* ${r.assumption}` : r.check;
      out.push(`| \`${r.id}\`<br>${esc(r.label ?? '')} | ${r.tag}${r.severity === 'info' ? ' (info)' : ''} | “${esc(r.source)}” | ${esc(check)} | ${judgesText(r)} | ${breakersText(r)} |`);
    }
    out.push('');
  }
  out.push('## Parameters (overridable)', '', '| name | value | tag | why |', '|---|---|---|---|');
  for (const [name, p] of Object.entries(contract.parameters)) out.push(`| \`${name}\` | ${p.value} | ${p.tag} | ${esc(p.why)} |`);
  out.push('', '## Status codes and error codes', '', '| status | meaning (reference) | error codes |', '|---|---|---|');
  for (const [status, sc] of Object.entries(contract.statusCodes))
    out.push(`| ${status} | ${esc(sc.meaning)} | ${sc.errors.map((e) => `\`${e}\``).join(', ') || '—'} |`);
  out.push('', '## Operations', '', '| operation | method | path (under /v1) | statuses |', '|---|---|---|---|');
  for (const o of contract.operations) out.push(`| ${o.id} | ${o.method} | \`${o.path}\` | ${o.statuses.join(', ')} |`);
  out.push('');
  return out.join('\n');
}
