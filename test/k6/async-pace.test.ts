// The open-model async pacer on a hand-driven clock: the offered rate does not depend on the
// round trip, in-flight requests are bounded, the schedule re-anchors instead of bursting, and
// every phase ends by count and time.
import { describe, expect, it } from 'vitest';
import { lateTolerance, runOpenModel } from '../../scenarios/lib/async-pace';
import { FakeTimer } from '../support/fake-timer';

describe('runOpenModel', () => {
  it.each([
    { rate: 20, rttMs: 50, durationMs: 3000 },
    { rate: 100, rttMs: 50, durationMs: 2000 },
    { rate: 1000, rttMs: 50, durationMs: 1000 },
    { rate: 3000, rttMs: 60, durationMs: 1000 },
    { rate: 60, rttMs: 400, durationMs: 2000 },
  ])('offers $rate/s at an RTT of $rttMs ms, punctually', async ({ rate, rttMs, durationMs }) => {
    const ft = new FakeTimer();
    const r = await ft.run(runOpenModel({ rate, durationMs, timer: ft }, () => ft.after(rttMs, { status: 200 })));
    const expected = Math.ceil((durationMs / 1000) * rate);
    expect(r.sent).toBeGreaterThanOrEqual(expected - 1);
    expect(r.sent).toBeLessThanOrEqual(expected + 1);
    expect(r.late).toBe(0);
    // In flight ≈ rate × RTT: many at once, which a blocking loop cannot do.
    expect(r.maxInFlight).toBeGreaterThanOrEqual(Math.floor((rate * rttMs) / 1000));
    expect(r.maxInFlight).toBeLessThanOrEqual(Math.ceil((rate * rttMs) / 1000) + 3);
    // Every send within a millisecond of its due time (timers fire in whole ms).
    const interval = 1000 / rate;
    for (const rec of r.records) expect(rec.sentAt - (r.startedAt + rec.i * interval)).toBeLessThan(1);
    for (const rec of r.records) expect(rec.receivedAt - rec.sentAt).toBe(rttMs);
    expect(r.endedAt).toBe(r.records[r.records.length - 1]!.receivedAt);
  });

  it('bounds the requests in flight; sends that wait too long for a slot are late', async () => {
    const ft = new FakeTimer();
    const r = await ft.run(runOpenModel({ rate: 1000, durationMs: 500, maxInFlight: 10, timer: ft }, () => ft.after(50, { status: 200 })));
    expect(r.maxInFlight).toBe(10);
    expect(r.waitedForSlot).toBeGreaterThan(0);
    expect(r.late).toBeGreaterThan(0);
    // 10 in flight at 50 ms each: at most 200/s get out.
    expect(r.sent).toBeLessThanOrEqual(0.5 * 200 + 10);
  });

  it('re-anchors after a stall instead of bursting the missed sends', async () => {
    const ft = new FakeTimer();
    let stalled = false;
    const r = await ft.run(
      runOpenModel({ rate: 100, durationMs: 1000, timer: ft }, (i) => {
        if (i === 10 && !stalled) {
          stalled = true;
          ft.jump(200); // the event loop was blocked for 200 ms (20 intervals)
        }
        return ft.after(5, { status: 200 });
      }),
    );
    expect(r.late).toBe(1);
    // No catch-up burst: after the stall, sends stay one interval apart.
    const gaps = r.records.slice(12).map((x, k) => x.sentAt - r.records[11 + k]!.sentAt);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(9);
    expect(r.sent).toBeLessThan(100);
  });

  it('stops when asked (a 429 arrived) and waits for what is in flight', async () => {
    const ft = new FakeTimer();
    let got429 = false;
    const r = await ft.run(
      runOpenModel({ rate: 200, durationMs: 5000, timer: ft, stop: () => got429 }, (i) =>
        ft.after(30, { status: i >= 20 ? 429 : 200 }).then((x) => {
          if (x.status === 429) got429 = true;
          return x;
        }),
      ),
    );
    // The 20th send's answer arrives 30 ms later: 6 more sends (5 ms apart) went out meanwhile.
    expect(r.sent).toBeGreaterThanOrEqual(21);
    expect(r.sent).toBeLessThanOrEqual(28);
    expect(r.records.every((x) => Number.isFinite(x.receivedAt))).toBe(true);
  });

  it.each([
    { name: 'maxSends', opts: { rate: 1000, durationMs: 10_000, maxSends: 7 }, sent: 7 },
    { name: 'zero duration', opts: { rate: 1000, durationMs: 0 }, sent: 0 },
    { name: 'duration', opts: { rate: 10, durationMs: 1000 }, sent: 10 },
  ])('is bounded by $name', async ({ opts, sent }) => {
    const ft = new FakeTimer();
    const r = await ft.run(runOpenModel({ ...opts, timer: ft }, () => ft.after(1, { status: 200 })));
    expect(r.sent).toBe(sent);
  });

  it('records failures as status 0 and never throws out of the phase', async () => {
    const ft = new FakeTimer();
    const r = await ft.run(
      runOpenModel({ rate: 100, durationMs: 100, timer: ft }, (i) => {
        if (i === 0) throw new Error('sync failure');
        return i % 2 ? Promise.reject(new Error('network')) : ft.after(1, { status: 204 });
      }),
    );
    expect(r.records.map((x) => x.status)).toEqual([0, 0, 204, 0, 204, 0, 204, 0, 204, 0]);
  });

  it.each([
    [{ rate: 0, durationMs: 1 }, /rate/],
    [{ rate: Number.NaN, durationMs: 1 }, /rate/],
    [{ rate: 1, durationMs: -1 }, /durationMs/],
    [{ rate: 1, durationMs: 1, maxInFlight: 0 }, /maxInFlight/],
  ])('refuses %j', async (opts, msg) => {
    await expect(runOpenModel(opts, () => Promise.resolve({ status: 200 }))).rejects.toThrow(msg);
  });

  it('tolerates two intervals, never under 10 ms', () => {
    expect(lateTolerance(3000)).toBe(10);
    expect(lateTolerance(20)).toBe(100);
  });
});
