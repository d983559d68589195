/**
 * The call engine behind every VbsClient operation: builds the request, authenticates it,
 * bounds each attempt and the whole call in time, maps failures to typed errors and retries
 * what is safe to retry.
 *
 * Safety of a retry depends on the operation:
 * - `idempotent` operations retry on 429/500/502/503/504, timeouts and connection errors;
 * - other operations retry only when the request certainly was not processed (429, or a
 *   connection that failed before sending), unless the spec gives a `checkBeforeResend` that
 *   finds out whether an ambiguous attempt took effect (this is how execute avoids duplicates).
 */
import { AuthContext, Credentials } from './credentials';
import {
  headerString, makeRedactor, parseApiError, Redactor, VbsAbortError, VbsApiError, VbsError,
  VbsNetworkError, VbsTimeoutError,
} from './errors';
import { AttemptTimeout, CallGuard } from './guard';
import { errorCode, HttpResponse, mayHaveBeenSent, Transport } from './transport';
import { ServerClock } from './clock';
import { ShapeCheck } from './shape';
import { nextDelay, parseRetryAfter, RETRYABLE_STATUSES, RetrySchedule, sleep } from './retry';

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, retries and waits included. */
  readonly signal?: AbortSignal;
  /** Bounds the whole call, retries included. @default - the client's callTimeoutMs */
  readonly timeoutMs?: number;
}

/** Reported before each retry (for progress output). */
export interface RetryInfo {
  readonly operation: string;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: VbsError;
}

export interface CallSpec {
  readonly operation: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL, or a path under the endpoint (ids already checked). */
  readonly url: string;
  readonly query?: ReadonlyArray<readonly [string, string]>;
  readonly body?: unknown;
  readonly expect: readonly number[];
  readonly idempotent: boolean;
  /** Skip authentication (the IAM login itself). */
  readonly anonymous?: boolean;
  /**
   * Called before re-sending after an ambiguous failure (the request may have been processed).
   * Returning true ends the call as settled without sending again.
   */
  readonly checkBeforeResend?: (o: { signal: AbortSignal; timeoutMs: number }) => Promise<boolean>;
  /**
   * Error answers that end the call at once, even at a retryable status: a "resource busy"
   * refusal (CBR's `BackupService.0002` comes with HTTP 500) is never retried blindly.
   */
  readonly stopOn?: (error: VbsApiError) => boolean;
}

export interface CallResult {
  readonly response?: HttpResponse;
  readonly attempts: number;
  /** True when `checkBeforeResend` found the effect of an earlier attempt. */
  readonly settledByCheck: boolean;
}

export interface CallerConfig {
  readonly endpoint: string;
  readonly projectId: string;
  readonly tokenUrl: () => string;
  readonly credentials: Credentials;
  readonly http: Transport;
  readonly schedule: RetrySchedule;
  readonly attemptTimeoutMs: number;
  /** Attempts allowed while the server answers 429 (refused, so safe to retry). */
  readonly throttledAttempts: number;
  readonly callTimeoutMs: number;
  readonly random: () => number;
  readonly now: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
}

const USER_AGENT = 'cdktf-vbs-backup';

export class Caller {
  public readonly redact: Redactor;
  /** The server's clock as told by the `Date` of every answer. */
  public readonly serverClock = new ServerClock();

  constructor(private readonly cfg: CallerConfig) {
    this.redact = makeRedactor(() => cfg.credentials.secrets());
  }

  /** Runs a call to completion; throws a VbsError subclass on failure. */
  public async call(spec: CallSpec, opts: CallOptions = {}): Promise<CallResult> {
    const { schedule, now } = this.cfg;
    const timeoutMs = opts.timeoutMs ?? this.cfg.callTimeoutMs;
    const guard = new CallGuard(opts.signal, timeoutMs, now);
    const target = this.target(spec);
    let ambiguous = false;
    let renewedToken = false;
    try {
      for (let attempt = 1; ; attempt++) {
        if (ambiguous && spec.checkBeforeResend) {
          const settled = await spec.checkBeforeResend({ signal: guard.signal, timeoutMs: guard.remainingMs() }).catch((e) => {
            throw this.interpret(e, spec.operation, guard, timeoutMs);
          });
          if (settled) return { attempts: attempt - 1, settledByCheck: true };
        }
        let error!: VbsError;
        let retryAfterMs: number | undefined;
        let throttled = false;
        let outcome: { response: HttpResponse; tokenUsed?: string } | undefined;
        try {
          outcome = await this.attempt(spec, target, guard);
        } catch (e) {
          // Errors of the IAM login (already retried) and configuration errors pass through.
          if (e instanceof VbsError) throw e;
          error = this.interpret(e, spec.operation, guard, timeoutMs);
          if (error instanceof VbsAbortError || guard.expired) throw error;
          if (!(error instanceof VbsNetworkError) || error.maybeSent) ambiguous = true;
        }
        if (outcome) {
          const { response, tokenUsed } = outcome;
          if (spec.expect.includes(response.status)) return { response, attempts: attempt, settledByCheck: false };
          error = parseApiError(spec.operation, response.status, response.text, response.headers, this.redact);
          if (response.status === 401 && tokenUsed !== undefined && !renewedToken) {
            // A password token may have been revoked early: log in again once, resend at once.
            renewedToken = true;
            this.cfg.credentials.invalidateToken(tokenUsed);
            continue;
          }
          if (!RETRYABLE_STATUSES.has(response.status) || spec.stopOn?.(error as VbsApiError)) throw error;
          throttled = response.status === 429;
          if (!throttled) ambiguous = true;
          retryAfterMs = parseRetryAfter(headerString(response.headers, 'retry-after'), now());
        }
        if (ambiguous && !spec.idempotent && !spec.checkBeforeResend) throw error;
        if (attempt >= (throttled ? Math.max(schedule.maxAttempts, this.cfg.throttledAttempts) : schedule.maxAttempts)) throw error;
        const delayMs = nextDelay(attempt, schedule, this.cfg.random, retryAfterMs);
        if (now() + delayMs >= guard.deadline) throw error;
        this.cfg.onRetry?.({ operation: spec.operation, attempt, delayMs, error });
        await sleep(delayMs, guard.signal).catch((e) => {
          throw this.interpret(e, spec.operation, guard, timeoutMs);
        });
      }
    } finally {
      guard.dispose();
    }
  }

