// Small helpers shared by the probes.
import { randomUUID } from 'node:crypto';
import type { ProbeContext } from '../engine/probe';
import type { Page, Run, Template } from '../../lib/api-types';

export type { Page, Run, Template };

/** A well-formed id that no server has issued. */
export const unknownId = (prefix: 't' | 'r') => `${prefix}-${randomUUID()}`;

/** The first template visible to a key (every org in the fixtures has some). */
export async function someTemplateId(ctx: ProbeContext, role: 'primary' | 'other_org' | 'exhausted' = 'primary'): Promise<string> {
  const ex = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key(role) });
  ctx.expectStatus('status.200-success', ex, 200, `list templates (${role})`);
  const page = ctx.expectBody<Page<Template>>('envelope.collection', ex, 'TemplateList');
  if (page.data.length === 0) ctx.skip(`the '${role}' org has no templates to create runs from`);
  return page.data[0]!.id;
}

export async function createRun(ctx: ProbeContext, role: 'primary' | 'other_org' | 'secondary', hours?: number): Promise<Run> {
  const template_id = await someTemplateId(ctx, role === 'secondary' ? 'primary' : role);
  const body = hours === undefined ? { template_id } : { template_id, expires_in_hours: hours };
  const ex = await ctx.call('POST', '/runs', { key: ctx.key(role), body });
  ctx.expectStatus('status.201-created', ex, 201, 'create run');
  return ctx.expectBody<Run>('envelope.single-resource', ex, 'Run');
}

/** Hard ceiling on one walk, whatever total says, so a broken next_page cannot loop. */
const WALK_CEILING = 1000;

/**
 * Walks a collection from page 1 following next_page. Bounded by what page 1's total implies
 * (plus one page of slack) and by WALK_CEILING, so a next_page that never ends cannot loop.
 */
export async function walkPages<T extends { id: string }>(
  ctx: ProbeContext,
  path: string,
  role: 'primary' | 'other_org' | 'secondary',
  perPage: number | undefined,
): Promise<{ pages: Page<T>[]; exchanges: import('../engine/exchange').Exchange[] }> {
  const pages: Page<T>[] = [];
  const exchanges = [];
  let page: number | null = 1;
  let maxPages = WALK_CEILING;
  while (page !== null && pages.length < maxPages) {
    const q = perPage === undefined ? `?page=${page}` : `?page=${page}&per_page=${perPage}`;
    const ex = await ctx.call('GET', `${path}${q}`, { key: ctx.key(role) });
    exchanges.push(ex);
    ctx.expectStatus('status.200-success', ex, 200, `GET ${path}${q}`);
    const body = ctx.expectBody<Page<T>>('pagination.envelope-schema', ex, path === '/runs' ? 'RunList' : 'TemplateList');
    pages.push(body);
    // The page size the server says it used: a default other than the contract's is judged by
    // pagination.default-per-page, not mistaken here for a next_page that never ends.
    if (page === 1) maxPages = Math.min(WALK_CEILING, Math.ceil(body.pagination.total / Math.max(1, body.pagination.per_page || perPage || ctx.params.perPageDefault)) + 1);
    // A page reached through next_page must hold items: a next_page on the last page leads here.
    if (page > 1 && body.data.length === 0)
      ctx.fail('pagination.next-page', `page ${page - 1} had next_page ${page}, but page ${page} is empty: next_page was set on the last page`, exchanges.slice(-2));
    const next = body.pagination.next_page;
    if (next !== null && next !== page + 1) ctx.fail('pagination.next-page', `page ${page}: next_page is ${next}, expected ${page + 1} or null`, [ex]);
    page = next;
  }
  if (page !== null) ctx.fail('pagination.next-page', `still a next_page after ${maxPages} pages, more than total implies: next_page never becomes null`, exchanges.slice(-1));
  return { pages, exchanges };
}
