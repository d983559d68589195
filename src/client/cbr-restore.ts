/**
 * The way back: a vault trigger's runs, and the restore of a backup onto a disk.
 *
 * Runs. A vault trigger names each checkpoint `<label>-<trigger id>-<run>-<UTC>-<6 hex>`
 * (src/contract/checkpoint.ts), and each backup carries its checkpoint's
 * name, so the vault's backups tell which trigger and which run made them: a run is every
 * backup of one run key (one checkpoint, or several: a busy resource backed up later, a retry
 * after a failed backup). Per resource, the backup to restore is the run's newest `available`
 * one. Runs before destroy carry {@link BEFORE_DESTROY_DESCRIPTION} in their description.
 *
 * Restore. `POST /backups/{backup_id}/restore` answers with no body: progress is read from the
 * backup's status (`restoring`, then `available`) and from the `restore` task of the operation
 * log. A restore is never sent twice: after an ambiguous failure (the request may have reached
 * the service) the client looks for the restore it may have started (a `restore` task of that
 * backup onto that disk since the call began, or the backup `restoring`) before sending again.
 */
import type { CallOptions, CallResult, CallSpec } from './caller';
import type { CbrBackupListQuery, CbrOperationLogListQuery, WireCbrRestoreRequest, WireCbrBackup, WireCbrBackupList, WireCbrOperationLog, WireCbrOperationLogList } from '../contract/cbr-wire';
import { UUID_PATTERN } from '../contract/wire';
import { BEFORE_DESTROY_DESCRIPTION, runOfBackupName, triggerNameMarker, TRIGGER_ID_PATTERN } from '../contract/checkpoint';
import { findBackupsNamed } from './cbr-backup';
import { VbsAbortError, VbsConfigError, VbsTimeoutError } from './errors';
import { parseApiTime } from './jobs';
import { sleep } from './retry';

/** How long the look after an ambiguous failure keeps looking for a restore task that may lag. */
const LOOKUP_GRACE_MS = 2_000;
const LOOKUP_PAUSE_MS = 250;
/** The service's times may be whole seconds. */
const CLOCK_SLACK_MS = 1_000;

/** One resource of a trigger's run. */
export interface TriggerRunResource {
  readonly resourceId: string;
  readonly resourceName?: string;
  /** The backup to restore: the run's newest `available` backup of the resource, if any. */
  readonly backup?: WireCbrBackup;
  /** Every backup of the resource in this run, newest first. */
  readonly backups: readonly WireCbrBackup[];
}

/** What one run key of a vault trigger made. */
export interface TriggerRun {
  /** The run key in the checkpoint names (8 hex; `d` + 7 hex before destroy). */
  readonly run: string;
  /** Made before the stack was destroyed (a trigger with backupBeforeDestroy). */
  readonly beforeDestroy: boolean;
  /** When the run's newest backup was made (the service's text). */
  readonly createdAt: string;
  /** Its checkpoints, oldest first. */
  readonly checkpointIds: readonly string[];
  /** Per resource, ordered by resource id. */
  readonly resources: readonly TriggerRunResource[];
}

/** Options of {@link CbrClient.restoreBackup}. */
export interface RestoreBackupOptions extends CallOptions {
  /** The disk to overwrite with the backup (a UUID): the backed-up disk itself, or another. */
  readonly volumeId: string;
}

/** A restore the service accepted (or had accepted before an ambiguous failure). */
export interface RestoreStarted {
  readonly backupId: string;
  readonly volumeId: string;
  /** True when an ambiguous attempt had in fact started it, so it was not sent again. */
  readonly alreadySent: boolean;
  /** Restore requests sent. */
  readonly attempts: number;
  /** Just before the first request, in server time as early as is certain. */
  readonly startedAt: Date;
}

