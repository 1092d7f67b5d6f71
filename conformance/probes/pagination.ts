// pagination.*: walk every page of both collections at several per_page values and check the
// invariants; refuse out-of-bounds parameters.
import type { Probe, ProbeContext } from '../engine/probe';
import { createRun, walkPages, type Page } from './helpers';

/** A walk longer than this many pages is left to a larger per_page (keeps staging runs bounded). */
const MAX_WALK_PAGES = 60;

async function totalOf(ctx: ProbeContext, path: string): Promise<number> {
  const ex = await ctx.call('GET', `${path}?per_page=1`, { key: ctx.key('primary') });
  ctx.expectStatus('status.200-success', ex, 200, `GET ${path}?per_page=1`);
  return ctx.expectBody<Page<unknown>>('pagination.envelope-schema', ex, path === '/runs' ? 'RunList' : 'TemplateList').pagination.total;
}

/** The per_page values worth walking for a collection of `total` items: never more than MAX_WALK_PAGES pages. */
function perPagesFor(ctx: ProbeContext, total: number, wanted: Array<number | undefined>): Array<number | undefined> {
  const fits = (pp: number | undefined) => Math.ceil(total / (pp ?? ctx.params.perPageDefault)) <= MAX_WALK_PAGES;
  const chosen = wanted.filter(fits);
  return chosen.length > 0 ? chosen : [ctx.params.perPageMax];
}

async function checkWalk(ctx: ProbeContext, path: '/templates' | '/runs', perPage: number | undefined) {
  let walk = await walkPages<{ id: string }>(ctx, path, 'primary', perPage);
  // A collection that changed under the walk (another client creating runs, a run expiring)
  // is walked once more before any verdict: only a second moving walk is judged as it is.
  if (new Set(walk.pages.map((p) => p.pagination.total)).size > 1) walk = await walkPages<{ id: string }>(ctx, path, 'primary', perPage);
  const { pages, exchanges } = walk;
  const label = `${path} per_page=${perPage ?? 'default'}`;
  const expectedPer = perPage ?? ctx.params.perPageDefault;
  const first = pages[0]!.pagination;
  ctx.check('pagination.envelope-schema', pages.every((p, i) => p.pagination.page === i + 1 && p.pagination.per_page === expectedPer),
    `${label}: page/per_page echo the request on all ${pages.length} pages`, exchanges.slice(0, 1));
  if (perPage === undefined)
    ctx.check('pagination.default-per-page', first.per_page === ctx.params.perPageDefault, `${label}: per_page ${first.per_page} (contract default ${ctx.params.perPageDefault})`, exchanges.slice(0, 1));

  const totals = new Set(pages.map((p) => p.pagination.total));
  ctx.check('pagination.total-stable', totals.size === 1, `${label}: total on every page: ${[...totals].join(', ')}`, exchanges);
  const short = pages.findIndex((p, i) => i < pages.length - 1 && p.data.length !== expectedPer);
  const lastLen = pages.at(-1)!.data.length;
  const expectLast = first.total === 0 ? 0 : first.total - (pages.length - 1) * expectedPer;
  ctx.check('pagination.full-pages', short === -1 && lastLen === expectLast,
    short !== -1 ? `${label}: page ${short + 1} holds ${pages[short]!.data.length} items, expected ${expectedPer}` : `${label}: last page holds ${lastLen} (expected ${expectLast})`, short !== -1 ? [exchanges[short]!] : exchanges.slice(-1));
  ctx.check('pagination.next-page', pages.at(-1)!.pagination.next_page === null, `${label}: next_page on the last page is ${pages.at(-1)!.pagination.next_page}`, exchanges.slice(-1));

  const ids = pages.flatMap((p) => p.data.map((d) => d.id));
  const distinct = new Set(ids);
  const dupes = ids.length - distinct.size;
  ctx.check('pagination.complete-no-duplicates', dupes === 0 && distinct.size === first.total,
    `${label}: ${ids.length} items over ${pages.length} pages, ${distinct.size} distinct, ${dupes} repeated; total says ${first.total}`, exchanges.slice(-1));

  const pastPage = pages.length + 1;
  const q = perPage === undefined ? `?page=${pastPage}` : `?page=${pastPage}&per_page=${perPage}`;
  const past = await ctx.call('GET', `${path}${q}`, { key: ctx.key('primary') });
  const body = past.json as Page<unknown> | undefined;
  const ok = past.status === ctx.params.pastEndStatus && (past.status !== 200 || (Array.isArray(body?.data) && body!.data.length === 0 && body!.pagination?.next_page === null && body!.pagination?.total === first.total));
  ctx.check('pagination.past-end', ok, `${label}: page ${pastPage} (past the end) → ${past.status || past.error} ${ok ? 'empty, same total, next_page null' : past.bodyText.slice(0, 120)}`, [past]);
}

export const paginationProbes: Probe[] = [
  {
    id: 'pagination.templates',
    title: 'walk /templates at per_page default, 7, 50, 100 (those that need at most 60 pages)',
    family: 'pagination',
    rules: ['pagination.envelope-schema', 'pagination.default-per-page', 'pagination.total-stable', 'pagination.full-pages', 'pagination.next-page', 'pagination.complete-no-duplicates', 'pagination.past-end'],
    async run(ctx) {
      const total = await totalOf(ctx, '/templates');
      for (const perPage of perPagesFor(ctx, total, [undefined, 7, 50, ctx.params.perPageMax])) await checkWalk(ctx, '/templates', perPage);
    },
  },
  {
    id: 'pagination.runs',
    title: 'walk /runs at per_page 3, default and max (after creating enough runs for several pages)',
    family: 'pagination',
    rules: ['pagination.envelope-schema', 'pagination.total-stable', 'pagination.full-pages', 'pagination.next-page', 'pagination.complete-no-duplicates', 'pagination.past-end'],
    // Read-only mode walks the runs there are, creating none.
    writesSome: true,
    async run(ctx) {
      const total = await totalOf(ctx, '/runs');
      const wanted = ctx.readOnly ? total : Math.max(total, 8);
      for (let i = total; i < wanted; i++) await createRun(ctx, 'primary', 168);
      for (const perPage of perPagesFor(ctx, wanted, [3, undefined, ctx.params.perPageMax])) await checkWalk(ctx, '/runs', perPage);
    },
  },
  {
    id: 'pagination.bounds',
    title: 'page/per_page out of bounds → 422 on both collections',
    family: 'pagination',
    rules: ['pagination.per-page-bounds', 'status.422-validation'],
    covers: [['listTemplates', 422], ['listRuns', 422]],
    async run(ctx) {
      const max = ctx.params.perPageMax;
      const bad = ['per_page=0', `per_page=${max + 1}`, 'per_page=abc', 'per_page=2.5', 'per_page=-1', 'page=0', 'page=-3', 'page=x'];
      for (const path of ['/templates', '/runs']) {
        for (const q of bad) {
          const ex = await ctx.call('GET', `${path}?${q}`, { key: ctx.key('primary') });
          ctx.check('pagination.per-page-bounds', ex.status === 422, `${path}?${q} → ${ex.status || ex.error}`, [ex]);
          if (ex.status === 422) ctx.expectErrorCode('status.422-validation', ex, 'validation_failed');
        }
        const edge = await ctx.call('GET', `${path}?per_page=${max}`, { key: ctx.key('primary') });
        ctx.check('pagination.per-page-bounds', edge.status === 200, `${path}?per_page=${max} (the maximum) → ${edge.status || edge.error}`, [edge]);
      }
    },
  },
];
