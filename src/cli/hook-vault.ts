/**
 * `hook-vault-trigger`: a vault trigger's hook (CBR), run by Terraform on the create of the
 * trigger's run resource and, with `VBS_HOOK_PHASE=destroy`, on the destroy of its
 * before-destroy resource (docs/architecture.md ADR 1-3). Inputs come only from the environment
 * (`HOOK_ENV` in src/contract/hook.ts).
 *
 * 1. The vault, by id or by name (none or several: exit 1 naming it); every id of
 *    `VBS_HOOK_RESOURCE_IDS` must be one of its resources.
 * 2. A retried run joins its own earlier checkpoint: checkpoints are named
 *    `<label>-<trigger id>-<run>-<UTC>-<6 hex>` (vaultCheckpointPrefix), so the vault's backups
 *    whose name contains `-<trigger id>-<run>-` are this run's earlier attempts (an apply
 *    interrupted while it waited, an answer lost). A checkpoint of them with no backup in `error`
 *    is this run's backup, finished or not: it is waited for (`VBS_HOOK_WAIT`), never made
 *    twice. A checkpoint whose backups failed is not joined: the retry makes a new one.
 *    Resources of the run that no joined checkpoint covers are backed up now.
 * 3. Otherwise one `CbrClient.backupVault` (no duplicate after an ambiguous failure; busy
 *    resources per `VBS_HOOK_WHEN_BUSY`), then `waitForBackups` when `VBS_HOOK_WAIT`, all within
 *    `VBS_HOOK_TIMEOUT`. `VBS_HOOK_FAILURE_MODE=continue` turns a failure into a WARNING, exit 0.
 * 4. `VBS_HOOK_KEEP_LAST=N`, after a successful run: per resource, the trigger's newest N
 *    `available` backups are kept and its older final ones deleted. Only names of the trigger's
 *    own form are touched (never another trigger's, a person's or an automatic backup), and never
 *    a backup still being made. A backup that cannot be deleted is a WARNING: the run succeeded.
 *
 * The destroy phase uses the run `d` + the first 7 hex of `VBS_HOOK_RUN`, so its checkpoints
 * never join (nor are joined by) a deploy run's.
 */
import type { BackupVaultOptions, BackupVaultResult, CbrCheckpointRun } from '../client/cbr-backup';
import type { WireCbrBackup, WireCbrVault } from '../contract/cbr-wire';
import { parseApiTime } from '../client/jobs';
import { BEFORE_DESTROY_DESCRIPTION, ownBackupPattern, phaseRun, runNameMarker, triggerNameMarker, vaultCheckpointPrefix } from '../contract/checkpoint';
import { HOOK_COMMANDS, HOOK_ENV } from '../contract/hook';
import { VbsApiError, VbsNotFoundError } from '../client/errors';
import { BackupsFailedError, busyLine, checkHeld, checkSkipped, reportRun, resolveVault, vaultLabel, waitForRun, withCbr } from './cmd-vault';
import { describeFailure, triggerFailure } from './failure';
import { plural } from './format';
import { VaultRef, VaultTriggerInputs, readVaultTriggerInputs } from './hook-env';
import { hookArgs, runTrigger } from './hooks';
import type { VaultApi } from './cbr-ports';
import { CliIo, Deadline, startDeadline } from './runtime';

