/**
 * A policy that is busy: VBS refuses to execute a policy while a run of it is unfinished, with
 * error code `AutoBackup.0225` (the documented code; the HTTP status is not documented, so 400
 * and 409 are both taken). This module decides what an execute does then (docs/architecture.md
 * ADR 10):
 *
 * - `fail`: throw a {@link VbsBusyError} describing the unfinished run;
 * - `wait`: poll the policy's unfinished jobs until they are final, then execute (again: another
 *   hook may have started a run first, which is waited for in turn);
 * - `join`: take the unfinished run as this execute's run, without starting another.
 *
 * Every execute it sends is one `executePolicy` call of its own, with its own start time, so the
 * no-duplicate check after an ambiguous failure (ADR 6) never takes the run waited for as ours.
 * Polls back off (1.5x per poll, capped) with jitter, so hooks waiting on one policy spread
 * out instead of polling and executing in step; throttled polls are retried by the client,
 * honouring `Retry-After`.
 */
import type { WhenBusyChoice } from '../contract/hook';
import { BusyRun, describeUnfinishedRun } from './busy-run';
import type { CallOptions } from './caller';
import { VbsAbortError, VbsApiError, VbsTimeoutError } from './errors';
import { Job, newestFirstQuery } from './jobs';
import { pollPause, sleep } from './retry';

/** Error code of an execute refused because a run of the policy is unfinished. */
export const BUSY_CODE = 'AutoBackup.0225';

export type { BusyRun, WhenBusyChoice };

/** Reported while an execute deals with a busy policy (for progress lines). */
export type BusyEvent =
  /** The policy is busy with `run` (`another`: a run that started while we waited for an earlier one). */
  | { readonly kind: 'busy'; readonly run: BusyRun; readonly waitedMs: number; readonly another: boolean }
  /** Still waiting for `run` (about once a minute). */
  | { readonly kind: 'waiting'; readonly run: BusyRun; readonly waitedMs: number }
  /** `run` is over; this execute is sent next. */
  | { readonly kind: 'free'; readonly run: BusyRun; readonly waitedMs: number }
  /** Refused as busy although no unfinished job is listed; tried again after `delayMs`. */
  | { readonly kind: 'refused'; readonly delayMs: number; readonly waitedMs: number };

/** How a busy policy is polled. */
export interface BusyPollOptions {
  /** First pause between polls of the unfinished run, ms. @default 1000 */
  readonly initialMs?: number;
  /** Longest pause between polls, ms (pauses grow 1.5x per poll). @default 10000 */
  readonly maxMs?: number;
}

/** Options of an execute. */
export interface ExecuteOptions extends CallOptions {
  /**
   * What to do when a run of the policy is unfinished (`AutoBackup.0225`, any HTTP status):
   * `fail` throws a VbsBusyError; `wait` waits for that run's jobs to be final, then starts
   * this run; `join` takes that run as this one. With `wait` and `join`, `timeoutMs` bounds
   * the whole execute, waiting included.
   * @default 'fail'
   */
  readonly whenBusy?: WhenBusyChoice;
  /**
   * With `wait` or `join`: look at the policy's unfinished jobs before sending the execute
   * (one more request), so a run already going is waited for (or joined) without an execute
   * being refused first.
   * @default false
   */
  readonly checkFirst?: boolean;
  /** Polling of a busy policy. @default - 1000 ms, growing to 10000 ms */
  readonly busyPoll?: BusyPollOptions;
  /** Called as the execute finds the policy busy, waits, and finds it free. */
  readonly onBusy?: (event: BusyEvent) => void;
}

/** What an execute did. */
export interface ExecuteResult {
  readonly policyId: string;
  /**
   * Just before the first attempt, in server time as late as is certain (minus the skew
   * allowance, narrowed by the `Date` of the server's answers): pass it to waitForJobs as `since`.
   * For a joined run: that run's start.
   */
  readonly startedAt: Date;
  /** Execute requests sent (refused ones included). */
  readonly attempts: number;
  /** True when an ambiguous attempt had in fact started the run (jobs found), so it was not sent again. */
  readonly alreadyStarted: boolean;
  /** True when `whenBusy: 'join'` took an unfinished run instead of starting one. */
  readonly joined: boolean;
  /** The run joined (its unfinished jobs when joined), when `joined`. */
  readonly joinedRun?: BusyRun;
  /** Milliseconds spent waiting for busy runs (0 when the policy was free). */
  readonly waitedMs: number;
}

/** Default bound of an execute that waits for a busy policy, when the call gives no timeoutMs. */
export const DEFAULT_BUSY_TIMEOUT_MS = 1_800_000;
/** How often a long wait is reported. */
const REPORT_EVERY_MS = 60_000;
const JOB_PAGE = 100;

/** The execute was refused because a run of the policy is unfinished (and `whenBusy` is `fail`). */
export class VbsBusyError extends VbsApiError {
  /** The policy. */
  public readonly policyId: string;
  /** The unfinished run, when its jobs are listed. */
  public readonly run?: BusyRun;

