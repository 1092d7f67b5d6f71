// Renders SETTINGS two ways: the README's configuration table (between the settings markers)
// and .env.example. scripts/settings-doc.ts writes both; test/config/settings.test.ts checks
// that the checked-in copies are what these functions make.
import { SETTINGS, type Setting } from './settings';

export const BEGIN = '<!-- settings:begin -->';
export const END = '<!-- settings:end -->';

const USED_BY: Record<Setting['engines'], string> = {
  both: 'both',
  conformance: 'conformance',
  k6: 'k6',
  simulator: 'in-process simulator',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderSettingsTable(settings: readonly Setting[] = SETTINGS): string {
  const lines = [
    '<!-- generated from lib/target/settings.ts by `npm run settings:doc`; edit the table there -->',
    '',
    '| variable | used by | default | meaning |',
    '|---|---|---|---|',
  ];
  for (const s of settings) {
    const dflt = s.default === '' ? '' : `\`${s.default}\``;
    lines.push(`| \`${s.name}\` | ${USED_BY[s.engines]} | ${dflt} | ${s.secret ? '**secret.** ' : ''}${cell(s.meaning)} |`);
  }
  return lines.join('\n');
}

/** The text with the region between the markers replaced; throws when the markers are missing. */
export function replaceRegion(text: string, body: string): string {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`the ${BEGIN} … ${END} markers are missing or out of order`);
  return `${text.slice(0, a + BEGIN.length)}\n${body}\n${text.slice(b)}`;
}

/** The region between the markers, without the newlines next to them; null without markers. */
export function regionOf(text: string): string | null {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return null;
  return text.slice(a + BEGIN.length, b).replace(/^\n/, '').replace(/\n$/, '');
}

/** Plain text for a comment line: no Markdown backquotes. */
const plain = (s: string) => s.replace(/`/g, '');

/**
 * Every setting, one comment line and one NAME=value line each. Values are the defaults (which
 * target the simulator) and empty for secrets; empty reads as unset in both engines.
 */
export function renderEnvExample(settings: readonly Setting[] = SETTINGS): string {
  const out = [
    '# rundun-harness settings: copy to .env (git-ignored) and fill in. Generated from',
    '# lib/target/settings.ts by `npm run settings:doc`. Empty = unset = the default; as it is,',
    '# this file targets the simulator. Node scripts read .env themselves; for k6:',
    '#   set -a; . ./.env; set +a; k6 run dist/<scenario>.js',
    '',
  ];
  for (const s of settings) {
    out.push(`# ${s.secret ? 'SECRET. ' : ''}[${USED_BY[s.engines]}] ${plain(s.meaning)}`);
    out.push(`${s.name}=${s.secret ? '' : s.default}`);
  }
  return `${out.join('\n')}\n`;
}
