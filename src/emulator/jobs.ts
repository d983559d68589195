/**
 * Executing a policy (op 7) and listing its backup jobs (op 9). A job's status is computed
 * from its timestamps when it is read, so no timers run: `WAITING` for the first quarter of
 * the job time, `RUNNING` for the rest, then its final status.
 */
import { randomUUID } from 'node:crypto';
import type { JobStatus, WireJob } from '../contract/wire';
import { CODES, serviceError } from './errors';
import { randomHex } from './ids';
import { appendJobs, forgetIndex, hasUnfinished, inCreationOrder, jobJson } from './job-index';
import { MAX_JOBS_PER_POLICY, StoredJob, StoredPolicy, backupName } from './store';

const JOB_STATUSES: readonly JobStatus[] = ['WAITING', 'RUNNING', 'EXECUTE_SUCCESS', 'EXECUTE_FAIL', 'EXECUTE_TIMEOUT', 'SKIP'];
/** Largest `limit` accepted by backuptasks. */
export const MAX_JOB_LIMIT = 1000;
const MAX_QUERY_VALUE = 256;

/** How the jobs of one run end (a fault may make them fail). */
export interface RunOutcome {
  readonly final: JobStatus;
  readonly failReason?: string;
}

/** Statuses the emulator may answer an execute with while a run is unfinished. */
export const BUSY_STATUSES: readonly number[] = [400, 409];

/**
 * Starts a run: one job per associated volume. `AutoBackup.0225` (status `busyStatus`, 409 or
 * 400) while jobs of an earlier run are still `WAITING`/`RUNNING`. No volumes: nothing to do,
 * no jobs. A scheduled run (the control call) starts the same way.
 */
export function executePolicy(policy: StoredPolicy, now: number, jobMs: number, outcome: RunOutcome, busyStatus = 409): StoredJob[] {
  if (hasUnfinished(policy, now)) {
    throw serviceError(CODES.executing, `backup policy ${policy.id} is being executed; wait until its running backup jobs finish`, busyStatus);
  }
  const jobs = policy.volumes.map((volume): StoredJob => {
    const job: StoredJob = {
      job_id: randomUUID(),
      vbs_job_id: randomHex(16),
      backup_name: backupName(),
      resource_id: volume,
      created: now,
      duration: jobMs,
      final: outcome.final,
    };
    if (outcome.final !== 'EXECUTE_SUCCESS') job.fail_reason = outcome.failReason ?? 'Injected fault';
    return job;
  });
  appendJobs(policy, jobs, MAX_JOBS_PER_POLICY);
  return jobs;
}

/**
 * Ends the policy's unfinished jobs at `now` (the emulator's `finishJobs` control call): each
 * takes its final status as if its job time had been `now - created`. Returns how many ended.
 */
export function finishPolicyJobs(policy: StoredPolicy, now: number): number {
  if (!hasUnfinished(policy, now)) return 0;
  let ended = 0;
  for (const job of policy.jobs) {
    if (now - job.created < job.duration) {
      job.duration = Math.max(0, now - job.created);
      ended++;
    }
  }
  forgetIndex(policy);
  return ended;
}

/** The status of a job at `now`. */
export function jobStatus(job: StoredJob, now: number): JobStatus {
  const elapsed = now - job.created;
  if (elapsed >= job.duration) return job.final;
  return elapsed < job.duration / 4 ? 'WAITING' : 'RUNNING';
}

/** The wire form of a job at `now`. */
export function jobToWire(job: StoredJob, now: number): WireJob {
  const status = jobStatus(job, now);
  const createdAt = formatJobTime(job.created);
  const out: WireJob = {
    job_id: job.job_id,
    status,
    created_at: createdAt,
    backup_name: job.backup_name,
    resource_id: job.resource_id,
    resource_type: 'volume',
    vbs_job_id: job.vbs_job_id,
  };
  if (status === job.final) {
    out.finished_at = job.duration === 0 ? createdAt : formatJobTime(job.created + job.duration);
    if (job.fail_reason !== undefined) out.fail_reason = job.fail_reason;
  }
  return out;
}