/** How a restore ended. */
export interface RestoreOutcome {
  readonly backupId: string;
  readonly volumeId: string;
  readonly status: 'success' | 'failed';
  /** The restore task, when the operation log shows it. */
  readonly task?: WireCbrOperationLog;
  /** The task's error, for a failed restore. */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Options of {@link CbrClient.waitForRestore}. */
export interface WaitForRestoreOptions {
  /** Bound of the whole wait. @default 1800 */
  readonly timeoutSeconds?: number;
  /** Pause between polls. @default 2000 */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** Called when the restore's status changes (the task's, else the backup's). */
  readonly onProgress?: (status: string) => void;
}

/** What the restore functions need of the client. */
export interface CbrRestoreOps {
  call(spec: CallSpec, o: CallOptions): Promise<CallResult>;
  readonly projectPath: string;
  listBackups(q: CbrBackupListQuery, o: CallOptions): Promise<WireCbrBackupList>;
  showBackup(backupId: string, o: CallOptions): Promise<WireCbrBackup>;
  listTasks(q: CbrOperationLogListQuery, o: CallOptions): Promise<WireCbrOperationLogList>;
  readonly now: () => number;
  /** The earliest server time local time `t` can be. */
  serverTime(t: number): number;
}

function checkUuid(value: unknown, what: string, operation: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new VbsConfigError(`${operation}: ${what} "${String(value)}" is not a UUID (8-4-4-4-12 hexadecimal)`);
  }
  return value.toLowerCase();
}

/** The trigger id the runs are named by: 12 lower-case hex (src/contract/checkpoint.ts). */
function checkTriggerId(value: unknown): string {
  if (typeof value !== 'string' || !TRIGGER_ID_PATTERN.test(value)) {
    throw new VbsConfigError(`triggerRuns: trigger id "${String(value)}" is not 12 lower-case hex digits (vaultTriggerId of the construct path)`);
  }
  return value;
}

function time(b: WireCbrBackup): number {
  return parseApiTime(b.created_at)?.getTime() ?? 0;
}

/** A vault trigger's runs, newest first (see the module comment). */
export async function listTriggerRuns(ops: Pick<CbrRestoreOps, 'listBackups'>, vaultId: string, triggerId: string, o: CallOptions): Promise<TriggerRun[]> {
  checkUuid(vaultId, 'vault id', 'triggerRuns');
  checkTriggerId(triggerId);
  const own = await findBackupsNamed(ops, vaultId, triggerNameMarker(triggerId), o);
  const byRun = new Map<string, WireCbrBackup[]>();
  for (const b of own) {
    const run = runOfBackupName(triggerId, b.name);
    if (run !== undefined) byRun.set(run, [...(byRun.get(run) ?? []), b]);
  }
  const runs: TriggerRun[] = [...byRun].map(([run, backups]) => {
    const newestFirst = [...backups].sort((a, b) => time(b) - time(a));
    const byResource = new Map<string, WireCbrBackup[]>();
    for (const b of newestFirst) byResource.set(b.resource_id, [...(byResource.get(b.resource_id) ?? []), b]);
    const checkpointIds = [...new Set([...newestFirst].reverse().map((b) => b.checkpoint_id))];
    return {
      run,
      beforeDestroy: backups.some((b) => b.description === BEFORE_DESTROY_DESCRIPTION),
      createdAt: newestFirst[0].created_at,
      checkpointIds,
      resources: [...byResource].sort(([a], [b]) => a.localeCompare(b)).map(([resourceId, list]) => ({
        resourceId,
        resourceName: list.find((b) => b.resource_name)?.resource_name,
        backup: list.find((b) => b.status === 'available'),
        backups: list,
      })),
    };
  });
  // Ties (times of one millisecond) keep the service's newest-first order of the backups.
  const order = [...byRun.keys()];
  return runs.sort((a, b) => (parseApiTime(b.createdAt)?.getTime() ?? 0) - (parseApiTime(a.createdAt)?.getTime() ?? 0) || order.indexOf(a.run) - order.indexOf(b.run));
}

/** The restore tasks of `backupId` onto `volumeId` created since `since` (server epoch ms), newest first. */
async function restoreTasks(ops: Pick<CbrRestoreOps, 'listTasks'>, backupId: string, volumeId: string, since: number, o: CallOptions): Promise<WireCbrOperationLog[]> {
  const page = await ops.listTasks({ operation_type: 'restore', limit: 1000 }, o);
  return page.operation_logs.filter((t) => t.extra_info?.restore?.backup_id === backupId
    && (t.extra_info.restore.target_resource_id ?? '').toLowerCase() === volumeId
    && (parseApiTime(t.created_at)?.getTime() ?? Number.MAX_SAFE_INTEGER) >= since - CLOCK_SLACK_MS);
}

