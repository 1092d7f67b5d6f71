// The one place that reads k6's __ENV, k6's secret source and the fixtures file (open() only
// works at init, so this module must be imported from the scenario's top level). Everything
// else gets `config`.
//
// Keys from k6's secret source (recommended for staging): `RUNDUN_SECRETS=yes` with
// `k6 run --secret-source=file=keys.secret …`, lines `name=value`. k6 then redacts those values
// from its own log output too (`--http-debug` included), which __ENV values never are. Names
// are the key roles (SECRET_NAMES); `pool` is a comma-separated list. A secret overrides the
// environment variable of the same role; __ENV keeps working without RUNDUN_SECRETS.
import secrets from 'k6/secrets';
import { readConfig, secretsWanted, SECRET_NAMES, type RundunConfig } from './config';

async function fromSecretSource(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, variable] of SECRET_NAMES) {
    try {
      const v = await secrets.get(name);
      if (typeof v === 'string' && v.trim() !== '') out[variable] = v.trim();
    } catch {
      // Not in the secret source: the role stays unset (or comes from __ENV).
    }
  }
  return out;
}

const fromSecrets = secretsWanted(__ENV) ? await fromSecretSource() : {};

export const config: RundunConfig = readConfig({ ...__ENV, ...fromSecrets }, (path) => open(path), Object.keys(fromSecrets));
