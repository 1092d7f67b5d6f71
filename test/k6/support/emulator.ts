// A small k6 emulator for Node tests: runs a k6 bundle (dist/<scenario>.js, rebundled with the
// k6 modules aliased to test/k6/support/stubs) with one worker thread per VU, synchronous HTTP
// done by this (main) thread, k6's executors approximated by a scheduler here, then thresholds
// evaluated and handleSummary called as k6 does at the end of a run. What it covers and what it
// does not is listed in docs/k6.md ("Testing without k6").
import { build, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll } from 'vitest';
import type { K6SummaryData } from '../../../lib/k6-summary';
import { executionTuple, parseSequence, ratString, type ExecutionTuple } from '../../../lib/execution-segment';
import type { ThresholdEntry } from '../../../lib/k6-thresholds';
import { BUILTIN_METRICS, evaluate, type MetricInfo, type ThresholdOutcome } from './aggregate';
import { parseK6Duration } from './options-check';
import {
  SAB_BYTES,
  SAB_HEADER_BYTES,
  STATE_ANSWERED,
  type Command,
  type HttpReply,
  type HttpRequestSpec,
  type MainMessage,
  type MetricType,
  type Sample,
  type VuMessage,
  type WorkerInit,
} from './protocol';

const here = dirname(fileURLToPath(import.meta.url));
const STUBS: Record<string, string> = {
  k6: join(here, 'stubs/k6.ts'),
  'k6/http': join(here, 'stubs/http.ts'),
  'k6/metrics': join(here, 'stubs/metrics.ts'),
  'k6/execution': join(here, 'stubs/execution.ts'),
  'k6/timers': join(here, 'stubs/timers.ts'),
  'k6/secrets': join(here, 'stubs/secrets.ts'),
};

let tmp: string | null = null;
function tmpDir(): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'rundun-k6emu-'));
  return tmp;
}
// Registered on the importing test file's suite (vitest collects hooks called at import time).
afterAll(() => {
  if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
  tmp = null;
  workerFile = null;
});

const stubPlugin: Plugin = {
  name: 'k6-stubs',
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => {
      const stub = STUBS[args.path];
      if (!stub) return { errors: [{ text: `emulator: k6 module '${args.path}' is not stubbed` }] };
      return { path: stub };
    });
  },
};

export interface EmulatorBundle {
  name: string;
  url: string;
}

let workerFile: Promise<string> | null = null;
function workerEntry(): Promise<string> {
  workerFile ??= (async () => {
    const out = join(tmpDir(), 'vu-worker.mjs');
    await build({ entryPoints: [join(here, 'vu-worker.ts')], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: out, logLevel: 'error' });
    return out;
  })();
  return workerFile;
}

let bundleSeq = 0;
/** Rebundles a built k6 script with the k6 modules replaced by the emulator's stubs. */
export async function prepareBundle(distFile: string): Promise<EmulatorBundle> {
  const name = basename(distFile, '.js');
  const out = join(tmpDir(), `${name}-${process.pid}-${bundleSeq++}.mjs`);
  await build({ entryPoints: [distFile], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: out, plugins: [stubPlugin], logLevel: 'error' });
  await workerEntry();
  return { name, url: pathToFileURL(out).href };
}

type Ready = Extract<VuMessage, { type: 'ready' }>;

interface NextCall {
  result?: unknown;
  error?: string;
}

class Deferred<T> {
  promise: Promise<T>;
  resolve!: (v: T) => void;
  constructor() {
    this.promise = new Promise<T>((r) => (this.resolve = r));
  }
}

interface RunState {
  samples: Sample[];
  checks: Map<string, { passes: number; fails: number }>;
  logs: Array<{ vu: number; level: string; message: string }>;
  iterationErrors: string[];
  registry: Map<string, MetricInfo>;
  abort: { message: string; code: number } | null;
  localIPs: string[];
  /** The secret source (k6/secrets): name -> value. */
  secrets: Record<string, string>;
  /** Its values, redacted from log output as k6 does. */
  secretValues: string[];
  /** This instance's execution tuple (`--execution-segment`, `--execution-segment-sequence`). */
  tuple: ExecutionTuple;
  /** What exec.test.options adds to the script's options: the segment as k6 marshals it. */
  testOptions: { executionSegment: string | null; executionSegmentSequence: string | null };
}

