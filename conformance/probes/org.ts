// org.*: keys are org-scoped. Another org's resources are invisible (404, same as unknown),
// and lists hold only the caller's org's runs.
import type { Probe } from '../engine/probe';
import { createRun, someTemplateId, unknownId, type Page, type Run } from './helpers';

export const orgProbes: Probe[] = [
  {
    id: 'org.cross-org-read',
    title: "org B reading org A's run or template → 404, indistinguishable from an unknown id",
    family: 'org',
    rules: ['org.isolation-read', 'org.not-found-indistinguishable'],
    writes: true,
    async run(ctx) {
      const run = await createRun(ctx, 'primary', 24);
      const other = ctx.key('other_org');
      const theirs = await ctx.call('GET', `/runs/${run.id}`, { key: other });
      ctx.check('org.isolation-read', theirs.status === 404, `org B GET org A's run → ${theirs.status || theirs.error}`, [theirs]);
      const unknown = await ctx.call('GET', `/runs/${unknownId('r')}`, { key: other });
      const code = (x: typeof theirs) => (x.json as { error?: string } | undefined)?.error;
      ctx.check('org.not-found-indistinguishable', theirs.status === unknown.status && code(theirs) === code(unknown), `org A's run: ${theirs.status} ${code(theirs)}; unknown id: ${unknown.status} ${code(unknown)}`, [theirs, unknown]);

      const tid = await someTemplateId(ctx, 'primary');
      const tpl = await ctx.call('GET', `/templates/${tid}`, { key: other });
      ctx.check('org.isolation-read', tpl.status === 404, `org B GET org A's template → ${tpl.status || tpl.error}`, [tpl]);
      const create = await ctx.call('POST', '/runs', { key: other, body: { template_id: tid, expires_in_hours: 24 } });
      ctx.check('org.isolation-read', create.status === 404, `org B creating a run from org A's template → ${create.status || create.error}`, [create]);
    },
  },
  {
    id: 'org.lists',
    title: "lists hold only the caller org's runs; a second key of the same org sees them",
    family: 'org',
    rules: ['org.isolation-list'],
    writes: true,
    async run(ctx) {
      const mine = await createRun(ctx, 'primary', 24);
      const ids = async (role: 'primary' | 'secondary' | 'other_org') => {
        const seen = new Set<string>();
        for (let page = 1, guard = 0; guard < 100; guard++) {
          const ex = await ctx.call('GET', `/runs?per_page=100&page=${page}`, { key: ctx.key(role) });
          ctx.expectStatus('status.200-success', ex, 200, `list runs (${role})`);
          const body = ex.json as Page<Run>;
          for (const r of body.data) seen.add(r.id);
          if (body.pagination.next_page === null) break;
          page = body.pagination.next_page;
        }
        return seen;
      };
      const [a, a2, b] = [await ids('primary'), await ids('secondary'), await ids('other_org')];
      ctx.check('org.isolation-list', !b.has(mine.id), b.has(mine.id) ? "org B's list contains org A's run" : "org B's list does not show org A's run", ctx.exchanges.slice(-1));
      ctx.check('org.isolation-list', a2.has(mine.id), a2.has(mine.id) ? 'the second org-A key sees the run' : 'a second key of org A does not see the run its org created', ctx.exchanges.slice(-2));
      const leaked = [...b].filter((id) => a.has(id));
      ctx.check('org.isolation-list', leaked.length === 0, leaked.length ? `${leaked.length} runs appear in both org A's and org B's lists` : "no run is in both orgs' lists", ctx.exchanges.slice(-1));
    },
  },
];
