// In-memory state: orgs with their templates (static, seeded) and runs (created at run time),
// and each org's run quota. Template responses are serialized once, because templates never
// change; a run is serialized once when created.
import { seededUuid, newRunId } from './ids';
import type { Run, Template } from '../lib/api-types';

export type { Run, Template };

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
    private readonly paging: PagingFaults = NO_PAGING_FAULTS,
    upperCaseIds = false,
  ) {
    const list: Template[] = [];
    for (let i = 0; i < templateCount; i++) {
      const n = String(i + 1).padStart(3, '0');
      const uuid = seededUuid(`${seed}:${id}:template:${i}`);
      // ids.uppercase-template-ids: the id generator formats the UUID upper case.
      const tid = upperCaseIds ? `T-${uuid.toUpperCase()}` : `t-${uuid}`;
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
    const slice = pageSlice(total, page, perPage, this.paging);
    const body = Buffer.from(JSON.stringify({ data: this.templates.slice(slice.start, slice.end), pagination: slice.pagination }));
    if ((page - 1) * perPage < total) (this.pageCache[perPage] ??= [])[page] = body;
    return body;
  }
}

function byCreatedThenId(a: { created_at: string; id: string }, b: { created_at: string; id: string }): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface Pagination {
  total: number;
  page: number;
  per_page: number;
  next_page: number | null;
}

export function pagination(total: number, page: number, perPage: number): Pagination {
  return { total, page, per_page: perPage, next_page: page * perPage < total ? page + 1 : null };
}

/** Pagination bugs (the pagination.* faults), all in the offset arithmetic of pageSlice. */
export interface PagingFaults {
  /** pagination.repeat-item: pages after the first start one item early. */
  readonly repeat?: boolean;
  /** pagination.skip-item: pages after the first start one item late. */
  readonly skip?: boolean;
  /** pagination.wrong-total: pages after the first (that hold items) say total + 1. */
  readonly wrongTotal?: boolean;
  /** pagination.next-on-last: the last page (that holds items) says next_page = page + 1. */
  readonly nextOnLast?: boolean;
  /** pagination.short-pages: pages after the first end one item early. */
  readonly shortPages?: boolean;
}
export const NO_PAGING_FAULTS: PagingFaults = {};

/** The [start, end) of a page over `total` items, and its pagination object. */
export function pageSlice(total: number, page: number, perPage: number, f: PagingFaults = NO_PAGING_FAULTS): { start: number; end: number; pagination: Pagination } {
  const offset = (page - 1) * perPage;
  const count = Math.max(0, Math.min(perPage, total - offset));
  const p = pagination(total, page, perPage);
  let start = offset;
  if (page > 1 && count > 0) {
    if (f.repeat) start = offset - 1;
    else if (f.skip) start = offset + 1;
    if (f.wrongTotal) p.total = total + 1;
  }
  if (f.nextOnLast && count > 0 && p.next_page === null) p.next_page = page + 1;
  const end = Math.min(start + count, total);
  return { start, end: f.shortPages && page > 1 && count > 0 ? end - 1 : end, pagination: p };
}

/** How the store misbehaves (faults); the default is correct behaviour. */
export interface StoreBehaviour {
  /** false: status.no-quota (the run quota is neither checked nor spent). */
  readonly enforceQuota?: boolean;
  /** runs.expiry-off-by-one-hour: added to the serialized expires_at only (expiry stays right). */
  readonly expiresAtSkewMs?: number;
  readonly paging?: PagingFaults;
  /** org.list-all-orgs: GET /v1/runs lists the runs of every org. */
  readonly listAllOrgs?: boolean;
  /** ids.uppercase-template-ids: template ids are 'T-' + an upper-case UUID. */
  readonly upperCaseTemplateIds?: boolean;
}

export type CreateRunResult =
  | { ok: true; json: string }
  | { ok: false; error: 'template_not_found' | 'quota_exceeded' };

export type GetRunResult = { ok: true; json: string; run: Run } | { ok: false; error: 'run_not_found' | 'run_expired' };

export class Store {
  readonly orgs = new Map<string, Org>();
  private readonly runsById = new Map<string, StoredRun>();

  private readonly enforceQuota: boolean;
  private readonly expiresAtSkewMs: number;
  private readonly paging: PagingFaults;
  private readonly listAllOrgs: boolean;

  constructor(specs: readonly OrgSpec[], seed: string, behaviour: StoreBehaviour = {}) {
    this.listAllOrgs = behaviour.listAllOrgs ?? false;
    this.enforceQuota = behaviour.enforceQuota ?? true;
    this.expiresAtSkewMs = behaviour.expiresAtSkewMs ?? 0;
    this.paging = behaviour.paging ?? NO_PAGING_FAULTS;
    for (const s of specs) this.orgs.set(s.id, new Org(s.id, s.templates, s.runQuota, seed, this.paging, behaviour.upperCaseTemplateIds ?? false));
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
    if (this.enforceQuota) {
      if (org.runQuota <= 0) return { ok: false, error: 'quota_exceeded' };
      org.runQuota--;
    }
    const expiresMs = nowMs + hours * HOUR_MS;
    const run: Run = {
      id: newRunId(),
      template_id: templateId,
      expires_in_hours: hours,
      created_at: new Date(nowMs).toISOString(),
      expires_at: new Date(expiresMs + this.expiresAtSkewMs).toISOString(),
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
    return { ok: true, json: s.json, run: s.run };
  }

  /** The org owning a run id, whichever org asks (the cross-org faults need it). */
  runOrg(runId: string): string | undefined {
    return this.runsById.get(runId)?.orgId;
  }

  /** The org's unexpired runs, in list order. */
  private liveRuns(orgId: string, nowMs: number): StoredRun[] {
    const org = this.org(orgId);
    if (!this.listAllOrgs) return org.runs.filter((r) => r.expiresMs > nowMs);
    const all: StoredRun[] = [];
    for (const o of this.orgs.values()) for (const r of o.runs) if (r.expiresMs > nowMs) all.push(r);
    return all.sort((a, b) => byCreatedThenId(a.run, b.run));
  }

  liveRunCount(orgId: string, nowMs: number): number {
    return this.liveRuns(orgId, nowMs).length;
  }

  /** Serialized RunList of the org's unexpired runs. */
  runPage(orgId: string, page: number, perPage: number, nowMs: number): string {
    const live = this.liveRuns(orgId, nowMs);
    const slice = pageSlice(live.length, page, perPage, this.paging);
    const data = live.slice(slice.start, slice.end).map((r) => r.json);
    return `{"data":[${data.join(',')}],"pagination":${JSON.stringify(slice.pagination)}}`;
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
