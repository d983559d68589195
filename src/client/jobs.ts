/**
 * Backup jobs ("tasks") of a policy: the typed view, timestamp parsing, and the rules that
 * find the jobs one run started (created at/after a start time, newest per volume).
 */
import { FINAL_JOB_STATUSES, JobStatus, WireJob } from '../contract/wire';

/** One backup job: the backup of one volume by one run of a policy. */
export interface Job {
  /** Job id (`job_id`). */
  readonly jobId: string;
  /** WAITING, RUNNING, EXECUTE_SUCCESS, EXECUTE_FAIL, EXECUTE_TIMEOUT or SKIP. */
  readonly status: JobStatus;
  /** When the job was created (the API's zone-less timestamps are UTC). */
  readonly createdAt: Date;
  /** When the job finished; absent while it runs. */
  readonly finishedAt?: Date;
  /** Name of the backup, e.g. `autobk_a61d`. */
  readonly backupName: string;
  /** The volume backed up. */
  readonly resourceId: string;
  /** Why the job failed, when the service says. */
  readonly failReason?: string;
  /** True for EXECUTE_SUCCESS, EXECUTE_FAIL, EXECUTE_TIMEOUT and SKIP. */
  readonly final: boolean;
}

/** Query of `listJobs` (op 9). */
export interface ListJobsQuery {
  /** Sort direction of `created_at`. @default - the service's order */
  readonly sortDir?: 'asc' | 'desc';
  /** Sort key; the API knows only `created_at`. @default - the service's order */
  readonly sortKey?: 'created_at';
  /** Page size. @default - the service's default (20) */
  readonly limit?: number;
  /** Jobs to skip. @default 0 */
  readonly offset?: number;
  /** Start after this job id. @default - none */
  readonly marker?: string;
  /** Only this job. @default - all jobs */
  readonly jobId?: string;
  /** Only jobs in this status. @default - any status */
  readonly status?: JobStatus;
}

/** Options of `waitForJobs`. */
export interface WaitForJobsOptions {
  /** Jobs created before this are ignored; pass ExecuteResult.startedAt. */
  readonly since: Date;
  /** Give up after this long with a VbsTimeoutError. @default 600 */
  readonly timeoutSeconds?: number;
  /** Pause between polls. @default 2000 */
  readonly pollIntervalMs?: number;
  /**
   * How long to wait for a first job (or for jobs of every associated volume) before accepting
   * what exists: a policy without volumes resolves with [] after this.
   * @default 10000
   */
  readonly graceMs?: number;
  /** Aborts the wait. */
  readonly signal?: AbortSignal;
  /** Called after every poll with the jobs seen so far. */
  readonly onProgress?: (jobs: Job[]) => void;
}

/** The query that lists jobs newest first. */
export function newestFirstQuery(limit: number, offset: number): ListJobsQuery {
  return { sortKey: 'created_at', sortDir: 'desc', limit, offset };
}

/** URL query pairs of a ListJobsQuery. */
export function jobsQueryPairs(q: ListJobsQuery = {}): [string, string][] {
  const out: [string, string][] = [];
  if (q.sortKey) out.push(['sort_key', q.sortKey]);
  if (q.sortDir) out.push(['sort_dir', q.sortDir]);
  if (q.limit !== undefined) out.push(['limit', String(checkCount(q.limit, 'limit', 1))]);
  if (q.offset !== undefined) out.push(['offset', String(checkCount(q.offset, 'offset', 0))]);
  if (q.marker) out.push(['marker', q.marker]);
  if (q.jobId) out.push(['job_id', q.jobId]);
  if (q.status) out.push(['status', q.status]);
  return out;
}

function checkCount(n: number, name: string, min: number): number {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`listJobs: ${name} is ${n}; expected an integer >= ${min}`);
  return n;
}

/**
 * Parses an API timestamp. `2016-12-03T06:24:34.467` has no zone and is UTC; a `Z` or an
 * offset, when present, is honoured. Returns undefined when unparsable.
 */
export function parseApiTime(value: string | undefined): Date | undefined {
  // A non-string (a malformed body) reads as unparsable, like a bad string.
  if (typeof value !== 'string' || !value) return undefined;
  const v = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(v) ? v : `${v}Z`;
  const d = new Date(zoned);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Typed view of a wire job; undefined when its created_at cannot be read. */
export function toJob(w: WireJob): Job | undefined {
  const createdAt = parseApiTime(w.created_at);
  if (!createdAt) return undefined;
  return {
    jobId: w.job_id,
    status: w.status,
    createdAt,
    finishedAt: parseApiTime(w.finished_at),
    backupName: w.backup_name,
    resourceId: w.resource_id,
    failReason: w.fail_reason,
    final: FINAL_JOB_STATUSES.includes(w.status),
  };
}

/** Jobs created at/after `since`, the newest per volume, newest first. */
export function newestPerVolumeSince(jobs: readonly Job[], since: Date): Job[] {
  const byVolume = new Map<string, Job>();
  for (const j of jobs) {
    if (j.createdAt.getTime() < since.getTime()) continue;
    const seen = byVolume.get(j.resourceId);
    if (!seen || seen.createdAt.getTime() < j.createdAt.getTime()) byVolume.set(j.resourceId, j);
  }
  return [...byVolume.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** Whether a poll result ends the wait. */
export function waitSettled(jobs: readonly Job[], expectedVolumes: number, graceOver: boolean): boolean {
  if (jobs.length === 0) return graceOver && expectedVolumes === 0;
  if (!jobs.every((j) => j.final)) return false;
  return jobs.length >= expectedVolumes || graceOver;
}
