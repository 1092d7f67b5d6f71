// npm run settings:doc — rewrites the configuration table in README.md (between the
// <!-- settings:begin --> / <!-- settings:end --> markers) and .env.example from
// lib/target/settings.ts. `--check` writes nothing and exits 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, renderSettingsTable, replaceRegion } from '../lib/target/settings-doc';
import { parseOrExit, type CommandSpec } from '../cli/args';

const SETTINGS_DOC_COMMAND: CommandSpec = {
  name: 'settings:doc',
  usage: 'npm run settings:doc [-- --check]',
  about: 'Rewrites the settings table in README.md and .env.example from lib/target/settings.ts.',
  options: { check: { type: 'boolean', help: 'write nothing; exit 1 when either file is out of date' } },
  examples: ['npm run settings:doc', 'npm run settings:doc -- --check'],
  exit: '0 up to date or written, 1 out of date (--check), 2 bad usage or unreadable files',
};

const root = new URL('../../', import.meta.url);
const check = parseOrExit(SETTINGS_DOC_COMMAND, process.argv.slice(2), (p) => p.flag('check'));
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
