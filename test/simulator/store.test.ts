// The in-memory store: seeded templates, run creation, quota, expiry boundary, ordering.
import { describe, expect, it } from 'vitest';
import { validate } from '../../lib/validate';
import { Store } from '../../simulator/store';

const V4 = /^[tr]-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const specs = [
  { id: 'a', templates: 123, runQuota: 3 },
  { id: 'b', templates: 7, runQuota: 1 },
];
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 1);

describe('seeded templates', () => {
  it('are deterministic per seed, valid v4-layout ids, valid Template documents', () => {
    const one = new Store(specs, 'seed-1').org('a').templates;
    const again = new Store(specs, 'seed-1').org('a').templates;
    const other = new Store(specs, 'seed-2').org('a').templates;
    expect(one.map((t) => t.id)).toEqual(again.map((t) => t.id));
    expect(one[0]?.id).not.toBe(other[0]?.id);
    expect(one).toHaveLength(123);
    for (const t of one) {
      expect(t.id).toMatch(V4);
      expect(validate('Template', t)).toEqual([]);
    }
    expect(one.some((t) => t.description === undefined)).toBe(true); // optional field really optional
  });

  it('orgs do not share template ids', () => {
    const s = new Store(specs, 'x');
    const a = new Set(s.org('a').templates.map((t) => t.id));
    expect(s.org('b').templates.filter((t) => a.has(t.id))).toEqual([]);
  });

  it('serves pages from a bounded cache: pages past the end are not kept', () => {
    const org = new Store(specs, 'x').org('a');
    expect(org.templatePage(1, 50)).toBe(org.templatePage(1, 50)); // same Buffer: cached
    expect(org.templatePage(9, 50)).not.toBe(org.templatePage(9, 50));
    expect(JSON.parse(org.templatePage(3, 50).toString()).data).toHaveLength(23);
  });
});

describe('runs', () => {
  const templateOf = (s: Store, org: string) => s.org(org).templates[0]!.id;

  it('quota counts down to zero and then refuses; other orgs unaffected', () => {
    const s = new Store(specs, 'x');
    const t = templateOf(s, 'a');
    const results = Array.from({ length: 5 }, () => s.createRun('a', t, 24, T0));
    expect(results.map((r) => (r.ok ? 'ok' : r.error))).toEqual(['ok', 'ok', 'ok', 'quota_exceeded', 'quota_exceeded']);
    expect(s.createRun('b', templateOf(s, 'b'), 24, T0).ok).toBe(true);
  });

  it('checks the template before the quota, and only in the caller org', () => {
    const s = new Store([{ id: 'a', templates: 1, runQuota: 0 }, { id: 'b', templates: 1, runQuota: 5 }], 'x');
    expect(s.createRun('a', templateOf(s, 'b'), 24, T0)).toEqual({ ok: false, error: 'template_not_found' });
    expect(s.createRun('a', templateOf(s, 'a'), 24, T0)).toEqual({ ok: false, error: 'quota_exceeded' });
    expect(s.createRun('b', templateOf(s, 'a'), 24, T0)).toEqual({ ok: false, error: 'template_not_found' });
  });

  it('expires exactly at expires_at: 200 a millisecond before, 410 at it; the list drops it', () => {
    const s = new Store(specs, 'x');
    const created = s.createRun('a', templateOf(s, 'a'), 2, T0);
    if (!created.ok) throw new Error('create failed');
    const run = JSON.parse(created.json) as { id: string; created_at: string; expires_at: string };
    expect(validate('Run', run)).toEqual([]);
    expect(run.created_at).toBe(new Date(T0).toISOString());
    expect(run.expires_at).toBe(new Date(T0 + 2 * HOUR).toISOString());
    expect(s.getRun('a', run.id, T0 + 2 * HOUR - 1).ok).toBe(true);
    expect(s.getRun('a', run.id, T0 + 2 * HOUR)).toEqual({ ok: false, error: 'run_expired' });
    expect(s.getRun('b', run.id, T0)).toEqual({ ok: false, error: 'run_not_found' });
    expect(JSON.parse(s.runPage('a', 1, 50, T0 + 2 * HOUR - 1)).pagination.total).toBe(1);
    expect(JSON.parse(s.runPage('a', 1, 50, T0 + 2 * HOUR))).toEqual({
      data: [],
      pagination: { total: 0, page: 1, per_page: 50, next_page: null },
    });
  });

  it('lists by created_at then id, whatever the creation order', () => {
    const s = new Store([{ id: 'a', templates: 1, runQuota: 10 }], 'x');
    const t = templateOf(s, 'a');
    for (const at of [T0 + 5, T0, T0 + 5, T0 + 1, T0, T0 + 5]) s.createRun('a', t, 24, at);
    const doc = JSON.parse(s.runPage('a', 1, 50, T0 + 10)) as { data: { id: string; created_at: string }[] };
    expect(validate('RunList', doc)).toEqual([]);
    const order = doc.data.map((r) => `${r.created_at} ${r.id}`);
    expect(order).toEqual([...order].sort());
    for (const r of doc.data) expect(r.id).toMatch(V4);
  });
});
