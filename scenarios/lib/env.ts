// The one place that reads k6's __ENV, k6's secret source and the fixtures file (open() only
// works at init, so this module must be imported from the scenario's top level). Everything
// else gets `config`.
//
// Keys from k6's secret source (recommended for staging): `RUNDUN_SECRETS=yes` with
// `k6 run --secret-source=file=keys.secret …`, lines `name=value`. k6 then redacts those values
// from its own log output too (`--http-debug` included), which __ENV values never are. Names
// are the key roles (SECRET_NAMES); the pool is `pool_0`, `pool_1`, … one key per secret, because
// k6 redacts a secret's exact value only: a comma-separated list would leave each key, as sent in
// its Authorization header, unredacted. Values are taken as they are (not trimmed) for the same
// reason. A secret overrides the environment variable of the same role; __ENV keeps working
// without RUNDUN_SECRETS.
import secrets from 'k6/secrets';
import { readK6Config, secretsWanted, SECRET_NAMES, type RundunConfig } from './config';

const MAX_POOL_SECRETS = 256;

async function secret(name: string): Promise<string | undefined> {
  try {
    const v = await secrets.get(name);
    return typeof v === 'string' && v !== '' ? v : undefined;
  } catch {
    return undefined; // not in the secret source: the role stays unset (or comes from __ENV)
  }
}

async function fromSecretSource(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, variable] of SECRET_NAMES) {
    if (name === 'pool') {
      const pool: string[] = [];
      for (let i = 0; i < MAX_POOL_SECRETS; i++) {
        const v = await secret(`pool_${i}`);
        if (v === undefined) break;
        pool.push(v);
      }
      if (pool.length > 0) out[variable] = pool.join(',');
    } else {
      const v = await secret(name);
      if (v !== undefined) out[variable] = v;
    }
  }
  return out;
}

const fromSecrets = secretsWanted(__ENV) ? await fromSecretSource() : {};

export const config: RundunConfig = readK6Config({ ...__ENV, ...fromSecrets }, (path) => open(path), Object.keys(fromSecrets));
