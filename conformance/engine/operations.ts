// Maps a request to the contract operation it exercises (for the status matrix and for the
// passive envelope checks). Built once from schemas/contract.json.
import { contract } from '../../lib/contract';
import type { SchemaName } from '../../lib/validate';

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

/** The schema a 2xx body of each operation must match. */
export const SUCCESS_SCHEMA: Record<string, { status: number; schema: SchemaName; rule: string }> = {
  listTemplates: { status: 200, schema: 'TemplateList', rule: 'envelope.collection' },
  getTemplate: { status: 200, schema: 'Template', rule: 'envelope.single-resource' },
  createRun: { status: 201, schema: 'Run', rule: 'envelope.single-resource' },
  listRuns: { status: 200, schema: 'RunList', rule: 'envelope.collection' },
  getRun: { status: 200, schema: 'Run', rule: 'envelope.single-resource' },
};

export const TABLE_STATUSES = Object.keys(contract.statusCodes).map(Number);
