/**
 * CBR checkpoints (C1, C2), backups (B1-B3), tasks (T1, T2) and the deletions that cascade to
 * backups (V5, V7). Statuses are computed from timestamps when read, so no timers run: a
 * checkpoint, its backups and their tasks are `protecting`/`running` for the job time, then
 * all turn final at the same instant.
 */
import { randomUUID } from 'node:crypto';
import type {
  CbrBackupStatus, CbrCheckpointStatus, WireCbrBackup, WireCbrBackupList, WireCbrCheckpoint, WireCbrOperationLog,
  WireCbrOperationLogList, WireCbrSkippedResource,
} from '../contract/cbr-wire';
import { CBR_CODES, CBR_RESOURCE_TYPES, CBR_SKIPPED_BUSY } from '../contract/cbr-wire';
import { cbrError } from './errors';
import { randomHex } from './ids';
import type { CheckpointInput, RestoreInput } from './cbr-validation';
import { BACKUP_STATUS_VALUES, Query, TASK_STATUS_VALUES, TASK_TYPE_VALUES, invalid, parseSort } from './cbr-validation';
import type { CbrProject, StoredBackup, StoredCheckpoint, StoredTask, StoredVault } from './cbr-store';
import { RESOURCE_SIZE_GB, clip, formatCbrTime, providerFor } from './cbr-store';

/** The error a checkpoint gets when every requested resource is being backed up. */
export type AllBusyCode = '0001' | '0002' | '6125' | '6203';
export const ALL_BUSY_CODES: readonly AllBusyCode[] = ['0001', '0002', '6125', '6203'];

/** How name filters (backup `name`, vault `name`, `resource_name`, `vault_name`) match. */
export type NameFilter = 'substring' | 'exact';

/** How the backups of one checkpoint end. */
export interface BackupOutcome {
  readonly final: 'available' | 'error';
  readonly failReason?: string;
}

/** What C1 needs besides its input. */
export interface CheckpointContext {
  readonly now: number;
  readonly jobMs: number;
  readonly outcome: BackupOutcome;
  readonly allBusy: AllBusyCode;
}

/**
 * C1 (and an automatic run): one backup and one task per resource. No `resources` means the
 * whole vault; ids not in the vault are 400 6135; an empty target is 400 0001; resources with a
 * running backup are skipped (`skipped_resources`, code 6125), and when all are, the call fails
 * with `allBusy` (default 400 6125; 0002 is HTTP 500), naming the resources and their backups.
 */
