/**
 * Running a policy now, and optionally waiting for the jobs the run started (shared by
 * `hook-trigger`), and the command
 *   vbs-backup execute (--policy-id ID | --policy-name NAME) [--wait] [--timeout S] [--when-busy wait|join|fail] [--json]
 */
import type { BusyEvent } from '../client/busy';
import { BusyRun, describeUnfinishedRun } from '../client/busy-run';
import type { WirePolicy } from '../contract/wire';
import type { WhenBusyChoice } from '../contract/hook';
import { RUN_NOW_OPTIONS, apiCommandOptions, connectionArgs, parseOrHelp, policySelector, runNowArgs } from './args';
import { CommandFailure, exitCodeOf } from './failure';
import { describeFailures, failedJobs, jobLine, jobToJson, jobsTable, plural, policyLabel } from './format';
import type { PolicyRef } from './hook-env';
import { resolvePolicy, policyWhere } from './lookup';
import type { ExecuteInfo, JobInfo, PolicyApi } from './ports';
import { CliIo, jsonDocument, startDeadline, withClient } from './runtime';

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
  /** A run of the policy is unfinished (AutoBackup.0225): wait for it, join it, or fail. @default 'wait' */
  readonly whenBusy?: WhenBusyChoice;
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
export class JobsFailedError extends CommandFailure {
  constructor(readonly result: RunResult) {
    super(
      `backup run of policy ${result.policy.backup_policy_name} (id ${result.policy.backup_policy_id}) failed: ` +
        `${plural(result.failed.length, 'job')} of ${result.jobs?.length ?? 0} did not succeed: ${describeFailures(result.failed)}`,
    );
  }
}

/** Executes `policy` now and, with `wait`, polls its jobs to a final state. */
export async function runPolicy(api: PolicyApi, policy: WirePolicy, o: RunOptions): Promise<RunResult> {
  const id = policy.backup_policy_id;
  const volumes = policy.policy_resource_count ?? 0;
  const whenBusy = o.whenBusy ?? 'wait';
  const execute = await api.executePolicy(id, {
    signal: o.signal,
    // The signal fires at the command's deadline: it bounds the wait for a busy policy too.
    whenBusy,
    onBusy: (event) => o.log(busyLine(event, policyLabel(policy))),
  });
  if (execute.joined) {
    o.log(`${describeBusyRun(policyLabel(policy), execute.joinedRun)}; joining it as this run (when busy: join): no new run started`);
  } else if (execute.alreadyStarted) {
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

/** `policy NAME (id ID) is busy: a run started at T is unfinished (2 jobs: vol-a RUNNING, vol-b WAITING)`. */
export function describeBusyRun(label: string, run: BusyRun | undefined): string {
  return `${label} is busy${run && run.jobs.length > 0 ? `: ${describeUnfinishedRun(run)}` : ' (AutoBackup.0225)'}`;
}

/** One progress line for a busy-policy event. */
export function busyLine(event: BusyEvent, label: string): string {
  const waited = `${(event.waitedMs / 1000).toFixed(1)} s`;
  switch (event.kind) {
    case 'busy':
      return event.another
        ? `another run of ${label} began before ours: ${describeUnfinishedRun(event.run)}; waiting for it too (waited ${waited} so far)`
        : `${describeBusyRun(label, event.run)}; waiting for it to finish, then starting this run (when busy: wait)`;
    case 'waiting':
      return `still waiting for the run started at ${event.run.startedAt.toISOString()} (${plural(event.run.jobs.length, 'job')} unfinished; waited ${waited})`;
    case 'free':
      return `the run started at ${event.run.startedAt.toISOString()} is over; waited ${waited}; starting this run`;
    case 'refused':
      return `the API refused the execute as busy (AutoBackup.0225) but lists no unfinished job; trying again in ${(event.delayMs / 1000).toFixed(1)} s`;
  }
}

const COMMAND = 'execute';

/** Default bound of `execute`, seconds. */
export const DEFAULT_EXECUTE_TIMEOUT_SECONDS = 600;

const OPTIONS = apiCommandOptions({ 'policy-id': { type: 'string' }, 'policy-name': { type: 'string' }, ...RUN_NOW_OPTIONS });

/** Runs `vbs-backup execute`; resolves to the exit code. */
export async function runExecute(argv: string[], io: CliIo): Promise<number> {
  const values = parseOrHelp(COMMAND, argv, OPTIONS, io);
  if (!values) return 0;
  const selector = policySelector(COMMAND, values);
  const ref: PolicyRef = 'policyId' in selector
    ? { kind: 'id', policyId: selector.policyId }
    : { kind: 'name', policyName: selector.policyName };
  const connection = connectionArgs(COMMAND, values);
  const { wait, timeoutSeconds, whenBusy } = runNowArgs(COMMAND, values, DEFAULT_EXECUTE_TIMEOUT_SECONDS);
  const json = values.json === true;

  const deadline = startDeadline(timeoutSeconds, '--timeout');
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const policy = await resolvePolicy(api, ref, deadline.signal);
    const result = await runPolicy(api, policy, { wait, whenBusy, deadline: deadline.at, signal: deadline.signal, log: (l) => io.err(l) });
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
        joined: result.execute.joined,
        waitedSeconds: Math.round(result.execute.waitedMs) / 1000,
        ...(result.jobs ? { succeeded: ok, jobs: result.jobs.map(jobToJson) } : {}),
      }));
    } else if (result.jobs) {
      for (const line of jobsTable(result.jobs)) io.out(line);
    } else {
      io.out(`${policy.backup_policy_id} ${result.execute.joined ? 'joined the run started' : 'started'} ${result.execute.startedAt.toISOString()}`);
    }
    if (!ok) throw new JobsFailedError(result);
    return 0;
  }), io, deadline, 'cli');
}
