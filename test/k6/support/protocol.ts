// The k6 emulator's wire protocol between the main thread (vitest: scheduler, HTTP client,
// simulator, metrics) and the VU workers (one worker_threads Worker per k6 VU, running the
// scenario bundle with stubbed k6 modules). A VU makes SYNCHRONOUS calls, as k6 scripts do:
// it posts a request and blocks in Atomics.wait until main writes the answer into the worker's
// SharedArrayBuffer and notifies. Main's event loop stays free for the simulator and all VUs.
// http.asyncRequest does not block: the VU posts an 'http-async' message, main makes the request
// (many in flight at once) and posts an 'http-reply' back, which resolves the promise on the VU's
// event loop (test/k6/support/event-loop.ts).

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface Sample {
  metric: string;
  value: number;
  tags: Record<string, string>;
  /** Client time (ms) the sample was taken. */
  t: number;
}

export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
}

export interface HttpReply {
  status: number;
  /** Raw header pairs as received (Node's rawHeaders, names as sent). */
  rawHeaders: string[];
  body: string;
  durationMs: number;
  /** Network error message ('' when a response arrived). */
  error: string;
}

/** What main tells a VU to do next (answer to a 'next' call). */
export type Command =
  | {
      kind: 'iterate';
      scenario: string;
      exec: string;
      executor: string;
      /** exec.scenario.iterationInTest: global across the instances of a segmented run. */
      iterationInTest: number;
      /** exec.scenario.iterationInInstance: this instance's counter for the scenario. */
      iterationInInstance: number;
      /** exec.vu.iterationInScenario: this VU's counter. */
      iterationInScenario: number;
      startTime: number;
      setupData: unknown;
    }
  | { kind: 'setup' }
  | { kind: 'teardown'; setupData: unknown }
  | { kind: 'summary'; data: unknown }
  | { kind: 'stop' };

/** Sync calls from a VU; the answer is JSON in the shared buffer. */
export type SyncCall =
  | { call: 'http'; req: HttpRequestSpec }
  | { call: 'next'; result?: unknown; error?: string };

/** Async messages from a VU (postMessage; never blocks). */
export type VuMessage =
  | { type: 'ready'; /** Names of the exported functions. */ exports: string[]; options: unknown; metrics: Array<{ name: string; type: MetricType; isTime: boolean }> }
  | { type: 'init-error'; message: string }
  | { type: 'samples'; samples: Sample[] }
  | { type: 'checks'; results: Array<{ name: string; ok: boolean }> }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; message: string }
  | { type: 'iteration-error'; message: string }
  | { type: 'abort'; message: string; code: number }
  | { type: 'sync'; payload: SyncCall }
  /** http.asyncRequest: main makes the request concurrently and answers with an 'http-reply' message. */
  | { type: 'http-async'; id: number; req: HttpRequestSpec };

/** Messages from main to a VU (postMessage), delivered on the VU's event loop. */
export type MainMessage = { type: 'http-reply'; id: number; reply: HttpReply };

export interface WorkerInit {
  bundleUrl: string;
  env: Record<string, string>;
  vuId: number;
  /** Only load the module (init context) and report options, exports and metrics. */
  probeOnly: boolean;
  shared: SharedArrayBuffer;
  /** k6/secrets values (name -> value), as from `--secret-source=file=<path>`. */
  secrets: Record<string, string>;
  /** exec.vu.idInTest (global, 1-based; 0 for the setup/teardown VU); vuId stays local (__VU, idInInstance). */
  idInTest: number;
  /** Added to the script's options for exec.test.options, as k6's JSON of lib.Options (null when unsegmented). */
  testOptions: { executionSegment: string | null; executionSegmentSequence: string | null };
}

/** Layout of the shared buffer: Int32 [state, byteLength], then the UTF-8 JSON answer. */
export const SAB_HEADER_BYTES = 8;
export const SAB_BYTES = 4 * 1024 * 1024;
export const STATE_WAITING = 0;
export const STATE_ANSWERED = 1;