  /**
   * Parses a JSON success body and checks its shape, or throws a VbsApiError describing the
   * unusable body (see shape.ts).
   */
  public json<T>(operation: string, response: HttpResponse | undefined, shape: (c: ShapeCheck, value: unknown) => T): T {
    let value: unknown;
    try {
      value = JSON.parse(response?.text ?? '');
    } catch {
      throw parseApiError(operation, response?.status ?? 0, response?.text ?? '', response?.headers ?? {}, this.redact);
    }
    return shape(new ShapeCheck(operation, response?.status ?? 0, response?.text ?? '', this.redact), value);
  }

  /**
   * Where a call goes, computed once per call: the pool's origin, the path with its query, the
   * `host` header, and the parsed URL (which AK/SK signing canonicalises).
   */
  private target(spec: CallSpec): Target {
    const url = new URL(ABSOLUTE.test(spec.url) ? spec.url : this.cfg.endpoint + spec.url);
    if (spec.query) for (const [k, v] of spec.query) url.searchParams.append(k, v);
    return { url, origin: url.origin, path: url.pathname + url.search, host: url.host };
  }

  private async attempt(spec: CallSpec, target: Target, guard: CallGuard): Promise<{ response: HttpResponse; tokenUsed?: string }> {
    // Nothing is sent once the caller aborted or the deadline passed.
    if (guard.stopped) throw guard.reason ?? new Error('call deadline passed');
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      host: target.host,
      'user-agent': USER_AGENT,
    };
    let tokenUsed: string | undefined;
    if (!spec.anonymous) {
      const credentials = this.cfg.credentials;
      // A fixed token needs no context: no login, no clock, no signal.
      if (!credentials.authorizeFixed(headers)) {
        const ctx: AuthContext = {
          projectId: this.cfg.projectId,
          tokenUrl: this.cfg.tokenUrl(),
          now: this.cfg.now,
          // Only a login waits on it: signing with an AK/SK needs no AbortController.
          get signal() {
            return guard.signal;
          },
          login: (tokenUrl, loginBody, signal) => this.login(tokenUrl, loginBody, signal, guard.deadline),
        };
        tokenUsed = await credentials.authorize({ method: spec.method, url: target.url, headers, body }, ctx);
        if (guard.stopped) throw guard.reason ?? new Error('call deadline passed');
      }
    }
    const attemptMs = Math.max(1, Math.min(this.cfg.attemptTimeoutMs, guard.deadline - this.cfg.now()));
    try {
      const response = await this.cfg.http.send(
        { method: spec.method, origin: target.origin, path: target.path, headers, body },
        (cancel) => guard.beginAttempt(attemptMs, cancel),
      );
      this.serverClock.observe(headerString(response.headers, 'date'), this.cfg.now());
      return { response, tokenUsed };
    } finally {
      guard.endAttempt();
    }
  }

  private async login(tokenUrl: string, body: string, signal: AbortSignal, deadline: number): Promise<{ token: string; expiresAt?: Date }> {
    const result = await this.call(
      { operation: 'createToken', method: 'POST', url: tokenUrl, body: JSON.parse(body), expect: [200, 201], idempotent: true, anonymous: true },
      { signal, timeoutMs: Math.max(1, deadline - this.cfg.now()) },
    );
    const token = headerString(result.response!.headers, 'x-subject-token');
    if (!token) {
      throw new VbsApiError({ operation: 'createToken', status: result.response!.status, code: 'NO_TOKEN', message: 'IAM answered without an X-Subject-Token header' });
    }
    let expiresAt: Date | undefined;
    try {
      const raw = (JSON.parse(result.response!.text) as { token?: { expires_at?: string } }).token?.expires_at;
      if (raw) expiresAt = new Date(/(Z|[+-]\d\d:?\d\d)$/.test(raw) ? raw : `${raw}Z`);
    } catch {
      expiresAt = undefined;
    }
    return { token, expiresAt };
  }

  /** Maps a thrown value to a typed error, telling caller aborts, deadlines and attempt timeouts apart. */
  private interpret(e: unknown, operation: string, guard: CallGuard, timeoutMs: number): VbsError {
    if (e instanceof VbsError) return e;
    if (guard.callerAborted) return new VbsAbortError(operation, guard.reason);
    if (guard.expired) return new VbsTimeoutError(operation, `${operation} timed out: no answer within the call timeout of ${timeoutMs} ms (retries included)`);
    if (e instanceof AttemptTimeout) {
      return new VbsTimeoutError(operation, `${operation} attempt timed out after ${e.ms} ms without a complete answer`);
    }
    const code = errorCode(e) ?? 'UNKNOWN';
    const detail = this.redact(e instanceof Error ? e.message : String(e));
    return new VbsNetworkError(
      operation,
      `${operation} failed: network error talking to ${new URL(this.cfg.endpoint).host}: ${code}${detail ? ` (${detail})` : ''}`,
      mayHaveBeenSent(e),
      e,
    );
  }
}

/** Where one call goes (see Caller.target). */
interface Target {
  readonly url: URL;
  readonly origin: string;
  readonly path: string;
  readonly host: string;
}

const ABSOLUTE = /^https?:\/\//;
