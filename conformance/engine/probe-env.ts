// Builds the ProbeEnv a probe runs in: client with timeouts and per-key pacing, the simulator's
// admin controls when present, the contract with the target's overrides applied.
import { resolveContract, type ContractOverrides } from '../../lib/contract';
import type { Target } from '../../lib/target';
import { Client } from './client';
import { Pacer } from './pacer';
import type { ProbeEnv } from './probe';
import { SimControl } from './sim-control';
import type { Exchange } from './exchange';

export interface EnvOptions {
  target: Target;
  overrides: ContractOverrides;
  timeoutMs: number;
  paceRps: number;
  probeBudgetMs?: number;
  on429WaitedOut?: (ex: Exchange, waitMs: number) => void;
}

export function createProbeEnv(o: EnvOptions): ProbeEnv & { close(): void } {
  const client = new Client({ baseUrl: o.target.baseUrl, timeoutMs: o.timeoutMs, pacer: new Pacer(o.paceRps), on429WaitedOut: o.on429WaitedOut });
  const adminClient = o.target.admin ? new Client({ baseUrl: o.target.admin.baseUrl, timeoutMs: o.timeoutMs }) : undefined;
  return {
    target: o.target,
    contract: resolveContract(o.overrides),
    client,
    probeBudgetMs: o.probeBudgetMs,
    sim: adminClient && o.target.admin ? new SimControl(adminClient, o.target.admin.token) : undefined,
    close() {
      client.close();
      adminClient?.close();
    },
  };
}
