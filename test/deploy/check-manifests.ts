// Rules the k6-operator manifests in deploy/ must keep, as a pure checker over parsed YAML, so
// the test can show each rule failing on a mutated copy. The key-pool rule asks the harness's
// own planning code (readK6Config, planLoad, planRateLimit) and k6's striping
// (lib/execution-segment.ts), so it says exactly what k6 would do with these manifests.
import { equalSplit, executionTuple, ownedIndices } from '../../lib/execution-segment';
import { readK6Config } from '../../scenarios/lib/config';
import { planLoad } from '../../scenarios/lib/plan-load';
import { planRateLimit } from '../../scenarios/lib/plan-rate-limit';
import { configMapName, scriptFile } from '../../scripts/build-configmap';

export type Doc = Record<string, any>;

export interface Known {
  settings: ReadonlyMap<string, { secret: boolean }>;
  scenarios: readonly string[];
}

/** All objects of deploy/, by file. */
export interface Manifests {
  files: Array<{ file: string; raw: string; docs: Doc[] }>;
}

const PLACEHOLDER = /^REPLACE_WITH_[A-Z0-9_]+$/;
const VUS_FLAG = /(?:^|\s)(?:--vus|-u)(?:[=\s]|$)/;
/** The downward-API variable that names a runner's folder on the reports volume. */
export const POD_NAME = 'POD_NAME';

const all = (m: Manifests) => m.files.flatMap((f) => f.docs.map((doc, i) => ({ file: f.file, doc, where: `${f.file}[${i}] ${doc?.kind ?? '?'} ${doc?.metadata?.name ?? '?'}` })));
export const ofKind = (m: Manifests, kind: string) => all(m).filter((x) => x.doc?.kind === kind);

