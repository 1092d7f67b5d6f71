// What every pipeline stage can see. Built once per simulator by app.ts.
import type { SimClock } from './clock';
import type { FailNext, Faults } from './faults';
import type { Responder, StatusCounter } from './http';
import type { KeyStore } from './keys';
import type { RateLimiter } from './rate-limit';
import type { Store } from './store';

export type RetryAfterFormat = 'delay-seconds' | 'http-date';
export const RETRY_AFTER_FORMATS: readonly RetryAfterFormat[] = ['delay-seconds', 'http-date'];

export interface SimContext extends Responder {
  readonly clock: SimClock;
  readonly store: Store;
  readonly keys: KeyStore;
  readonly limiter: RateLimiter | null;
  readonly retryAfterFormat: RetryAfterFormat;
  readonly faults: Faults;
  readonly failNext: FailNext;
  readonly counter: StatusCounter;
  readonly adminTokenHash: Buffer;
  /** Responder for /_sim responses, with its own counter, so /_sim/stats reports API traffic only. */
  readonly admin: Responder;
  /** The org of the fixtures' primary key (where auth.missing-accepted puts keyless requests). */
  readonly defaultOrgId: string;
  /** Timer used by load.latency (injectable, so tests need not sleep). */
  readonly delay: (ms: number) => Promise<void>;
}
