/**
 * An unfinished run of a policy, and its one-line description, shared by the client's busy
 * errors (busy.ts) and the CLI's progress lines (src/cli/execute.ts). Imports nothing at run
 * time, so the CLI can use it without loading the client.
 */
import type { Job } from './jobs';

/** An unfinished run of a policy, as its jobs show it. */
export interface BusyRun {
  /** The earliest `created_at` among its unfinished jobs (server time). */
  readonly startedAt: Date;
  /** Its jobs still `WAITING` or `RUNNING`, newest first. */
  readonly jobs: Job[];
}

/** `a run started at T is unfinished (2 jobs: vol-1 RUNNING, vol-2 WAITING)`, at most five jobs named. */
export function describeUnfinishedRun(run: BusyRun): string {
  const shown = run.jobs.slice(0, 5).map((j) => `${j.resourceId} ${j.status}`).join(', ');
  const more = run.jobs.length > 5 ? `, ${run.jobs.length - 5} more` : '';
  return `a run started at ${run.startedAt.toISOString()} is unfinished ` +
    `(${run.jobs.length} job${run.jobs.length === 1 ? '' : 's'}: ${shown}${more})`;
}
