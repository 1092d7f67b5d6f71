// auth.*: every way of presenting no key or a bad key is refused with 401; the scheme name is
// case-insensitive.
import type { Probe } from '../engine/probe';
import { unknownId } from './helpers';

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomKeyBody = () => Array.from({ length: 32 }, () => ALPHANUM[Math.floor(Math.random() * ALPHANUM.length)]).join('');

/** One request per operation, so the 401 row of the matrix is covered everywhere. */
const EVERY_OPERATION: Array<[op: string, method: string, path: string, body?: unknown]> = [
  ['listTemplates', 'GET', '/templates'],
  ['getTemplate', 'GET', `/templates/${unknownId('t')}`],
  ['createRun', 'POST', '/runs', { template_id: unknownId('t'), expires_in_hours: 24 }],
  ['listRuns', 'GET', '/runs'],
  ['getRun', 'GET', `/runs/${unknownId('r')}`],
];

export const authProbes: Probe[] = [
  {
    id: 'auth.missing-header',
    title: 'no Authorization header → 401 on every operation',
    family: 'auth',
    rules: ['auth.bearer-required', 'status.401-unauthorized'],
    covers: EVERY_OPERATION.map(([op]) => [op, 401]),
    // The keyless create would create a run on a server that let it through.
    writesSome: true,
    async run(ctx) {
      if (ctx.readOnly) ctx.uncover('createRun', 401);
      for (const [op, method, path, body] of EVERY_OPERATION.filter(([, m]) => !ctx.readOnly || m === 'GET')) {
        const ex = await ctx.call(method, path, { key: null, body });
        ctx.check('auth.bearer-required', ex.status === 401, `${op} without Authorization → ${ex.status || ex.error}`, [ex]);
        ctx.expectErrorCode('status.401-unauthorized', ex, 'unauthorized');
      }
    },
  },
  {
    id: 'auth.other-scheme',
    title: 'a valid key under another scheme → 401',
    family: 'auth',
    rules: ['auth.other-scheme-rejected'],
    async run(ctx) {
      const key = ctx.key('primary').value;
      const cases: Array<[string, string]> = [
        ['Basic <base64 of key:>', `Basic ${Buffer.from(`${key}:`).toString('base64')}`],
        ['Token <key>', `Token ${key}`],
        ['<key> without a scheme', key],
        ['Bearer<key> without a space', `Bearer${key}`],
      ];
      for (const [label, authorization] of cases) {
        const ex = await ctx.call('GET', '/templates', { authorization });
        ctx.check('auth.other-scheme-rejected', ex.status === 401, `Authorization: ${label} → ${ex.status || ex.error}`, [ex]);
      }
    },
  },
  {
    id: 'auth.scheme-case',
    title: "scheme name is case-insensitive ('bearer', 'BEARER')",
    family: 'auth',
    rules: ['auth.scheme-case-insensitive'],
    async run(ctx) {
      const key = ctx.key('primary').value;
      for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
        const ex = await ctx.call('GET', '/templates?per_page=1', { authorization: `${scheme} ${key}` });
        ctx.check('auth.scheme-case-insensitive', ex.status === 200, `scheme '${scheme}' with a valid key → ${ex.status || ex.error}`, [ex]);
      }
    },
  },
  {
    id: 'auth.malformed-key',
    title: 'malformed keys → 401',
    family: 'auth',
    rules: ['auth.key-format'],
    async run(ctx) {
      const valid = ctx.key('primary').value;
      const cases: Array<[string, string]> = [
        ['too short', 'rdk_live_abc123'],
        ['one character too long', `${valid}x`],
        ['one character too short', valid.slice(0, -1)],
        ['test-mode prefix', `rdk_test_${valid.slice(9)}`],
        ['no prefix', valid.slice(9)],
        ['non-alphanumeric body', `rdk_live_${'-'.repeat(32)}`],
        ['empty token', ''],
      ];
      for (const [what, token] of cases) {
        const ex = await ctx.call('GET', '/templates', { authorization: `Bearer ${token}` });
        ctx.check('auth.key-format', ex.status === 401, `${what} → ${ex.status || ex.error}`, [ex]);
      }
    },
  },
  {
    id: 'auth.unknown-key',
    title: 'a well-formed key that was never issued → 401',
    family: 'auth',
    rules: ['auth.unknown-key-rejected'],
    async run(ctx) {
      const ex = await ctx.call('GET', '/templates', { key: { role: 'unknown', value: `rdk_live_${randomKeyBody()}` } });
      ctx.expectStatus('auth.unknown-key-rejected', ex, 401, 'unknown key');
      ctx.expectErrorCode('auth.unknown-key-rejected', ex, 'unauthorized');
    },
  },
  {
    id: 'auth.revoked-key',
    title: 'a revoked key → 401',
    family: 'auth',
    rules: ['auth.revoked-key-rejected'],
    async run(ctx) {
      const ex = await ctx.call('GET', '/templates', { key: ctx.key('revoked') });
      ctx.expectStatus('auth.revoked-key-rejected', ex, 401, 'revoked key');
      ctx.expectErrorCode('auth.revoked-key-rejected', ex, 'unauthorized');
    },
  },
];
