/**
 * Retry schedule: capped exponential back-off with full jitter, `Retry-After` support, and an
 * abortable sleep. Pure functions, so the schedule is unit-testable without waiting.
 */

/** How often and how long to retry. */
export interface RetryOptions {
  /** Attempts in total, the first one included. @default 6 */
  readonly maxAttempts?: number;
  /** Back-off base: the cap of the first retry's delay. @default 250 */
  readonly baseDelayMs?: number;
  /** Upper bound of a back-off delay. @default 8000 */
  readonly maxDelayMs?: number;
  /** Upper bound of a delay asked for by a `Retry-After` header. @default 30000 */
  readonly maxRetryAfterMs?: number;
  /**
   * Attempts in total when the server keeps answering 429 (throttled). A throttled request was
   * refused, never processed, so it is safe to keep backing off until the call's deadline; many
   * concurrent hooks against one rate limit need more than `maxAttempts` tries to get through.
   * @default - 20, or maxAttempts when that is given
   */
  readonly maxThrottledAttempts?: number;
}

/** Attempts allowed while the answer is 429; see RetryOptions.maxThrottledAttempts. */
export function throttledAttempts(o: RetryOptions = {}): number {
  const n = o.maxThrottledAttempts ?? (o.maxAttempts !== undefined ? o.maxAttempts : DEFAULT_THROTTLED_ATTEMPTS);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`retry.maxThrottledAttempts is ${n}; expected an integer >= 1`);
  return n;
}

const DEFAULT_THROTTLED_ATTEMPTS = 20;

export interface RetrySchedule {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

export function retrySchedule(o: RetryOptions = {}): RetrySchedule {
  const s = {
    maxAttempts: o.maxAttempts ?? 6,
    baseDelayMs: o.baseDelayMs ?? 250,
    maxDelayMs: o.maxDelayMs ?? 8000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 30_000,
  };
  for (const [k, v] of Object.entries(s)) {
    if (!Number.isFinite(v) || v < 0 || (k === 'maxAttempts' && (v < 1 || !Number.isInteger(v)))) {
      throw new RangeError(`retry.${k} is ${v}; expected ${k === 'maxAttempts' ? 'an integer >= 1' : 'a number >= 0'}`);
    }
  }
  return s;
}

/** Statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/**
 * Full-jitter delay before retry number `retry` (1 = the first retry):
 * `random() * min(maxDelayMs, baseDelayMs * 2^(retry-1))`, rounded down.
 */
export function backoffDelay(retry: number, s: RetrySchedule, random: () => number): number {
  const cap = Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * cap);
}

/**
 * Milliseconds asked for by a `Retry-After` value (delta seconds or an HTTP date), or
 * undefined when absent or malformed. Never negative.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The delay before the next attempt: Retry-After (capped) when given, else the back-off. */
export function nextDelay(retry: number, s: RetrySchedule, random: () => number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, s.maxRetryAfterMs);
  return backoffDelay(retry, s, random);
}

/**
 * The pause before poll number `n` (0-based) of something busy: 1.5^n times `initialMs`, capped
 * at `maxMs`, with jitter in [50%, 100%], so clients waiting on one resource spread out instead of
 * polling and sending in step.
 */
export function pollPause(n: number, initialMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, initialMs * 1.5 ** Math.min(n, 40));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.floor(cap * (0.5 + 0.5 * r)));
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
