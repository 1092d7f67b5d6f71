// The .env loader of the staging entry points: the shell wins over the file, a missing file is
// nothing, and it reports names only (values may be keys).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvFile } from '../../cli/env-file';

const file = (text: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'rundun-env-')), '.env');
  writeFileSync(p, text);
  return p;
};

describe('loadEnvFile', () => {
  it.each([
    { name: 'sets what the shell leaves unset', text: 'RUNDUN_BASE_URL=http://127.0.0.1:4010/v1\n# comment\nRUNDUN_TIMEOUT_MS=5000\n', shell: {}, set: ['RUNDUN_BASE_URL', 'RUNDUN_TIMEOUT_MS'], env: { RUNDUN_BASE_URL: 'http://127.0.0.1:4010/v1', RUNDUN_TIMEOUT_MS: '5000' } },
    { name: 'the shell wins over the file', text: 'RUNDUN_TIMEOUT_MS=5000\n', shell: { RUNDUN_TIMEOUT_MS: '9000' }, set: [], env: { RUNDUN_TIMEOUT_MS: '9000' } },
    { name: 'an empty shell value still wins (set, if empty)', text: 'RUNDUN_PROBES=auth.missing-header\n', shell: { RUNDUN_PROBES: '' }, set: [], env: { RUNDUN_PROBES: '' } },
    { name: 'quoted values with spaces', text: 'RUNDUN_PRODUCTION_HOSTS="a.example, b.example"\n', shell: {}, set: ['RUNDUN_PRODUCTION_HOSTS'], env: { RUNDUN_PRODUCTION_HOSTS: 'a.example, b.example' } },
  ])('$name', ({ text, shell, set, env }) => {
    const target: NodeJS.ProcessEnv = { ...shell };
    expect(loadEnvFile(file(text), target)).toEqual(set);
    expect(target).toEqual(env);
  });

  it('a missing file sets nothing', () => {
    const target: NodeJS.ProcessEnv = {};
    expect(loadEnvFile(join(tmpdir(), 'no-such-dir-rundun', '.env'), target)).toEqual([]);
    expect(target).toEqual({});
  });

  it('returns names, never values', () => {
    const key = `rdk_live_${'a1'.repeat(16)}`;
    const names = loadEnvFile(file(`RUNDUN_API_KEY=${key}\n`), {});
    expect(JSON.stringify(names)).not.toContain(key);
  });
});
