/**
 * What a trigger does when a run of its policy is unfinished (VBS refuses a second run with
 * `AutoBackup.0225`): a scheduled run of a large volume, or another stack's trigger on the
 * same policy.
 */
export enum WhenBusy {
  /**
   * Wait until the unfinished run's jobs are final, then start this trigger's run. The wait
   * counts against `timeoutSeconds`. Several triggers waiting on one policy each get their own
   * run, one after another.
   */
  WAIT_THEN_RUN = 'wait',
  /**
   * The unfinished run counts as this trigger's backup: no run is started (with
   * `waitForCompletion`, the trigger waits for that run's jobs and reports them).
   */
  JOIN_RUNNING = 'join',
  /** The run fails as any API error does (per `failureMode`), naming the busy run. */
  FAIL = 'fail',
}
