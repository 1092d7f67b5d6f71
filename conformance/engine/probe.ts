// A probe exercises one behaviour of the API and records, per contract rule, whether it held,
// with the exchanges as evidence. Probes are plain async functions over a ProbeContext, so the
// vitest suite runs them against the target and the self-tests run the very same probes
// against broken servers and assert that they fail.
import type { ResolvedContract } from '../../lib/contract';
import { ruleById } from '../../lib/contract';
import { validate, type SchemaName } from '../../lib/validate';
import { presentedKeysOf, redactFragments } from '../../lib/checks';
import { redactSecrets } from '../../lib/redact';
import { keyVariable, type KeyRole, type Target } from '../../lib/target';
import type { Client, RequestOptions } from './client';
import { describeExchange, toEvidence, type Evidence, type Exchange } from './exchange';
import { passiveChecks, driftOf } from './passive';
import { operationOf } from './operations';
import type { SimControl } from './sim-control';
import type { RunLedger } from './state-file';
import type { RuleId } from '../../lib/contract';

export interface Outcome {
  rule: RuleId;
  ok: boolean;
  message: string;
  evidence: Evidence[];
}

export interface Probe {
  id: string; // '<rule family>.<what>', unique
  title: string;
  family: string;
  /** Rules this probe checks actively (the passive rules are checked on every exchange). */
  rules: RuleId[];
  /** Cells of the operation × status matrix this probe verifies. */
  covers?: Array<[operation: string, status: number]>;
  /** It creates runs (POST /runs): skipped in read-only mode with READ_ONLY_REASON. */
  writes?: true;
  /** Only some of its requests write: in read-only mode it runs without them (ctx.readOnly). */
  writesSome?: true;
  run(ctx: ProbeContext): Promise<void>;
}

/** Why a write probe did not run (RUNDUN_READ_ONLY=yes). */
export const READ_ONLY_REASON = 'read-only mode (RUNDUN_READ_ONLY=yes): this probe creates runs';

/** Methods that never change state; read-only mode sends no other. */
export const SAFE_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];

/**
 * The probes that sent a write (any method but a safe one) without being flagged `writes` or
 * `writesSome`, from a log of what each probe sent: read-only mode would refuse them mid-run.
 */
export function unflaggedWriters(registry: ReadonlyArray<Pick<Probe, 'id' | 'writes' | 'writesSome'>>, sent: ReadonlyArray<{ probe: string; method: string }>): string[] {
  const flagged = new Set(registry.filter((p) => p.writes || p.writesSome).map((p) => p.id));
  return [...new Set(sent.filter((s) => !SAFE_METHODS.includes(s.method.toUpperCase()) && !flagged.has(s.probe)).map((s) => s.probe))];
}

export interface ProbeEnv {
  target: Target;
  contract: ResolvedContract;
  client: Client;
  sim?: SimControl; // only against the simulator
  /** Time one probe may take; past it the probe stops at its next request and fails. */
  probeBudgetMs?: number;
  /** RUNDUN_READ_ONLY=yes: write probes skip, and no request other than a GET is sent. */
  readOnly?: boolean;
  /** The runs recorded for a later run to verify (RUNDUN_STATE_FILE); absent: none kept. */
  ledger?: RunLedger;
}

export type ProbeStatus = 'pass' | 'fail' | 'skip';

export interface ProbeResult {
  probe: string;
  title: string;
  family: string;
  rules: RuleId[];
  status: ProbeStatus;
  reason?: string; // skip reason, or the first failure
  outcomes: Outcome[];
  /** Passive checks that held, by rule: how many exchanges they held on. */
  passiveHeld: Record<string, number>;
  covers: Array<[string, number]>;
  /** Verdicts on covered matrix cells, from the exchanges each check was judged on. */
  cells: Array<[operation: string, status: number, ok: boolean]>;
  tally: Array<[operation: string, status: number]>;
  drift: Array<{ schema: string; path: string; request: string }>;
  requests: number;
  durationMs: number;
}

export class SkipProbe extends Error {}
/** A probe that is not flagged `writes` tried to write in read-only mode: refused, and a failure. */
class ReadOnlyViolation extends Error {}
/** Thrown when a probe runs past its time budget: a failure, never a silent gap. */
class BudgetExceeded extends Error {}
/** Thrown to stop a probe whose preconditions failed; the failure is already recorded. */
class StopProbe extends Error {}

