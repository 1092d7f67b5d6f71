// The probe registry: every probe, by family, in the order the suite runs them. Probe ids are
// unique; each names the contract rules it checks.
import type { Probe } from '../engine/probe';
import { authProbes } from './auth';
import { templateProbes } from './templates';
import { statusProbes, statusTableProbes } from './status';
import { runProbes } from './runs';
import { earlierRunProbes } from './earlier-runs';
import { jsonProbes } from './json';
import { versioningProbes } from './versioning';
import { orgProbes } from './org';
import { paginationProbes } from './pagination';
import { rateLimitProbes } from './ratelimit';

export const probes: Probe[] = [
  ...authProbes,
  ...templateProbes,
  ...statusTableProbes,
  ...runProbes,
  ...earlierRunProbes,
  ...statusProbes,
  ...jsonProbes,
  ...versioningProbes,
  ...orgProbes,
  ...paginationProbes,
  ...rateLimitProbes,
];

export function probeById(id: string): Probe {
  const p = probes.find((x) => x.id === id);
  if (!p) throw new Error(`unknown probe '${id}'`);
  return p;
}
