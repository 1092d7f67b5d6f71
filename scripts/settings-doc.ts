// npm run settings:doc — rewrites the configuration table in README.md (between the
// <!-- settings:begin --> / <!-- settings:end --> markers) and .env.example from
// lib/target/settings.ts. `--check` writes nothing and exits 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, renderSettingsTable, replaceRegion } from '../lib/target/settings-doc';

const root = new URL('../../', import.meta.url);
const check = process.argv.includes('--check');
const stale: string[] = [];

function update(file: string, make: (old: string) => string): void {
  const url = new URL(file, root);
  let old = '';
  try {
    old = readFileSync(url, 'utf8');
  } catch {
    // a missing .env.example is written afresh
  }
  const next = make(old);
  if (next === old) return;
  stale.push(file);
  if (!check) writeFileSync(url, next);
}

try {
  update('README.md', (old) => replaceRegion(old, renderSettingsTable()));
  update('.env.example', () => renderEnvExample());
} catch (e) {
  console.error(`settings:doc: ${(e as Error).message}`);
  process.exit(2);
}
if (check && stale.length > 0) {
  console.error(`settings:doc: out of date: ${stale.join(', ')} (run npm run settings:doc)`);
  process.exit(1);
}
console.log(stale.length === 0 ? 'settings:doc: README.md and .env.example are up to date' : `settings:doc: wrote ${stale.join(', ')}`);
