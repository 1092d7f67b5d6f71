// Rules the GitHub Actions workflows must keep, as a pure checker over parsed workflow YAML, so
// the test can show each rule failing on a mutated copy. Each problem is one line naming where.
export type Doc = Record<string, any>;

export interface Known {
  /** package.json scripts */
  scripts: ReadonlySet<string>;
  /** the harness's settings (lib/target/settings.ts): name -> secret? */
  settings: ReadonlyMap<string, { secret: boolean }>;
  /** k6's own variables the project documents (docs/k6.md) */
  k6Vars: ReadonlySet<string>;
  /** the k6 scenarios */
  scenarios: readonly string[];
}

export interface WorkflowSpec {
  file: string;
  requiredTriggers: readonly string[];
  forbiddenTriggers: readonly string[];
}

/** Scenarios that drive keys over their limit: never two at once on the same keys. */
export const RATE_LIMIT_SCENARIOS = ['rate-limit', 'retry-after', 'key-isolation'] as const;
/** Every workflow that uses the staging keys queues in this one group (across workflows too). */
export const STAGING_KEYS_GROUP = 'rundun-staging-keys';

const SECRET_REF = /^\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/;
const PINNED_REF = /^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

export interface StepRef {
  jobId: string;
  index: number;
  step: Doc;
  where: string;
}

