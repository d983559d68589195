/**
 * Running a policy now, and optionally waiting for the jobs the run started (shared by
 * `hook-trigger`), and the command
 *   vbs-backup execute (--policy-id ID | --policy-name NAME) [--wait] [--timeout S] [--json]
 */
import type { WirePolicy } from '../client/wire';
import {
  CONNECTION_OPTIONS, HELP_OPTION, OptionDef, connectionArgs, integerOption, parseCommandLine, policySelector, stringOption,
} from './args';
import { describeFailures, failedJobs, jobLine, jobToJson, jobsTable, plural } from './format';
import type { PolicyRef } from './hook-env';
import { resolvePolicy, policyWhere } from './lookup';
import { COMMAND_HELP } from './help';
import type { ExecuteInfo, JobInfo, PolicyApi } from './ports';
import { CliIo, describeFailure, jsonDocument, startDeadline, withClient } from './runtime';

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

const COMMAND = 'execute';

/** Default bound of `execute`, seconds. */
export const DEFAULT_EXECUTE_TIMEOUT_SECONDS = 600;

const OPTIONS: Record<string, OptionDef> = {
  'policy-id': { type: 'string' },
  'policy-name': { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  ...CONNECTION_OPTIONS,
  ...HELP_OPTION,
};

/** Runs `vbs-backup execute`; resolves to the exit code. */
export async function runExecute(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(COMMAND, argv, OPTIONS);
  if (values.help) {
    io.out(COMMAND_HELP[COMMAND]);
    return 0;
  }
  const selector = policySelector(COMMAND, values);
  const ref: PolicyRef = 'policyId' in selector
    ? { kind: 'id', policyId: selector.policyId }
    : { kind: 'name', policyName: selector.policyName };
  const connection = connectionArgs(COMMAND, values);
  const timeout = integerOption(COMMAND, '--timeout', stringOption(values, 'timeout'), 1, 86400) ?? DEFAULT_EXECUTE_TIMEOUT_SECONDS;
  const wait = values.wait === true;
  const json = values.json === true;

  const deadline = startDeadline(timeout, '--timeout');
  try {
    return await withClient(connection, io.env, async (api) => {
      const policy = await resolvePolicy(api, ref, deadline.signal);
      const result = await runPolicy(api, policy, { wait, deadline: deadline.at, signal: deadline.signal, log: (l) => io.err(l) });
      const ok = result.failed.length === 0;
      if (json) {
        io.out(jsonDocument({
          policyId: policy.backup_policy_id,
          policyName: policy.backup_policy_name,
          projectId: api.projectId,
          volumes: policy.policy_resource_count ?? 0,
          startedAt: result.execute.startedAt.toISOString(),
          alreadyStarted: result.execute.alreadyStarted,
          attempts: result.execute.attempts,
          ...(result.jobs ? { succeeded: ok, jobs: result.jobs.map(jobToJson) } : {}),
        }));
      } else if (result.jobs) {
        for (const line of jobsTable(result.jobs)) io.out(line);
      } else {
        io.out(`${policy.backup_policy_id} started ${result.execute.startedAt.toISOString()}`);
      }
      if (!ok) throw new JobsFailedError(result);
      return 0;
    });
  } catch (err) {
    io.err(`error: ${describeFailure(err, deadline)}`);
    return 1;
  }
}
