/**
 * The time and abort bounds of one call: its deadline, the timeout of the attempt in flight and
 * the caller's AbortSignal, kept with one timer and at most one listener on the caller's signal.
 *
 * Why not `AbortSignal.any` and an AbortController per call and per attempt: on Node 20 those
 * cost more than the whole HTTP exchange on a loopback keep-alive socket (the client overhead
 * bar in README "Performance"). The HTTP exchange in flight registers a plain cancel function instead; an
 * AbortSignal is made only when a slower step asks for one (a back-off sleep, the no-duplicate
 * check, a password login), which an ordinary successful call never does.
 */

/** Abort reason of a single attempt's timer. */
export class AttemptTimeout extends Error {
  constructor(public readonly ms: number) {
    super(`attempt timed out after ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

/** Cancels the operation in flight with a reason (it rejects with that reason). */
export type Cancel = (reason: unknown) => void;

export class CallGuard {
  /** Epoch milliseconds (of the client's clock) at which the whole call times out. */
  public readonly deadline: number;
  /** True once the deadline timer fired. */
  public expired = false;
  private timer: NodeJS.Timeout | undefined;
  /** What the armed timer ends: the attempt in flight (with its length in ms) or the call. */
  private timerAttemptMs: number | undefined;
  private inFlight: Cancel | undefined;
  private controller: AbortController | undefined;
  private readonly onCallerAbort: (() => void) | undefined;

  /**
   * @param callerSignal the caller's signal, if any
   * @param timeoutMs bound of the whole call, retries included
   * @param now the client's clock
   */
  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {
    this.deadline = now() + timeoutMs;
    if (callerSignal && !callerSignal.aborted) {
      this.onCallerAbort = () => this.stop(callerSignal.reason);
      callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  /** True when the caller aborted or the deadline passed: nothing more may be sent. */
  public get stopped(): boolean {
    return this.expired || this.callerSignal?.aborted === true;
  }

  /** The caller's signal fired. */
  public get callerAborted(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** Why the call stopped (the caller's reason, or undefined for the deadline). */
  public get reason(): unknown {
    return this.callerSignal?.aborted ? this.callerSignal.reason : undefined;
  }

  /** Milliseconds left before the deadline, at least 1. */
  public remainingMs(): number {
    return Math.max(1, this.deadline - this.now());
  }

  /**
   * An AbortSignal that fires when the caller aborts or the deadline passes, for steps that take
   * one (sleep, the no-duplicate check, a login). Made on first use; it arms the deadline timer.
   */
  public get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.stopped) this.controller.abort(this.reason);
    }
    if (!this.stopped && this.timer === undefined) this.arm(undefined);
    return this.controller.signal;
  }

  /**
   * Starts an attempt that ends, at the latest, `attemptMs` from now or at the deadline:
   * `cancel` is called with an AttemptTimeout, or with the stop reason, when either comes first.
   */
  public beginAttempt(attemptMs: number, cancel: Cancel): void {
    this.inFlight = cancel;
    this.arm(attemptMs < this.deadline - this.now() ? attemptMs : undefined);
  }

  /** The attempt settled: its timer is released (steps after it arm the deadline again). */
  public endAttempt(): void {
    this.inFlight = undefined;
    this.disarm();
  }

  /** Releases the timer and the listener on the caller's signal. */
  public dispose(): void {
    this.inFlight = undefined;
    this.disarm();
    if (this.onCallerAbort) this.callerSignal!.removeEventListener('abort', this.onCallerAbort);
  }

  /** Arms the one timer: for an attempt of `attemptMs`, or (undefined) for the call's deadline. */
  private arm(attemptMs: number | undefined): void {
    this.disarm();
    this.timerAttemptMs = attemptMs;
    const ms = attemptMs ?? Math.max(0, this.deadline - this.now());
    this.timer = setTimeout(this.onTimer, ms);
  }

  private disarm(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    const attemptMs = this.timerAttemptMs;
    if (attemptMs !== undefined) {
      const cancel = this.inFlight;
      this.inFlight = undefined;
      cancel?.(new AttemptTimeout(attemptMs));
      return;
    }
    this.expired = true;
    this.stop(undefined);
  };

  /** The caller aborted or the deadline passed: cancel what is in flight and fire the signal. */
  private stop(reason: unknown): void {
    this.disarm();
    const cancel = this.inFlight;
    this.inFlight = undefined;
    this.controller?.abort(reason);
    cancel?.(reason ?? new Error(`call timed out after ${this.timeoutMs} ms`));
  }
}
