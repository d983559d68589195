/**
 * Running a policy now, and optionally waiting for the jobs the run started: shared by
 * `vbs-backup execute` and `hook-trigger`.
 */
import type { WirePolicy } from '../client/wire';
import { describeFailures, failedJobs, jobLine, plural } from './format';
import { policyWhere } from './lookup';
import type { ExecuteInfo, JobInfo, PolicyApi } from './ports';

/** How to run. */
export interface RunOptions {
  /** Wait for every job of the run to reach a final state. */
  readonly wait: boolean;
  /** Epoch ms by which everything must be done (the wait is bounded by what is left). */
  readonly deadline: number;
  /** Aborts every call (fires at the deadline). */
  readonly signal: AbortSignal;
  /** Progress sink (stderr). */
  readonly log: (line: string) => void;
  /** Poll interval of the wait, ms. @default 2000 */
  readonly pollIntervalMs?: number;
}

/** What a run did. */
export interface RunResult {
  readonly policy: WirePolicy;
  readonly execute: ExecuteInfo;
  /** The jobs of the run when waited for (final states), else undefined. */
  readonly jobs?: JobInfo[];
  /** Jobs that ended EXECUTE_FAIL or EXECUTE_TIMEOUT (empty when not waited). */
  readonly failed: JobInfo[];
}

/** A waited run whose jobs failed: exit 1 with each volume and reason. */
export class JobsFailedError extends Error {
  constructor(readonly result: RunResult) {
    super(
      `backup run of policy ${result.policy.backup_policy_name} (id ${result.policy.backup_policy_id}) failed: ` +
        `${plural(result.failed.length, 'job')} of ${result.jobs?.length ?? 0} did not succeed: ${describeFailures(result.failed)}`,
    );
    this.name = 'JobsFailedError';
  }
}

/** Executes `policy` now and, with `wait`, polls its jobs to a final state. */
export async function runPolicy(api: PolicyApi, policy: WirePolicy, o: RunOptions): Promise<RunResult> {
  const id = policy.backup_policy_id;
  const volumes = policy.policy_resource_count ?? 0;
  const execute = await api.executePolicy(id, { signal: o.signal });
  if (execute.alreadyStarted) {
    o.log(`a backup run of ${policyWhere(api, policy)} was already started by an earlier attempt: ${plural(volumes, 'volume')}`);
  } else {
    o.log(`started a backup run of ${policyWhere(api, policy)}: ${plural(volumes, 'volume')}`);
  }
  if (!o.wait) return { policy, execute, failed: [] };
  if (volumes === 0) {
    o.log('no volumes are associated with the policy: no jobs to wait for');
    return { policy, execute, jobs: [], failed: [] };
  }
  const seen = new Map<string, string>();
  const report = (jobs: JobInfo[]) => {
    for (const job of jobs) {
      if (seen.get(job.jobId) === job.status) continue;
      seen.set(job.jobId, job.status);
      o.log(jobLine(job));
    }
  };
  const timeoutSeconds = Math.max(1, Math.floor((o.deadline - Date.now()) / 1000));
  o.log(`waiting up to ${timeoutSeconds} s for the jobs of the run`);
  const jobs = await api.waitForJobs(id, {
    since: execute.startedAt,
    timeoutSeconds,
    signal: o.signal,
    pollIntervalMs: o.pollIntervalMs,
    onProgress: report,
  });
  report(jobs);
  const failed = failedJobs(jobs);
  o.log(
    failed.length === 0
      ? `all ${plural(jobs.length, 'job')} of the run finished`
      : `${plural(failed.length, 'job')} of ${jobs.length} failed: ${describeFailures(failed)}`,
  );
  return { policy, execute, jobs, failed };
}
