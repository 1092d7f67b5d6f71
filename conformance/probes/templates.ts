// Templates: the list and a single template agree, ids are well-formed. (The 404s for unknown
// template ids are rows of the status table, status.ts.)
import type { Probe } from '../engine/probe';
import { isId } from '../../lib/checks';
import type { Page, Template } from './helpers';

export const templateProbes: Probe[] = [
  {
    id: 'templates.list-and-get',
    title: 'GET /templates → 200 list; GET /templates/{id} → 200, equal to the listed item',
    family: 'status',
    rules: ['status.200-success', 'envelope.collection', 'envelope.single-resource', 'ids.format'],
    covers: [['listTemplates', 200], ['getTemplate', 200]],
    async run(ctx) {
      const list = await ctx.call('GET', '/templates', { key: ctx.key('primary') });
      ctx.expectStatus('status.200-success', list, 200, 'list templates');
      // Ids first, on the raw body: the schema's id pattern would otherwise report them only
      // as a generic envelope failure.
      const rawIds = ((list.json as { data?: unknown } | undefined)?.data as Array<{ id?: unknown }> | undefined ?? []).map((t) => t?.id);
      const bad = Array.isArray(rawIds) ? rawIds.filter((id) => !isId('template', id)) : [];
      ctx.check('ids.format', bad.length === 0, bad.length ? `template ids not 't-' + lowercase UUID: ${bad.slice(0, 3).map(String).join(', ')}` : 'template ids well-formed', [list]);
      const page = ctx.expectBody<Page<Template>>('envelope.collection', list, 'TemplateList');
      if (page.data.length === 0) ctx.skip('the primary org has no templates');
      const first = page.data[0]!;
      const one = await ctx.call('GET', `/templates/${first.id}`, { key: ctx.key('primary') });
      ctx.expectStatus('status.200-success', one, 200, 'get template');
      const got = ctx.expectBody<Template>('envelope.single-resource', one, 'Template');
      // The listed item may be a summary of the resource, never a contradiction of it.
      const differs = Object.keys(first).filter((k) => JSON.stringify((got as unknown as Record<string, unknown>)[k]) !== JSON.stringify((first as unknown as Record<string, unknown>)[k]));
      ctx.check('envelope.single-resource', differs.length === 0, differs.length ? `GET /templates/${first.id} differs from its list item in ${differs.join(', ')}` : `GET /templates/${first.id} returns the bare object matching its list item`, [list, one]);
    },
  },
];
