// In-memory state: orgs with their templates (static, seeded) and runs (created at run time),
// and each org's run quota. Template responses are serialized once, because templates never
// change; a run is serialized once when created.
import { seededUuid, newRunId } from './ids';

export interface Template {
  id: string;
  name: string;
  description?: string;
  created_at: string;
}

export interface Run {
  id: string;
  template_id: string;
  expires_in_hours: number;
  created_at: string;
  expires_at: string;
}

interface StoredRun {
  run: Run;
  orgId: string;
  createdMs: number;
  expiresMs: number;
  json: string;
}

export interface OrgSpec {
  id: string;
  templates: number;
  runQuota: number;
}

export interface Page<T> {
  data: T[];
  total: number;
}

const HOUR_MS = 3_600_000;
// Seeded templates start here, two per hour, so pairs share created_at and the id tie-break
// of the ordering is exercised.
const TEMPLATE_EPOCH_MS = Date.UTC(2024, 0, 1);

export class Org {
  readonly templates: readonly Template[];
  readonly templateJson = new Map<string, Buffer>();
  readonly runs: StoredRun[] = []; // sorted by created_at, then id
  runQuota: number;
  // Serialized template pages, cache[perPage][page]; bounded (only pages that hold data).
  private readonly pageCache: (Buffer | undefined)[][] = [];

  constructor(
    readonly id: string,
    templateCount: number,
    runQuota: number,
    seed: string,
  ) {
    const list: Template[] = [];
    for (let i = 0; i < templateCount; i++) {
      const n = String(i + 1).padStart(3, '0');
      const tid = `t-${seededUuid(`${seed}:${id}:template:${i}`)}`;
      const name = `Org ${id} template ${n}`;
      const createdAt = new Date(TEMPLATE_EPOCH_MS + Math.floor(i / 2) * HOUR_MS).toISOString();
      // description is optional in the contract: every third template goes without.
      list.push(
        i % 3 === 2
          ? { id: tid, name, created_at: createdAt }
          : { id: tid, name, description: `Seeded template ${n} of org ${id}.`, created_at: createdAt },
      );
    }
    list.sort(byCreatedThenId);
    this.templates = list;
    for (const t of list) this.templateJson.set(t.id, Buffer.from(JSON.stringify(t)));
    this.runQuota = runQuota;
  }

  /** Serialized TemplateList for a page, cached for pages within range. */
  templatePage(page: number, perPage: number): Buffer {
    const cached = this.pageCache[perPage]?.[page];
    if (cached !== undefined) return cached;
    const total = this.templates.length;
    const start = (page - 1) * perPage;
    const body = Buffer.from(
      JSON.stringify({
        data: this.templates.slice(start, start + perPage),
        pagination: pagination(total, page, perPage),
      }),
    );
    if (start < total) (this.pageCache[perPage] ??= [])[page] = body;
    return body;
  }
}

function byCreatedThenId(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function pagination(total: number, page: number, perPage: number) {
  return { total, page, per_page: perPage, next_page: page * perPage < total ? page + 1 : null };
}

export type CreateRunResult =
  | { ok: true; json: string }
  | { ok: false; error: 'template_not_found' | 'quota_exceeded' };

export type GetRunResult = { ok: true; json: string } | { ok: false; error: 'run_not_found' | 'run_expired' };

export class Store {
  readonly orgs = new Map<string, Org>();
  private readonly runsById = new Map<string, StoredRun>();

  constructor(specs: readonly OrgSpec[], seed: string) {
    for (const s of specs) this.orgs.set(s.id, new Org(s.id, s.templates, s.runQuota, seed));
  }

  org(id: string): Org {
    const o = this.orgs.get(id);
    if (o === undefined) throw new Error(`unknown org ${id}`);
    return o;
  }

  /** Synchronous from check to decrement, so concurrent creates can never overdraw a quota. */
  createRun(orgId: string, templateId: string, hours: number, nowMs: number): CreateRunResult {
    const org = this.org(orgId);
    if (!org.templateJson.has(templateId)) return { ok: false, error: 'template_not_found' };
    if (org.runQuota <= 0) return { ok: false, error: 'quota_exceeded' };
    org.runQuota--;
    const expiresMs = nowMs + hours * HOUR_MS;
    const run: Run = {
      id: newRunId(),
      template_id: templateId,
      expires_in_hours: hours,
      created_at: new Date(nowMs).toISOString(),
      expires_at: new Date(expiresMs).toISOString(),
    };
    const stored: StoredRun = { run, orgId, createdMs: nowMs, expiresMs, json: JSON.stringify(run) };
    insertSorted(org.runs, stored);
    this.runsById.set(run.id, stored);
    return { ok: true, json: stored.json };
  }

  /** Another org's run answers exactly like an unknown id. */
  getRun(orgId: string, runId: string, nowMs: number): GetRunResult {
    const s = this.runsById.get(runId);
    if (s === undefined || s.orgId !== orgId) return { ok: false, error: 'run_not_found' };
    if (nowMs >= s.expiresMs) return { ok: false, error: 'run_expired' };
    return { ok: true, json: s.json };
  }

  /** Serialized RunList of the org's unexpired runs. */
  runPage(orgId: string, page: number, perPage: number, nowMs: number): string {
    const live = this.org(orgId).runs.filter((r) => r.expiresMs > nowMs);
    const start = (page - 1) * perPage;
    const data = live.slice(start, start + perPage).map((r) => r.json);
    return `{"data":[${data.join(',')}],"pagination":${JSON.stringify(pagination(live.length, page, perPage))}}`;
  }

  get runCount(): number {
    return this.runsById.size;
  }
}

function insertSorted(list: StoredRun[], r: StoredRun): void {
  // Runs arrive in time order almost always: scan back from the end.
  let i = list.length;
  while (i > 0 && byCreatedThenId((list[i - 1] as StoredRun).run, r.run) > 0) i--;
  list.splice(i, 0, r);
}