/** The Secret's entries; pool keys and role keys as the placeholders they are (distinct values). */
function secretEntries(secret: Doc): Record<string, string> {
  return Object.fromEntries(Object.entries((secret.stringData ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

export function checkSecrets(m: Manifests, known: Known): string[] {
  const problems: string[] = [];
  for (const f of m.files) if (/rdk_live_/i.test(f.raw)) problems.push(`${f.file}: literal 'rdk_live_': only placeholders belong in the repository`);
  const secrets = ofKind(m, 'Secret');
  if (secrets.length === 0) problems.push('deploy/: no Secret template');
  for (const s of secrets) {
    if (s.doc.data !== undefined) problems.push(`${s.where}: has data: (base64 hides what it holds); use stringData with placeholders`);
    for (const [name, value] of Object.entries(secretEntries(s.doc))) {
      const setting = known.settings.get(name);
      if (!setting) problems.push(`${s.where}: ${name} is not a setting (lib/target/settings.ts)`);
      else if (!setting.secret) problems.push(`${s.where}: ${name} is not a secret setting: put it in the TestRun's env`);
      const parts = value.split(',').map((p) => p.trim());
      if (parts.some((p) => !PLACEHOLDER.test(p))) problems.push(`${s.where}: ${name} holds something other than placeholders (REPLACE_WITH_…): never a real or real-looking key`);
      if (new Set(parts).size !== parts.length) problems.push(`${s.where}: ${name} repeats a placeholder: each pool entry stands for its own key`);
    }
  }
  return problems;
}

export interface BundleSource {
  /** the bundle's text for a TestRun's file, or null when it does not exist */
  bundle(file: string): string | null;
  /** the ConfigMap YAML the builder makes for a scenario from that bundle */
  configMap(scenario: string, bundle: string): Doc;
}

export function checkTestRuns(m: Manifests, known: Known, bundles: BundleSource): string[] {
  const problems: string[] = [];
  const runs = ofKind(m, 'TestRun').concat(all(m).filter((x) => x.doc?.kind === 'K6'));
  if (!runs.some((r) => r.doc?.spec?.script?.configMap?.file === 'capacity.js')) problems.push('deploy/: no TestRun for capacity');
  const secretNames = new Set(ofKind(m, 'Secret').map((s) => s.doc.metadata?.name));
  const pvcNames = new Set(ofKind(m, 'PersistentVolumeClaim').map((s) => s.doc.metadata?.name));

  for (const { doc, where } of runs) {
    const p = (msg: string) => problems.push(`${where}: ${msg}`);
    if (doc.apiVersion !== 'k6.io/v1alpha1') p(`apiVersion must be k6.io/v1alpha1 (got ${JSON.stringify(doc.apiVersion)})`);
    if (doc.kind !== 'TestRun') p(`kind must be TestRun (K6 is the deprecated name), got ${JSON.stringify(doc.kind)}`);
    if (typeof doc.metadata?.name !== 'string' || doc.metadata.name === '') p('metadata.name is missing');
    const spec = doc.spec ?? {};
    const n = spec.parallelism;
    if (!Number.isSafeInteger(n) || n < 1) p(`spec.parallelism must be a positive integer (got ${JSON.stringify(n)})`);

    // The script: rundun-<scenario> / <scenario>.js, as the ConfigMap builder names them.
    const cm = spec.script?.configMap;
    const file = String(cm?.file ?? '');
    const scenario = known.scenarios.find((s) => scriptFile(s) === file);
    if (!cm?.name || !cm?.file) p('spec.script.configMap needs name and file');
    else if (!scenario) p(`spec.script.configMap.file '${file}' is not a scenario bundle (<scenario>.js: ${known.scenarios.join(', ')})`);
    else {
      if (cm.name !== configMapName(scenario)) p(`spec.script.configMap.name '${cm.name}' is not the builder's name '${configMapName(scenario)}' (npm run deploy:configmap -- ${scenario})`);
      const text = bundles.bundle(file);
      if (text === null) p(`dist/${file} does not exist: run npm run build`);
      else {
        const built = bundles.configMap(scenario, text);
        if (built.kind !== 'ConfigMap' || built.apiVersion !== 'v1') p(`the builder's output for ${scenario} is not a v1 ConfigMap`);
        if (built.metadata?.name !== cm.name) p(`the builder names the ConfigMap '${built.metadata?.name}', the TestRun expects '${cm.name}'`);
        if (built.data?.[file] !== text) p(`the builder's ConfigMap has no key '${file}' holding dist/${file} unchanged`);
      }
    }

    // Arguments: never --vus, never a key.
    const args = String(spec.arguments ?? '');
    if (VUS_FLAG.test(args)) p('spec.arguments has --vus: since k6 2.1 it replaces the scenarios (docs/k6.md)');
    for (const [name, s] of known.settings) if (s.secret && new RegExp(`\\b${name}=`).test(args)) p(`spec.arguments sets ${name}: keys come from the Secret only`);

    // Runner env: known settings; secrets only from the Secret; consent; report folder per runner.
    const runner = spec.runner ?? {};
    const env = (runner.env ?? []) as Doc[];
    const values: Record<string, string> = {};
    for (const e of env) {
      const name = String(e.name);
      const setting = known.settings.get(name);
      if (name === POD_NAME) {
        if (e.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') p(`${POD_NAME} must come from the downward API (fieldRef metadata.name)`);
        continue;
      }
      if (!setting) p(`runner env ${name} is not a setting (lib/target/settings.ts)`);
      if (setting?.secret && e.value !== undefined) p(`runner env ${name} is a key given inline: take it from the Secret (secretKeyRef or envFrom)`);
      if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef;
        if (!secretNames.has(ref.name)) p(`runner env ${name} refers to Secret '${ref.name}', which deploy/ does not define`);
      }
      if (e.value !== undefined) values[name] = String(e.value);
    }
    const envFrom = (runner.envFrom ?? []) as Doc[];
    for (const ef of envFrom) if (ef.secretRef && !secretNames.has(ef.secretRef.name)) p(`runner envFrom refers to Secret '${ef.secretRef.name}', which deploy/ does not define`);
    const fromSecret = Object.assign(
      {},
      ...ofKind(m, 'Secret')
        .filter((s) => envFrom.some((ef) => ef.secretRef?.name === s.doc.metadata?.name))
        .map((s) => secretEntries(s.doc)),
    ) as Record<string, string>;
    for (const e of env) {
      const ref = e.valueFrom?.secretKeyRef;
      const secret = ofKind(m, 'Secret').find((s) => s.doc.metadata?.name === ref?.name);
      if (ref && secret) {
        const v = secretEntries(secret.doc)[ref.key];
        if (v === undefined) p(`runner env ${e.name} refers to key '${ref.key}', which Secret '${ref.name}' does not hold`);
        else fromSecret[String(e.name)] = v;
      }
    }
    if (Object.keys(fromSecret).length === 0) p('the runners get no key: envFrom a Secret or secretKeyRef');
    if (values.RUNDUN_BASE_URL === undefined) p('runner env has no RUNDUN_BASE_URL');
    if (values.RUNDUN_ALLOW_REMOTE !== 'yes') p('runner env lacks RUNDUN_ALLOW_REMOTE=yes: k6 refuses a target outside loopback');

    const reportDir = values.RUNDUN_REPORT_DIR;
    const mount = ((runner.volumeMounts ?? []) as Doc[]).find((vm) => vm.mountPath === reportDir);
    if (reportDir === undefined || !mount) p('RUNDUN_REPORT_DIR is not a mounted volume: the summaries would vanish with the runner pods');
    else {
      if (!String(mount.subPathExpr ?? '').includes(`$(${POD_NAME})`) || !env.some((e) => e.name === POD_NAME)) p(`the reports mount has no subPathExpr $(${POD_NAME}): every runner would write the same <scenario>.summary.json over the others`);
      const volume = ((runner.volumes ?? []) as Doc[]).find((v) => v.name === mount.name);
      const claim = volume?.persistentVolumeClaim?.claimName;
      if (!claim || !pvcNames.has(claim)) p(`the reports volume is not a PersistentVolumeClaim that deploy/ defines (got ${JSON.stringify(claim ?? null)})`);
    }

    // Parallelism against the keys, as the scenario's own plan and k6's striping see them.
    if (scenario && Number.isSafeInteger(n) && n >= 1) problems.push(...checkKeyOwnership(where, scenario, n, { ...values, ...fromSecret }));
  }
  return problems;
}

/** Every runner owns at least one key (the pool for the load scenarios, the keys under test for rate-limit). */
export function checkKeyOwnership(where: string, scenario: string, parallelism: number, env: Record<string, string>): string[] {
  let keys: number;
  let what: string;
  try {
    const cfg = readK6Config(env, () => {
      throw new Error('no files in a runner');
    });
    if (scenario === 'capacity' || scenario === 'soak' || scenario === 'spike') {
      keys = planLoad(cfg, scenario).pool.length;
      what = 'pool keys (the spread key left out, scenarios/lib/config.ts spreadKeyOf)';
    } else if (scenario === 'rate-limit') {
      keys = planRateLimit(cfg).keys.length;
      what = 'keys under test (RUNDUN_KEYS_UNDER_TEST)';
    } else {
      return parallelism === 1 ? [] : [`${where}: ${scenario} is not split by these manifests: parallelism must be 1 (docs/deploy.md)`];
    }
  } catch (e) {
    return [`${where}: k6 would refuse to start: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  equalSplit(parallelism).forEach(({ segment, sequence }, i) => {
    if (ownedIndices(executionTuple(segment, sequence), keys).length === 0) problems.push(`${where}: runner ${i} of ${parallelism} (segment ${segment}) owns none of the ${keys} ${what}: parallelism must not exceed ${keys}`);
  });
  return problems;
}