/** Sends one restore, never twice (see the module comment). */
export async function runRestore(ops: CbrRestoreOps, backupId: string, o: RestoreBackupOptions): Promise<RestoreStarted> {
  const backup = checkUuid(backupId, 'backup id', 'restoreBackup');
  const volumeId = checkUuid(o?.volumeId, 'volumeId', 'restoreBackup');
  const since = ops.serverTime(ops.now());
  const result = await ops.call({
    operation: 'restoreBackup', method: 'POST', url: `${ops.projectPath}/backups/${backup}/restore`, body: { restore: { volume_id: volumeId } } satisfies WireCbrRestoreRequest,
    expect: [200, 202, 204], idempotent: false,
    checkBeforeResend: async ({ signal, timeoutMs }) => {
      const lookup: CallOptions = { signal, timeoutMs };
      const start = ops.now();
      for (;;) {
        if ((await restoreTasks(ops, backup, volumeId, since, lookup)).length > 0) return true;
        // A restore from this backup is running: ours, or one the service shows no task of yet. Never a second.
        const status = (await ops.showBackup(backup, lookup)).status;
        if (status === 'restoring' || status === 'waiting_restore') return true;
        if (ops.now() - start >= LOOKUP_GRACE_MS) return false;
        await sleep(LOOKUP_PAUSE_MS, signal);
      }
    },
  }, { signal: o.signal, timeoutMs: o.timeoutMs });
  return { backupId: backup, volumeId, alreadySent: result.settledByCheck, attempts: result.attempts, startedAt: new Date(since) };
}

/**
 * Polls until the restore ends: its `restore` task `success` or `failed` (a failed one is
 * resolved, not thrown: the caller reports each disk); where the operation log shows no task,
 * the backup back at `available` after the call counts as success. A VbsTimeoutError after
 * `timeoutSeconds`.
 */
export async function waitRestore(ops: Pick<CbrRestoreOps, 'listTasks' | 'showBackup' | 'now'>, started: RestoreStarted, o: WaitForRestoreOptions): Promise<RestoreOutcome> {
  const timeoutMs = (o.timeoutSeconds ?? 1800) * 1000;
  const pollMs = o.pollIntervalMs ?? 2000;
  const deadline = ops.now() + timeoutMs;
  const since = started.startedAt.getTime();
  let last: string | undefined;
  const report = (status: string): void => {
    if (status !== last) o.onProgress?.(status);
    last = status;
  };
  for (let poll = 0; ; poll++) {
    const opts: CallOptions = { signal: o.signal, timeoutMs: Math.max(1, deadline - ops.now()) };
    const [task] = await restoreTasks(ops, started.backupId, started.volumeId, since, opts);
    if (task !== undefined) {
      report(task.status);
      if (task.status === 'success' || task.status === 'failed' || task.status === 'timeout') {
        const failed = task.status !== 'success';
        return {
          backupId: started.backupId, volumeId: started.volumeId, status: failed ? 'failed' : 'success', task,
          ...(failed ? { error: { code: task.error_info?.code || task.status, message: task.error_info?.message || `the restore task ended ${task.status}` } } : {}),
        };
      }
    } else {
      const status = (await ops.showBackup(started.backupId, opts)).status;
      report(status);
      // No task listed: the backup's own status tells, once it was seen restoring or enough polls passed.
      if (status === 'available' && poll > 0) return { backupId: started.backupId, volumeId: started.volumeId, status: 'success' };
    }
    if (ops.now() + pollMs >= deadline) {
      throw new VbsTimeoutError('waitForRestore', `waitForRestore: the restore of backup ${started.backupId} onto disk ${started.volumeId} was not over after ${timeoutMs / 1000} s (last status ${last ?? 'unknown'})`);
    }
    await sleep(pollMs, o.signal).catch((e: unknown) => {
      throw new VbsAbortError('waitForRestore', e);
    });
  }
}