const REDACTED = '***SECRET_REDACTED***';
/** k6 replaces every secret value in its log output (console.log, exceptions, --http-debug). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const v of secrets) if (v !== '') out = out.split(v).join(REDACTED);
  return out;
}

/** A `--secret-source=file=<path>` file: `name=value` lines. */
export function parseSecretFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (line.trim() === '' || line.trimStart().startsWith('#') || i < 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1);
  }
  return out;
}

/** Main's handle on one VU worker. */
class Vu {
  readonly worker: Worker;
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly agent: Agent;
  private pending: NextCall | null = null;
  private waiter: Deferred<NextCall> | null = null;
  readonly ready = new Deferred<Ready | { type: 'init-error'; message: string }>();
  readonly exited = new Deferred<number>();
  terminated = false;

  constructor(readonly id: number, bundle: EmulatorBundle, workerPath: string, env: Record<string, string>, probeOnly: boolean, private readonly state: RunState) {
    const shared = new SharedArrayBuffer(SAB_BYTES);
    this.header = new Int32Array(shared, 0, 2);
    this.data = new Uint8Array(shared, SAB_HEADER_BYTES);
    const ips = state.localIPs;
    // k6 (js/runner.go): VU n binds LocalIPs.Pool.GetIP(n - 1); the setup/teardown VU 0 the first.
    const localAddress = ips.length > 0 ? ips[(Math.max(1, id) - 1) % ips.length] : undefined;
    // Per-VU keep-alive connections and local IPs, as k6's per-VU transport: one connection for
    // synchronous requests, as many as concurrent http.asyncRequest calls need.
    this.agent = new Agent({ keepAlive: true, maxSockets: Infinity, ...(localAddress ? { localAddress } : {}) });
    // k6 (lib/execution.go GetUniqueVUIdentifiers): the k-th VU an instance initializes has
    // __VU = idInInstance = k + 1 and idInTest = SegmentedIndex global(k) + 1.
    const idInTest = id === 0 ? 0 : state.tuple.globalIndex(id - 1) + 1;
    const init: WorkerInit = { bundleUrl: bundle.url, env, vuId: id, probeOnly, shared, secrets: state.secrets, idInTest, testOptions: state.testOptions };
    this.worker = new Worker(workerPath, { workerData: init });
    this.worker.on('message', (m: VuMessage) => this.onMessage(m));
    this.worker.on('error', (e) => {
      state.iterationErrors.push(`VU ${id}: worker error: ${e.message}`);
      this.ready.resolve({ type: 'init-error', message: e.message });
    });
    this.worker.on('exit', (code) => {
      this.agent.destroy();
      this.ready.resolve({ type: 'init-error', message: `VU ${id} exited (${code}) before it was ready` });
      if (this.waiter) this.waiter.resolve({ error: 'exited' });
      this.exited.resolve(code);
    });
  }

  private onMessage(m: VuMessage): void {
    const s = this.state;
    switch (m.type) {
      case 'ready':
      case 'init-error':
        this.ready.resolve(m);
        break;
      case 'samples':
        for (const x of m.samples) s.samples.push(x);
        break;
      case 'checks':
        for (const c of m.results) {
          const e = s.checks.get(c.name) ?? { passes: 0, fails: 0 };
          if (c.ok) e.passes++;
          else e.fails++;
          s.checks.set(c.name, e);
        }
        break;
      case 'log':
        s.logs.push({ vu: this.id, level: m.level, message: s.secretValues.length > 0 ? redact(m.message, s.secretValues) : m.message });
        break;
      case 'iteration-error':
        s.iterationErrors.push(redact(`VU ${this.id}: ${m.message}`, s.secretValues));
        break;
      case 'http-async':
        this.doHttp(m.req, (reply) => {
          if (!this.terminated) this.worker.postMessage({ type: 'http-reply', id: m.id, reply } satisfies MainMessage);
        });
        break;
      case 'abort':
        s.abort ??= { message: m.message, code: m.code };
        break;
      case 'sync':
        if (m.payload.call === 'http')
          this.doHttp(m.payload.req, (reply) => {
            if (!this.terminated) this.answer(reply);
          });
        else {
          const call: NextCall = { ...(m.payload.result === undefined ? {} : { result: m.payload.result }), ...(m.payload.error === undefined ? {} : { error: m.payload.error }) };
          if (this.waiter) {
            const w = this.waiter;
            this.waiter = null;
            w.resolve(call);
          } else this.pending = call;
        }
        break;
    }
  }

