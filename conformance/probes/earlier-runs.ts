// runs.expired-from-earlier-run: 410 across suite runs. Each run checks the short-lived runs
// that earlier runs recorded (conformance/engine/state-file.ts) and, where it may write, records
// one more for a later run. So 410 is verified on staging without waiting inside one run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyRole } from '../../lib/target';
import type { Exchange } from '../engine/exchange';
import { describeExchange } from '../engine/exchange';
import type { Probe, ProbeContext } from '../engine/probe';
import { RunLedger, type RecordedRun } from '../engine/state-file';
import { createRun } from './helpers';
import { redactKey } from '../../lib/redact';

/** A run counts as expired this long after its expires_at (Date headers have 1 s resolution). */
export const EXPIRY_GRACE_MS = 60_000;
/** Records checked per run at most (each costs one GET). */
const MAX_CHECKS = 20;

export type RecordedVerdict =
  | { kind: 'pass' | 'fail'; keep: boolean; message: string }
  | { kind: 'pending' | 'unjudged'; keep: boolean; message: string };

/**
 * What GET /runs/{id} of a recorded run says, judged on the server's own clock (its Date
 * header, which follows the simulator's advanced clock too; the local clock without one).
 * Verified (410) and vanished (404) records are dropped; a 404 for a run past its expiry fails
 * the rule all the same; a run still served after expiry fails and is kept to be asked again.
 */
export function judgeRecorded(rec: RecordedRun, ex: Pick<Exchange, 'status' | 'headers' | 'error'>, localNow: number): RecordedVerdict {
  const dated = Date.parse(ex.headers['date'] ?? '');
  const now = Number.isNaN(dated) ? localNow : dated;
  const expired = now >= Date.parse(rec.expires_at) + EXPIRY_GRACE_MS;
  const at = `run ${rec.id} (expired at ${rec.expires_at}, server time ${new Date(now).toISOString()})`;
  if (ex.status === 0 || ex.status === 429 || ex.status >= 500) return { kind: 'unjudged', keep: true, message: `${at}: ${ex.error ?? ex.status}, asked again next run` };
  if (!expired) {
    if (ex.status === 404) return { kind: 'unjudged', keep: false, message: `run ${rec.id} answered 404 before its expiry (${rec.expires_at}): gone from this target, dropped` };
    return { kind: 'pending', keep: true, message: `run ${rec.id} expires at ${rec.expires_at}` };
  }
  if (ex.status === 410) return { kind: 'pass', keep: false, message: `${at} → 410` };
  if (ex.status === 404) return { kind: 'fail', keep: false, message: `${at} → 404: an expired run must answer 410 run_expired, not 404 (dropped: it has vanished; if the target lost its data since, a reset staging, this is not the server's 410 at fault)` };
  if (ex.status === 200) return { kind: 'fail', keep: true, message: `${at} → 200: still served after its expiry (asked again next run)` };
  return { kind: 'fail', keep: true, message: `${at} → ${ex.status}: expected 410 run_expired` };
}

/** Checks every record of this target that a key is configured for; returns how many were judged. */
async function verifyRecorded(ctx: ProbeContext, ledger: RunLedger, notes: string[]): Promise<{ judged: number; pending: RecordedRun[] }> {
  const base = ctx.target.baseUrl;
  let judged = 0;
  const pending: RecordedRun[] = [];
  const records = ledger.runsFor(base);
  let asked = 0;
  for (const rec of records) {
    const role = rec.key_role as KeyRole;
    const key = ctx.target.keys[role];
    if (!key) {
      notes.push(`run ${rec.id} was created with the '${rec.key_role}' key, which this run does not have: kept`);
      continue;
    }
    // Another key under the same role (another org's, a rotated one) may not see the run: a 404
    // then says nothing about 410. Not comparable, so dropped without a verdict.
    if (rec.key_hint !== undefined && rec.key_hint !== redactKey(key)) {
      ledger.drop(base, rec.id);
      notes.push(`run ${rec.id} was created with another '${rec.key_role}' key (${rec.key_hint}): not comparable, dropped`);
      continue;
    }
    // Only the GETs count against the budget: records that cannot be asked never starve newer ones.
    if (asked++ >= MAX_CHECKS) {
      notes.push(`more than ${MAX_CHECKS} recorded runs: the rest are checked next run`);
      break;
    }
    const ex = await ctx.call('GET', `/runs/${rec.id}`, { key: ctx.key(role) });
    const v = judgeRecorded(rec, ex, Date.now());
    if (!v.keep) ledger.drop(base, rec.id);
    if (v.kind === 'pending') pending.push(rec);
    else if (v.kind === 'unjudged') notes.push(v.message);
    else {
      judged++;
      ctx.check('status.410-gone', v.kind === 'pass', v.kind === 'pass' ? v.message : `${v.message} — ${describeExchange(ex)}`, [ex]);
      if (ex.status === 410) ctx.expectErrorCode('status.410-gone', ex, 'run_expired');
    }
  }
  ledger.save();
  return { judged, pending };
}

