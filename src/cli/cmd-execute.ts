/**
 * `vbs-backup execute (--policy-id ID | --policy-name NAME) [--wait] [--timeout S] [--json]`
 */
import {
  CONNECTION_OPTIONS, HELP_OPTION, OptionDef, connectionArgs, integerOption, parseCommandLine, policySelector, stringOption,
} from './args';
import { jobToJson, jobsTable } from './format';
import { COMMAND_HELP } from './help';
import type { PolicyRef } from './hook-env';
import type { CliIo } from './io';
import { resolvePolicy } from './lookup';
import { JobsFailedError, runPolicy } from './run-policy';
import { describeFailure, jsonDocument, startDeadline, withClient } from './runtime';

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

/** Runs the command; resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
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
