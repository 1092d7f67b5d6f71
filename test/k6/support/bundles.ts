// Fresh k6 bundles for the tests, built with exactly the build's esbuild options
// (scripts/k6-bundle-options.mjs) into a private temp folder: tests never race `npm run build`
// over dist/, and they get esbuild's metafile (the import list of each bundle) for free.
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

export const SCENARIOS = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();

export interface Bundles {
  dir: string;
  files: Record<string, string>;
  metafile: Metafile;
}

let cached: Promise<Bundles> | null = null;
const dirs: string[] = [];
// Registered on the importing test file's suite (vitest collects hooks called at import time).
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  cached = null;
});

export function scenarioBundles(): Promise<Bundles> {
  cached ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rundun-k6-bundles-'));
    dirs.push(dir);
    // The build's own options module (plain .mjs, no types): loaded by URL.
    const mod = (await import(pathToFileURL(join(ROOT, 'scripts/k6-bundle-options.mjs')).href)) as { k6BundleOptions(root: string, entries: string[]): BuildOptions };
    const opts = mod.k6BundleOptions(ROOT, SCENARIOS.map((s) => `scenarios/${s}.ts`));
    const r = await build({ ...opts, outdir: dir, logLevel: 'error' });
    if (!r.metafile) throw new Error('esbuild returned no metafile');
    const files = Object.fromEntries(SCENARIOS.map((s) => [s, join(dir, `${s}.js`)]));
    return { dir, files, metafile: r.metafile };
  })();
  return cached;
}

/** A fixtures file with fake keys (init-only probes never send traffic). */
export function fakeFixtures(rateLimit: unknown = { limit: 10, windowSeconds: 0.5, algorithm: 'fixed-window', retryAfterFormat: 'delay-seconds' }): { file: string; keys: string[] } {
  const key = (c: string) => `rdk_live_${c.repeat(32)}`;
  const fixtures = {
    baseUrl: 'http://127.0.0.1:9/v1',
    keys: { primary: key('a'), secondary: key('b'), other_org: key('c'), exhausted: key('d'), revoked: key('e'), ratelimit: key('f') },
    pool: Array.from({ length: 8 }, (_, i) => key(String.fromCharCode(103 + i))),
    rateLimit,
    admin: { baseUrl: 'http://127.0.0.1:9/_sim', token: 'x'.repeat(48) },
  };
  const dir = mkdtempSync(join(tmpdir(), 'rundun-k6-fake-'));
  dirs.push(dir);
  const file = join(dir, 'fixtures.json');
  writeFileSync(file, JSON.stringify(fixtures), { mode: 0o600 });
  return { file, keys: [...Object.values(fixtures.keys), ...fixtures.pool] };
}