/** Creates one short-lived run and records it (id, timestamps, key role: never the key). */
async function recordOne(ctx: ProbeContext, ledger: RunLedger): Promise<RecordedRun> {
  const run = await createRun(ctx, 'primary', ctx.params.expiresInHoursMin);
  const key = ctx.target.keys.primary;
  const rec: RecordedRun = { id: run.id, base_url: ctx.target.baseUrl, key_role: 'primary', ...(key ? { key_hint: redactKey(key) } : {}), created_at: run.created_at, expires_at: run.expires_at };
  ledger.record(rec);
  ledger.save();
  return rec;
}

export const earlierRunProbes: Probe[] = [
  {
    id: 'runs.expired-from-earlier-run',
    title: 'GET /runs/{id} of runs an earlier suite run recorded, now past expiry → 410 run_expired',
    family: 'status',
    rules: ['status.410-gone'],
    covers: [['getRun', 410]],
    writesSome: true,
    async run(ctx) {
      if (!ctx.env.ledger) return emulateTwoRuns(ctx);
      const ledger = ctx.env.ledger;
      const notes = ledger.problem ? [ledger.problem] : [];
      const { judged, pending } = await verifyRecorded(ctx, ledger, notes);
      // One pending record per target is enough: a later run verifies it.
      if (!ctx.readOnly && pending.length === 0 && ledger.writable) {
        const rec = await recordOne(ctx, ledger);
        notes.push(`recorded run ${rec.id} (expires ${rec.expires_at}) in ${ledger.path} for a later run`);
      } else if (pending.length > 0) notes.push(`${pending.length} recorded run(s) not yet expired (next: ${pending.map((r) => r.expires_at).sort()[0]})`);
      else if (ctx.readOnly) notes.push('read-only mode: no new run recorded');
      if (judged === 0) ctx.skip(`no recorded run has expired yet on this target: ${notes.join('; ')}`);
    },
  },
];

/**
 * No state file (a target that forgets its runs, like the simulator started in-process): on the
 * simulator, two runs in one — record, set the file down, advance the clock past expiry, read
 * the file back as a later run would, and verify. Elsewhere there is nothing to go on.
 */
async function emulateTwoRuns(ctx: ProbeContext): Promise<void> {
  const sim = ctx.sim('410 across runs without a state file (RUNDUN_STATE_FILE)');
  ctx.needWrites();
  const dir = mkdtempSync(join(tmpdir(), 'rundun-state-'));
  try {
    const path = join(dir, 'runs.json');
    const first = new RunLedger(path);
    const rec = await recordOne(ctx, first);
    await sim.advanceClock(ctx.params.expiresInHoursMin * 3600 + EXPIRY_GRACE_MS / 1000 + 1);
    const later = new RunLedger(path);
    const notes: string[] = [];
    const { judged } = await verifyRecorded(ctx, later, notes);
    if (judged === 0) ctx.fail('status.410-gone', `run ${rec.id} was not judged after the clock passed its expiry: ${notes.join('; ') || 'not read back from the state file'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