  private answer(obj: unknown): void {
    const bytes = new TextEncoder().encode(JSON.stringify(obj));
    if (bytes.length > this.data.length) throw new Error(`emulator: answer of ${bytes.length} bytes exceeds the shared buffer`);
    this.data.set(bytes);
    Atomics.store(this.header, 1, bytes.length);
    Atomics.store(this.header, 0, STATE_ANSWERED);
    Atomics.notify(this.header, 0);
  }

  private doHttp(req: HttpRequestSpec, answer: (reply: HttpReply) => void): void {
    const started = performance.now();
    {
      let answered = false;
      const done = (reply: HttpReply) => {
        if (answered) return;
        answered = true;
        answer(reply);
      };
      const fail = (e: Error) => done({ status: 0, rawHeaders: [], body: '', durationMs: performance.now() - started, error: e.message });
      try {
        const r = httpRequest(req.url, { method: req.method, headers: req.headers, agent: this.agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            done({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8'), durationMs: performance.now() - started, error: '' }),
          );
          res.on('error', fail);
        });
        r.setTimeout(req.timeoutMs, () => r.destroy(new Error(`request timeout after ${req.timeoutMs} ms`)));
        r.on('error', fail);
        r.end(req.body ?? undefined);
      } catch (e) {
        fail(e as Error);
      }
    }
  }

  /** The VU's next 'next' call (it makes one when ready, and one after each command). */
  waitNext(): Promise<NextCall> {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return Promise.resolve(p);
    }
    this.waiter = new Deferred<NextCall>();
    return this.waiter.promise;
  }

  send(cmd: Command): void {
    this.answer(cmd);
  }

  async command(cmd: Command): Promise<NextCall> {
    this.send(cmd);
    return this.waitNext();
  }

