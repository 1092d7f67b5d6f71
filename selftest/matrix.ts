// The detection matrix: clean runs (every algorithm and Retry-After form, repeated) must report
// no failure and no informational finding; every fault must be caught, and the row shows by
// which rule ids. Load-only faults are judged by the k6 layer through a pluggable detector (see
// scripts/selftest.ts).
// Informational rules (drift.unknown-properties, ratelimit.retry-after-tight) never fail a run:
// a fault breaking one is "caught by" it when the run reports the finding (the conformance
// report lists drift; the retry-after scenario's tightness exceeds its allowed slack). Such ids
// are listed in caughtBy like failed rules, so "caught by the rule it breaks" reads the same.
import { detect, faultConfig, CLEAN_CONFIGS, type Detection } from './detect';
import type { LatencyOptions } from '../simulator/latency';

export interface FaultInfo {
  name: string;
  breaks: string;
  description: string;
  loadOnly?: boolean;
}

export interface LoadDetector {
  name: string; // e.g. 'k6 (real)' or 'k6 scenarios (emulated)'
  detect(fault: FaultInfo): Promise<{ caughtBy: string[]; note?: string } | null>; // null: cannot run here
}

export interface FaultRow {
  fault: FaultInfo;
  by: 'conformance' | 'load' | 'none';
  caughtBy: string[];
  designedRuleCaught: boolean;
  note?: string;
  durationMs: number;
}

export interface MatrixResult {
  clean: Detection[];
  faults: FaultRow[];
  cleanFailures: number;
  undetected: string[];
  notRun: string[];
  ok: boolean;
}

/** " at 50:10 ms" for labels, or "" on loopback. */
export const atDistance = (l?: LatencyOptions): string => (l ? ` at ${l.ms}:${l.jitterMs ?? 0} ms` : '');

export async function runMatrix(opts: {
  faults: FaultInfo[];
  repeat?: number;
  load?: LoadDetector;
  onProgress?: (line: string) => void;
  /** The clean runs at this network distance (each run its own seed); fault runs stay on loopback. */
  latency?: LatencyOptions;
}): Promise<MatrixResult> {
  const say = opts.onProgress ?? (() => {});
  const clean: Detection[] = [];
  let seed = opts.latency?.seed ?? 1;
  const distance = () => (opts.latency ? { latency: { ...opts.latency, seed: seed++ } } : {});
  for (let i = 1; i <= (opts.repeat ?? 1); i++)
    for (const cfg of CLEAN_CONFIGS) {
      const d = await detect(cfg, distance());
      clean.push({ ...d, label: `${d.label}${atDistance(opts.latency)} #${i}` });
      const found = Object.entries(cleanFindings(d));
      say(`${found.length === 0 ? 'ok  ' : 'FAIL'} ${d.label}${atDistance(opts.latency)} #${i} (${d.requests} requests, ${d.durationMs} ms)${found.length ? `: ${found.map(([r, m]) => `${r}: ${m}`).join(' | ')}` : ''}`);
    }
  const faults: FaultRow[] = [];
  for (const f of opts.faults) {
    const row = await detectFault(f, opts.load);
    faults.push(row);
    say(`${row.by === 'none' ? (row.note ? 'n/a ' : 'MISS') : 'ok  '} ${f.name}: ${row.caughtBy.join(', ') || row.note || 'undetected'}`);
  }
  const cleanFailures = clean.filter((d) => Object.keys(cleanFindings(d)).length > 0).length;
  const notRun = faults.filter((r) => r.by === 'none' && r.note).map((r) => r.fault.name);
  const undetected = faults.filter((r) => r.by === 'none' && !r.note).map((r) => r.fault.name);
  return { clean, faults, cleanFailures, undetected, notRun, ok: cleanFailures === 0 && undetected.length === 0 };
}

/** What makes a clean run unclean: a failed rule, or an informational finding (the simulator has no drift). */
export const cleanFindings = (d: Detection): Record<string, string> => ({ ...d.findings, ...d.failedRules });

export async function detectFault(f: FaultInfo, load?: LoadDetector, latency?: LatencyOptions): Promise<FaultRow> {
  const started = Date.now();
  if (!f.loadOnly) {
    const d = await detect(faultConfig(f.name), latency ? { latency } : {});
    const caughtBy = Object.keys(cleanFindings(d)).sort();
    return { fault: f, by: caughtBy.length ? 'conformance' : 'none', caughtBy, designedRuleCaught: caughtBy.includes(f.breaks), durationMs: Date.now() - started };
  }
  const r = load ? await load.detect(f) : null;
  if (!r) return { fault: f, by: 'none', caughtBy: [], designedRuleCaught: false, note: 'load-only: needs k6 (not found here); npm test covers it with the emulated k6 runs (test/k6/emulated-*.test.ts)', durationMs: Date.now() - started };
  return { fault: f, by: r.caughtBy.length ? 'load' : 'none', caughtBy: r.caughtBy, designedRuleCaught: r.caughtBy.includes(f.breaks), ...(r.note ? { note: r.note } : {}), durationMs: Date.now() - started };
}

export function renderMatrixMarkdown(m: MatrixResult, meta: { repeat: number; loadDetector: string; latency?: LatencyOptions }): string {
  const o: string[] = ['# Self-test: detection matrix', ''];
  if (meta.latency) o.push(`- Network distance of the clean runs: ${meta.latency.ms} ms round trip ± ${meta.latency.jitterMs ?? 0} ms (simulator --latency); fault runs on loopback`);
  o.push(`- Clean runs: ${m.clean.length} (${CLEAN_CONFIGS.length} configurations × ${meta.repeat}), failures: **${m.cleanFailures}**`);
  o.push(`- Faults: ${m.faults.length}; detected: **${m.faults.filter((r) => r.by !== 'none').length}**; undetected: **${m.undetected.length}**${m.notRun.length ? `; not runnable here: ${m.notRun.length}` : ''}`);
  o.push(`- Load-only faults judged by: ${meta.loadDetector}`, `- Verdict: **${m.ok ? 'PASS' : 'FAIL'}**`, '');
  o.push('## Clean runs', '', '| run | failed rules | requests | ms |', '|---|---|---|---|');
  for (const d of m.clean) o.push(`| ${d.label} | ${Object.entries(cleanFindings(d)).map(([r, msg]) => `${r}: ${msg.slice(0, 80)}`).join('; ') || 'none'} | ${d.requests} | ${d.durationMs} |`);
  o.push('', '## Faults', '', '| fault | designed to break | caught by | designed rule caught | by |', '|---|---|---|---|---|');
  for (const r of m.faults)
    o.push(`| \`${r.fault.name}\` | \`${r.fault.breaks}\` | ${r.caughtBy.map((x) => `\`${x}\``).join(', ') || (r.note ?? '**undetected**')} | ${r.by === 'none' ? '—' : r.designedRuleCaught ? 'yes' : 'no'} | ${r.by}${r.fault.loadOnly ? ' (load-only)' : ''} |`);
  o.push('', 'Informational rules (`drift.unknown-properties`, `ratelimit.retry-after-tight`) fail nothing: their faults are caught when the run reports the finding (drift listed; tightness above the allowed slack), and a clean run must report none.', '');
  return o.join('\n');
}