/** Runs `hook-vault-trigger`; resolves to the exit code. */
export async function runVaultTrigger(argv: string[], io: CliIo): Promise<number> {
  const command = HOOK_COMMANDS.vaultTrigger;
  if (hookArgs(command, argv, io)) return 0;
  // A policy trigger switched to a vault (README "From VBS to CBR") keeps its resource addresses:
  // Terraform runs this new destroy hook with the old resource's values, a policy's. It is that
  // policy's before-destroy: run it as the policy trigger would (a gone policy or VBS: a warning).
  const env = io.env;
  if (env[HOOK_ENV.phase] === 'destroy' && !env[HOOK_ENV.vaultId] && !env[HOOK_ENV.vaultName] && (env[HOOK_ENV.policyId] || env[HOOK_ENV.policyName] || env[HOOK_ENV.policyIdentity])) return runTrigger(argv, io);
  const inputs = readVaultTriggerInputs(command, io.env);
  const deadline = startDeadline(inputs.timeoutSeconds, HOOK_ENV.timeout);
  const destroy = inputs.phase === 'destroy';
  const run = phaseRun(inputs.run, inputs.phase);
  try {
    return await withCbr(inputs.connection, io.env, async (api) => {
      io.err(`vault backup trigger (${destroy ? 'before destroy' : 'deploy'}): ${describeVaultRef(inputs.vault)} in project ${api.projectId}, run ${run}` +
        `${inputs.wait ? `, waiting for the backups (up to ${inputs.timeoutSeconds} s)` : ''}`);
      let vault: WireCbrVault;
      try {
        vault = await resolveVault(api, inputs.vault, deadline.signal);
      } catch (err) {
        // Before destroy, a vault that is already gone has nothing left to back up.
        if (destroy && err instanceof VbsNotFoundError) {
          io.err(`WARNING: ${err.message}: nothing to back up before destroy`);
          return 0;
        }
        throw err;
      }
      checkHeld(vault, inputs.resourceIds, HOOK_ENV.resourceIds);
      const result = await backUp(api, vault, inputs, run, deadline, io);
      checkSkipped(vault, result);
      let made: ReadonlySet<string> = new Set();
      if (inputs.wait) {
        const backups = await waitForRun(api, result, deadline, io);
        const failed = backups.filter((b) => b.status === 'error');
        if (failed.length > 0) throw new BackupsFailedError(vault, failed, backups.length);
        io.err(`all ${plural(backups.length, 'backup')} available`);
        made = new Set(backups.map((b) => b.id));
      }
      for (const c of result.checkpoints) io.out(`${c.checkpointId} ${c.name}`);
      for (const b of result.joined) io.out(`${b.checkpoint_id} ${b.name ?? '-'} joined for resource ${b.resource_id}`);
      if (inputs.keepLast !== undefined) {
        // The run succeeded: pruning that fails is a warning, never a failed backup.
        await keepLast(api, vault, inputs, inputs.keepLast, made, deadline, io).catch((err: unknown) => {
          io.err(`WARNING: keep last ${inputs.keepLast}: the older backups of this trigger were not pruned: ${describeFailure(err, deadline, 'construct')}`);
        });
      }
      return 0;
    });
  } catch (err) {
    return triggerFailure(io, describeFailure(err, deadline, 'construct'), inputs.failureMode);
  }
}

function describeVaultRef(ref: VaultRef): string {
  return 'vaultId' in ref ? `vault id ${ref.vaultId}` : `vault named '${ref.vaultName}'`;
}

