/**
 * The hook commands Terraform runs (docs/architecture.md ADR 1-3). Inputs come only from the
 * environment. `hook-backup` with a policy's variables runs it now (optionally waiting for its jobs);
 * `hook-policy-apply` and `hook-policy-destroy` keep a managed policy's id across changes
 * (ADR 2): apply finds the policy by its marker tag (or creates it), updates it in place,
 * reconciles tags, and writes the new marker last; destroy deletes it only while the marker
 * still holds its own revision and the removal policy is `destroy`. Volumes are attached and
 * detached one at a time by `hook-volume-attach` / `hook-volume-detach` (hook-volumes.ts).
 */
import { VbsApiError, VbsNotFoundError } from '../client/errors';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import { UsageError } from './args';
import { runPolicy, JobsFailedError } from './execute';
import { describeFailure, exitCodeOf, triggerFailure } from './failure';
import { plural } from './format';
import { PolicyRef, readPolicyApplyInputs, readPolicyDestroyInputs, readTriggerInputs } from './hook-env';
import {
  MARKER_TAG_KEY, createBody, desiredTags, markerValue, updateBody,
} from './hook-plan';
import { findManagedPolicy, resolvePolicy } from './lookup';
import { CliIo, startDeadline, withClient } from './runtime';
import { VBS_TO_CBR_README, isVbsUnavailable, vbsUnavailableMessage } from './vbs-retired';

/** Help of the hidden hook commands (they take no arguments). */
export const HOOK_HELP = `Hook commands (hook-policy-apply, hook-policy-destroy, hook-volume-attach,
hook-volume-detach, hook-backup; hook-trigger and hook-vault-trigger of earlier builds run as
hook-backup) are run by the cdktf-vbs-backup constructs from Terraform local-exec provisioners.
They take no arguments: every input comes from VBS_HOOK_* environment variables (see
docs/architecture.md, ADR 1).`;

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

/**
 * Runs a policy trigger's hook (`hook-backup` with a policy's variables, hook-backup.ts, which
 * has checked the arguments); resolves to the exit code.
 */
export async function runTrigger(io: CliIo, command: string): Promise<number> {
  const inputs = readTriggerInputs(command, io.env);
  const deadline = startDeadline(inputs.timeoutSeconds, HOOK_ENV.timeout);
  const phase = inputs.phase === 'destroy' ? 'before destroy' : 'deploy';
  try {
    return await withClient(inputs.connection, io.env, async (api) => {
      io.err(`backup trigger (${phase}): ${describeRef(inputs.ref)} in project ${api.projectId}` +
        `${inputs.wait ? `, waiting for the jobs (up to ${inputs.timeoutSeconds} s)` : ''}`);
      let policy;
      try {
        policy = await resolvePolicy(api, inputs.ref, deadline.signal);
      } catch (err) {
        // Before destroy, a policy that is already gone has nothing left to back up (the
        // VBS -> CBR switch destroys the old trigger after the migration removed its policy).
        if (inputs.phase === 'destroy' && err instanceof VbsNotFoundError) {
          io.err(`WARNING: ${err.message}: nothing to back up before destroy (a policy migrated to CBR is a vault now: see the ${VBS_TO_CBR_README})`);
          return 0;
        }
        if (err instanceof VbsNotFoundError) throw new VbsNotFoundError(err.lookup, `${err.message} (if it was migrated to CBR, see the ${VBS_TO_CBR_README})`);
        throw err;
      }
      const result = await runPolicy(api, policy, {
        wait: inputs.wait, whenBusy: inputs.whenBusy, deadline: deadline.at, signal: deadline.signal, log: (l) => io.err(l),
      });
      if (result.failed.length > 0) throw new JobsFailedError(result);
      io.out(`${policy.backup_policy_id} ${result.execute.joined ? 'joined the run started' : 'started'} ${result.execute.startedAt.toISOString()}`);
      return 0;
    });
  } catch (err) {
    if (inputs.phase === 'destroy' && (isVbsUnavailable(err) || isPolicyGone(err))) {
      // The switch never fails on the retired service: nothing can be backed up, say so and carry on.
      const what = isVbsUnavailable(err) ? vbsUnavailableMessage(err) : `the policy is gone (${(err as Error).message}; see the ${VBS_TO_CBR_README})`;
      io.err(`WARNING: ${describeRef(inputs.ref)}: ${what}: nothing backed up before destroy; the destroy carries on`);
      return 0;
    }
    const message = isVbsUnavailable(err) ? `${describeRef(inputs.ref)}: ${vbsUnavailableMessage(err)}` : describeFailure(err, deadline, 'construct');
    return triggerFailure(io, message, inputs.failureMode);
  }
}