  constructor(refusal: VbsApiError, policyId: string, run: BusyRun | undefined) {
    super({ operation: refusal.operation, status: refusal.status, code: refusal.code, message: refusal.apiMessage, requestId: refusal.requestId });
    this.name = 'VbsBusyError';
    this.policyId = policyId;
    this.run = run;
    this.message = `${this.message}; ${describeRun(policyId, run)}`;
  }
}

/** Waiting for a busy policy took longer than the execute's bound. */
export class VbsBusyTimeoutError extends VbsTimeoutError {
  /** The policy. */
  public readonly policyId: string;
  /** The run still unfinished at the end (undefined: refused as busy, no unfinished job listed). */
  public readonly run?: BusyRun;
  /** Milliseconds waited. */
  public readonly waitedMs: number;

  constructor(policyId: string, run: BusyRun | undefined, waitedMs: number, cause?: unknown) {
    super('executePolicy', `executePolicy gave up waiting after ${seconds(waitedMs)} s: ${describeRun(policyId, run)}`, cause);
    this.name = 'VbsBusyTimeoutError';
    this.policyId = policyId;
    this.run = run;
    this.waitedMs = waitedMs;
  }
}

/** True for an error that says the policy is busy: code `AutoBackup.0225`, whatever the HTTP status. */
export function isBusyError(e: unknown): e is VbsApiError {
  return e instanceof VbsApiError && e.code === BUSY_CODE;
}

/** `policy P is busy: a run started at T is unfinished (2 jobs: vol-1 RUNNING, vol-2 WAITING)`. */
export function describeRun(policyId: string, run: BusyRun | undefined): string {
  if (!run || run.jobs.length === 0) return `policy ${policyId} is busy: the API refused the execute with ${BUSY_CODE} (a run is unfinished) but lists no unfinished job`;
  return `policy ${policyId} is busy: ${describeUnfinishedRun(run)}`;
}

/** The one-shot client calls a busy-aware execute is made of. */
export interface BusyOps {
  /** One execute, duplicate-free after ambiguous failures (VbsClient's one-shot execute). */
  execute(policyId: string, o: CallOptions): Promise<Omit<ExecuteResult, 'joined' | 'waitedMs' | 'joinedRun'>>;
  listJobs(policyId: string, q: ReturnType<typeof newestFirstQuery>, o: CallOptions): Promise<{ jobs: Job[] }>;
  readonly now: () => number;
  readonly random: () => number;
}

/** The policy's unfinished run, from its newest jobs, or undefined when every listed job is final. */
export async function unfinishedRun(ops: BusyOps, policyId: string, o: CallOptions): Promise<BusyRun | undefined> {
  const { jobs } = await ops.listJobs(policyId, newestFirstQuery(JOB_PAGE, 0), o);
  const open = jobs.filter((j) => !j.final).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  if (open.length === 0) return undefined;
  return { startedAt: new Date(Math.min(...open.map((j) => j.createdAt.getTime()))), jobs: open };
}

/**
 * Executes `policyId` and deals with a busy policy as `o.whenBusy` says (see the module
 * comment). With `fail` it sends exactly what a plain execute sends, and on a refusal lists
 * the jobs once to say which run is unfinished.
 */
export async function executeWhenBusy(ops: BusyOps, policyId: string, o: ExecuteOptions): Promise<ExecuteResult> {
  const mode = o.whenBusy ?? 'fail';
  if (mode === 'fail') {
    try {
      return { ...(await ops.execute(policyId, o)), joined: false, waitedMs: 0 };
    } catch (e) {
      if (!isBusyError(e)) throw e;
      // Only to describe the run: a failure to list it leaves the refusal as it was.
      const run = await unfinishedRun(ops, policyId, { signal: o.signal, timeoutMs: 10_000 }).catch(() => undefined);
      throw new VbsBusyError(e, policyId, run);
    }
  }
  return new BusyExecute(ops, policyId, o, mode).run();
}

/** One busy-aware execute with `wait` or `join`. */
class BusyExecute {
  private readonly deadline: number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private waitedMs = 0;
  private refusals = 0;

