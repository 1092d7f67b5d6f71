// The GitHub Actions workflows (.github/workflows/) keep their rules: npm scripts that exist,
// known settings only, secrets only from secrets.* and only on the steps that need them, no
// --vus, rate-limit scenarios never at once, the triggers they need. Each rule is shown failing
// on a mutated parsed copy of the real workflow (the files are never edited).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../lib/target/settings';
import { checkCapacity, checkConcurrency, checkNightly, checkWorkflow, type Doc, type Known, type WorkflowSpec } from './check-workflows';

const root = join(import.meta.dirname, '..', '..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

const scenarios = ['smoke', 'rate-limit', 'retry-after', 'key-isolation', 'capacity', 'soak', 'spike'];
const known: Known = {
  scripts: new Set(Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts)),
  settings: new Map(SETTINGS.map((s) => [s.name, { secret: s.secret }])),
  // k6's own variables: the ones docs/k6.md documents for these bundles.
  k6Vars: new Set([...read('docs/k6.md').matchAll(/\bK6_[A-Z0-9_]+\b/g)].map((m) => m[0])),
  scenarios,
};

type Name = 'nightly' | 'capacity';
const SPECS: Record<Name, WorkflowSpec> = {
  nightly: { file: '.github/workflows/nightly-conformance.yml', requiredTriggers: ['schedule', 'workflow_dispatch'], forbiddenTriggers: ['pull_request_target', 'pull_request'] },
  capacity: { file: '.github/workflows/capacity.yml', requiredTriggers: ['workflow_dispatch'], forbiddenTriggers: ['pull_request_target', 'pull_request', 'push', 'schedule'] },
};
const RAW: Record<Name, string> = { nightly: read(SPECS.nightly.file), capacity: read(SPECS.capacity.file) };

/** Every problem of one workflow (and of the pair's concurrency, with the other one unchanged). */
function problems(name: Name, doc: Doc, raw?: string): string[] {
  const text = raw ?? (JSON.stringify(doc) === JSON.stringify(parse(RAW[name])) ? RAW[name] : JSON.stringify(doc));
  const spec = SPECS[name];
  const own = checkWorkflow(doc, text, known, spec);
  const specific = name === 'nightly' ? checkNightly(doc, spec.file) : checkCapacity(doc, spec.file, scenarios);
  const other: Name = name === 'nightly' ? 'capacity' : 'nightly';
  const pair = checkConcurrency([
    { file: spec.file, doc, raw: text },
    { file: SPECS[other].file, doc: parse(RAW[other]) as Doc, raw: RAW[other] },
  ]);
  return [...own, ...specific, ...pair];
}

const fresh = (name: Name): Doc => parse(RAW[name]) as Doc;
const stepNamed = (doc: Doc, name: string): Doc => {
  for (const job of Object.values(doc.jobs as Record<string, Doc>)) for (const s of job.steps as Doc[]) if (s.name === name) return s;
  throw new Error(`no step named '${name}'`);
};
const stepUsing = (doc: Doc, action: string): Doc => {
  for (const job of Object.values(doc.jobs as Record<string, Doc>)) for (const s of job.steps as Doc[]) if (typeof s.uses === 'string' && s.uses.startsWith(`${action}@`)) return s;
  throw new Error(`no step using '${action}'`);
};
const removeStep = (doc: Doc, pred: (s: Doc) => boolean) => {
  for (const job of Object.values(doc.jobs as Record<string, Doc>)) job.steps = (job.steps as Doc[]).filter((s) => !pred(s));
};
/** Move the named steps of capacity's one job into a job of their own (with the setup steps). */
const splitJob = (doc: Doc, names: string[], needs?: string) => {
  const job = doc.jobs.scenarios as Doc;
  const setup = (job.steps as Doc[]).filter((s) => !s.name || s.name === 'Install and build the bundles' || s.name === 'Mask each pool key');
  const moved = (job.steps as Doc[]).filter((s) => names.includes(s.name));
  job.steps = (job.steps as Doc[]).filter((s) => !names.includes(s.name));
  doc.jobs.second = { ...structuredClone({ 'runs-on': job['runs-on'], env: job.env }), ...(needs ? { needs } : {}), steps: [...structuredClone(setup), ...moved] };
};

describe('workflows as committed', () => {
  it.each(['nightly', 'capacity'] as const)('%s keeps every rule', (name) => {
    expect(problems(name, fresh(name))).toEqual([]);
  });

  it('the known settings come from lib/target/settings.ts, and the k6 variables from docs/k6.md', () => {
    expect(known.settings.get('RUNDUN_API_KEY')?.secret).toBe(true);
    expect(known.settings.get('RUNDUN_ALLOW_REMOTE')?.secret).toBe(false);
    expect(known.k6Vars.has('K6_WEB_DASHBOARD_EXPORT')).toBe(true);
  });
});