export function createCheckpoint(p: CbrProject, vault: StoredVault, input: CheckpointInput, ctx: CheckpointContext): StoredCheckpoint {
  const { now } = ctx;
  let targets = vault.resources;
  if (input.resourceIds !== undefined) {
    const missing = input.resourceIds.filter((id) => p.owner.get(id) !== vault.id);
    if (missing.length > 0) {
      throw cbrError(CBR_CODES.resourceNotInVault, `Resource${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in vault ${vault.id} (${vault.name})`);
    }
    const wanted = new Set(input.resourceIds);
    targets = vault.resources.filter((r) => wanted.has(r.id));
  }
  if (targets.length === 0) {
    throw cbrError(CBR_CODES.noResourceToBackUp, `No resource available to back up: vault ${vault.id} (${vault.name}) has no resources`);
  }
  const skipped: WireCbrSkippedResource[] = [];
  const busyText: string[] = [];
  const fresh = targets.filter((r) => {
    const running = p.running(r.id, now);
    if (running === undefined) return true;
    skipped.push({ id: r.id, type: r.type, name: r.name ?? r.id, code: CBR_SKIPPED_BUSY.code, reason: CBR_SKIPPED_BUSY.reason });
    busyText.push(`${r.id} (backup ${running.id} of checkpoint ${running.checkpointId})`);
    return false;
  });
  if (fresh.length === 0) {
    const code = `BackupService.${ctx.allBusy}`;
    throw cbrError(code, `The resources are being backed up, retry later: ${busyText.join(', ')}`, ctx.allBusy === '0002' ? 500 : 400);
  }
  const name = input.name ?? `${input.auto ? 'autobk' : 'manualbk'}_${randomHex(2)}`;
  const checkpoint: StoredCheckpoint = {
    id: randomUUID(), vaultId: vault.id, vaultName: vault.name, created: now, duration: ctx.jobMs, final: ctx.outcome.final,
    name, auto: input.auto, resources: fresh.map((r) => ({ id: r.id, type: r.type, name: r.name ?? r.id })), skipped,
  };
  if (input.description !== undefined) checkpoint.description = input.description;
  p.addCheckpoint(checkpoint);
  const policyId = input.auto ? vault.policyId : undefined;
  for (const r of checkpoint.resources) {
    const backup: StoredBackup = {
      id: randomUUID(), name, checkpointId: checkpoint.id, vaultId: vault.id, resourceId: r.id, resourceName: r.name,
      resourceType: r.type, created: now, duration: ctx.jobMs, final: ctx.outcome.final, auto: input.auto,
      // The first backup of a resource is always full.
      incremental: input.incremental && p.counts.has(r.id),
    };
    if (input.description !== undefined) backup.description = input.description;
    if (policyId !== undefined) backup.policyId = policyId;
    p.addBackup(backup);
    const task: StoredTask = {
      id: randomUUID(), type: 'backup', created: now, duration: ctx.jobMs, final: ctx.outcome.final === 'available' ? 'success' : 'failed',
      vaultId: vault.id, vaultName: vault.name, providerId: providerFor(vault.billing.object_type), checkpointId: checkpoint.id,
      resource: { id: r.id, name: r.name, type: r.type },
      backup: { backup_id: backup.id, backup_name: name, incremental: String(backup.incremental) },
    };
    if (policyId !== undefined) task.policyId = policyId;
    if (ctx.outcome.final === 'error') task.error = { code: CBR_CODES.unknown, message: ctx.outcome.failReason ?? 'Injected fault' };
    p.addTask(task);
  }
  return checkpoint;
}

/** C2: a checkpoint, or 404 `BackupService.6217` (also once its vault is deleted). */
export function checkpointOf(p: CbrProject, id: string): StoredCheckpoint {
  const c = p.checkpoints.get(id.toLowerCase());
  if (!c || !p.vaults.has(c.vaultId)) throw cbrError(CBR_CODES.checkpointNotFound, `Restore point ${clip(id)} does not exist in project ${p.id}`, 404);
  return c;
}

/** What `finishCbr` ended. */
export interface FinishedCbr {
  checkpoints: number;
  backups: number;
  tasks: number;
}

/**
 * Ends the project's running checkpoints, backups and tasks (of one vault, when given) at `now`
 * (the emulator's `finishJobs` control call): each takes its final status as if its job time
 * had been `now - created`. Adds what ended to `into`.
 */
export function finishCbr(p: CbrProject, now: number, vaultId: string | undefined, into: FinishedCbr): void {
  const end = (x: { created: number; duration: number; vaultId: string }): boolean => {
    if (now - x.created >= x.duration || (vaultId !== undefined && x.vaultId !== vaultId)) return false;
    x.duration = Math.max(0, now - x.created);
    return true;
  };
  for (const c of p.checkpoints.values()) if (end(c)) into.checkpoints++;
  for (const b of p.backups.values()) if (end(b)) into.backups++;
  for (const t of p.tasks.values()) if (end(t)) into.tasks++;
  // Restores end with their tasks: the backup is available again.
  for (const b of p.backups.values()) {
    if (b.restoringUntil !== undefined && b.restoringUntil > now && (vaultId === undefined || b.vaultId === vaultId)) b.restoringUntil = now;
  }
}