  constructor(private readonly ops: BusyOps, private readonly policyId: string, private readonly o: ExecuteOptions, private readonly mode: 'wait' | 'join') {
    this.deadline = ops.now() + (o.timeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.initialMs = positive(o.busyPoll?.initialMs ?? 1000, 'busyPoll.initialMs');
    this.maxMs = Math.max(this.initialMs, positive(o.busyPoll?.maxMs ?? 10_000, 'busyPoll.maxMs'));
  }

  async run(): Promise<ExecuteResult> {
    let look = this.o.checkFirst === true;
    let another = false;
    for (let round = 0; ; round++) {
      if (look) {
        const run = await unfinishedRun(this.ops, this.policyId, this.callOptions());
        if (run) {
          if (this.mode === 'join') return this.joined(run);
          await this.waitOut(run, another);
          another = true;
        }
      }
      try {
        const r = await this.ops.execute(this.policyId, this.callOptions());
        return { ...r, attempts: r.attempts + this.refusals, joined: false, waitedMs: this.waitedMs };
      } catch (e) {
        if (!isBusyError(e)) throw e;
        this.refusals += 1;
      }
      const run = await unfinishedRun(this.ops, this.policyId, this.callOptions());
      if (run) {
        if (this.mode === 'join') return this.joined(run);
        await this.waitOut(run, another);
        another = true;
        look = false;
        continue;
      }
      // Refused, yet every listed job is final: the run just ended, or its jobs are not listed
      // yet. Pause (backing off), look again, and execute only when nothing is unfinished.
      const delayMs = this.pause(round);
      if (this.ops.now() + delayMs >= this.deadline) throw new VbsBusyTimeoutError(this.policyId, undefined, this.waitedMs);
      this.o.onBusy?.({ kind: 'refused', delayMs, waitedMs: this.waitedMs });
      await this.sleep(delayMs, undefined);
      this.waitedMs += delayMs;
      look = true;
    }
  }

  private joined(run: BusyRun): ExecuteResult {
    return {
      policyId: this.policyId, startedAt: run.startedAt, attempts: this.refusals, alreadyStarted: false, joined: true, joinedRun: run, waitedMs: this.waitedMs,
    };
  }

  /** Polls until `run` (or a run that follows it) has no unfinished job. */
  private async waitOut(first: BusyRun, another: boolean): Promise<void> {
    this.o.onBusy?.({ kind: 'busy', run: first, waitedMs: this.waitedMs, another });
    let current = first;
    let lastReport = this.ops.now();
    for (let poll = 0; ; poll++) {
      const left = this.deadline - this.ops.now();
      if (left <= 0) throw new VbsBusyTimeoutError(this.policyId, current, this.waitedMs);
      const delayMs = Math.min(this.pause(poll), left);
      const before = this.ops.now();
      await this.sleep(delayMs, current);
      if (this.ops.now() >= this.deadline) {
        this.waitedMs += this.ops.now() - before;
        throw new VbsBusyTimeoutError(this.policyId, current, this.waitedMs);
      }
      let next: BusyRun | undefined;
      try {
        next = await unfinishedRun(this.ops, this.policyId, this.callOptions());
      } catch (e) {
        throw this.timedOut(e, current) ?? e;
      } finally {
        this.waitedMs += this.ops.now() - before;
      }
      if (!next) {
        this.o.onBusy?.({ kind: 'free', run: current, waitedMs: this.waitedMs });
        return;
      }
      if (next.startedAt.getTime() > current.startedAt.getTime()) {
        // The run ended and another (a scheduled run, another stack) began before our poll saw it.
        this.o.onBusy?.({ kind: 'busy', run: next, waitedMs: this.waitedMs, another: true });
        lastReport = this.ops.now();
      } else if (this.ops.now() - lastReport >= REPORT_EVERY_MS) {
        this.o.onBusy?.({ kind: 'waiting', run: next, waitedMs: this.waitedMs });
        lastReport = this.ops.now();
      }
      current = next;
    }
  }

  /** The pause before poll `n`: 1.5^n times the first, capped, with jitter in [50%, 100%]. */
  private pause(n: number): number {
    return pollPause(n, this.initialMs, this.maxMs, this.ops.random);
  }

  private async sleep(ms: number, run: BusyRun | undefined): Promise<void> {
    await sleep(ms, this.o.signal).catch((e: unknown) => {
      throw this.timedOut(e, run) ?? new VbsAbortError('executePolicy', e);
    });
  }

  /** A failure caused by the execute's own bound (its deadline, or a timeout signal) is a busy timeout. */
  private timedOut(e: unknown, run: BusyRun | undefined): VbsBusyTimeoutError | undefined {
    if (!endedByBound(e, this.o.signal, this.ops.now(), this.deadline)) return undefined;
    return new VbsBusyTimeoutError(this.policyId, run, this.waitedMs, e);
  }

  /** Each call: the caller's timeout (what is left of it), else the client's own call timeout. */
  private callOptions(): CallOptions {
    return { signal: this.o.signal, timeoutMs: this.o.timeoutMs === undefined ? undefined : Math.max(1, this.deadline - this.ops.now()) };
  }
}

/**
 * Whether a failure while waiting for something busy was caused by the wait's own bound: its
 * deadline (a call cut short by it), or a timeout signal (`AbortSignal.timeout`, the CLI's).
 * Such a failure is reported as a busy timeout naming what was still running.
 */
export function endedByBound(e: unknown, signal: AbortSignal | undefined, now: number, deadline: number | undefined): boolean {
  const reason = signal?.aborted ? (signal.reason as { name?: string } | undefined) : undefined;
  if (reason?.name === 'TimeoutError') return true;
  return deadline !== undefined && now >= deadline - 5 && (e instanceof VbsTimeoutError || e instanceof VbsAbortError);
}

/** A positive number of milliseconds, or a RangeError naming the option. */
export function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} is ${n}; expected a number of milliseconds > 0`);
  return n;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