export class ProbeContext {
  readonly outcomes: Outcome[] = [];
  readonly exchanges: Exchange[] = [];
  readonly passiveHeld: Record<string, number> = {};
  readonly drift: ProbeResult['drift'] = [];
  readonly cells: ProbeResult['cells'] = [];
  /** Matrix cells this probe verifies (from Probe.covers). */
  covers: Array<[string, number]> = [];

  private readonly deadline: number;

  constructor(readonly env: ProbeEnv) {
    this.deadline = Date.now() + (env.probeBudgetMs ?? 600_000);
  }

  get params() {
    return this.env.contract.params;
  }
  get target() {
    return this.env.target;
  }

  /** The key for a role, or skip the probe saying which fixture is missing. */
  key(role: KeyRole): { role: string; value: string } {
    const value = this.env.target.keys[role];
    if (!value) throw new SkipProbe(`needs the '${role}' key (fixtures keys.${role}, or ${keyVariable(role)})`);
    return { role, value };
  }

  /** Simulator-only controls (clock, 500 trigger); skips elsewhere with the reason. */
  sim(what: string): SimControl {
    if (!this.env.sim) throw new SkipProbe(`${what} can only be provoked on the simulator (no admin surface on this target)`);
    return this.env.sim;
  }

  skip(reason: string): never {
    throw new SkipProbe(reason);
  }

  get readOnly(): boolean {
    return this.env.readOnly === true;
  }

  /** The probe is about to create runs: in read-only mode it skips with READ_ONLY_REASON. */
  needWrites(): void {
    if (this.readOnly) throw new SkipProbe(READ_ONLY_REASON);
  }

  /** A matrix cell this run does not exercise after all (a write case left out in read-only mode). */
  uncover(operation: string, status: number): void {
    this.covers = this.covers.filter(([o, s]) => o !== operation || s !== status);
  }

  async call(method: string, path: string, opts: RequestOptions = {}): Promise<Exchange> {
    if (Date.now() > this.deadline)
      throw new BudgetExceeded(`probe exceeded its time budget of ${Math.round((this.env.probeBudgetMs ?? 600_000) / 1000)} s after ${this.exchanges.length} requests (RUNDUN_PROBE_BUDGET_MS; a slow target or a low pace)`);
    // The guard behind the `writes` flags: in read-only mode nothing but a read leaves here.
    if (this.readOnly && !SAFE_METHODS.includes(method.toUpperCase()))
      throw new ReadOnlyViolation(`read-only mode (RUNDUN_READ_ONLY=yes): refused to send ${method} ${path.split('?')[0]}; a probe that writes must say so (writes: true, or writesSome: true and leave the write out when ctx.readOnly)`);
    const ex = await this.env.client.request(method, path, opts);
    this.exchanges.push(ex);
    for (const pc of passiveChecks) {
      if (!pc.applies(ex) || this.env.contract.skipped[pc.rule]) continue;
      const failure = pc.check(ex, this.env.contract);
      if (failure) this.record(pc.rule, false, failure, [ex]);
      else this.passiveHeld[pc.rule] = (this.passiveHeld[pc.rule] ?? 0) + 1;
    }
    const d = driftOf(ex);
    if (d) for (const path of d.paths) this.drift.push({ schema: d.schema, path, request: `${ex.method} ${ex.path.split('?')[0]}` });
    return ex;
  }

  /** Records a verdict for a rule. Returns ok so callers can branch. */
  check(rule: RuleId, ok: boolean, message: string, exchanges: Exchange[] = []): boolean {
    this.record(rule, ok, message, exchanges);
    return ok;
  }

  /** Status must be one of `expected`; otherwise fail `rule` and stop the probe. */
  expectStatus(rule: RuleId, ex: Exchange, expected: number | number[], what = ''): void {
    const list = Array.isArray(expected) ? expected : [expected];
    const ok = list.includes(ex.status);
    const msg = ok
      ? `${what || 'response'}: ${ex.status} as expected`
      : `${what ? what + ': ' : ''}expected ${list.join(' or ')}, got ${ex.error ? 'no response' : ex.status} — ${describeExchange(ex)}`;
    this.record(rule, ok, msg, [ex]);
    if (!ok) throw new StopProbe(msg);
  }

  /** The error body's code must be `code` (status checked separately). */
  expectErrorCode(rule: RuleId, ex: Exchange, code: string | string[]): void {
    const codes = Array.isArray(code) ? code : [code];
    const got = (ex.json as { error?: unknown } | undefined)?.error;
    const ok = typeof got === 'string' && codes.includes(got);
    this.record(rule, ok, ok ? `error code ${got}` : `expected error code ${codes.join(' or ')}, got ${JSON.stringify(got)} — ${describeExchange(ex)}`, [ex]);
  }

