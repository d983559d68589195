/**
 * `hook-trigger` (docs/architecture.md ADR 1 and 3): runs a policy now from a trigger's hook
 * resource, optionally waiting for its jobs. Inputs come only from the environment.
 */
import { UsageError } from './args';
import { PolicyRef, readTriggerInputs } from './hook-env';
import type { CliIo } from './io';
import { PolicyNotFoundError, resolvePolicy } from './lookup';
import { JobsFailedError, runPolicy } from './run-policy';
import { describeFailure, startDeadline, withClient } from './runtime';

const COMMAND = 'hook-trigger';

/** Help of the hidden hook commands (they take no arguments). */
export const HOOK_HELP = `Hook commands (hook-policy-apply, hook-policy-destroy, hook-trigger) are run by the
cdktf-vbs-backup constructs from Terraform local-exec provisioners. They take no arguments:
every input comes from VBS_HOOK_* environment variables (see docs/architecture.md, ADR 1).`;

/**
 * Handles `--help` and refuses any other argument of a hook command.
 * @returns true when help was printed
 */
export function hookArgs(command: string, argv: string[], io: CliIo): boolean {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    io.out(HOOK_HELP);
    return true;
  }
  if (argv.length > 0) {
    throw new UsageError(`${command} takes no arguments (got '${argv[0]}'); its inputs come from VBS_HOOK_* variables`, command);
  }
  return false;
}

/** Describes a policy reference for the log. */
export function describeRef(ref: PolicyRef): string {
  switch (ref.kind) {
    case 'id': return `policy id ${ref.policyId}`;
    case 'name': return `policy named '${ref.policyName}'`;
    default: return `managed policy with identity ${ref.identity}`;
  }
}

/** Runs the hook; resolves to the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  if (hookArgs(COMMAND, argv, io)) return 0;
  const inputs = readTriggerInputs(COMMAND, io.env);
  const deadline = startDeadline(inputs.timeoutSeconds, 'VBS_HOOK_TIMEOUT');
  const phase = inputs.phase === 'destroy' ? 'before destroy' : 'deploy';
  try {
    return await withClient(inputs.connection, io.env, async (api) => {
      io.err(`backup trigger (${phase}): ${describeRef(inputs.ref)} in project ${api.projectId}` +
        `${inputs.wait ? `, waiting for the jobs (up to ${inputs.timeoutSeconds} s)` : ''}`);
      let policy;
      try {
        policy = await resolvePolicy(api, inputs.ref, deadline.signal);
      } catch (err) {
        // Before destroy, a policy that is already gone has nothing left to back up.
        if (inputs.phase === 'destroy' && err instanceof PolicyNotFoundError) {
          io.err(`${err.message}: nothing to back up before destroy`);
          return 0;
        }
        throw err;
      }
      const result = await runPolicy(api, policy, { wait: inputs.wait, deadline: deadline.at, signal: deadline.signal, log: (l) => io.err(l) });
      if (result.failed.length > 0) throw new JobsFailedError(result);
      io.out(`${policy.backup_policy_id} started ${result.execute.startedAt.toISOString()}`);
      return 0;
    });
  } catch (err) {
    const message = describeFailure(err, deadline);
    if (inputs.failureMode === 'continue') {
      io.err(`WARNING: ${message} (failure mode continue: the deployment carries on)`);
      return 0;
    }
    io.err(`error: ${message}`);
    return 1;
  }
}
