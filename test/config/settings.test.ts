// SETTINGS (lib/target/settings.ts) is the one configuration table: the code reads no RUNDUN_
// variable missing from it and it lists none the code does not read; the README's table and
// .env.example are what it renders; and its defaults are true defaults, i.e. both engines (and
// every k6 planner) given .env.example as it is behave exactly as with nothing set.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../lib/target/settings';
import { regionOf, renderEnvExample, renderSettingsTable, replaceRegion } from '../../lib/target/settings-doc';
import { KEY_VARIABLES } from '../../lib/target/roles';
import { readConformanceConfig as readConformance } from '../../conformance/engine/config';
import { readK6Config as readK6, type RundunConfig } from '../../scenarios/lib/config';
import { planRateLimit } from '../../scenarios/lib/plan-rate-limit';
import { planRetryAfter } from '../../scenarios/lib/plan-retry-after';
import { planIsolation } from '../../scenarios/lib/plan-isolation';
import { planLoad } from '../../scenarios/lib/plan-load';
import { FIXTURES, K, readFiles } from './support';

const ROOT = join(__dirname, '../..');
const SOURCE_DIRS = ['lib', 'scenarios', 'conformance', 'simulator', 'scripts', 'selftest'];
/** Read only to refuse it with what to use instead (plan-isolation.ts). */
const RETIRED = ['RUNDUN_LOCAL_IPS'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'generated' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every RUNDUN_* name in the code, by file; settings.ts and its renderer excluded. */
function namesInCode(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const dir of SOURCE_DIRS)
    for (const file of sourceFiles(join(ROOT, dir))) {
      if (file.includes(join('lib', 'target', 'settings'))) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/\bRUNDUN_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        const list = found.get(m[0]) ?? [];
        if (!list.includes(file)) list.push(file.slice(ROOT.length + 1));
        found.set(m[0], list);
      }
    }
  return found;
}

describe('SETTINGS', () => {
  const names = SETTINGS.map((s) => s.name);

  it('one row per variable, each with a meaning; only keys are secret, and they have no default', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const s of SETTINGS) {
      expect(s.name).toMatch(/^RUNDUN_[A-Z0-9_]+$/);
      expect(s.meaning.length, s.name).toBeGreaterThan(10);
      expect(['conformance', 'k6', 'both', 'simulator']).toContain(s.engines);
    }
    expect(SETTINGS.filter((s) => s.secret).map((s) => s.name).sort()).toEqual(KEY_VARIABLES.map((k) => k.variable).sort());
    for (const s of SETTINGS.filter((x) => x.secret)) expect(s.default, s.name).toBe('');
  });

  it('covers every RUNDUN_ variable the code reads, and lists none it does not', () => {
    const inCode = namesInCode();
    const missing = [...inCode.keys()].filter((n) => !names.includes(n) && !RETIRED.includes(n) && n !== 'RUNDUN_SIM');
    expect(missing.map((n) => `${n} (${inCode.get(n)?.join(', ')})`), 'add a row to lib/target/settings.ts').toEqual([]);
    expect(names.filter((n) => !inCode.has(n)), 'a row nothing reads').toEqual([]);
  });
});

describe('generated from SETTINGS', () => {
  it('the README table between the settings markers is in sync (npm run settings:doc)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(regionOf(readme), 'README.md has no <!-- settings:begin --> / <!-- settings:end --> region').not.toBeNull();
    expect(regionOf(readme)).toBe(renderSettingsTable());
    // Every row is in it, by name.
    for (const s of SETTINGS) expect(regionOf(readme)).toContain(`| \`${s.name}\` |`);
  });

  it('the region check fails on a stale table and replaceRegion repairs it', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const stale = replaceRegion(readme, renderSettingsTable(SETTINGS.slice(1)));
    expect(regionOf(stale)).not.toBe(renderSettingsTable());
    expect(replaceRegion(stale, renderSettingsTable())).toBe(readme);
    expect(() => replaceRegion('no markers', 'x')).toThrow(/markers are missing/);
  });

  it('.env.example is in sync, parses as a .env file, has every setting and no secret value', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    expect(text).toBe(renderEnvExample());
    const parsed = parseEnv(text);
    expect(Object.keys(parsed).sort()).toEqual(SETTINGS.map((s) => s.name).sort());
    for (const s of SETTINGS) expect(parsed[s.name], s.name).toBe(s.secret ? '' : s.default);
    // One comment line per setting, right above it.
    const lines = text.split('\n');
    for (const s of SETTINGS) expect(lines[lines.indexOf(`${s.name}=${parsed[s.name]}`) - 1]).toMatch(/^# /);
  });
});

describe('the defaults are true defaults: .env.example as it is changes nothing', () => {
  const example = parseEnv(readFileSync(join(ROOT, '.env.example'), 'utf8')) as Record<string, string>;
  // A pool big enough for every load plan at the default stages.
  const files = { '/f.json': JSON.stringify({ ...FIXTURES, pool: Array.from({ length: 16 }, (_, i) => K(String.fromCharCode(103 + i))) }) };
  const outcome = <T>(f: () => T): T | { error: string } => {
    try {
      return f();
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  const withoutEnv = (c: RundunConfig) => ({ ...c, env: undefined });

  it('conformance: the same config as with nothing set (the simulator in-process)', () => {
    expect(readConformance(example, readFiles(files))).toEqual(readConformance({}, readFiles(files)));
  });

  it('k6: the same config and the same plan for every scenario', () => {
    const plain = readK6({ RUNDUN_FIXTURES: '/f.json' }, readFiles(files));
    const copied = readK6({ ...example, RUNDUN_FIXTURES: '/f.json' }, readFiles(files));
    expect(withoutEnv(copied)).toEqual(withoutEnv(plain));
    const plans: Array<[string, (c: RundunConfig) => unknown]> = [
      ['rate-limit', planRateLimit],
      ['retry-after', planRetryAfter],
      ['key-isolation', planIsolation],
      ['capacity', (c) => planLoad(c, 'capacity')],
      ['soak', (c) => planLoad(c, 'soak')],
      ['spike', (c) => planLoad(c, 'spike')],
    ];
    for (const [name, plan] of plans) {
      const want = outcome(() => plan(plain));
      // Two plans that both refuse would compare equal: every plan must be made at all.
      expect(want, name).not.toHaveProperty('error');
      expect(outcome(() => plan(copied)), name).toEqual(want);
    }
  });

  it('a non-default value does change the plan (the comparison above can fail)', () => {
    const plain = readK6({ RUNDUN_FIXTURES: '/f.json' }, readFiles(files));
    const changed = readK6({ ...example, RUNDUN_FIXTURES: '/f.json', RUNDUN_OVERLOAD: '4' }, readFiles(files));
    expect(planRateLimit(changed)).not.toEqual(planRateLimit(plain));
  });
});