interface Mutation {
  name: string;
  workflow: Name;
  mutate: (doc: Doc) => void;
  /** the raw text to check instead of the re-serialised copy (for text-only rules) */
  raw?: (text: string) => string;
  expected: RegExp;
}

const MUTATIONS: Mutation[] = [
  // triggers
  { name: 'no schedule', workflow: 'nightly', mutate: (d) => delete d.on.schedule, expected: /missing trigger 'schedule'/ },
  { name: 'no workflow_dispatch (nightly)', workflow: 'nightly', mutate: (d) => delete d.on.workflow_dispatch, expected: /missing trigger 'workflow_dispatch'/ },
  { name: 'no workflow_dispatch (capacity)', workflow: 'capacity', mutate: (d) => delete d.on.workflow_dispatch, expected: /missing trigger 'workflow_dispatch'/ },
  { name: 'capacity on push', workflow: 'capacity', mutate: (d) => (d.on.push = { branches: ['main'] }), expected: /trigger 'push' is not allowed/ },
  { name: 'nightly on pull_request_target', workflow: 'nightly', mutate: (d) => (d.on.pull_request_target = null), expected: /trigger 'pull_request_target' is not allowed/ },
  // npm scripts
  { name: 'a misspelt npm script', workflow: 'nightly', mutate: (d) => (stepNamed(d, 'Conformance suite against staging').run = 'npm run conformnce'), expected: /npm run 'conformnce' is not a package.json script/ },
  { name: 'npm run -s of a missing script', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'Install and build the bundles').run = 'npm ci && npm run -s bild'), expected: /npm run 'bild' is not a package.json script/ },
  // settings
  { name: 'a misspelt setting on a step', workflow: 'nightly', mutate: (d) => (stepNamed(d, 'Conformance suite against staging').env.RUNDUN_ALOW_REMOTE = 'yes'), expected: /unknown setting RUNDUN_ALOW_REMOTE/ },
  { name: 'an unknown setting at job level', workflow: 'capacity', mutate: (d) => (d.jobs.scenarios.env.RUNDUN_STAGESS = '5,10'), expected: /jobs\.scenarios\.env: unknown setting RUNDUN_STAGESS/ },
  { name: 'an unknown setting at workflow level', workflow: 'nightly', mutate: (d) => (d.env = { RUNDUN_NOPE: '1' }), expected: /^[^:]+: env: unknown setting RUNDUN_NOPE/ },
  { name: 'an undocumented k6 variable', workflow: 'capacity', mutate: (d) => (d.jobs.scenarios.env.K6_WEB_DASHBOARD_OPEN = 'true'), expected: /unknown k6 variable K6_WEB_DASHBOARD_OPEN/ },
  // secrets
  { name: 'a key inline', workflow: 'nightly', mutate: (d) => (stepNamed(d, 'Conformance suite against staging').env.RUNDUN_API_KEY = 'rdk_live_0123456789abcdef'), expected: /secret setting RUNDUN_API_KEY is not from \$\{\{ secrets\.X \}\}/ },
  { name: 'rdk_live_ anywhere in the file', workflow: 'capacity', mutate: () => {}, raw: (t) => `${t}\n# example: rdk_live_abcd\n`, expected: /literal 'rdk_live_'/ },
  { name: 'a secret setting from vars', workflow: 'nightly', mutate: (d) => (stepNamed(d, 'Conformance suite against staging').env.RUNDUN_API_KEY_REVOKED = '${{ vars.REVOKED }}'), expected: /secret setting RUNDUN_API_KEY_REVOKED is not from/ },
  { name: 'a secret at job level', workflow: 'nightly', mutate: (d) => (d.jobs.conformance.env.RUNDUN_API_KEY = '${{ secrets.RUNDUN_API_KEY }}'), expected: /secret setting RUNDUN_API_KEY set at job level/ },
  { name: 'a secret at workflow level', workflow: 'capacity', mutate: (d) => (d.env = { RUNDUN_API_KEYS: '${{ secrets.RUNDUN_API_KEYS }}' }), expected: /secret setting RUNDUN_API_KEYS set at workflow level/ },
  { name: 'a key assigned in the script', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'capacity').run = 'RUNDUN_API_KEYS=abc,def k6 run dist/capacity.js'), expected: /secret setting RUNDUN_API_KEYS assigned inline/ },
  { name: 'a key as a k6 -e flag', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'rate-limit').run = 'k6 run -e RUNDUN_API_KEY_RATELIMIT=abc dist/rate-limit.js'), expected: /secret setting RUNDUN_API_KEY_RATELIMIT assigned inline/ },
  // --vus
  { name: '--vus on k6 run', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'capacity').run = 'k6 run --vus 10 dist/capacity.js'), expected: /--vus on a k6 command line/ },
  { name: '-u on k6 run', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'capacity').run = 'k6 run -u 10 dist/capacity.js'), expected: /--vus on a k6 command line/ },
  { name: 'K6_VUS', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'capacity').env.K6_VUS = '10'), expected: /K6_VUS is --vus by another name/ },
  {
    name: '--vus in run-k6-action flags',
    workflow: 'capacity',
    mutate: (d) => Object.assign(stepNamed(d, 'capacity'), { run: undefined, uses: 'grafana/run-k6-action@v1', with: { path: 'dist/capacity.js', flags: '--vus=5' } }),
    expected: /--vus in flags/,
  },
  // rate-limit scenarios never at once
  { name: 'rate-limit scenarios in two jobs without needs', workflow: 'capacity', mutate: (d) => splitJob(d, ['retry-after']), expected: /jobs 'scenarios' and 'second' both run rate-limit scenarios .* may run in parallel/ },
  { name: 'in the background', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'rate-limit').run = 'k6 run dist/rate-limit.js & k6 run dist/retry-after.js; wait'), expected: /rate-limit scenario run in the background/ },
  {
    name: 'run-k6-action parallel over several',
    workflow: 'capacity',
    mutate: (d) => Object.assign(stepNamed(d, 'rate-limit'), { run: undefined, uses: 'grafana/run-k6-action@v1', with: { path: 'dist/r*.js', parallel: true } }),
    expected: /rate-limit scenarios run in parallel \(run-k6-action parallel: true/,
  },
  {
    name: 'matrix legs',
    workflow: 'capacity',
    mutate: (d) => {
      d.jobs.scenarios.strategy = { matrix: { scenario: ['rate-limit', 'retry-after'] } };
      stepNamed(d, 'rate-limit').run = 'k6 run dist/${{ matrix.scenario }}.js && k6 run dist/rate-limit.js';
    },
    expected: /matrix legs that run in parallel/,
  },
  { name: 'no concurrency group', workflow: 'capacity', mutate: (d) => delete d.concurrency, expected: /not concurrency group 'rundun-staging-keys'/ },
  { name: 'another concurrency group than the nightly', workflow: 'nightly', mutate: (d) => (d.concurrency.group = 'nightly'), expected: /nightly-conformance\.yml: uses the staging keys but not concurrency group/ },
  { name: 'cancel-in-progress', workflow: 'capacity', mutate: (d) => (d.concurrency['cancel-in-progress'] = true), expected: /cancel-in-progress would stop a run half-way/ },
  // staging consent
  { name: 'no RUNDUN_ALLOW_REMOTE on the suite', workflow: 'nightly', mutate: (d) => delete stepNamed(d, 'Conformance suite against staging').env.RUNDUN_ALLOW_REMOTE, expected: /runs against staging without RUNDUN_ALLOW_REMOTE=yes/ },
  { name: 'no RUNDUN_BASE_URL for a k6 step', workflow: 'capacity', mutate: (d) => delete stepNamed(d, 'key-isolation').env.RUNDUN_BASE_URL, expected: /\(key-isolation\): runs against staging without RUNDUN_BASE_URL/ },
  // pinned actions
  { name: 'an action on a branch', workflow: 'nightly', mutate: (d) => (stepUsing(d, 'actions/checkout').uses = 'actions/checkout@main'), expected: /'actions\/checkout@main' is not pinned/ },
  { name: 'an action without a ref', workflow: 'capacity', mutate: (d) => (stepUsing(d, 'grafana/setup-k6-action').uses = 'grafana/setup-k6-action'), expected: /'grafana\/setup-k6-action' is not pinned/ },
  // nightly: JUnit, reports, state file
  { name: 'JUnit not published', workflow: 'nightly', mutate: (d) => removeStep(d, (s) => String(s.uses).startsWith('dorny/test-reporter@')), expected: /JUnit report reports\/conformance\.junit\.xml is not published/ },
  { name: 'JUnit published only on success', workflow: 'nightly', mutate: (d) => delete stepUsing(d, 'dorny/test-reporter').if, expected: /JUnit report is not published when the suite fails/ },
  { name: 'dorny with the wrong reporter', workflow: 'nightly', mutate: (d) => (stepUsing(d, 'dorny/test-reporter').with.reporter = 'jest-junit'), expected: /needs reporter: java-junit/ },
  { name: 'reports uploaded only on success', workflow: 'nightly', mutate: (d) => delete stepUsing(d, 'actions/upload-artifact').if, expected: /reports\/ is not uploaded when the suite fails/ },
  { name: 'reports not uploaded', workflow: 'nightly', mutate: (d) => (stepUsing(d, 'actions/upload-artifact').with.path = 'reports/conformance.md'), expected: /reports\/ is not uploaded as an artifact/ },
  { name: 'state never restored', workflow: 'nightly', mutate: (d) => removeStep(d, (s) => String(s.uses).startsWith('actions/cache/restore@')), expected: /is never restored/ },
  { name: 'restore without restore-keys', workflow: 'nightly', mutate: (d) => delete stepUsing(d, 'actions/cache/restore').with['restore-keys'], expected: /no restore-keys/ },
  { name: 'a fixed cache key', workflow: 'nightly', mutate: (d) => (stepUsing(d, 'actions/cache/save').with.key = 'rundun-state'), expected: /cache key does not change per run/ },
  { name: 'state saved only on success', workflow: 'nightly', mutate: (d) => delete stepUsing(d, 'actions/cache/save').if, expected: /state is not saved when the suite fails/ },
  { name: 'state file outside the cached path', workflow: 'nightly', mutate: (d) => (d.jobs.conformance.env.RUNDUN_STATE_FILE = 'state/runs.json'), expected: /state file state\/runs\.json is never restored/ },
  { name: 'saved key matches no restore prefix', workflow: 'nightly', mutate: (d) => (stepUsing(d, 'actions/cache/save').with.key = 'state-${{ github.run_id }}'), expected: /matches no restore-keys prefix/ },
  // capacity: k6, build, dashboard, uploads
  { name: 'k6 not installed', workflow: 'capacity', mutate: (d) => removeStep(d, (s) => String(s.uses).startsWith('grafana/setup-k6-action@')), expected: /k6 is not installed before it/ },
  { name: 'bundles not built', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'Install and build the bundles').run = 'npm ci'), expected: /bundles are not built before it/ },
  { name: 'capacity never run', workflow: 'capacity', mutate: (d) => removeStep(d, (s) => s.name === 'capacity'), expected: /capacity scenario is never run/ },
  { name: 'dashboard waiting for a browser', workflow: 'capacity', mutate: (d) => delete d.jobs.scenarios.env.K6_WEB_DASHBOARD_PORT, expected: /waits for a browser in CI/ },
  { name: 'dashboard off', workflow: 'capacity', mutate: (d) => (d.jobs.scenarios.env.K6_WEB_DASHBOARD = 'false'), expected: /no web dashboard report/ },
  { name: 'dashboard without export', workflow: 'capacity', mutate: (d) => delete stepNamed(d, 'capacity').env.K6_WEB_DASHBOARD_EXPORT, expected: /without K6_WEB_DASHBOARD_EXPORT/ },
  { name: 'dashboard exported outside the upload', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'capacity').env.K6_WEB_DASHBOARD_EXPORT = 'capacity.html'), expected: /dashboard export capacity\.html is not uploaded/ },
  { name: 'two dashboards to one file', workflow: 'capacity', mutate: (d) => (stepNamed(d, 'retry-after').env.K6_WEB_DASHBOARD_EXPORT = 'reports/rate-limit-dashboard.html'), expected: /two scenarios export the dashboard to reports\/rate-limit-dashboard\.html/ },
  { name: 'summaries not uploaded', workflow: 'capacity', mutate: (d) => (stepUsing(d, 'actions/upload-artifact').with.path = 'reports/*-dashboard.html'), expected: /reports\/capacity\.summary\.json is not uploaded/ },
  { name: 'uploads only on success', workflow: 'capacity', mutate: (d) => delete stepUsing(d, 'actions/upload-artifact').if, expected: /is not uploaded, also on failure/ },
];

describe('each rule fails on a workflow that breaks it', () => {
  it.each(MUTATIONS.map((m) => [m.name, m] as const))('%s', (_, m) => {
    const doc = fresh(m.workflow);
    m.mutate(doc);
    const found = problems(m.workflow, doc, m.raw ? m.raw(RAW[m.workflow]) : undefined);
    expect(found.some((p) => m.expected.test(p)), `expected ${m.expected} among:\n${found.join('\n') || '(no problems)'}`).toBe(true);
  });

  it('splitting the rate-limit scenarios into jobs ordered by needs is allowed', () => {
    const doc = fresh('capacity');
    splitJob(doc, ['retry-after', 'key-isolation', 'capacity'], 'scenarios');
    expect(problems('capacity', doc).filter((p) => /in parallel/.test(p))).toEqual([]);
  });

  it('a pipe or a redirect is not taken for a k6 run in the background', () => {
    const doc = fresh('capacity');
    stepNamed(doc, 'rate-limit').run = 'k6 run dist/rate-limit.js 2>&1 | tee reports/rate-limit.log && echo done';
    expect(problems('capacity', doc).filter((p) => /background/.test(p))).toEqual([]);
  });
});
