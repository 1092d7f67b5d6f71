// The k6-operator manifests (deploy/) and the ConfigMap builder (scripts/build-configmap.ts):
// required fields, keys only from a placeholder-only Secret, no --vus, parallelism no larger than
// the keys the scenario's own plan gives each runner, each runner's summaries on its own folder
// of a volume, and a ConfigMap that holds the bundle under the name and file the TestRun expects.
// Each rule is shown failing on a mutated parsed copy (the files are never edited).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../lib/target/settings';
import { CONFIGMAP_LIMIT_BYTES, configMapYaml, runBuildConfigmap } from '../../scripts/build-configmap';
import { checkSecrets, checkTestRuns, type BundleSource, type Doc, type Known, type Manifests } from './check-manifests';

const root = join(import.meta.dirname, '..', '..');
const deployDir = join(root, 'deploy');
const scenarios = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));
const known: Known = { settings: new Map(SETTINGS.map((s) => [s.name, { secret: s.secret }])), scenarios };

function load(): Manifests {
  return {
    files: readdirSync(deployDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => {
        const raw = readFileSync(join(deployDir, f), 'utf8');
        const docs = parseAllDocuments(raw).map((d) => {
          if (d.errors.length > 0) throw new Error(`deploy/${f}: ${d.errors[0]?.message}`);
          return d.toJS() as Doc;
        });
        return { file: `deploy/${f}`, raw, docs };
      }),
  };
}

// Stand-in bundles, so the test does not depend on a build having run (or racing one): the
// builder is pure over the bundle's text.
const fakeBundle = (file: string) => `// ${file}\nexport const options = {};\nexport default function () {}\n//# sourceMappingURL=${file}.map\n`;
const realBuilder: BundleSource = {
  bundle: (file) => fakeBundle(file),
  configMap: (scenario, bundle) => parse(configMapYaml({ scenario, script: bundle })) as Doc,
};

function problems(m: Manifests, bundles: BundleSource = realBuilder): string[] {
  return [...checkSecrets(m, known), ...checkTestRuns(m, known, bundles)];
}

const objectOf = (m: Manifests, file: string, kind?: string): Doc => {
  const f = m.files.find((x) => x.file === `deploy/${file}`);
  const doc = f?.docs.find((d) => kind === undefined || d.kind === kind);
  if (!doc) throw new Error(`no ${kind ?? 'object'} in deploy/${file}`);
  return doc;
};
const capacity = (m: Manifests) => objectOf(m, 'testrun-capacity.yaml');
const rateLimit = (m: Manifests) => objectOf(m, 'testrun-rate-limit.yaml');
const secret = (m: Manifests) => objectOf(m, 'secret.template.yaml', 'Secret');
const envOf = (tr: Doc, name: string): Doc => {
  const e = (tr.spec.runner.env as Doc[]).find((x) => x.name === name);
  if (!e) throw new Error(`no env ${name}`);
  return e;
};
const dropEnv = (tr: Doc, name: string) => (tr.spec.runner.env = (tr.spec.runner.env as Doc[]).filter((x) => x.name !== name));
const poolOf = (m: Manifests) => String(secret(m).stringData.RUNDUN_API_KEYS).split(',');

describe('deploy/ as committed', () => {
  it('keeps every rule', () => {
    expect(problems(load())).toEqual([]);
  });

  it('holds a TestRun per split scenario, a Secret template, the reports volume and the collector', () => {
    const m = load();
    expect(capacity(m).spec.parallelism).toBeGreaterThan(1);
    expect(rateLimit(m).spec.parallelism).toBeGreaterThan(1);
    // parallelism <= the pool keys in the Secret (the spread key is its own entry here)
    expect(capacity(m).spec.parallelism).toBeLessThanOrEqual(poolOf(m).length);
    expect(objectOf(m, 'reports-pvc.yaml').kind).toBe('PersistentVolumeClaim');
    expect(objectOf(m, 'collector.yaml').kind).toBe('Pod');
  });

  it('the real bundles, where built, fit a ConfigMap and come back unchanged', () => {
    const dist = join(root, 'dist');
    const built = ['capacity', 'rate-limit'].filter((s) => existsSync(join(dist, `${s}.js`)));
    for (const s of built) {
      const script = readFileSync(join(dist, `${s}.js`), 'utf8');
      const map = existsSync(join(dist, `${s}.js.map`)) ? readFileSync(join(dist, `${s}.js.map`), 'utf8') : undefined;
      const text = configMapYaml({ scenario: s, script, ...(map !== undefined ? { sourceMap: map } : {}) });
      expect(Buffer.byteLength(text)).toBeLessThan(CONFIGMAP_LIMIT_BYTES);
      const cm = parse(text) as Doc;
      expect(cm.data[`${s}.js`]).toBe(script);
      if (map !== undefined) expect(cm.data[`${s}.js.map`]).toBe(map);
    }
  });
});

