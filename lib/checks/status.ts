// status.in-table and status.no-unprovoked-5xx: which statuses a response may have at all.
import { TABLE_STATUSES } from './settings';
import type { ResponseCheck } from './types';
import { responded } from './util';

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const COUNT = WORDS[TABLE_STATUSES.length] ?? String(TABLE_STATUSES.length);

/**
 * status.in-table. Fails with, e.g.:
 *   "status 403 is not one of the reference's ten codes (200, 201, 400, 401, 402, 404, 410, 422, 429, 500)"
 */
export const statusInTable: ResponseCheck = {
  rule: 'status.in-table',
  applies: (s) => responded(s.res.status),
  check: ({ res }) =>
    TABLE_STATUSES.includes(res.status) ? null : `status ${res.status} is not one of the reference's ${COUNT} codes (${TABLE_STATUSES.join(', ')})`,
};

/**
 * status.no-unprovoked-5xx (not applied to a request that provoked the 5xx on purpose). Fails with:
 *   "unprovoked 503: the request was not meant to fail on the server"
 */
export const noUnprovoked5xx: ResponseCheck = {
  rule: 'status.no-unprovoked-5xx',
  applies: (s) => responded(s.res.status) && s.req.provoked !== true,
  check: ({ res }) => (res.status >= 500 ? `unprovoked ${res.status}: the request was not meant to fail on the server` : null),
};
