// Reads whatever reports a run left in a directory (conformance.json, <scenario>.summary.json)
// and writes <dir>/index.html. The only I/O of the HTML report; the renderers are pure.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_VARIABLES, parseFixtures } from '../lib/target';
import { K6_SCENARIOS, parseConformance, parseScenarioSummary, type K6Scenario, type Part, type ReportInputs, type ScenarioSummary } from './inputs';
import { renderReport } from './page';

export interface LoadOptions {
  /** Why k6 did not run, when it is not installed (findK6's reason): shown with each missing k6 part. */
  k6Missing?: string;
  now?: Date;
}

function readJson<T>(file: string, parse: (json: unknown, file: string) => Part<T>, missing: string): Part<T> {
  if (!existsSync(file)) return { ok: false, reason: missing };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return { ok: false, reason: `${file} could not be read as JSON: ${(e as Error).message}` };
  }
  return parse(json, file);
}

const HOW: Record<K6Scenario, string> = {
  smoke: 'k6 run dist/smoke.js',
  'rate-limit': 'k6 run dist/rate-limit.js',
  'retry-after': 'k6 run dist/retry-after.js',
  'key-isolation': 'k6 run dist/key-isolation.js',
  capacity: 'k6 run -e RUNDUN_STAGES=10,20,40 dist/capacity.js',
  soak: 'k6 run dist/soak.js',
  spike: 'k6 run dist/spike.js',
};

export function loadReportInputs(dir: string, opts: LoadOptions = {}): ReportInputs {
  const conformance = readJson(join(dir, 'conformance.json'), parseConformance, `no ${join(dir, 'conformance.json')}: run the conformance suite (npm run conformance, or npm start)`);
  const k6 = {} as Record<K6Scenario, Part<ScenarioSummary>>;
  for (const name of K6_SCENARIOS) {
    const file = join(dir, `${name}.summary.json`);
    const missing = opts.k6Missing
      ? `k6 is not installed (${opts.k6Missing}), and no ${file} from an earlier run`
      : `no ${file}: this scenario was not run (${HOW[name]} writes it)`;
    k6[name] = readJson(file, parseScenarioSummary, missing);
  }
  return { conformance, k6, generatedAt: (opts.now ?? new Date()).toISOString(), ...(opts.k6Missing ? { k6Note: `k6 not installed (${opts.k6Missing}): the load scenarios did not run here; their sections show an earlier run's summaries where there are any.` } : {}) };
}

/** Writes <dir>/index.html from the reports in dir; returns its path. */
export function writeHtmlReport(dir: string, opts: LoadOptions & { keys?: readonly string[] } = {}): string {
  const out = join(dir, 'index.html');
  writeFileSync(out, renderReport(loadReportInputs(dir, opts), { keys: opts.keys ?? [] }));
  return out;
}

/**
 * Every key the environment names (the key variables, the pool, and the fixtures file's keys),
 * for the page's last redaction pass: a key that reached a summary in another spelling (its
 * bare secret part, base64 in a Basic header) is still cut. A fixtures file that cannot be read
 * adds nothing; the reports say why elsewhere.
 */
export function keysFromEnvironment(env: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string[] {
  const keys = new Set<string>();
  for (const { variable } of KEY_VARIABLES) for (const k of (env[variable] ?? '').split(/[,\s]+/)) if (k) keys.add(k);
  if (env.RUNDUN_FIXTURES?.trim()) {
    try {
      const t = parseFixtures(readFile(env.RUNDUN_FIXTURES.trim()));
      for (const k of [...Object.values(t.keys), ...t.pool]) if (k) keys.add(k);
    } catch {
      // not readable: nothing to add
    }
  }
  return [...keys];
}

/**
 * npm start's last step: writes the report and passes the job's exit code on. A report that
 * cannot be written is said on stderr and fails the job (exit 2 unless it already failed).
 */
export function reportAfterMain(code: number, dir: string, k6: object): number {
  try {
    const path = writeHtmlReport(dir, { keys: keysFromEnvironment(), ...('missing' in k6 && typeof k6.missing === 'string' ? { k6Missing: k6.missing } : {}) });
    console.log(`HTML report: ${path}`);
    return code;
  } catch (e) {
    console.error(`HTML report not written: ${(e as Error).message}`);
    return code === 0 ? 2 : code;
  }
}
