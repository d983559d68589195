/**
 * Facts derived from a policy's stored jobs and kept between requests, so that executing a
 * policy and listing its jobs cost the same with 1 or 1000 jobs kept:
 *
 * - for each job duration, the latest creation time with it ("is a run still going?" is then
 *   one check per distinct duration, usually one, instead of a walk over every job);
 * - whether the jobs are stored in creation order (they are, unless the clock went back or a
 *   state file said otherwise), so a list can walk from the wanted end instead of sorting;
 * - the JSON text of each job once it is final (its wire form no longer changes).
 *
 * Nothing here is stored in the policy itself: the state file stays as it was. The index of a
 * policy is rebuilt whenever its job array changed other than through `appendJobs`.
 */
import type { StoredJob, StoredPolicy } from './store';

interface JobIndex {
  /** The array indexed. */
  readonly jobs: StoredJob[];
  /** Its length when indexed; -1 marks the index stale. */
  length: number;
  /** Job duration -> latest `created` among the jobs with that duration. */
  readonly newest: Map<number, number>;
  /** True when `created` is known never to decrease along the array; false: unknown. */
  ordered: boolean;
}

const indexes = new WeakMap<StoredPolicy, JobIndex>();

function indexOf(policy: StoredPolicy): JobIndex {
  let ix = indexes.get(policy);
  if (ix === undefined || ix.jobs !== policy.jobs || ix.length !== policy.jobs.length) {
    ix = { jobs: policy.jobs, length: policy.jobs.length, newest: new Map(), ordered: false };
    for (const job of policy.jobs) noteDuration(ix.newest, job);
    indexes.set(policy, ix);
  }
  return ix;
}

function noteDuration(newest: Map<number, number>, job: StoredJob): void {
  const latest = newest.get(job.duration);
  if (latest === undefined || job.created > latest) newest.set(job.duration, job.created);
}

/** Drops the policy's index: call after changing a stored job's `created` or `duration`. */
export function forgetIndex(policy: StoredPolicy): void {
  indexes.delete(policy);
}

/** Appends a run's jobs to the policy, keeping only the newest `max` jobs, and keeps the index current. */
export function appendJobs(policy: StoredPolicy, jobs: readonly StoredJob[], max: number): void {
  const ix = indexOf(policy);
  const all = policy.jobs;
  let last: StoredJob | undefined = all[all.length - 1];
  for (const job of jobs) {
    if (last !== undefined && job.created < last.created) ix.ordered = false;
    noteDuration(ix.newest, job);
    all.push(job);
    last = job;
  }
  ix.length = all.length;
  if (all.length > max) {
    // Dropping the oldest keeps the order; dropping the latest job of a duration (possible only
    // when the array was out of order) leaves `newest` wrong: rebuild on next use.
    let stale = false;
    while (all.length > max) {
      const dropped = all.shift() as StoredJob;
      if (dropped.created >= (ix.newest.get(dropped.duration) as number)) stale = true;
    }
    ix.length = stale ? -1 : all.length;
  }
}

/**
 * Any job of the policy still `WAITING`/`RUNNING` at `now` (`now - created < duration`). For
 * jobs of one duration this holds for some job exactly when it holds for the latest created.
 */
export function hasUnfinished(policy: StoredPolicy, now: number): boolean {
  for (const [duration, created] of indexOf(policy).newest) if (now - created < duration) return true;
  return false;
}

/** True when the policy's jobs are stored in creation order (array order = creation order). */
export function inCreationOrder(policy: StoredPolicy): boolean {
  const ix = indexOf(policy);
  if (!ix.ordered) {
    const jobs = policy.jobs;
    let ordered = true;
    for (let i = 1; i < jobs.length && ordered; i++) ordered = jobs[i].created >= jobs[i - 1].created;
    ix.ordered = ordered;
  }
  return ix.ordered;
}

/** A final job's JSON text, rendered once. */
interface Rendered {
  readonly job: Readonly<StoredJob>;
  readonly json: string;
}

const renderedFinal = new WeakMap<StoredJob, Rendered>();

/**
 * The JSON text of `job`'s wire form at `now`. Once the job is final (`final` is the
 * status) the text no longer changes and is kept; `render` builds the wire form.
 */
export function jobJson(job: StoredJob, final: boolean, render: () => unknown): string {
  if (!final) return JSON.stringify(render());
  const kept = renderedFinal.get(job);
  if (kept !== undefined && sameJob(kept.job, job)) return kept.json;
  const json = JSON.stringify(render());
  renderedFinal.set(job, { job: { ...job }, json });
  return json;
}

/** Jobs are not changed after creation; this guards the cache against any code that would. */
function sameJob(a: Readonly<StoredJob>, b: StoredJob): boolean {
  return a.created === b.created && a.duration === b.duration && a.final === b.final && a.job_id === b.job_id
    && a.vbs_job_id === b.vbs_job_id && a.backup_name === b.backup_name && a.resource_id === b.resource_id && a.fail_reason === b.fail_reason;
}