export function triggersOf(doc: Doc): string[] {
  const on = doc.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

export function jobsOf(doc: Doc): Array<[string, Doc]> {
  return Object.entries((doc.jobs ?? {}) as Record<string, Doc>);
}

export function stepsOf(doc: Doc): StepRef[] {
  const out: StepRef[] = [];
  for (const [jobId, job] of jobsOf(doc)) {
    ((job.steps ?? []) as Doc[]).forEach((step, index) => out.push({ jobId, index, step, where: `jobs.${jobId}.steps[${index}]${step.name ? ` (${step.name})` : ''}` }));
  }
  return out;
}

export function effectiveEnv(doc: Doc, s: StepRef): Record<string, unknown> {
  return { ...(doc.env ?? {}), ...((doc.jobs?.[s.jobId]?.env ?? {}) as object), ...(s.step.env ?? {}) };
}

function envBlocks(doc: Doc): Array<{ where: string; level: 'workflow' | 'job' | 'step'; env: Record<string, unknown> }> {
  const out: Array<{ where: string; level: 'workflow' | 'job' | 'step'; env: Record<string, unknown> }> = [];
  if (doc.env) out.push({ where: 'env', level: 'workflow', env: doc.env });
  for (const [jobId, job] of jobsOf(doc)) if (job.env) out.push({ where: `jobs.${jobId}.env`, level: 'job', env: job.env });
  for (const s of stepsOf(doc)) if (s.step.env) out.push({ where: `${s.where}.env`, level: 'step', env: s.step.env });
  return out;
}

const actionOf = (step: Doc): string | null => (typeof step.uses === 'string' ? step.uses.split('@')[0] ?? null : null);
const runOf = (step: Doc): string => (typeof step.run === 'string' ? step.run : '');
const runsOnFailure = (step: Doc): boolean => typeof step.if === 'string' && /\balways\(\)/.test(step.if);

/** Simple glob (`*`, `**`) to a whole-string RegExp; a bare folder covers everything under it. */
function globCovers(pattern: string, file: string): boolean {
  const p = pattern.trim().replace(/^\.\//, '');
  if (p === '') return false;
  if (!/[*?]/.test(p)) return file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`);
  const re = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '.*');
  return new RegExp(`^${re}$`).test(file);
}

function linesOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) : [];
}

/** The scenarios a step runs with k6 (`k6 run dist/<x>.js`, or run-k6-action's path), and how. */
export function scenariosOfStep(step: Doc, scenarios: readonly string[]): { names: string[]; background: boolean; parallelAction: boolean } {
  const names = new Set<string>();
  let background = false;
  for (const line of runOf(step).split('\n')) {
    if (!/\bk6\s+run\b/.test(line)) continue;
    for (const m of line.matchAll(/dist\/([A-Za-z0-9_-]+)\.js/g)) names.add(m[1] as string);
    // `k6 run … &`: a k6 process left running while the script goes on.
    if (/&/.test(line.replace(/&&/g, '').replace(/\d?>&\d?/g, '').replace(/&>>?/g, ''))) background = true;
  }
  let parallelAction = false;
  if (actionOf(step) === 'grafana/run-k6-action') {
    for (const pattern of linesOf(step.with?.path)) for (const s of scenarios) if (globCovers(pattern, `dist/${s}.js`)) names.add(s);
    parallelAction = String(step.with?.parallel ?? 'false') === 'true';
  }
  return { names: [...names], background, parallelAction };
}

function needsOf(job: Doc): string[] {
  const n = job.needs;
  return typeof n === 'string' ? [n] : Array.isArray(n) ? n.map(String) : [];
}

function upstream(doc: Doc, jobId: string, seen = new Set<string>()): Set<string> {
  for (const n of needsOf(doc.jobs?.[jobId] ?? {})) {
    if (seen.has(n)) continue;
    seen.add(n);
    upstream(doc, n, seen);
  }
  return seen;
}

const VUS_FLAG = /(?:^|\s)(?:--vus|-u)(?:[=\s]|$)/;

export function checkWorkflow(doc: Doc, raw: string, known: Known, spec: WorkflowSpec): string[] {
  const problems: string[] = [];
  const f = spec.file;

  // Triggers.
  const triggers = triggersOf(doc);
  for (const t of spec.requiredTriggers) if (!triggers.includes(t)) problems.push(`${f}: missing trigger '${t}'`);
  for (const t of spec.forbiddenTriggers) if (triggers.includes(t)) problems.push(`${f}: trigger '${t}' is not allowed here (it would run with the staging secrets on demand of others)`);

  // No key in the file, in any spelling k6 or the API uses.
  if (/rdk_live_/i.test(raw)) problems.push(`${f}: literal 'rdk_live_' in the file: keys come from secrets only`);

  // Variables: known settings (or k6 variables the project documents); secrets from secrets.*, on the step only.
  for (const block of envBlocks(doc)) {
    for (const [name, value] of Object.entries(block.env)) {
      const setting = known.settings.get(name);
      if (name === 'K6_VUS') problems.push(`${f}: ${block.where}: K6_VUS is --vus by another name (it replaces the scenarios)`);
      else if (name.startsWith('K6_')) {
        if (!known.k6Vars.has(name)) problems.push(`${f}: ${block.where}: unknown k6 variable ${name} (not documented in docs/k6.md)`);
      } else if (!setting) problems.push(`${f}: ${block.where}: unknown setting ${name} (not in lib/target/settings.ts)`);
      if (setting?.secret) {
        if (!SECRET_REF.test(String(value))) problems.push(`${f}: ${block.where}: secret setting ${name} is not from \${{ secrets.X }}`);
        if (block.level !== 'step') problems.push(`${f}: ${block.where}: secret setting ${name} set at ${block.level} level: put it on the steps that need it (npm ci must not see it)`);
      }
    }
  }
  const secretNames = [...known.settings].filter(([, s]) => s.secret).map(([n]) => n);

  const steps = stepsOf(doc);
  for (const s of steps) {
    const run = runOf(s.step);
    // npm scripts that exist.
    for (const m of run.matchAll(/\bnpm\s+run(?:-script)?\s+(?:(?:-s|--silent|--if-present)\s+)*([A-Za-z0-9:_.-]+)/g)) {
      if (!known.scripts.has(m[1] as string)) problems.push(`${f}: ${s.where}: npm run '${m[1]}' is not a package.json script`);
    }
    // Keys assigned inline in a script or as k6 -e flags.
    for (const name of secretNames) {
      const inline = new RegExp(`(?:^|[\\s;])(?:-e\\s+|--env\\s+|export\\s+)?${name}=(?!["']?\\$)`, 'm');
      if (inline.test(run)) problems.push(`${f}: ${s.where}: secret setting ${name} assigned inline in the script`);
    }
    // Never --vus.
    for (const line of run.split('\n')) if (/\bk6\s/.test(line) && VUS_FLAG.test(line)) problems.push(`${f}: ${s.where}: --vus on a k6 command line (k6 2.1+ replaces the scenarios)`);
    for (const input of ['flags', 'inspect-flags']) if (VUS_FLAG.test(String(s.step.with?.[input] ?? ''))) problems.push(`${f}: ${s.where}: --vus in ${input} (k6 2.1+ replaces the scenarios)`);
    // Actions pinned to a release.
    if (typeof s.step.uses === 'string' && !s.step.uses.startsWith('./')) {
      const ref = s.step.uses.split('@')[1];
      if (ref === undefined || !PINNED_REF.test(ref)) problems.push(`${f}: ${s.where}: '${s.step.uses}' is not pinned to a major version or a commit`);
    }
  }

  // Rate-limit scenarios never at once: not in the background, not in a parallel action, not in
  // matrix legs, not in two jobs without `needs` between them, not in two runs (concurrency).
  const rlJobs = new Map<string, string[]>();
  for (const [jobId, job] of jobsOf(doc)) {
    const names: string[] = [];
    for (const s of steps.filter((x) => x.jobId === jobId)) {
      const r = scenariosOfStep(s.step, known.scenarios);
      const rl = r.names.filter((n) => (RATE_LIMIT_SCENARIOS as readonly string[]).includes(n));
      if (rl.length > 0 && r.background) problems.push(`${f}: ${s.where}: rate-limit scenario run in the background (${rl.join(', ')}): they must run one after another`);
      if (rl.length > 0 && r.parallelAction && r.names.length > 1) problems.push(`${f}: ${s.where}: rate-limit scenarios run in parallel (run-k6-action parallel: true over ${r.names.join(', ')})`);
      names.push(...rl);
    }
    if (names.length === 0) continue;
    rlJobs.set(jobId, names);
    if (job.strategy?.matrix !== undefined && Number(job.strategy['max-parallel'] ?? Number.POSITIVE_INFINITY) > 1) {
      problems.push(`${f}: jobs.${jobId}: rate-limit scenarios in matrix legs that run in parallel (set strategy.max-parallel: 1 or use sequential steps)`);
    }
  }
  const ids = [...rlJobs.keys()];
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i] as string;
      const b = ids[j] as string;
      if (!upstream(doc, a).has(b) && !upstream(doc, b).has(a)) {
        problems.push(`${f}: jobs '${a}' and '${b}' both run rate-limit scenarios (${[...(rlJobs.get(a) ?? []), ...(rlJobs.get(b) ?? [])].join(', ')}) and may run in parallel: order them with needs`);
      }
    }
  }

  // Steps that reach staging say so (the loopback safety catch) and name the target.
  for (const s of steps) {
    const run = runOf(s.step);
    const k6 = scenariosOfStep(s.step, known.scenarios).names.length > 0;
    if (!k6 && !/\bnpm\s+run\s+(?:-s\s+)?conformance\b/.test(run)) continue;
    const env = effectiveEnv(doc, s);
    if (String(env.RUNDUN_ALLOW_REMOTE ?? '') !== 'yes') problems.push(`${f}: ${s.where}: runs against staging without RUNDUN_ALLOW_REMOTE=yes`);
    if (env.RUNDUN_BASE_URL === undefined) problems.push(`${f}: ${s.where}: runs against staging without RUNDUN_BASE_URL`);
  }
  return problems;
}

