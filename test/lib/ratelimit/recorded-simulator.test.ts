// The rate-limit judges on traffic recorded from the simulator itself: real HTTP requests through
// its whole pipeline (edge limiter, auth, routing) on loopback, with the simulator's clock driven
// by hand so the schedule is exact and the test never depends on timing. Under each of the
// three algorithms the judges pass; with rate limiting off, or one bucket shared by all keys,
// they fail.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../simulator/server';
import { createManualTime, createSimClock } from '../../../simulator/clock';
import { judgeIsolation, judgeUnderLimit, judgeWindowedAcceptance, type Observation } from '../../../lib/ratelimit';

const LIMIT = 10;
const WINDOW_MS = 1000;
const OVER_WINDOWS = 12;

let running: RunningSimulator | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

interface Recorded {
  over: Observation[]; // the throttled key at 3x its limit
  under: Observation[]; // the same key earlier, at half its limit
  bystanders: Record<string, Observation[]>; // same org and other org, at half their limit
}

/** Drives one simulator on a manual clock and records (send time, status) per key. */
async function record(opts: { algorithm?: 'fixed-window' | 'sliding-window' | 'token-bucket'; off?: boolean; faults?: string[] }): Promise<Recorded> {
  const time = createManualTime();
  running = await startSimulator({
    clock: createSimClock({ wall: time.wall, monotonic: time.monotonic }),
    rateLimit: opts.off ? null : { limit: LIMIT, windowMs: WINDOW_MS, algorithm: opts.algorithm ?? 'fixed-window' },
    faults: opts.faults ?? [],
  });
  const { keys } = running.fixtures;
  const url = `${running.baseUrl}/templates?per_page=1`;
  const get = async (key: string) => (await fetch(url, { headers: { authorization: `Bearer ${key}` } })).status;
  const start = time.monotonic();
  const at = () => time.monotonic() - start;

  // Half the limit for 4 windows, on the key that will be driven over it later.
  const under: Observation[] = [];
  const halfGap = (2 * WINDOW_MS) / LIMIT;
  for (let i = 0; i < (4 * WINDOW_MS) / halfGap; i++) {
    under.push({ t: at(), status: await get(keys.ratelimit) });
    time.tick(halfGap);
  }
  time.tick(2 * WINDOW_MS); // quiet: every algorithm forgets the under phase

  // Over the limit (3x) on one key while two bystanders send at half theirs.
  const over: Observation[] = [];
  const bystanders: Record<string, Observation[]> = { secondary: [], other_org: [] };
  const gap = WINDOW_MS / (3 * LIMIT);
  const steps = (OVER_WINDOWS * WINDOW_MS) / gap;
  const bystanderEvery = Math.round(halfGap / gap);
  for (let i = 0; i < steps; i++) {
    over.push({ t: at(), status: await get(keys.ratelimit) });
    if (i % bystanderEvery === 0) {
      bystanders.secondary!.push({ t: at(), status: await get(keys.secondary) });
      bystanders.other_org!.push({ t: at(), status: await get(keys.other_org) });
    }
    time.tick(Math.round(gap));
  }
  return { over, under, bystanders };
}

const expectation = { limit: LIMIT, windowMs: WINDOW_MS };

describe('rate-limit judges on recorded simulator traffic', () => {
  it.each(['fixed-window', 'sliding-window', 'token-bucket'] as const)('%s: every judge passes', async (algorithm) => {
    const r = await record({ algorithm });
    const over = judgeWindowedAcceptance(r.over, expectation);
    expect(over.ok, over.reason).toBe(true);
    const under = judgeUnderLimit(r.under, expectation);
    expect(under.ok, under.reason).toBe(true);
    const iso = judgeIsolation({ throttled: r.over, bystanders: r.bystanders }, expectation);
    expect(iso.ok, iso.reason).toBe(true);
  });

  it('rate limiting off: the window judge fails (everything accepted at 3x)', async () => {
    const r = await record({ off: true });
    const v = judgeWindowedAcceptance(r.over, expectation);
    expect(v.ok).toBe(false);
    expect(v.rule).toBe('ratelimit.enforced-per-key');
    expect(v.reason).toMatch(/accept/i);
  });

  it('one bucket shared by all keys: the isolation judge fails, naming the bystander roles', async () => {
    const r = await record({ faults: ['ratelimit.shared-bucket'] });
    const v = judgeIsolation({ throttled: r.over, bystanders: r.bystanders }, expectation);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/secondary|other_org/);
    expect(v.reason).not.toMatch(/rdk_live_[A-Za-z0-9]{32}/);
  });

  it('a limit twice the stated one: the window judge fails', async () => {
    const r = await record({ faults: ['ratelimit.double-limit'] });
    const v = judgeWindowedAcceptance(r.over, expectation);
    expect(v.ok).toBe(false);
  });
});
