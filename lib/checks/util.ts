// Small helpers for failure messages.
import type { SchemaIssue } from '../validate';

/** The first three schema issues, "<pointer or (root)> <message>; …". */
export function issuesText(issues: readonly SchemaIssue[]): string {
  return issues.slice(0, 3).map((i) => `${i.path || '(root)'} ${i.message}`).join('; ') + (issues.length > 3 ? `; … (${issues.length} issues)` : '');
}

/** The start of a body for a message, one line, at most `n` characters. */
export function excerpt(text: string, n = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

export const responded = (status: number): boolean => status > 0;
export const is2xx = (status: number): boolean => status >= 200 && status < 300;
export const isError = (status: number): boolean => status >= 400;