/** The wire form of a checkpoint at `now`: one status for the checkpoint and all its resources. */
export function checkpointToWire(p: CbrProject, c: StoredCheckpoint, now: number): WireCbrCheckpoint {
  const done = now - c.created >= c.duration;
  const status: CbrCheckpointStatus = done ? c.final : 'protecting';
  const protect = done ? c.final : 'protecting';
  const extra: WireCbrCheckpoint['extra_info'] = { name: c.name, retention_duration: -1 };
  if (c.description !== undefined) extra.description = c.description;
  return {
    id: c.id, project_id: p.id, status, created_at: formatCbrTime(c.created),
    vault: {
      id: c.vaultId, name: c.vaultName,
      resources: c.resources.map((r) => ({
        id: r.id, name: r.name, type: r.type, protect_status: protect,
        resource_size: RESOURCE_SIZE_GB, backup_size: 0, backup_count: p.counts.get(r.id) ?? 0,
      })),
      skipped_resources: c.skipped.map((s) => ({ ...s })),
    },
    extra_info: extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Backups

export function backupStatus(b: StoredBackup, now: number): CbrBackupStatus {
  if (now - b.created < b.duration) return 'protecting';
  return b.final === 'available' && b.restoringUntil !== undefined && now < b.restoringUntil ? 'restoring' : b.final;
}

/** B2: a backup, or 404 `BackupService.6200`. */
export function backupOf(p: CbrProject, id: string): StoredBackup {
  const b = p.backups.get(id.toLowerCase());
  if (!b) throw cbrError(CBR_CODES.backupNotFound, `Backup ${clip(id)} does not exist in project ${p.id}`, 404);
  return b;
}

export function backupToWire(p: CbrProject, b: StoredBackup, now: number): WireCbrBackup {
  const status = backupStatus(b, now);
  const ended = b.created + b.duration;
  const out: WireCbrBackup = {
    id: b.id, name: b.name, description: b.description ?? '', checkpoint_id: b.checkpointId, vault_id: b.vaultId, project_id: p.id,
    parent_id: null, resource_id: b.resourceId, resource_name: b.resourceName, resource_type: b.resourceType, resource_az: '',
    resource_size: RESOURCE_SIZE_GB, status, image_type: 'backup', created_at: formatCbrTime(b.created),
    updated_at: formatCbrTime(status === 'protecting' ? b.created : ended),
    protected_at: formatCbrTime(status === 'protecting' ? b.created : ended),
    expired_at: null, provider_id: providerFor(b.resourceType === 'OS::Cinder::Volume' ? 'disk' : b.resourceType === 'OS::Sfs::Turbo' ? 'turbo' : 'server'),
    children: [],
    extend_info: {
      auto_trigger: b.auto, bootable: false, incremental: b.incremental, support_lld: false, supported_restore_mode: 'na',
      contain_system_disk: false, encrypted: false, system_disk: false,
    },
    enterprise_project_id: '0',
  };
  return out;
}

/**
 * B3: synchronous (204, then 404). Only `available` and `error` backups (400 6201 while
 * `protecting`), and not the newest finished backup of a resource while its next one runs
 * (400 6201). Leaves a `delete` task.
 */
export function deleteBackup(p: CbrProject, b: StoredBackup, now: number): void {
  if (backupStatus(b, now) === 'protecting') {
    throw cbrError(CBR_CODES.backupCannotDelete, `Backup ${b.id} cannot be deleted: it is being created (status protecting)`);
  }
  const running = p.running(b.resourceId, now);
  if (running !== undefined) {
    let previous: StoredBackup | undefined;
    for (const other of p.backups.values()) if (other.resourceId === b.resourceId && other !== running) previous = other;
    if (previous === b) {
      throw cbrError(CBR_CODES.backupCannotDelete, `Backup ${b.id} cannot be deleted: it is the latest backup of resource ${b.resourceId} and backup ${running.id} of it is running`);
    }
  }
  p.removeBackup(b);
  const vault = p.vaults.get(b.vaultId);
  p.addTask({
    id: randomUUID(), type: 'delete', created: now, duration: 0, final: 'success', vaultId: b.vaultId, vaultName: vault?.name ?? '',
    providerId: providerFor(vault?.billing.object_type ?? 'disk'), checkpointId: b.checkpointId,
    resource: { id: b.resourceId, name: b.resourceName, type: b.resourceType },
    backup: { backup_id: b.id, backup_name: b.name, incremental: String(b.incremental) },
  });
}

/** What a restore needs besides its input. */
export interface RestoreContext {
  readonly now: number;
  readonly jobMs: number;
  /** `error`: the restore task ends `failed` (a fault's `backupStatus`). */
  readonly outcome: BackupOutcome;
}

/** The running restore onto `targetId` at `now`, if any. */
function runningRestore(p: CbrProject, targetId: string, now: number): StoredTask | undefined {
  for (const t of p.tasks.values()) {
    if (t.type === 'restore' && t.restore?.target_resource_id === targetId && now - t.created < t.duration) return t;
  }
  return undefined;
}

/**
 * `POST /backups/{id}/restore` (202, no body). A disk backup needs `volume_id` (any disk id:
 * the emulator models no disks), a server backup `server_id` (400 9900 otherwise). One restore
 * of a disk at a time: a target being restored is 400 2010 (the docs: "concurrent data
 * restoration is not supported"); a target being backed up 400 2002; a backup that is not
 * `available` (being made, in error, being restored from) 400 2005. The backup is `restoring`
 * for the job time, then `available`; a `restore` task (operation log) runs as long, then
 * ends `success` (or `failed` under a fault). Returns the task.
 */
export function restoreBackup(p: CbrProject, b: StoredBackup, input: RestoreInput, ctx: RestoreContext): StoredTask {
  const { now } = ctx;
  const isDisk = b.resourceType === 'OS::Cinder::Volume';
  if (isDisk && input.volumeId === undefined) {
    throw invalid(`restore.volume_id is required to restore disk backup ${b.id} (of disk ${b.resourceId}): the id of the disk to overwrite`);
  }
  if (!isDisk && input.serverId === undefined) {
    throw invalid(`restore.server_id is required to restore ${b.resourceType} backup ${b.id} (of ${b.resourceId}); with mappings for its disks`);
  }
  const targetId = (isDisk ? input.volumeId : input.serverId) as string;
  const restoring = runningRestore(p, targetId, now);
  if (restoring !== undefined) {
    throw cbrError(CBR_CODES.beingRestored, `The resource is being restored: ${targetId} (from backup ${restoring.restore?.backup_id}, task ${restoring.id})`);
  }
  const backingUp = p.running(targetId, now);
  if (backingUp !== undefined) {
    throw cbrError(CBR_CODES.restoreWhileBackingUp, `The resource is being backed up. Restore the resource after the backup is complete: ${targetId} (backup ${backingUp.id})`);
  }
  const status = backupStatus(b, now);
  if (status !== 'available') {
    throw cbrError(CBR_CODES.restoreBackupStatus, `Restoration is not allowed in the current backup status: backup ${b.id} is ${status}; only an available backup can be restored`);
  }
  const vault = p.vaults.get(b.vaultId);
  b.restoringUntil = now + ctx.jobMs;
  const failed = ctx.outcome.final === 'error';
  const task: StoredTask = {
    id: randomUUID(), type: 'restore', created: now, duration: ctx.jobMs, final: failed ? 'failed' : 'success',
    vaultId: b.vaultId, vaultName: vault?.name ?? '', providerId: providerFor(vault?.billing.object_type ?? 'disk'), checkpointId: b.checkpointId,
    resource: { id: b.resourceId, name: b.resourceName, type: b.resourceType },
    restore: { backup_id: b.id, backup_name: b.name, target_resource_id: targetId, target_resource_name: targetId },
  };
  if (failed) task.error = { code: CBR_CODES.unknown, message: ctx.outcome.failReason ?? 'Injected fault' };
  p.addTask(task);
  return task;
}

/** V7: the resources leave the vault and their backups are deleted at once (one `remove_resource` task). */
export function removeResources(p: CbrProject, vault: StoredVault, ids: string[], now: number): string[] {
  const missing = ids.filter((id) => p.owner.get(id) !== vault.id);
  if (missing.length > 0) throw cbrError(CBR_CODES.resourceNotInVault, `Resource${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in vault ${vault.id} (${vault.name})`);
  const gone = new Set(ids);
  vault.resources = vault.resources.filter((r) => !gone.has(r.id));
  for (const id of ids) p.owner.delete(id);
  for (const b of [...p.backups.values()]) if (b.vaultId === vault.id && gone.has(b.resourceId)) p.removeBackup(b);
  p.addTask({
    id: randomUUID(), type: 'remove_resource', created: now, duration: 0, final: 'success', vaultId: vault.id, vaultName: vault.name,
    providerId: providerFor(vault.billing.object_type), counts: { fail_count: 0, total_count: ids.length },
  });
  return ids;
}

/** V5: immediate; every backup and checkpoint of the vault goes with it (one `vault_delete` task). */
export function deleteVault(p: CbrProject, vault: StoredVault, now: number): void {
  let total = 0;
  for (const b of [...p.backups.values()]) {
    if (b.vaultId === vault.id) {
      p.removeBackup(b);
      total += 1;
    }
  }
  for (const r of vault.resources) p.owner.delete(r.id);
  for (const c of [...p.checkpoints.values()]) if (c.vaultId === vault.id) p.checkpoints.delete(c.id);
  p.vaults.delete(vault.id);
  p.addTask({
    id: randomUUID(), type: 'vault_delete', created: now, duration: 0, final: 'success', vaultId: vault.id, vaultName: vault.name,
    providerId: providerFor(vault.billing.object_type), counts: { fail_count: 0, total_count: total },
  });
}

/** Does `value` pass a name filter? */
export function nameMatches(value: string, filter: string | undefined, mode: NameFilter): boolean {
  if (filter === undefined) return true;
  return mode === 'exact' ? value === filter : value.includes(filter);
}

/**
 * B1: filters (AND between parameters; a repeated `status` is an OR), then `sort` (default
 * `created_at:desc`, ties in creation order following the first key's direction), then
 * `marker` (start after that backup id; unknown: 400 9900), `offset`, `limit` (1-1000, default
 * 1000). `count` is the number matching the filters; `limit` and `offset` are echoed.
 * `created_at` is what `start_time`/`end_time` compare, both inclusive.
 */
export function listBackups(p: CbrProject, pairs: ReadonlyArray<readonly [string, string]>, now: number, mode: NameFilter): WireCbrBackupList {
  const q = new Query(pairs);
  const checkpointId = q.uuid('checkpoint_id');
  const vaultId = q.uuid('vault_id');
  const resourceId = q.uuid('resource_id');
  const parentId = q.uuid('parent_id');
  const resourceName = q.one('resource_name');
  const resourceType = q.enumOf('resource_type', CBR_RESOURCE_TYPES);
  const statuses = q.enumsOf('status', BACKUP_STATUS_VALUES);
  const name = q.one('name');
  const imageType = q.enumOf('image_type', ['backup', 'replication'] as const);
  q.enumOf('own_type', ['private', 'shared', 'all_granted'] as const);
  q.enumOf('member_status', ['pending', 'accepted', 'rejected'] as const);
  q.bool('dec');
  q.bool('show_replication');
  const incremental = q.bool('incremental');
  const start = q.time('start_time');
  const end = q.time('end_time');
  const sort = parseSort(q.one('sort'));
  const marker = q.one('marker');
  const { limit, offset } = q.paging();

  const rows: { b: StoredBackup; i: number; status: CbrBackupStatus }[] = [];
  let i = 0;
  for (const b of p.backups.values()) {
    i += 1;
    if (checkpointId !== undefined && b.checkpointId !== checkpointId) continue;
    if (vaultId !== undefined && b.vaultId !== vaultId) continue;
    if (resourceId !== undefined && b.resourceId !== resourceId) continue;
    if (parentId !== undefined) continue; // no per-disk children in the emulator
    if (resourceType !== undefined && b.resourceType !== resourceType) continue;
    if (imageType === 'replication') continue;
    if (incremental !== undefined && b.incremental !== incremental) continue;
    if (start !== undefined && b.created < start) continue;
    if (end !== undefined && b.created > end + 999) continue;
    if (!nameMatches(b.name, name, mode) || !nameMatches(b.resourceName, resourceName, mode)) continue;
    const status = backupStatus(b, now);
    if (statuses !== undefined && !statuses.includes(status)) continue;
    rows.push({ b, i, status });
  }
  const value = (r: (typeof rows)[number], key: (typeof sort)[number]['key']): string | number => {
    switch (key) {
      case 'created_at': return r.b.created;
      case 'updated_at':
      case 'protected_at': return r.status === 'protecting' ? r.b.created : r.b.created + r.b.duration;
      case 'name': return r.b.name;
      case 'status': return r.status;
      case 'id': return r.b.id;
    }
  };
  rows.sort((x, y) => {
    for (const k of sort) {
      const a = value(x, k.key);
      const b = value(y, k.key);
      if (a !== b) return (a < b ? -1 : 1) * (k.desc ? -1 : 1);
    }
    return (x.i - y.i) * (sort[0].desc ? -1 : 1);
  });
  let from = 0;
  if (marker !== undefined) {
    const at = rows.findIndex((r) => r.b.id === marker.toLowerCase());
    if (at < 0) throw invalid(`marker ${clip(marker)} is not the id of a backup matching the filters`);
    from = at + 1;
  }
  const page = rows.slice(from + offset, from + offset + limit);
  return { backups: page.map((r) => backupToWire(p, r.b, now)), count: rows.length, limit, offset };
}

// ---------------------------------------------------------------------------------------------
// Tasks

export function taskOf(p: CbrProject, id: string): StoredTask {
  const t = p.tasks.get(id.toLowerCase());
  if (!t) throw cbrError(CBR_CODES.taskNotFound, 'Operation log does not exist.', 404);
  return t;
}

export function taskToWire(p: CbrProject, t: StoredTask, now: number): WireCbrOperationLog {
  const done = now - t.created >= t.duration;
  const ended = formatCbrTime(t.created + t.duration);
  const out: WireCbrOperationLog = {
    id: t.id, project_id: p.id, provider_id: t.providerId, vault_id: t.vaultId, vault_name: t.vaultName,
    operation_type: t.type, status: done ? t.final : 'running',
    created_at: formatCbrTime(t.created), started_at: formatCbrTime(t.created), updated_at: done ? ended : formatCbrTime(t.created),
    error_info: done && t.error ? { ...t.error } : { code: '', message: '' },
    extra_info: { common: { progress: done ? 100 : 0, request_id: `req-${t.id}`, task_id: t.id } },
  };
  if (done) out.ended_at = ended;
  if (t.checkpointId !== undefined) out.checkpoint_id = t.checkpointId;
  if (t.policyId !== undefined) out.policy_id = t.policyId;
  const extra = out.extra_info as NonNullable<WireCbrOperationLog['extra_info']>;
  if (t.resource) extra.resource = { ...t.resource };
  if (t.type === 'backup' && t.backup) extra.backup = { ...t.backup };
  if (t.type === 'restore' && t.restore) extra.restore = { ...t.restore };
  if (t.type === 'delete' && t.backup) extra.delete = { backup_id: t.backup.backup_id, backup_name: t.backup.backup_name };
  if (t.type === 'remove_resource' && t.counts) extra.remove_resources = { ...t.counts };
  if (t.type === 'vault_delete' && t.counts) extra.vault_delete = { ...t.counts };
  return out;
}

/** T1: filters, newest first, `offset` (>= 0) and `limit` (1-1000, default 1000); `count` before paging. */
export function listTasks(p: CbrProject, pairs: ReadonlyArray<readonly [string, string]>, now: number, mode: NameFilter): WireCbrOperationLogList {
  const q = new Query(pairs);
  const type = q.enumOf('operation_type', TASK_TYPE_VALUES);
  const status = q.enumOf('status', TASK_STATUS_VALUES);
  const vaultId = q.uuid('vault_id');
  const vaultName = q.one('vault_name');
  const resourceId = q.uuid('resource_id');
  const resourceName = q.one('resource_name');
  const providerId = q.one('provider_id');
  const start = q.time('start_time');
  const end = q.time('end_time');
  q.one('enterprise_project_id');
  const { limit, offset } = q.paging();
  const rows: StoredTask[] = [];
  for (const t of p.tasks.values()) {
    if (type !== undefined && t.type !== type) continue;
    if (vaultId !== undefined && t.vaultId !== vaultId) continue;
    if (resourceId !== undefined && t.resource?.id !== resourceId) continue;
    if (providerId !== undefined && t.providerId !== providerId) continue;
    if (start !== undefined && t.created < start) continue;
    if (end !== undefined && t.created > end + 999) continue;
    if (!nameMatches(t.vaultName, vaultName, mode)) continue;
    if (resourceName !== undefined && (t.resource === undefined || !nameMatches(t.resource.name, resourceName, mode))) continue;
    if (status !== undefined && (now - t.created >= t.duration ? t.final : 'running') !== status) continue;
    rows.push(t);
  }
  rows.reverse();
  return { operation_logs: rows.slice(offset, offset + limit).map((t) => taskToWire(p, t, now)), count: rows.length, limit, offset };
}
