// Simulators for the k6 tests, in process: clean (per-key limit under a given algorithm and
// Retry-After form), rate limiting off, and one limit shared by every key (a wrapper that maps
// every bearer token to the same key before the simulator sees it). Fixtures go to a private
// temp file, as `npm run sim -- --fixtures` would write them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type SimFixtures } from '../../../simulator/app';
import { startSimulator } from '../../../simulator/server';
import type { Algorithm } from '../../../simulator/rate-limit';

export type Variant = 'clean' | 'off' | 'shared';

export interface TargetSpec {
  variant: Variant;
  limit?: number;
  windowMs?: number;
  algorithm?: Algorithm;
  retryAfterFormat?: 'delay-seconds' | 'http-date';
  poolSize?: number;
  /** Simulator fault names (the lead's catalogue, simulator/faults.ts). */
  faults?: string[];
  /** Clean network distance of the simulator (simulator/latency.ts): round trip ms ± jitterMs, seeded. */
  latency?: { ms: number; jitterMs: number; seed?: number };
}

export interface RunningTarget {
  fixtures: SimFixtures;
  fixturesFile: string;
  /** Every key in the fixtures, to prove none leaks into any output. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startTarget(spec: TargetSpec): Promise<RunningTarget> {
  const rateLimit = spec.variant === 'off' ? null : { limit: spec.limit ?? 10, windowMs: spec.windowMs ?? 500, algorithm: spec.algorithm ?? 'fixed-window' };
  const common = { rateLimit, retryAfterFormat: spec.retryAfterFormat ?? 'delay-seconds', poolSize: spec.poolSize ?? 8, faults: spec.faults ?? [], latency: spec.latency ?? null } as const;
  let fixtures: SimFixtures;
  let close: () => Promise<void>;
  if (spec.variant === 'shared') {
    const sim = createSimulator(common);
    let shared = '';
    const server = createServer((req, res) => {
      // One limit for all keys: the limiter (and auth) see a single bearer token.
      if (req.headers.authorization) req.headers.authorization = `Bearer ${shared}`;
      sim.handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('no address');
    fixtures = sim.fixtures(`http://127.0.0.1:${addr.port}`);
    shared = fixtures.keys.primary;
    close = () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
  } else {
    const sim = await startSimulator(common);
    fixtures = sim.fixtures;
    close = () => sim.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'rundun-k6-fixtures-'));
  const fixturesFile = join(dir, 'fixtures.json');
  writeFileSync(fixturesFile, JSON.stringify(fixtures, null, 2), { mode: 0o600 });
  const secrets = [...Object.values(fixtures.keys), ...fixtures.pool, fixtures.admin.token];
  return {
    fixtures,
    fixturesFile,
    secrets,
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
