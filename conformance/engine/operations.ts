// Maps a request to the contract operation it exercises (for the status matrix and for the
// passive envelope checks). Built once from schemas/contract.json.
import { contract } from '../../lib/contract';
import { SUCCESS, TABLE_STATUSES as CONTRACT_STATUSES, type SuccessSpec } from '../../lib/checks';

interface OpMatcher {
  id: string;
  method: string;
  re: RegExp;
}

const matchers: OpMatcher[] = contract.operations.map((o) => ({
  id: o.id,
  method: o.method,
  re: new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/?#]+')}/?(?:[?#].*)?$`),
}));

export function operationOf(method: string, path: string): string | undefined {
  return matchers.find((m) => m.method === method && m.re.test(path))?.id;
}

/** The schema a 2xx body of each operation must match: contract.operations[].success. */
export const SUCCESS_SCHEMA: Readonly<Record<string, SuccessSpec>> = Object.fromEntries(SUCCESS);

/** The statuses of the reference's table. */
export const TABLE_STATUSES: number[] = [...CONTRACT_STATUSES];