  /** Body must match a schema; returns the typed body or stops the probe. */
  expectBody<T>(rule: RuleId, ex: Exchange, schema: SchemaName): T {
    if (ex.jsonError !== undefined) {
      const msg = `expected a ${schema} body, got non-JSON (${ex.jsonError}) — ${describeExchange(ex)}`;
      this.record(rule, false, msg, [ex]);
      throw new StopProbe(msg);
    }
    const issues = validate(schema, ex.json);
    if (issues.length > 0) {
      const msg = `body does not match ${schema}: ${issues.slice(0, 3).map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')} — ${describeExchange(ex)}`;
      this.record(rule, false, msg, [ex]);
      throw new StopProbe(msg);
    }
    return ex.json as T;
  }

  /** Fails `rule` and stops the probe. */
  fail(rule: RuleId, message: string, exchanges: Exchange[] = []): never {
    this.record(rule, false, message, exchanges);
    throw new StopProbe(message);
  }

  private record(rule: RuleId, ok: boolean, message: string, exchanges: Exchange[]): void {
    ruleById(rule); // unknown ids are programming errors: fail loudly
    if (this.env.contract.skipped[rule]) return;
    for (const ex of exchanges) {
      const op = operationOf(ex.method, ex.path);
      if (op && this.covers.some(([o, st]) => o === op && st === ex.status)) this.cells.push([op, ex.status, ok]);
    }
    // A message may quote a response (a body, a header) that echoed part of a presented key:
    // cut every recognisable fragment of the keys these exchanges presented.
    const keys = [...new Set(exchanges.flatMap((ex) => presentedKeysOf(ex.requestHeaders)))];
    this.outcomes.push({ rule, ok, message: keys.length ? redactFragments(redactSecrets(message, keys), keys) : message, evidence: exchanges.slice(0, 3).map(toEvidence) });
  }
}


export async function runProbe(probe: Probe, env: ProbeEnv): Promise<ProbeResult> {
  const ctx = new ProbeContext(env);
  ctx.covers = probe.covers ?? [];
  const started = Date.now();
  let status: ProbeStatus = 'pass';
  let reason: string | undefined;
  const skipRule = probe.rules.find((r) => env.contract.skipped[r]);
  try {
    if (probe.writes && env.readOnly) throw new SkipProbe(READ_ONLY_REASON);
    if (skipRule && probe.rules.every((r) => env.contract.skipped[r])) throw new SkipProbe(`rule ${skipRule} is skipped on this target: ${env.contract.skipped[skipRule]}`);
    await probe.run(ctx);
  } catch (e) {
    if (e instanceof SkipProbe) {
      status = 'skip';
      reason = e.message;
    } else if (e instanceof BudgetExceeded || e instanceof ReadOnlyViolation) {
      for (const rule of probe.rules) ctx.outcomes.push({ rule, ok: false, message: e.message, evidence: ctx.exchanges.slice(-1).map(toEvidence) });
    } else if (!(e instanceof StopProbe)) {
      // A bug in a probe or an unexpected shape from the server: report, never crash the run.
      ctx.outcomes.push({ rule: probe.rules[0]!, ok: false, message: `probe error: ${(e as Error).message}`, evidence: ctx.exchanges.slice(-2).map(toEvidence) });
    }
  }
  const failed = ctx.outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    status = 'fail';
    reason = failed[0]!.message;
  }
  if (status === 'pass' && !probe.rules.some((r) => ctx.outcomes.some((o) => o.rule === r && o.ok)))
    // A probe that asserted nothing about its own rules must not count as a pass.
    ctx.outcomes.push({ rule: probe.rules[0]!, ok: false, message: 'probe recorded no verdict for its rules', evidence: [] }), (status = 'fail'), (reason = 'probe recorded no verdict for its rules');
  return {
    probe: probe.id,
    title: probe.title,
    family: probe.family,
    rules: probe.rules,
    status,
    reason,
    outcomes: ctx.outcomes,
    passiveHeld: ctx.passiveHeld,
    covers: ctx.covers,
    cells: ctx.cells,
    tally: ctx.exchanges.filter((e) => e.status > 0).map((e) => [operationOf(e.method, e.path) ?? 'other', e.status]),
    drift: ctx.drift,
    requests: ctx.exchanges.length,
    durationMs: Date.now() - started,
  };
}