/** Every workflow that uses the staging keys queues in the one group, so no two overlap. */
export function checkConcurrency(workflows: ReadonlyArray<{ file: string; doc: Doc; raw: string }>): string[] {
  const problems: string[] = [];
  for (const w of workflows) {
    if (!/secrets\.RUNDUN_API_KEY/.test(w.raw)) continue;
    const c = w.doc.concurrency;
    const group = typeof c === 'string' ? c : c?.group;
    if (group !== STAGING_KEYS_GROUP) problems.push(`${w.file}: uses the staging keys but not concurrency group '${STAGING_KEYS_GROUP}' (found ${JSON.stringify(group ?? null)}): two runs would drive the same keys at once`);
    else if (typeof c === 'object' && c['cancel-in-progress'] === true) problems.push(`${w.file}: concurrency cancel-in-progress would stop a run half-way and leave keys throttled`);
  }
  return problems;
}

/** The nightly conformance workflow: JUnit published, reports kept on failure, 410 state kept across nights. */
export function checkNightly(doc: Doc, f: string): string[] {
  const problems: string[] = [];
  const steps = stepsOf(doc);
  const junit = 'reports/conformance.junit.xml';
  const reporter = steps.find((s) => {
    const a = actionOf(s.step);
    const p = a === 'dorny/test-reporter' ? s.step.with?.path : a === 'mikepenz/action-junit-report' ? s.step.with?.report_paths : undefined;
    return String(p ?? '').split(/[,\n]/).some((x) => globCovers(x, junit));
  });
  if (!reporter) problems.push(`${f}: the JUnit report ${junit} is not published (dorny/test-reporter or mikepenz/action-junit-report)`);
  else {
    if (!runsOnFailure(reporter.step)) problems.push(`${f}: ${reporter.where}: the JUnit report is not published when the suite fails (if: always())`);
    if (actionOf(reporter.step) === 'dorny/test-reporter' && reporter.step.with?.reporter !== 'java-junit') problems.push(`${f}: ${reporter.where}: dorny/test-reporter needs reporter: java-junit for this file`);
  }
  const upload = steps.find((s) => actionOf(s.step) === 'actions/upload-artifact' && linesOf(s.step.with?.path).some((p) => globCovers(p, junit)));
  if (!upload) problems.push(`${f}: reports/ is not uploaded as an artifact`);
  else if (!runsOnFailure(upload.step)) problems.push(`${f}: ${upload.where}: reports/ is not uploaded when the suite fails (if: always())`);

  const suite = steps.find((s) => /\bnpm\s+run\s+(?:-s\s+)?conformance\b/.test(runOf(s.step)));
  if (!suite) return [...problems, `${f}: no step runs npm run conformance`];
  const stateFile = String(effectiveEnv(doc, suite).RUNDUN_STATE_FILE ?? '.rundun-state/runs.json');
  const restore = steps.find((s) => actionOf(s.step) === 'actions/cache/restore' && linesOf(s.step.with?.path).some((p) => globCovers(p, stateFile)));
  const save = steps.find((s) => actionOf(s.step) === 'actions/cache/save' && linesOf(s.step.with?.path).some((p) => globCovers(p, stateFile)));
  if (!restore) problems.push(`${f}: the state file ${stateFile} is never restored (actions/cache/restore with a path covering it)`);
  else {
    if (linesOf(restore.step.with?.['restore-keys']).length === 0) problems.push(`${f}: ${restore.where}: no restore-keys: a new key each night never matches, so last night's state is never restored`);
    if (restore.index > suite.index) problems.push(`${f}: ${restore.where}: the state is restored after the suite ran`);
  }
  if (!save) problems.push(`${f}: the state file ${stateFile} is never saved (actions/cache/save with a path covering it)`);
  else {
    if (!/\$\{\{\s*github\.run_id\s*\}\}/.test(String(save.step.with?.key ?? ''))) problems.push(`${f}: ${save.where}: the cache key does not change per run (caches are immutable: a fixed key is saved once, then never updated)`);
    if (!runsOnFailure(save.step)) problems.push(`${f}: ${save.where}: the state is not saved when the suite fails (if: always()): the runs created that night would be forgotten`);
    if (save.index < suite.index) problems.push(`${f}: ${save.where}: the state is saved before the suite ran`);
    if (restore) {
      const prefixes = linesOf(restore.step.with?.['restore-keys']);
      if (prefixes.length > 0 && !prefixes.some((p) => String(save.step.with?.key ?? '').startsWith(p))) problems.push(`${f}: ${save.where}: the saved key matches no restore-keys prefix, so the next night cannot find it`);
    }
  }
  return problems;
}

