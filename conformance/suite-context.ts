// What globalSetup hands to the suite (through vitest's provide/inject).
import type { ContractOverrides } from '../lib/contract';
import type { Target } from '../lib/target';

export interface SuiteContext {
  target: Target;
  runDir: string;
  overrides: ContractOverrides;
  timeoutMs: number;
  paceRps: number;
  probeBudgetMs: number;
  onlyProbes: string[] | null;
  /** RUNDUN_READ_ONLY=yes: write probes skip, nothing but GETs is sent. */
  readOnly: boolean;
  /** Where the runs recorded for a later run live; null for a target that forgets them. */
  stateFile: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    conformance: SuiteContext;
  }
}
