/**
 * Executing a policy (op 7) and listing its backup jobs (op 9). A job's status is computed
 * from its timestamps when it is read, so no timers run: `WAITING` for the first quarter of
 * the job time, `RUNNING` for the rest, then its final status.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JobStatus, WireJob, WireJobList } from '../client/wire';
import { CODES, serviceError } from './errors';
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

/**
 * Starts a run: one job per associated volume. 409 `AutoBackup.0225` while jobs of an earlier
 * run are still `WAITING`/`RUNNING`. No volumes: nothing to do, no jobs.
 */
export function executePolicy(policy: StoredPolicy, now: number, jobMs: number, outcome: RunOutcome): StoredJob[] {
  const busy = policy.jobs.some((j) => !isFinal(j, now));
  if (busy) {
    throw serviceError(CODES.executing, `backup policy ${policy.id} is being executed; wait until its running backup jobs finish`, 409);
  }
  const jobs = policy.volumes.map((volume): StoredJob => {
    const job: StoredJob = {
      job_id: randomUUID(),
      vbs_job_id: randomBytes(16).toString('hex'),
      backup_name: backupName(),
      resource_id: volume,
      created: now,
      duration: jobMs,
      final: outcome.final,
    };
    if (outcome.final !== 'EXECUTE_SUCCESS') job.fail_reason = outcome.failReason ?? 'Injected fault';
    return job;
  });
  policy.jobs.push(...jobs);
  if (policy.jobs.length > MAX_JOBS_PER_POLICY) policy.jobs.splice(0, policy.jobs.length - MAX_JOBS_PER_POLICY);
  return jobs;
}

function isFinal(job: StoredJob, now: number): boolean {
  return now - job.created >= job.duration;
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
  const out: WireJob = {
    job_id: job.job_id,
    status,
    created_at: formatJobTime(job.created),
    backup_name: job.backup_name,
    resource_id: job.resource_id,
    resource_type: 'volume',
    vbs_job_id: job.vbs_job_id,
  };
  if (status === job.final) {
    out.finished_at = formatJobTime(job.created + job.duration);
    if (job.fail_reason !== undefined) out.fail_reason = job.fail_reason;
  }
  return out;
}

/** `YYYY-MM-DDTHH:MM:SS.mmm`, UTC, without a zone suffix (as the real API). */
export function formatJobTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/**
 * Op 9 with its query parameters: `status` and `job_id` filter, `sort_key` (only
 * `created_at`) and `sort_dir` (`desc` by default) order, then `marker` (a job id: start after
 * it), `offset` and `limit` (default 20, at most 1000) page. `count` is the number of jobs
 * matching the filters.
 */
export function listJobs(policy: StoredPolicy, query: URLSearchParams, now: number): WireJobList {
  const q = readQuery(query);
  let jobs = policy.jobs.map((j, i) => ({ j, i, status: jobStatus(j, now) }));
  if (q.status !== undefined) jobs = jobs.filter((x) => x.status === q.status);
  if (q.jobId !== undefined) jobs = jobs.filter((x) => x.j.job_id === q.jobId);
  const sign = q.sortDir === 'asc' ? 1 : -1;
  jobs.sort((a, b) => sign * (a.j.created - b.j.created || a.i - b.i));
  const count = jobs.length;
  if (q.marker !== undefined) {
    const at = jobs.findIndex((x) => x.j.job_id === q.marker);
    if (at < 0) throw serviceError(CODES.objectInvalid, `marker ${q.marker} is not the job_id of a job of policy ${policy.id} (matching the filters)`);
    jobs = jobs.slice(at + 1);
  }
  const page = jobs.slice(q.offset, q.offset + q.limit);
  return { tasks: page.map((x) => jobToWire(x.j, now)), count };
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