/** The capacity workflow: k6 installed, bundles built, dashboard exported without waiting, reports uploaded. */
export function checkCapacity(doc: Doc, f: string, scenarios: readonly string[]): string[] {
  const problems: string[] = [];
  const steps = stepsOf(doc);
  const k6Steps = steps.filter((s) => scenariosOfStep(s.step, scenarios).names.length > 0);
  if (k6Steps.length === 0) return [`${f}: no step runs a k6 scenario`];
  if (!k6Steps.some((s) => scenariosOfStep(s.step, scenarios).names.includes('capacity'))) problems.push(`${f}: the capacity scenario is never run`);
  const first = k6Steps[0] as StepRef;
  const before = steps.filter((s) => s.jobId === first.jobId && s.index < first.index);
  if (!before.some((s) => actionOf(s.step) === 'grafana/setup-k6-action')) problems.push(`${f}: ${first.where}: k6 is not installed before it (grafana/setup-k6-action)`);
  if (!before.some((s) => /\bnpm\s+run\s+(?:-s\s+)?build\b/.test(runOf(s.step)))) problems.push(`${f}: ${first.where}: the bundles are not built before it (npm run build)`);

  const upload = steps.filter((s) => actionOf(s.step) === 'actions/upload-artifact');
  const uploaded = (file: string) => upload.some((u) => runsOnFailure(u.step) && linesOf(u.step.with?.path).some((p) => globCovers(p, file)));
  for (const s of k6Steps) {
    const env = effectiveEnv(doc, s);
    for (const name of scenariosOfStep(s.step, scenarios).names) {
      const dir = String(env.RUNDUN_REPORT_DIR ?? 'reports').replace(/\/+$/, '');
      if (!uploaded(`${dir}/${name}.summary.json`)) problems.push(`${f}: ${s.where}: ${dir}/${name}.summary.json is not uploaded, also on failure (actions/upload-artifact, if: always())`);
    }
    if (String(env.K6_WEB_DASHBOARD ?? '') !== 'true') {
      problems.push(`${f}: ${s.where}: no web dashboard report (K6_WEB_DASHBOARD=true with K6_WEB_DASHBOARD_EXPORT)`);
      continue;
    }
    if (String(env.K6_WEB_DASHBOARD_PORT ?? '') !== '-1') problems.push(`${f}: ${s.where}: the web dashboard waits for a browser in CI: set K6_WEB_DASHBOARD_PORT=-1 (docs/k6.md)`);
    const exp = env.K6_WEB_DASHBOARD_EXPORT;
    if (typeof exp !== 'string' || exp === '') problems.push(`${f}: ${s.where}: K6_WEB_DASHBOARD without K6_WEB_DASHBOARD_EXPORT writes no HTML report`);
    else if (!uploaded(exp)) problems.push(`${f}: ${s.where}: the dashboard export ${exp} is not uploaded, also on failure`);
  }
  const exports = k6Steps.map((s) => effectiveEnv(doc, s).K6_WEB_DASHBOARD_EXPORT).filter((e): e is string => typeof e === 'string');
  const dup = exports.find((e, i) => exports.indexOf(e) !== i);
  if (dup) problems.push(`${f}: two scenarios export the dashboard to ${dup}: the later overwrites the earlier`);
  return problems;
}
