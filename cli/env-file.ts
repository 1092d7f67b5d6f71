// Reads ./.env (see .env.example) into process.env at an entry point's edge, before any
// configuration is read. A variable already set in the shell wins over the file, as with
// `node --env-file`; a missing file is not an error. Parsed by Node's own util.parseEnv, so the
// grammar is exactly Node's --env-file grammar (and works on every Node 20 the project supports).
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/** Loads `path` when it exists; returns the names it set (never their values: they may be keys). */
export function loadEnvFile(path = '.env', env: NodeJS.ProcessEnv = process.env): string[] {
  if (!existsSync(path)) return [];
  let parsed: Record<string, string>;
  try {
    parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new Error(`could not read ${path}: ${(e as Error).message}`);
  }
  const set: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