interface Mutation {
  name: string;
  mutate: (m: Manifests) => void;
  bundles?: BundleSource;
  expected: RegExp;
}

const MUTATIONS: Mutation[] = [
  // required fields
  { name: 'the deprecated kind', mutate: (m) => (capacity(m).kind = 'K6'), expected: /kind must be TestRun/ },
  { name: 'another apiVersion', mutate: (m) => (capacity(m).apiVersion = 'k6.io/v1'), expected: /apiVersion must be k6\.io\/v1alpha1/ },
  { name: 'no parallelism', mutate: (m) => delete capacity(m).spec.parallelism, expected: /spec\.parallelism must be a positive integer/ },
  { name: 'no name', mutate: (m) => delete capacity(m).metadata.name, expected: /metadata\.name is missing/ },
  { name: 'no configMap file', mutate: (m) => delete capacity(m).spec.script.configMap.file, expected: /configMap needs name and file/ },
  { name: 'a file that is no bundle', mutate: (m) => (capacity(m).spec.script.configMap.file = 'capacity.ts'), expected: /'capacity\.ts' is not a scenario bundle/ },
  { name: 'a ConfigMap name the builder does not make', mutate: (m) => (capacity(m).spec.script.configMap.name = 'capacity'), expected: /is not the builder's name 'rundun-capacity'/ },
  { name: 'no TestRun for capacity', mutate: (m) => m.files.forEach((f) => (f.docs = f.docs.filter((d) => d.metadata?.name !== 'rundun-capacity'))), expected: /no TestRun for capacity/ },
  // the ConfigMap the builder makes
  { name: 'bundle not built', mutate: () => {}, bundles: { ...realBuilder, bundle: () => null }, expected: /dist\/capacity\.js does not exist: run npm run build/ },
  {
    name: 'builder output under another file name',
    mutate: () => {},
    bundles: { ...realBuilder, configMap: (s, b) => parse(configMapYaml({ scenario: `${s}-x`, script: b })) as Doc },
    expected: /the builder names the ConfigMap 'rundun-capacity-x'/,
  },
  {
    name: 'builder output with the script changed',
    mutate: () => {},
    bundles: { ...realBuilder, configMap: (s, b) => parse(configMapYaml({ scenario: s, script: `${b}\n// changed` })) as Doc },
    expected: /has no key 'capacity\.js' holding dist\/capacity\.js unchanged/,
  },
  // --vus and keys in arguments
  { name: '--vus in arguments', mutate: (m) => (capacity(m).spec.arguments = '--vus 10 --tag a=b'), expected: /spec\.arguments has --vus/ },
  { name: 'a key in arguments', mutate: (m) => (rateLimit(m).spec.arguments = '-e RUNDUN_API_KEY_RATELIMIT=abc'), expected: /spec\.arguments sets RUNDUN_API_KEY_RATELIMIT/ },
  // secrets
  { name: 'a key inline in the runner env', mutate: (m) => capacity(m).spec.runner.env.push({ name: 'RUNDUN_API_KEY', value: 'abc' }), expected: /runner env RUNDUN_API_KEY is a key given inline/ },
  { name: 'a real-looking key in the Secret', mutate: (m) => (secret(m).stringData.RUNDUN_API_KEY = 'rdk_live_0123456789abcdef'), expected: /RUNDUN_API_KEY holds something other than placeholders/ },
  { name: 'rdk_live_ anywhere', mutate: (m) => ((m.files[0] as Manifests["files"][number]).raw += '\n# rdk_live_abcd\n'), expected: /literal 'rdk_live_'/ },
  { name: 'Secret data: in base64', mutate: (m) => (secret(m).data = { RUNDUN_API_KEY: 'cmRrX2xpdmVf' }), expected: /has data: \(base64 hides what it holds\)/ },
  { name: 'a non-secret setting in the Secret', mutate: (m) => (secret(m).stringData.RUNDUN_BASE_URL = 'REPLACE_WITH_URL'), expected: /RUNDUN_BASE_URL is not a secret setting/ },
  { name: 'a repeated pool placeholder', mutate: (m) => (secret(m).stringData.RUNDUN_API_KEYS = 'REPLACE_WITH_POOL_KEY_0,REPLACE_WITH_POOL_KEY_0'), expected: /repeats a placeholder/ },
  { name: 'envFrom an undefined Secret', mutate: (m) => (capacity(m).spec.runner.envFrom[0].secretRef.name = 'keys'), expected: /envFrom refers to Secret 'keys'/ },
  {
    name: 'secretKeyRef to a missing key',
    mutate: (m) => capacity(m).spec.runner.env.push({ name: 'RUNDUN_API_KEY_REVOKED', valueFrom: { secretKeyRef: { name: 'rundun-keys', key: 'REVOKED' } } }),
    expected: /refers to key 'REVOKED'/,
  },
  { name: 'no keys at all', mutate: (m) => delete capacity(m).spec.runner.envFrom, expected: /the runners get no key/ },
  // settings and consent
  { name: 'an unknown setting', mutate: (m) => capacity(m).spec.runner.env.push({ name: 'RUNDUN_STAGESS', value: '1' }), expected: /runner env RUNDUN_STAGESS is not a setting/ },
  { name: 'no RUNDUN_ALLOW_REMOTE', mutate: (m) => dropEnv(capacity(m), 'RUNDUN_ALLOW_REMOTE'), expected: /lacks RUNDUN_ALLOW_REMOTE=yes/ },
  { name: 'no RUNDUN_BASE_URL', mutate: (m) => dropEnv(rateLimit(m), 'RUNDUN_BASE_URL'), expected: /no RUNDUN_BASE_URL/ },
  // summaries per runner
  { name: 'report dir not mounted', mutate: (m) => (envOf(capacity(m), 'RUNDUN_REPORT_DIR').value = '/tmp/reports'), expected: /RUNDUN_REPORT_DIR is not a mounted volume/ },
  { name: 'one folder for every runner', mutate: (m) => delete capacity(m).spec.runner.volumeMounts[0].subPathExpr, expected: /no subPathExpr \$\(POD_NAME\)/ },
  { name: 'POD_NAME not from the downward API', mutate: (m) => (envOf(capacity(m), 'POD_NAME').valueFrom = undefined), expected: /POD_NAME must come from the downward API/ },
  { name: 'reports on an undefined claim', mutate: (m) => (capacity(m).spec.runner.volumes[0].persistentVolumeClaim.claimName = 'reports'), expected: /not a PersistentVolumeClaim that deploy\/ defines/ },
  // parallelism against the keys
  { name: 'more capacity runners than pool keys', mutate: (m) => (capacity(m).spec.parallelism = poolOf(m).length + 1), expected: /runner 8 of 9 .* owns none of the 8 pool keys/ },
  { name: 'more rate-limit runners than keys under test', mutate: (m) => (rateLimit(m).spec.parallelism = 3), expected: /runner 2 of 3 .* owns none of the 2 keys under test/ },
  {
    name: 'no own spread key: the last pool key is left out of the pool',
    mutate: (m) => {
      delete secret(m).stringData.RUNDUN_API_KEY_SPREAD;
      capacity(m).spec.parallelism = poolOf(m).length;
      envOf(capacity(m), 'RUNDUN_STAGES').value = '10';
    },
    expected: /runner 7 of 8 .* owns none of the 7 pool keys \(the spread key left out/,
  },
  { name: 'a pool too small for the highest stage', mutate: (m) => (envOf(capacity(m), 'RUNDUN_STAGES').value = '10,20,40,160'), expected: /k6 would refuse to start: .*load\.key-pool-sufficient/ },
  { name: 'no limit to size the pool', mutate: (m) => dropEnv(capacity(m), 'RUNDUN_RATE_LIMIT'), expected: /k6 would refuse to start: .*RUNDUN_RATE_LIMIT/ },
  { name: 'fewer keys than RUNDUN_KEYS_UNDER_TEST', mutate: (m) => (envOf(rateLimit(m), 'RUNDUN_KEYS_UNDER_TEST').value = '64'), expected: /k6 would refuse to start: .*RUNDUN_KEYS_UNDER_TEST=64 but only 10 distinct key/ },
  {
    name: 'key-isolation split',
    mutate: (m) => {
      const tr = rateLimit(m);
      tr.spec.script.configMap = { name: 'rundun-key-isolation', file: 'key-isolation.js' };
    },
    expected: /key-isolation is not split by these manifests: parallelism must be 1/,
  },
];

describe('each rule fails on manifests that break it', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_, mutation) => {
    const m = load();
    mutation.mutate(m);
    const found = problems(m, mutation.bundles);
    expect(found.some((p) => mutation.expected.test(p)), `expected ${mutation.expected} among:\n${found.join('\n') || '(no problems)'}`).toBe(true);
  });
});

