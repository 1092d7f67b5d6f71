// The contract as data: schemas/contract.json (rules with stable ids, parameters behind the
// assumptions, the status table) plus the overrides a staging run may apply. Engine-agnostic:
// the conformance suite, the k6 scenarios and the reports all read rules from here.
import contractJson from '../schemas/contract.json';
import type { RuleId } from './generated/rule-ids';

export type { RuleId } from './generated/rule-ids';

export type RuleTag = 'documented' | 'assumed';
export interface Rule {
  id: RuleId;
  family: string;
  tag: RuleTag;
  severity?: 'error' | 'info';
  status?: number;
  source: string;
  check: string;
  assumption?: string;
  fixture?: string;
  /** Short name: the k6 check name and the report's one-line title. */
  label?: string;
  /** Who judges it (see schemas/contract.schema.json). */
  judges?: RuleJudges;
  /** Simulator faults that break it (simulator/faults.ts). */
  breakers?: string[];
  /** Why no server fault can break it; required when breakers is empty. */
  notBreakable?: string;
}
export type K6ScenarioName = 'smoke' | 'rate-limit' | 'retry-after' | 'key-isolation' | 'capacity' | 'soak' | 'spike';
export interface RuleJudges {
  probes?: string[];
  passive?: true;
  k6?: K6ScenarioName[];
  harness?: string;
}
export interface Parameter {
  value: number;
  tag: RuleTag;
  why: string;
}
export interface Operation {
  id: string;
  method: string;
  path: string;
  statuses: number[];
  /** What a successful call answers, and the rule its schema check reports under. */
  success: { status: number; schema: string; rule: string };
}
export interface Contract {
  title: string;
  source: string;
  parameters: Record<string, Parameter>;
  rules: Rule[];
  statusCodes: Record<string, { meaning: string; errors: string[] }>;
  operations: Operation[];
}

export const contract: Contract = contractJson as Contract;

export type ParameterName =
  | 'perPageDefault'
  | 'perPageMax'
  | 'expiresInHoursMin'
  | 'expiresInHoursMax'
  | 'expiresInHoursDefault'
  | 'pastEndStatus'
  | 'missingContentTypeStatus'
  | 'unknownRouteStatus'
  | 'retryAfterMinSeconds'
  | 'rateLimitBurstCap';

/** What a target may change: staging can differ from our reading of the reference. */
export interface ContractOverrides {
  /** New values for assumed parameters, e.g. { perPageMax: 200 }. */
  parameters?: Partial<Record<string, number>>;
  /** Rules not to check on this target, with the reason that goes into the report. */
  skip?: Record<string, string>;
  /** Further error codes accepted for a status, e.g. { "404": ["org_not_found"] }. */
  errorCodes?: Record<string, string[]>;
}

export interface ResolvedContract {
  params: Record<ParameterName, number>;
  skipped: Record<string, string>;
  errorCodesFor(status: number): readonly string[];
  /** One plain sentence per override, for the top of every report. */
  overrideNotes: string[];
  rule(id: string): Rule;
}

const ruleIndex = new Map<string, Rule>(contract.rules.map((r) => [r.id, r]));

/** The rule, or a clear error for an id that is not in the contract (input read at run time). */
export function ruleById(id: string): Rule {
  const r = ruleIndex.get(id);
  if (!r) throw new Error(`unknown contract rule id '${id}' (see schemas/contract.json)`);
  return r;
}

/** Applies overrides; unknown parameter or rule names are errors, never silently ignored. */
export function resolveContract(overrides: ContractOverrides = {}): ResolvedContract {
  const params = {} as Record<ParameterName, number>;
  for (const [name, p] of Object.entries(contract.parameters)) params[name as ParameterName] = p.value;
  const notes: string[] = [];

  for (const [name, value] of Object.entries(overrides.parameters ?? {})) {
    const p = contract.parameters[name];
    if (!p) throw new Error(`contract override: unknown parameter '${name}' (known: ${Object.keys(contract.parameters).join(', ')})`);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`contract override: parameter '${name}' must be a number`);
    if (value !== p.value) notes.push(`Parameter ${name} overridden for this target: ${p.value} → ${value} (${p.tag} value).`);
    params[name as ParameterName] = value;
  }

  const skipped: Record<string, string> = {};
  for (const [id, why] of Object.entries(overrides.skip ?? {})) {
    const r = ruleById(id);
    if (typeof why !== 'string' || why.trim() === '') throw new Error(`contract override: skip of '${id}' needs a reason`);
    skipped[id] = why;
    notes.push(`Rule ${id} (${r.tag}) is not checked on this target: ${why}`);
  }

  const codes = new Map<number, string[]>();
  for (const [status, sc] of Object.entries(contract.statusCodes)) codes.set(Number(status), [...sc.errors]);
  for (const [status, extra] of Object.entries(overrides.errorCodes ?? {})) {
    const list = codes.get(Number(status));
    if (!list) throw new Error(`contract override: status ${status} is not in the reference's table`);
    if (!Array.isArray(extra) || extra.some((c) => typeof c !== 'string')) throw new Error(`contract override: errorCodes.${status} must be a list of strings`);
    list.push(...extra);
    notes.push(`Error codes also accepted for ${status} on this target: ${extra.join(', ')}.`);
  }

  return {
    params,
    skipped,
    errorCodesFor: (status) => codes.get(status) ?? [],
    overrideNotes: notes,
    rule: ruleById,
  };
}