/** The execute of a policy that disappeared after it was found (`AutoBackup.0205` / `.1100`). */
function isPolicyGone(err: unknown): boolean {
  return err instanceof VbsApiError && (err.code === 'AutoBackup.0205' || err.code === 'AutoBackup.1100');
}

/** Runs `hook-policy-apply`; resolves to the exit code. */
export async function runApply(argv: string[], io: CliIo): Promise<number> {
  const command = HOOK_COMMANDS.policyApply;
  if (hookArgs(command, argv, io)) return 0;
  const { identity, revision, spec, timeoutSeconds, connection } = readPolicyApplyInputs(command, io.env);
  const deadline = startDeadline(timeoutSeconds, HOOK_ENV.timeout);
  const signal = deadline.signal;
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const project = `project ${api.projectId}`;
    const found = await findManagedPolicy(api, identity, signal, (extra) =>
      io.err(`WARNING: policy ${extra.policy.backup_policy_name} (id ${extra.policy.backup_policy_id}) also carries identity ${identity}; left alone`));
    let id: string;
    if (!found) {
      id = await api.createPolicy(createBody(spec, identity, revision), { signal });
      io.err(`created policy ${spec.name} (id ${id}) in ${project}`);
    } else {
      id = found.policy.backup_policy_id;
      await api.updatePolicy(id, updateBody(spec, found.policy), { signal });
      const change = found.marker.revision === revision ? `revision ${revision}` : `revision ${found.marker.revision} -> ${revision}`;
      io.err(`updated policy ${spec.name} (id ${id}) in place in ${project} (${change})`);
    }

    // The marker goes last: until everything above succeeded, it still names the old revision.
    const tagPlan = await api.setTags(id, desiredTags(spec, identity, revision), { signal });
    const changed = Object.keys(tagPlan.upsert).length + tagPlan.remove.length;
    io.err(`tags: ${plural(Object.keys(spec.tags).length, 'tag')} plus ${MARKER_TAG_KEY}=${markerValue(identity, revision)}` +
      (found ? ` (${changed} changed${tagPlan.remove.length ? `, removed ${tagPlan.remove.join(', ')}` : ''})` : ''));

    io.out(id);
    return 0;
  }), io, deadline, 'construct', `applying policy ${spec.name} (identity ${identity}, revision ${revision}) failed: `);
}

/** Runs `hook-policy-destroy`; resolves to the exit code. */
export async function runDestroy(argv: string[], io: CliIo): Promise<number> {
  const command = HOOK_COMMANDS.policyDestroy;
  if (hookArgs(command, argv, io)) return 0;
  const { identity, revision, removal, timeoutSeconds, connection } = readPolicyDestroyInputs(command, io.env);
  const deadline = startDeadline(timeoutSeconds, HOOK_ENV.timeout);
  const signal = deadline.signal;
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const found = await findManagedPolicy(api, identity, signal);
    if (!found) {
      io.err(`no managed policy with identity ${identity} in project ${api.projectId}: nothing to delete`);
      return 0;
    }
    const label = `policy ${found.policy.backup_policy_name} (id ${found.policy.backup_policy_id})`;
    if (found.marker.revision !== revision) {
      io.err(`${label} was replaced by a newer revision (${found.marker.revision}, this is ${revision}), not deleting`);
      return 0;
    }
    if (removal === 'retain') {
      io.err(`${label} retained in project ${api.projectId} (removal policy retain)`);
      return 0;
    }
    try {
      await api.deletePolicy(found.policy.backup_policy_id, { signal });
    } catch (err) {
      if (!(err instanceof VbsApiError && err.status === 404)) throw err;
      io.err(`${label} was already gone`);
      return 0;
    }
    io.err(`deleted ${label} from project ${api.projectId}`);
    return 0;
  }), io, deadline, 'construct', `deleting the managed policy with identity ${identity} (revision ${revision}) failed: `);
}