/** `YYYY-MM-DDTHH:MM:SS.mmm`, UTC, without a zone suffix (as the real API). */
export function formatJobTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/**
 * Op 9 with its query parameters, answered as the JSON text of a `WireJobList`: `status` and
 * `job_id` filter, `sort_key` (only `created_at`) and `sort_dir` (`desc` by default) order,
 * then `marker` (a job id: start after it), `offset` and `limit` (default 20, at most 1000)
 * page. `count` is the number of jobs matching the filters.
 *
 * Order is by creation time, ties in the order the jobs were stored. Jobs are appended as they
 * are created, so the stored array is normally already in that order: the page is read by
 * walking from the wanted end, and only the jobs on the page are rendered (final ones from
 * their kept JSON). Statuses of all jobs are computed only for a `status` filter.
 */
export function listJobs(policy: StoredPolicy, query: URLSearchParams, now: number): string {
  const q = readQuery(query);
  let jobs = inCreationOrder(policy) ? policy.jobs : [...policy.jobs].sort((a, b) => a.created - b.created);
  if (q.status !== undefined) jobs = jobs.filter((j) => jobStatus(j, now) === q.status);
  if (q.jobId !== undefined) jobs = jobs.filter((j) => j.job_id === q.jobId);
  const n = jobs.length;
  const desc = q.sortDir === 'desc';
  const nth = (k: number): StoredJob => jobs[desc ? n - 1 - k : k];
  let start = 0;
  if (q.marker !== undefined) {
    let at = 0;
    while (at < n && nth(at).job_id !== q.marker) at++;
    if (at === n) throw serviceError(CODES.objectInvalid, `marker ${q.marker} is not the job_id of a job of policy ${policy.id} (matching the filters)`);
    start = at + 1;
  }
  // Same text as JSON.stringify({ tasks, count }), without building the objects of final jobs again.
  let text = '{"tasks":[';
  let shown = 0;
  for (let k = start + q.offset; k < n && shown < q.limit; k++, shown++) {
    const job = nth(k);
    text += (shown === 0 ? '' : ',') + jobJson(job, now - job.created >= job.duration, () => jobToWire(job, now));
  }
  return `${text}],"count":${n}}`;
}

interface JobQuery {
  status?: JobStatus;
  jobId?: string;
  sortDir: 'asc' | 'desc';
  marker?: string;
  offset: number;
  limit: number;
}

function readQuery(query: URLSearchParams): JobQuery {
  for (const [name, value] of query) {
    if (value.length > MAX_QUERY_VALUE) {
      throw serviceError(CODES.objectInvalid, `query parameter ${name.slice(0, 32)} is ${value.length} characters long; at most ${MAX_QUERY_VALUE} are allowed`);
    }
  }
  const one = (name: string): string | undefined => {
    const all = query.getAll(name);
    if (all.length > 1) throw serviceError(CODES.objectInvalid, `query parameter ${name} was given ${all.length} times; give it once`);
    return all[0];
  };
  const sortKey = one('sort_key');
  if (sortKey !== undefined && sortKey !== 'created_at') {
    throw serviceError(CODES.objectInvalid, `sort_key must be "created_at", got "${sortKey}"`);
  }
  const sortDir = one('sort_dir') ?? 'desc';
  if (sortDir !== 'asc' && sortDir !== 'desc') throw serviceError(CODES.objectInvalid, `sort_dir must be "asc" or "desc", got "${sortDir}"`);
  const status = one('status');
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) {
    throw serviceError(CODES.objectInvalid, `status must be one of ${JOB_STATUSES.join(', ')}, got "${status}"`);
  }
  return {
    status: status as JobStatus | undefined,
    jobId: one('job_id'),
    sortDir,
    marker: one('marker'),
    offset: integerParam(one('offset'), 'offset', 0, Number.MAX_SAFE_INTEGER, 0),
    limit: integerParam(one('limit'), 'limit', 1, MAX_JOB_LIMIT, 20),
  };
}

function integerParam(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw serviceError(CODES.objectInvalid, `${name} must be an integer from ${min} to ${max}, got "${value.slice(0, 32)}"`);
  }
  return n;
}
