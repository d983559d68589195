/**
 * The read-only commands:
 *   vbs-backup policies [--json]
 *   vbs-backup jobs (--policy-id ID | --policy-name NAME) [--since ISO8601] [--json]
 */
import { apiCommandOptions, connectionArgs, isoOption, parseOrHelp, policySelector, stringOption } from './args';
import { jobToJson, jobsTable, policiesTable, policyLabel } from './format';
import { resolvePolicy } from './lookup';
import type { JobInfo, PolicyApi } from './ports';
import { exitCodeOf } from './failure';
import { CliIo, jsonDocument, startDeadline, withClient } from './runtime';

const COMMAND = 'jobs';
/** Bound of the list commands, seconds. */
const TIMEOUT_SECONDS = 120;

/** Jobs listed without --since. */
export const DEFAULT_JOB_COUNT = 50;
/** Upper bound of jobs listed with --since. */
export const MAX_JOBS = 1000;
const PAGE = 100;

const OPTIONS = apiCommandOptions({ 'policy-id': { type: 'string' }, 'policy-name': { type: 'string' }, since: { type: 'string' } });

/** Runs `vbs-backup jobs`; resolves to the exit code. */
export async function runJobs(argv: string[], io: CliIo): Promise<number> {
  const values = parseOrHelp(COMMAND, argv, OPTIONS, io);
  if (!values) return 0;
  const selector = policySelector(COMMAND, values);
  const since = isoOption(COMMAND, '--since', stringOption(values, 'since'));
  const connection = connectionArgs(COMMAND, values);
  const deadline = startDeadline(TIMEOUT_SECONDS, 'the jobs command bound');
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const policy = await resolvePolicy(
      api,
      'policyId' in selector ? { kind: 'id', policyId: selector.policyId } : { kind: 'name', policyName: selector.policyName },
      deadline.signal,
    );
    const jobs = await collectJobs(api, policy.backup_policy_id, since, deadline.signal);
    io.err(`${jobs.length} job${jobs.length === 1 ? '' : 's'} of ${policyLabel(policy)} in project ${api.projectId}` +
      (since ? ` created since ${since.toISOString()}` : ''));
    if (values.json === true) {
      io.out(jsonDocument({
        policyId: policy.backup_policy_id,
        policyName: policy.backup_policy_name,
        projectId: api.projectId,
        ...(since ? { since: since.toISOString() } : {}),
        jobs: jobs.map(jobToJson),
      }));
    } else {
      for (const line of jobsTable(jobs)) io.out(line);
    }
    return 0;
  }), io, deadline, 'cli');
}

/** Newest first: the newest DEFAULT_JOB_COUNT, or every job since `since` (up to MAX_JOBS). */
async function collectJobs(api: PolicyApi, policyId: string, since: Date | undefined, signal: AbortSignal): Promise<JobInfo[]> {
  if (!since) {
    const page = await api.listJobs(policyId, { sortKey: 'created_at', sortDir: 'desc', limit: DEFAULT_JOB_COUNT }, { signal });
    return page.jobs;
  }
  const out: JobInfo[] = [];
  for (let offset = 0; offset < MAX_JOBS; offset += PAGE) {
    const page = await api.listJobs(policyId, { sortKey: 'created_at', sortDir: 'desc', limit: PAGE, offset }, { signal });
    for (const job of page.jobs) {
      if (job.createdAt.getTime() < since.getTime()) return out;
      out.push(job);
    }
    if (page.jobs.length < PAGE || offset + PAGE >= page.count) break;
  }
  return out;
}


const POLICIES_OPTIONS = apiCommandOptions({});

/** Runs `vbs-backup policies`; resolves to the exit code. */
export async function runPolicies(argv: string[], io: CliIo): Promise<number> {
  const values = parseOrHelp('policies', argv, POLICIES_OPTIONS, io);
  if (!values) return 0;
  const connection = connectionArgs('policies', values);
  const deadline = startDeadline(TIMEOUT_SECONDS, 'the policies command bound');
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const policies = await api.listPolicies({ signal: deadline.signal });
    io.err(`${policies.length} backup polic${policies.length === 1 ? 'y' : 'ies'} in project ${api.projectId}`);
    if (values.json === true) {
      io.out(jsonDocument({ projectId: api.projectId, policies }));
    } else {
      for (const line of policiesTable(policies)) io.out(line);
    }
    return 0;
  }), io, deadline, 'cli');
}
