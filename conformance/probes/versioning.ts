// versioning.*: the operations are served under /v1.
import type { Probe } from '../engine/probe';

export const versioningProbes: Probe[] = [
  {
    id: 'versioning.v1',
    title: 'operations are served under /v1',
    family: 'versioning',
    rules: ['versioning.v1-prefix'],
    async run(ctx) {
      const underV1 = /\/v1$/.test(ctx.target.baseUrl);
      const ex = await ctx.call('GET', '/templates?per_page=1', { key: ctx.key('primary') });
      ctx.check('versioning.v1-prefix', underV1 && ex.status === 200, `base URL ${underV1 ? 'ends in /v1' : 'does not end in /v1'}; GET /templates → ${ex.status || ex.error}`, [ex]);
    },
  },
];
