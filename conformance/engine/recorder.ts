// Probe results travel from the vitest worker to the report writer (globalSetup teardown, in
// the main process) as JSON lines in a per-run folder: simple, and robust to worker crashes.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeResult } from './probe';
import type { Evidence } from './exchange';
import type { RuleId } from '../../lib/contract';

export type RunEvent =
  | { kind: 'started'; probe: string; title: string; family: string; rules: RuleId[] }
  | { kind: 'probe'; result: ProbeResult }
  | { kind: 'waited-out-429'; probe: string; waitMs: number; evidence: Evidence };

export function recordEvent(runDir: string, event: RunEvent): void {
  mkdirSync(runDir, { recursive: true });
  appendFileSync(join(runDir, `events-${process.pid}.jsonl`), `${JSON.stringify(event)}\n`);
}

export function readEvents(runDir: string): RunEvent[] {
  let files: string[];
  try {
    files = readdirSync(runDir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(runDir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RunEvent),
  );
}
