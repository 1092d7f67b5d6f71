// page / per_page: integers (digits only), page >= 1, per_page 1..100; defaults 1 and 50.
// Anything else is 422 validation_failed; an undecodable query string is 400 bad_request.
// Unknown parameters are ignored.

import type { Faults } from '../faults';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

export type PageQuery =
  | { ok: true; page: number; perPage: number }
  | { ok: false; code: 'bad_request' | 'validation_failed'; message: string };

/** pagination.default-per-page-25: the default it uses instead. */
export const FAULTY_DEFAULT_PER_PAGE = 25;

function parseIntStrict(s: string): number | null {
  if (s.length === 0 || s.length > 16) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * `clampPerPage`: the pagination.clamp-per-page fault (per_page above the maximum becomes it);
 * `defaultPerPage`: the pagination.default-per-page-25 fault passes 25.
 */
export function parsePageQuery(query: string | null, clampPerPage = false, defaultPerPage = DEFAULT_PER_PAGE): PageQuery {
  if (query === null || query.length === 0) return { ok: true, page: 1, perPage: defaultPerPage };
  let page: string | undefined;
  let perPage: string | undefined;
  for (const part of query.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(eq === -1 ? part : part.slice(0, eq));
      value = eq === -1 ? '' : decodeURIComponent(part.slice(eq + 1));
    } catch {
      return { ok: false, code: 'bad_request', message: 'The query string is not valid percent-encoding.' };
    }
    if (name === 'page' || name === 'per_page') {
      if ((name === 'page' ? page : perPage) !== undefined) {
        return { ok: false, code: 'validation_failed', message: `Query parameter ${name} is given more than once.` };
      }
      if (name === 'page') page = value;
      else perPage = value;
    }
  }
  const p = page === undefined ? 1 : parseIntStrict(page);
  if (p === null || p < 1) return { ok: false, code: 'validation_failed', message: 'page must be an integer >= 1.' };
  let pp = perPage === undefined ? defaultPerPage : parseIntStrict(perPage);
  if (clampPerPage && pp !== null && pp > MAX_PER_PAGE) pp = MAX_PER_PAGE;
  if (pp === null || pp < 1 || pp > MAX_PER_PAGE) {
    return { ok: false, code: 'validation_failed', message: `per_page must be an integer from 1 to ${MAX_PER_PAGE}.` };
  }
  return { ok: true, page: p, perPage: pp };
}

/** A page after the last one (pagination.past-end-404 answers 404 for it); page 1 never is. */
export function isPastEnd(q: { page: number; perPage: number }, total: number): boolean {
  return q.page > 1 && (q.page - 1) * q.perPage >= total;
}

/** The list handlers' reading of the query, with the pagination.clamp-per-page / per-page-ignored faults. */
export function readPageQuery(faults: Faults, query: string | null): PageQuery {
  const q = parsePageQuery(query, faults.has('pagination.clamp-per-page'), faults.has('pagination.default-per-page-25') ? FAULTY_DEFAULT_PER_PAGE : DEFAULT_PER_PAGE);
  if (q.ok && faults.has('pagination.per-page-ignored')) return { ...q, perPage: DEFAULT_PER_PAGE };
  return q;
}

/** json.text-plain-lists: a list writer that never sets its own Content-Type. */
const TEXT_PLAIN: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
export const listHeaders = (f: Faults): Record<string, string> | undefined => (f.has('json.text-plain-lists') ? TEXT_PLAIN : undefined);
