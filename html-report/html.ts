// Safe HTML building for the report: every interpolated value is escaped (and any API key in it
// redacted) unless it is already Html. Strings from a target (error messages, bodies, headers)
// can then never inject markup, whatever renderer forgets.
import { redactSecrets } from '../lib/redact';

/** Markup that is already safe: built by `html` or a renderer, never from a raw string. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element or a quoted attribute; control characters HTML cannot show are dropped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** A value as safe text: keys redacted (lib/redact.ts), then escaped. */
export function text(v: unknown): string {
  return escapeHtml(redactSecrets(v === undefined || v === null ? '' : String(v)));
}

function piece(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === undefined || v === null || v === false) return '';
  return text(v);
}

/** Template tag: html`<td>${message}</td>` escapes message; Html values and arrays of them pass through. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** For generated markup that contains no outside string (numbers, fixed names): use sparingly. */
export function trusted(s: string): Html {
  return new Html(s);
}

/** A number for display: integers as is, others to `digits` decimals, '–' when unknown. */
export function num(n: unknown, digits = 1): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}