  async stop(): Promise<void> {
    if (this.terminated) return;
    this.send({ kind: 'stop' });
    await Promise.race([this.exited.promise, delay(5000)]);
    await this.terminate();
  }

  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.agent.destroy();
    await this.worker.terminate();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

function sleepUntil(t: number): Promise<void> {
  return delay(t - Date.now());
}

/** "127.0.0.2-127.0.0.5" or "a,b" -> list of addresses. */
export function expandLocalIPs(spec: string | undefined): string[] {
  if (!spec) return [];
  const out: string[] = [];
  for (const part of spec.split(',')) {
    const p = part.trim();
    const m = /^(\d+\.\d+\.\d+\.)(\d+)-\d+\.\d+\.\d+\.(\d+)$/.exec(p);
    if (m) for (let i = Number(m[2]); i <= Number(m[3]); i++) out.push(`${m[1]}${i}`);
    else out.push(p);
  }
  return out;
}

export interface ProbeResult {
  ok: boolean;
  initError?: string;
  options: Record<string, unknown>;
  exports: string[];
  metrics: Array<{ name: string; type: MetricType; isTime: boolean }>;
}

/** Loads the bundle's init context only (as `k6 inspect` would) and reports options, exports, metrics. */
export async function probe(bundle: EmulatorBundle, env: Record<string, string>, secretSource: Record<string, string> = {}): Promise<ProbeResult> {
  const state = newState([], secretSource);
  const vu = new Vu(1, bundle, await workerEntry(), env, true, state);
  const r = await vu.ready.promise;
  await Promise.race([vu.exited.promise, delay(5000)]);
  await vu.terminate();
  if (r.type === 'init-error') return { ok: false, initError: r.message, options: {}, exports: [], metrics: [] };
  return { ok: true, options: r.options as Record<string, unknown>, exports: r.exports, metrics: r.metrics };
}

function newState(localIPs: string[], secrets: Record<string, string> = {}, segment?: string, sequence?: string): RunState {
  // Throws on a segment or sequence k6 would refuse.
  const tuple = executionTuple(segment ?? null, sequence ?? null);
  const seq = sequence === undefined || sequence.trim() === '' ? null : parseSequence(sequence);
  return {
    tuple,
    testOptions: {
      executionSegment: segment === undefined || segment.trim() === '' ? null : tuple.segment,
      executionSegmentSequence: seq === null ? null : [ratString(seq[0]!.from), ...seq.map((x) => ratString(x.to))].join(','),
    },
    samples: [],
    checks: new Map(),
    logs: [],
    iterationErrors: [],
    registry: new Map(Object.entries(BUILTIN_METRICS)),
    abort: null,
    localIPs,
    secrets,
    // Longest first, so a secret containing another is redacted whole.
    secretValues: Object.values(secrets).filter((v) => v !== '').sort((a, b) => b.length - a.length),
  };
}

export interface RunResult {
  /** k6's exit code for the outcome: 0 ok, 99 thresholds crossed, 104 invalid config, 107 script error, 108 aborted. */
  exitCode: number;
  initError?: string;
  configErrors: string[];
  thresholds: ThresholdOutcome[];
  summaryData: K6SummaryData | null;
  /** What handleSummary returned (file name -> content), null without handleSummary. */
  summaryFiles: Record<string, string> | null;
  logs: Array<{ vu: number; level: string; message: string }>;
  iterationErrors: string[];
  samples: Sample[];
  options: Record<string, unknown>;
  durationMs: number;
  interrupted: number;
}

interface ScenarioSpec {
  executor: string;
  exec?: string;
  startTime?: string;
  gracefulStop?: string;
  vus?: number;
  iterations?: number;
  maxDuration?: string;
  duration?: string;
  rate?: number;
  timeUnit?: string;
  startRate?: number;
  stages?: Array<{ target: number; duration: string }>;
  preAllocatedVUs?: number;
  maxVUs?: number;
}

/** Iteration start times (ms from the scenario start) of an arrival-rate executor. */
export function arrivalTimes(sc: ScenarioSpec): number[] {
  const unit = parseK6Duration(sc.timeUnit ?? '1s');
  const out: number[] = [];
  if (sc.executor === 'constant-arrival-rate') {
    const total = parseK6Duration(sc.duration ?? '0s');
    const gap = unit / (sc.rate ?? 1);
    for (let t = 0; t < total; t += gap) out.push(t);
    return out;
  }
  // ramping-arrival-rate: integrate the piecewise-linear rate in 1 ms steps.
  let rate = sc.startRate ?? 0;
  let t = 0;
  let acc = 0;
  let next = 0;
  for (const st of sc.stages ?? []) {
    const d = parseK6Duration(st.duration);
    const from = rate;
    for (let s = 0; s < d; s++) {
      const r = from + ((st.target - from) * s) / Math.max(1, d);
      if (acc >= next) {
        out.push(t + s);
        next++;
      }
      acc += r / unit;
    }
    t += d;
    rate = st.target;
  }
  return out;
}

export interface RunOptions {
  /** Hard bound on the whole emulated run. */
  timeoutMs?: number;
  /** k6/secrets values, as `--secret-source=file=<path>` gives them (see parseSecretFile). */
  secretSource?: Record<string, string>;
  /** `--execution-segment` (e.g. "1/2:1"): this instance's share of a split run. */
  segment?: string;
  /** `--execution-segment-sequence` (e.g. "0,1/2,1"). */
  sequence?: string;
}

/** Runs a bundle like `k6 run` would, against whatever the env points at. */
export async function run(bundle: EmulatorBundle, env: Record<string, string>, runOpts: RunOptions = {}): Promise<RunResult> {
  const t0 = Date.now();
  const workerPath = await workerEntry();
  const hardDeadline = t0 + (runOpts.timeoutMs ?? 120_000);
  // The control VU loads first: options decide everything else (scenarios, thresholds).
  let state: RunState;
  try {
    state = newState([], runOpts.secretSource ?? {}, runOpts.segment, runOpts.sequence);
  } catch (e) {
    // k6 refuses an invalid segment or sequence before the test starts.
    const message = e instanceof Error ? e.message : String(e);
    return { exitCode: 104, configErrors: [message], thresholds: [], summaryData: null, summaryFiles: null, logs: [], iterationErrors: [], samples: [], options: {}, durationMs: Date.now() - t0, interrupted: 0 };
  }
  const probeVu = new Vu(0, bundle, workerPath, env, false, state);
  const first = await probeVu.ready.promise;
  const base = (): Omit<RunResult, 'exitCode'> => ({
    configErrors: [],
    thresholds: [],
    summaryData: null,
    summaryFiles: null,
    logs: state.logs,
    iterationErrors: state.iterationErrors,
    samples: state.samples,
    options: {},
    durationMs: Date.now() - t0,
    interrupted: 0,
  });
  if (first.type === 'init-error') {
    await probeVu.terminate();
    return { ...base(), exitCode: 107, initError: first.message };
  }
  const options = first.options as { scenarios?: Record<string, ScenarioSpec>; thresholds?: Record<string, ThresholdEntry[]>; summaryTrendStats?: string[] };
  // As k6: local addresses come only from its environment (K6_LOCAL_IPS; `env` stands for the
  // shell environment k6 also passes to __ENV), never from script options (lib/options.go: json:"-").
  state.localIPs = expandLocalIPs(env.K6_LOCAL_IPS);
  for (const m of first.metrics) state.registry.set(m.name, { type: m.type, isTime: m.isTime });
  const control = probeVu;

  // Thresholds on unknown metrics or malformed ones stop k6 before the test (exit 104).
  const pre = evaluate(state.registry, [], new Map(), options, 0);
  if (pre.configErrors.length > 0) {
    await control.stop();
    return { ...base(), exitCode: 104, configErrors: pre.configErrors, options };
  }

  const scenarios = Object.entries(options.scenarios ?? {});
  if (scenarios.length === 0) throw new Error('emulator: the script defines no scenarios (options.scenarios); only scenarios are emulated');
  let nextId = 1;
  const spawn = async (): Promise<Vu> => {
    const vu = new Vu(nextId++, bundle, workerPath, env, false, state);
    const r = await vu.ready.promise;
    if (r.type === 'init-error') throw new Error(`VU ${vu.id} init failed: ${r.message}`);
    return vu;
  };
  const allVus: Vu[] = [control];
  const planned = await Promise.all(
    scenarios.map(async ([name, sc]) => {
      // This instance's share (k6's ExecutionTuple.ScaleInt64): 0 means the scenario does nothing here.
      const n = state.tuple.scale(sc.executor.endsWith('arrival-rate') ? (sc.preAllocatedVUs ?? 1) : (sc.vus ?? 1));
      const vus = await Promise.all(Array.from({ length: n }, () => spawn()));
      allVus.push(...vus);
      return { name, sc, vus };
    }),
  );

  let interrupted = 0;
  let summaryFiles: Record<string, string> | null = null;
  let testStart = Date.now();
  try {
    await control.waitNext();
    const setup = await control.command({ kind: 'setup' });
    if (setup.error) {
      state.iterationErrors.push(`setup: ${setup.error}`);
      for (const v of allVus) await v.terminate();
      return { ...base(), exitCode: 107, initError: `setup failed: ${setup.error}`, options };
    }
    const setupData = setup.result ?? null;
    testStart = Date.now();

    const runScenario = async ({ name, sc, vus }: (typeof planned)[number]): Promise<void> => {
      const start = testStart + parseK6Duration(sc.startTime ?? '0s');
      const exec = sc.exec ?? 'default';
      const grace = parseK6Duration(sc.gracefulStop ?? '30s');
      let counter = 0;
      const perVu = new Map<Vu, number>();
      const arrival = sc.executor.endsWith('arrival-rate');
      // Arrival-rate executors re-segment the tuple on maxVUs (k6: GetNewExecutionTupleFromValue);
      // null: this instance gets no share of maxVUs and the scenario has no work here.
      const unscaledMax = sc.maxVUs ?? sc.preAllocatedVUs ?? 1;
      const tuple = arrival ? state.tuple.withValue(unscaledMax) : state.tuple;
      const iterate = (vu: Vu): Command => {
        const k = perVu.get(vu) ?? 0;
        perVu.set(vu, k + 1);
        const local = counter++;
        // k6's per-executor SegmentedIndex: iterationInInstance local, iterationInTest global.
        const iterationInTest = tuple === null ? local : tuple.globalIndex(local);
        return { kind: 'iterate', scenario: name, exec, executor: sc.executor, iterationInTest, iterationInInstance: local, iterationInScenario: k, startTime: start, setupData };
      };
      await sleepUntil(start);
      if (state.abort) return;
      // A VU still busy past end + gracefulStop is terminated, as k6 interrupts it.
      const guard = async (vu: Vu, until: number, work: Promise<NextCall>): Promise<boolean> => {
        const r = await Promise.race([work.then(() => true), delay(Math.min(until, hardDeadline) - Date.now()).then(() => false)]);
        if (!r) {
          interrupted++;
          await vu.terminate();
        }
        return r;
      };

      if (sc.executor === 'per-vu-iterations' || sc.executor === 'shared-iterations' || sc.executor === 'constant-vus') {
        const end = start + parseK6Duration(sc.executor === 'constant-vus' ? (sc.duration ?? '0s') : (sc.maxDuration ?? '10m'));
        // shared-iterations shares out scale(iterations); per-vu-iterations keeps each VU's count.
        const iterations = sc.executor === 'shared-iterations' ? state.tuple.scale(sc.iterations ?? 1) : (sc.iterations ?? 1);
        await Promise.all(
          vus.map(async (vu) => {
            await vu.waitNext();
            for (;;) {
              if (state.abort || Date.now() >= end) break;
              const k = perVu.get(vu) ?? 0;
              if (sc.executor === 'per-vu-iterations' && k >= iterations) break;
              if (sc.executor === 'shared-iterations' && counter >= iterations) break;
              if (!(await guard(vu, end + grace, vu.command(iterate(vu))))) return;
            }
          }),
        );
      } else if (sc.executor === 'constant-arrival-rate' || sc.executor === 'ramping-arrival-rate') {
        // This instance starts the arrivals whose global index its re-segmented tuple owns.
        const maxVus = state.tuple.scale(unscaledMax);
        const times = tuple === null || maxVus === 0 ? [] : arrivalTimes(sc).filter((_, gi) => tuple.ownsGlobal(gi));
        const idle: Vu[] = [];
        const busy = new Set<Promise<void>>();
        const spawning: Array<Promise<void>> = [];
        let total = vus.length;
        const end = start + (times.length > 0 ? (times[times.length - 1] as number) + 1 : 0);
        const watch = (vu: Vu, call: Promise<NextCall>) => {
          const p = call.then(() => {
            busy.delete(p);
            idle.push(vu);
          });
          busy.add(p);
        };
        for (const vu of vus) watch(vu, vu.waitNext());
        for (const at of times) {
          await sleepUntil(start + at);
          if (state.abort || Date.now() > hardDeadline) break;
          const vu = idle.shift();
          if (vu) {
            watch(vu, vu.command(iterate(vu)));
            continue;
          }
          // No free VU: k6 drops the iteration and, below maxVUs, initialises another VU.
          state.samples.push({ metric: 'dropped_iterations', value: 1, tags: { scenario: name }, t: Date.now() });
          if (total < maxVus) {
            total++;
            spawning.push(
              spawn().then((v) => {
                vus.push(v);
                allVus.push(v);
                watch(v, v.waitNext());
              }),
            );
          }
        }
        await Promise.all(spawning);
        const drained = Promise.all([...busy]);
        const ok = await Promise.race([drained.then(() => true), delay(Math.min(end + grace, hardDeadline) - Date.now()).then(() => false)]);
        if (!ok) {
          for (const v of vus) {
            if (idle.includes(v)) continue;
            interrupted++;
            await v.terminate();
          }
        }
      } else {
        throw new Error(`emulator: executor '${sc.executor}' is not emulated`);
      }
      await Promise.all(vus.map((v) => v.stop()));
    };

    await Promise.all(planned.map((p) => runScenario(p)));
    const durationMs = Date.now() - testStart;
    await control.command({ kind: 'teardown', setupData });
    const ev = evaluate(state.registry, state.samples, state.checks, options, durationMs);
    // As k6 1.5+: K6_NEW_MACHINE_READABLE_SUMMARY=true in k6's environment hands handleSummary the new shape.
    const summary = await control.command({ kind: 'summary', data: (await import('./aggregate')).summaryDataFor(ev.data, env) });
    if (summary.error) state.iterationErrors.push(`handleSummary: ${summary.error}`);
    summaryFiles = (summary.result as Record<string, string> | null) ?? null;
    const failed = ev.thresholds.some((t) => !t.ok);
    const exitCode = state.abort ? state.abort.code : failed ? 99 : 0;
    return { ...base(), exitCode, thresholds: ev.thresholds, summaryData: ev.data, summaryFiles, options, durationMs, interrupted };
  } finally {
    await Promise.all(allVus.map((v) => v.stop().catch(() => undefined)));
  }
}
