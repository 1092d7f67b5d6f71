// "Send a request, expect a status and an error code" as data: one row per case, one runner.
// Rows sharing a probe id make one probe; the probe's rules are the rows' rules, in order.
import type { RuleId } from '../../lib/contract';
import type { KeyRole } from '../../lib/target';
import type { Probe, ProbeContext } from '../engine/probe';
import { describeExchange } from '../engine/exchange';
import { someTemplateId } from './helpers';

export interface RowRequest {
  /** Names the case in verdict messages, e.g. "template t-…" or "body {}". */
  what: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Key role (default primary). */
  key?: KeyRole;
}

/** What a row's request may depend on: resolved per probe run, on first use. */
export interface RowInputs {
  params: ProbeContext['params'];
  /** A template the primary key sees (listed once per probe, only if a row asks). */
  templateId(): Promise<string>;
}

export interface StatusRow {
  probe: string;
  /** status: judged on the status; code: judged on the error body's code. */
  rules: { status: RuleId; code?: RuleId };
  request(inputs: RowInputs): RowRequest | Promise<RowRequest>;
  /** Expected status; a function when a contract parameter sets it. */
  status: number | ((params: ProbeContext['params']) => number);
  /** Accepted error codes; none for a success row. */
  code?: string | string[];
  /** Judge the code even when the status was wrong (default: only on the expected status). */
  codeAlways?: true;
}

export type ProbeMeta = Pick<Probe, 'id' | 'title' | 'family' | 'covers' | 'writes'>;

/** The probes of `meta`, each running its rows of `rows` in order. */
export function tableProbes(meta: ProbeMeta[], rows: StatusRow[]): Probe[] {
  return meta.map((m) => {
    const mine = rows.filter((r) => r.probe === m.id);
    if (mine.length === 0) throw new Error(`status table: probe ${m.id} has no rows`);
    const rules = [...new Set(mine.flatMap((r) => [r.rules.status, ...(r.rules.code ? [r.rules.code] : [])]))];
    return { ...m, rules, run: (ctx) => runRows(ctx, mine) };
  });
}

export async function runRows(ctx: ProbeContext, rows: StatusRow[]): Promise<void> {
  let template: Promise<string> | undefined;
  const inputs: RowInputs = { params: ctx.params, templateId: () => (template ??= someTemplateId(ctx)) };
  for (const row of rows) {
    const req = await row.request(inputs);
    const ex = await ctx.call(req.method, req.path, {
      key: ctx.key(req.key ?? 'primary'),
      ...(req.rawBody !== undefined ? { rawBody: req.rawBody, headers: req.headers } : { body: req.body, headers: req.headers }),
    });
    const got = ex.error ? 'no response' : String(ex.status);
    const expected = typeof row.status === 'function' ? row.status(ctx.params) : row.status;
    const ok = ex.status === expected;
    ctx.check(row.rules.status, ok, ok ? `${req.what} → ${got} as expected` : `${req.what} → ${got}: expected ${expected}, got ${got} — ${describeExchange(ex)}`, [ex]);
    if (row.code !== undefined && row.rules.code && (ok || row.codeAlways)) ctx.expectErrorCode(row.rules.code, ex, row.code);
  }
}