describe('npm run deploy:configmap (scripts/build-configmap.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rundun-configmap-'));
  mkdirSync(join(dir, 'scenarios'));
  mkdirSync(join(dir, 'dist'));
  for (const s of ['capacity', 'smoke']) writeFileSync(join(dir, 'scenarios', `${s}.ts`), '');
  writeFileSync(join(dir, 'dist', 'capacity.js'), fakeBundle('capacity.js'));
  writeFileSync(join(dir, 'dist', 'capacity.js.map'), '{"version":3,"sources":[],"mappings":""}');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (argv: string[]) => {
    let out = '';
    let err = '';
    const code = runBuildConfigmap(argv, { out: (t) => (out += t), err: (t) => (err += t) }, dir);
    return { code, out, err };
  };

  it('writes the ConfigMap the TestRun expects to stdout: bundle and source map unchanged', () => {
    const r = run(['capacity']);
    expect(r.code).toBe(0);
    const cm = parse(r.out) as Doc;
    expect(cm).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rundun-capacity' } });
    expect(cm.data['capacity.js']).toBe(fakeBundle('capacity.js'));
    expect(cm.data['capacity.js.map']).toBe('{"version":3,"sources":[],"mappings":""}');
    expect(cm.metadata.annotations['rundun/bundle-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const tr = capacity(load());
    expect(cm.metadata.name).toBe(tr.spec.script.configMap.name);
    expect(Object.keys(cm.data)).toContain(tr.spec.script.configMap.file);
  });

  it('writes a file with --out, a namespace with --namespace, no map with --no-source-map', () => {
    const r = run(['capacity', '--out', 'deploy/generated', '--namespace', 'load', '--no-source-map']);
    expect(r.code).toBe(0);
    const cm = parse(readFileSync(join(dir, 'deploy', 'generated', 'capacity.configmap.yaml'), 'utf8')) as Doc;
    expect(cm.metadata.namespace).toBe('load');
    expect(Object.keys(cm.data)).toEqual(['capacity.js']);
    expect(r.out).toMatch(/capacity\.configmap\.yaml: ConfigMap rundun-capacity/);
  });

  it.each([
    ['an unknown scenario', ['capacty'], /unknown scenario 'capacty' \(known: capacity, smoke\)/],
    ['a bundle not built', ['smoke'], /dist\/smoke\.js not found: run `npm run build` first/],
    ['no scenario', [], /give exactly one scenario \(got 0\)/],
    ['two scenarios', ['capacity', 'smoke'], /give exactly one scenario \(got 2\)/],
    ['an unknown option', ['capacity', '--vus', '3'], /^deploy:configmap: unknown option --vus \(see --help\)\n$/],
    ['a bad namespace', ['capacity', '--namespace', 'Load_Test'], /--namespace 'Load_Test' is not a Kubernetes namespace name/],
    ['an empty --out', ['capacity', '--out', ''], /--out needs a directory/],
  ])('%s: exit 2 with a message saying what to do', (_, argv, message) => {
    const r = run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });

  it('--help prints the usage with every option, exit 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.startsWith('usage: npm run deploy:configmap -- <scenario>')).toBe(true);
    for (const option of ['--out', '--namespace', '--no-source-map', '--help']) expect(r.out).toMatch(new RegExp(`^\\s+(-\\w, )?${option}\\b`, 'm'));
  });

  it('a bundle too large for a ConfigMap: exit 2, pointing at a volumeClaim', () => {
    writeFileSync(join(dir, 'dist', 'smoke.js'), 'x'.repeat(CONFIGMAP_LIMIT_BYTES + 1));
    const r = run(['smoke']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/above the 1048576-byte limit: serve it from a volumeClaim/);
  });
});
