/**
 * The volume hooks of a managed policy (docs/architecture.md ADR 7). The policy's `Volumes`
 * resource has one instance per volume (`for_each`): creating one runs `hook-volume-attach`,
 * destroying one (the volume left the list, or the stack is destroyed) runs
 * `hook-volume-detach`. Each touches exactly its one volume, because the VBS API cannot list a
 * policy's volumes.
 */
import { VbsApiError } from '../client/errors';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import { policyLabel } from './format';
import { readVolumeInputs } from './hook-env';
import { hookArgs } from './hooks';
import { findManagedPolicy, resolvePolicy } from './lookup';
import { exitCodeOf } from './failure';
import { CliIo, startDeadline, withClient } from './runtime';

/**
 * Runs `hook-volume-attach`: finds the managed policy by its identity and associates the one
 * volume (a volume in another policy moves to this one: that is VBS's rule). Resolves to the
 * exit code: 0 attached, 1 on any failure (the policy not found included).
 */
export async function runVolumeAttach(argv: string[], io: CliIo): Promise<number> {
  const command = HOOK_COMMANDS.volumeAttach;
  if (hookArgs(command, argv, io)) return 0;
  const { identity, volume, timeoutSeconds, connection } = readVolumeInputs(command, io.env);
  const deadline = startDeadline(timeoutSeconds, HOOK_ENV.timeout);
  const signal = deadline.signal;
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const policy = await resolvePolicy(api, { kind: 'identity', identity }, signal);
    await api.associateVolumes(policy.backup_policy_id, [volume], { signal });
    io.err(`attached volume ${volume} to ${policyLabel(policy)} in project ${api.projectId}`);
    io.out(volume);
    return 0;
  }), io, deadline, 'construct', `attaching volume ${volume} to the managed policy with identity ${identity} failed: `);
}

/**
 * Runs `hook-volume-detach`: with removal `retain` the volume stays attached to the retained
 * policy; a policy that is gone has nothing to detach; otherwise the one volume is
 * disassociated. A volume the policy does not hold (it moved to another policy, or was never
 * attached) is reported, not an error. Resolves to the exit code: 0 done, 1 on an API failure.
 */
export async function runVolumeDetach(argv: string[], io: CliIo): Promise<number> {
  const command = HOOK_COMMANDS.volumeDetach;
  if (hookArgs(command, argv, io)) return 0;
  const { identity, volume, removal, timeoutSeconds, connection } = readVolumeInputs(command, io.env);
  const deadline = startDeadline(timeoutSeconds, HOOK_ENV.timeout);
  const signal = deadline.signal;
  return exitCodeOf(() => withClient(connection, io.env, async (api) => {
    const project = `project ${api.projectId}`;
    const found = await findManagedPolicy(api, identity, signal);
    if (!found) {
      io.err(`no managed policy with identity ${identity} in ${project}: volume ${volume} has no policy to be detached from`);
      return 0;
    }
    const label = policyLabel(found.policy);
    if (removal === 'retain') {
      io.err(`volume ${volume} stays attached to ${label} in ${project} (removal policy retain)`);
      return 0;
    }
    let res;
    try {
      res = await api.disassociateVolumes(found.policy.backup_policy_id, [volume], { signal });
    } catch (err) {
      if (!(err instanceof VbsApiError && err.status === 404)) throw err;
      io.err(`${label} in ${project} is gone: volume ${volume} has no policy to be detached from`);
      return 0;
    }
    if (res.success_resources.some((r) => r.resource_id === volume)) {
      io.err(`detached volume ${volume} from ${label} in ${project}`);
      return 0;
    }
    const refusal = res.fail_resources.find((r) => r.resource_id === volume);
    const why = refusal ? `${refusal.code ?? 'refused'}: ${refusal.message ?? 'no message'}` : 'not in the answer';
    io.err(`volume ${volume} is not in ${label} in ${project} (${why}); it may have moved to another policy: nothing to detach`);
    return 0;
  }), io, deadline, 'construct', `detaching volume ${volume} from the managed policy with identity ${identity} failed: `);
}