/** Joins this run's earlier checkpoint(s), or backs the vault up (see the module comment, 2 and 3). */
async function backUp(api: VaultApi, vault: WireCbrVault, inputs: VaultTriggerInputs, run: string, deadline: Deadline, io: CliIo): Promise<BackupVaultResult> {
  const prefix = vaultCheckpointPrefix(inputs.label, inputs.triggerId, run);
  const options = (resourceIds: readonly string[] | undefined): BackupVaultOptions => ({
    resourceIds, incremental: inputs.incremental, whenBusy: inputs.whenBusy, name: prefix, signal: deadline.signal,
    ...(inputs.phase === 'destroy' ? { description: BEFORE_DESTROY_DESCRIPTION } : {}),
    timeoutMs: Math.max(1, deadline.at - Date.now()), onBusy: (e) => io.err(busyLine(e)),
  });
  const earlier = await api.findBackupsByName(vault.id, runNameMarker(inputs.triggerId, run), { signal: deadline.signal });
  const byCheckpoint = new Map<string, WireCbrBackup[]>();
  for (const b of earlier) byCheckpoint.set(b.checkpoint_id, [...(byCheckpoint.get(b.checkpoint_id) ?? []), b]);
  const joinable = [...byCheckpoint].filter(([, backups]) => !backups.some((b) => b.status === 'error'));
  for (const [id, backups] of byCheckpoint) {
    if (!joinable.some(([j]) => j === id)) {
      io.err(`an earlier attempt of this run made checkpoint ${id} (${backups[0].name}), whose backups ended in error: not joined`);
    }
  }
  if (joinable.length === 0) {
    const result = await api.backupVault(vault.id, options(inputs.resourceIds));
    reportRun(io, vault, result);
    return result;
  }

  const checkpoints: CbrCheckpointRun[] = [];
  const covered = new Set<string>();
  for (const [checkpointId, backups] of joinable) {
    // The checkpoint lists the resources it backs up; its backups may not all be listed yet.
    const cp = await api.showCheckpoint(checkpointId, { signal: deadline.signal }).catch((e: unknown) => {
      if (e instanceof VbsApiError && e.status === 404) return undefined;
      throw e;
    });
    const resourceIds = [...new Set([...(cp?.vault.resources.map((r) => r.id) ?? []), ...backups.map((b) => b.resource_id)])];
    for (const id of resourceIds) covered.add(id.toLowerCase());
    checkpoints.push({ checkpointId, name: backups[0].name, resourceIds, alreadyCreated: true });
    const statuses = [...new Set(backups.map((b) => b.status))].join(', ');
    io.err(`checkpoint ${checkpointId} (${backups[0].name}) of ${vaultLabel(vault)} was made by an earlier attempt of this run ` +
      `(${plural(backups.length, 'backup')}: ${statuses}): joining it, no new backup`);
  }
  const targets = inputs.resourceIds ?? vault.resources.map((r) => r.id.toLowerCase());
  const missing = targets.filter((id) => !covered.has(id));
  let rest: BackupVaultResult | undefined;
  if (missing.length > 0) {
    io.err(`${plural(missing.length, 'resource')} of this run not in that checkpoint: backing ${missing.length === 1 ? 'it' : 'them'} up now`);
    rest = await api.backupVault(vault.id, options(missing));
    reportRun(io, vault, rest);
  }
  const first = parseApiTime(earlier[earlier.length - 1]?.created_at);
  return {
    vaultId: vault.id,
    checkpoints: [...checkpoints, ...(rest?.checkpoints ?? [])],
    joined: rest?.joined ?? [],
    skipped: rest?.skipped ?? [],
    attempts: rest?.attempts ?? 0,
    waitedMs: rest?.waitedMs ?? 0,
    startedAt: first ?? rest?.startedAt ?? new Date(),
  };
}

/**
 * keepLast (module comment, 4): per resource, this trigger's newest `keep` available backups
 * stay; its older final backups are deleted. `made` are the backups of this run (kept anyway).
 */
async function keepLast(
  api: VaultApi, vault: WireCbrVault, inputs: VaultTriggerInputs, keep: number, made: ReadonlySet<string>, deadline: Deadline, io: CliIo,
): Promise<void> {
  const pattern = ownBackupPattern(inputs.triggerId);
  const own = (await api.findBackupsByName(vault.id, triggerNameMarker(inputs.triggerId), { signal: deadline.signal })).filter((b) => pattern.test(b.name));
  const byResource = new Map<string, WireCbrBackup[]>();
  for (const b of own) byResource.set(b.resource_id, [...(byResource.get(b.resource_id) ?? []), b]);
  const doomed: WireCbrBackup[] = [];
  for (const backups of byResource.values()) {
    const newestFirst = [...backups].sort((a, b) => time(b) - time(a));
    let available = 0;
    let cut = -1;
    newestFirst.forEach((b, i) => {
      if (cut < 0 && b.status === 'available' && ++available === keep) cut = i;
    });
    if (cut < 0) continue;
    doomed.push(...newestFirst.slice(cut + 1).filter((b) => (b.status === 'available' || b.status === 'error') && !made.has(b.id)));
  }
  if (doomed.length === 0) {
    io.err(`keep last ${keep}: nothing to delete (${plural(own.length, 'backup')} of this trigger in ${vaultLabel(vault)})`);
    return;
  }
  let deleted = 0;
  for (const b of doomed) {
    try {
      await api.deleteBackup(b.id, { signal: deadline.signal });
      deleted++;
      io.err(`keep last ${keep}: deleted backup ${b.id} (${b.name}, ${b.status}) of resource ${b.resource_id}, created ${b.created_at}`);
    } catch (err) {
      io.err(`WARNING: keep last ${keep}: backup ${b.id} (${b.name}) of resource ${b.resource_id} was not deleted: ${describeFailure(err, deadline, 'construct')}`);
    }
  }
  io.err(`keep last ${keep}: deleted ${deleted} of ${plural(doomed.length, 'older backup')} of this trigger in ${vaultLabel(vault)}`);
}

function time(b: WireCbrBackup): number {
  return parseApiTime(b.created_at)?.getTime() ?? 0;
}
