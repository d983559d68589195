/**
 * "Back up a vault now" without duplicates, and the wait for its backups.
 *
 * Each targeted resource is backed up exactly once per call:
 * - one checkpoint (C1) of the targeted resources, named `<prefix>-<UTC time>-<random>`;
 * - after an ambiguous failure (the request may have reached the server) the client looks for
 *   its own checkpoint before sending again: the vault's backups since the call began (newest
 *   first, matched on the name prefix by the client, so the lookup holds whether the service's
 *   name filter is exact or a substring) and its backup tasks (which name the backup and the
 *   checkpoint too). While nothing is found yet but a targeted resource is being backed up by a
 *   backup that is not listed, the look is repeated for a while: a checkpoint's backups can appear
 *   after the checkpoint;
 * - busy resources (already being backed up: `skipped_resources`, or the refusal codes
 *   `BackupService.0002` at HTTP 500, `6125`, `6203`, and `0001` when running backups prove it)
 *   are never retried blindly. `fail` throws a CbrBusyError naming them and their running
 *   backups; `join` counts those running backups for them; `wait` waits until they end, then
 *   makes one more checkpoint of just those resources (again, if another backup began first).
 *
 * The naming lets a caller with its own prefix (a trigger: stack and trigger id) find its
 * checkpoints later: every backup of the checkpoint carries the checkpoint's name (or starts
 * with it, for several resources or the disks of a server).
 */
import { BusyPollOptions, DEFAULT_BUSY_TIMEOUT_MS, endedByBound, positive } from './busy';
import type { CallOptions, CallResult, CallSpec } from './caller';
import {
  CBR_BUSY_CODES, CBR_CODES, CBR_FINAL_BACKUP_STATUSES, CBR_NAME_PATTERN, CBR_RUNNING_BACKUP_STATUSES, CbrBackupListQuery,
  CbrOperationLogListQuery, WireCbrBackup, WireCbrBackupList, WireCbrCheckpoint, WireCbrCheckpointCreateRequest, WireCbrOperationLogList,
  WireCbrSkippedResource, WireCbrVault,
} from '../contract/cbr-wire';
import { UUID_PATTERN } from '../contract/wire';
import type { WhenBusyChoice } from '../contract/hook';
import { VbsAbortError, VbsApiError, VbsConfigError, VbsError, VbsTimeoutError } from './errors';
import { parseApiTime } from './jobs';
import { pollPause, sleep } from './retry';
import type { HttpResponse } from './transport';

/** Default name prefix of the checkpoints backupVault makes. */
export const DEFAULT_CHECKPOINT_PREFIX = 'vbs-backup';
/** Longest prefix: the name is at most 64 characters, `-YYYYMMDDTHHMMSS-xxxxxx` takes 23. */
const MAX_PREFIX = 41;
/** How long a lookup after an ambiguous failure keeps looking while nothing tells. */
const LOOKUP_GRACE_MS = 2_000;
/** How long it keeps looking while a targeted resource is busy with an unlisted backup. */
const LOOKUP_BUSY_MS = 30_000;
const LOOKUP_PAUSE_MS = 250;

/** Reported while backupVault deals with busy resources (for progress lines). */
export type CbrBusyEvent =
  /** These resources are being backed up (by `running`, when listed). */
  | { readonly kind: 'busy'; readonly resourceIds: readonly string[]; readonly running: readonly WireCbrBackup[]; readonly waitedMs: number }
  /** Their running backups ended; a checkpoint of them is made next. */
  | { readonly kind: 'free'; readonly resourceIds: readonly string[]; readonly waitedMs: number };

/** Options of {@link CbrClient.backupVault}. */
export interface BackupVaultOptions extends CallOptions {
  /** The vault's resources to back up. @default - every resource of the vault at the time of the call */
  readonly resourceIds?: readonly string[];
  /** Incremental backups (the first backup of a resource is always full). @default true */
  readonly incremental?: boolean;
  /**
   * What to do about resources already being backed up: `fail` throws a CbrBusyError naming
   * them and their running backups (a checkpoint of the other resources is still made);
   * `wait` waits for those backups to end, then backs the resources up; `join` counts the
   * running backup for each. With `wait` and `join`, `timeoutMs` bounds the whole call.
   * @default 'fail'
   */
  readonly whenBusy?: WhenBusyChoice;
  /**
   * Prefix of the checkpoint's name (1-41 of `[A-Za-z0-9_-]`); the client appends
   * `-<UTC YYYYMMDDTHHMMSS>-<6 hex>`. A caller that passes its own prefix can find its
   * checkpoints later by the backups' names.
   * @default 'vbs-backup'
   */
  readonly name?: string;
  /** Description of the checkpoint (0-255 characters, no `<` or `>`). @default - none */
  readonly description?: string;
  /** Polling of busy resources. @default - 1000 ms, growing to 10000 ms */
  readonly busyPoll?: BusyPollOptions;
  /** Called as busy resources are found and become free. */
  readonly onBusy?: (event: CbrBusyEvent) => void;
}

/** One checkpoint a backupVault call made. */
export interface CbrCheckpointRun {
  readonly checkpointId: string;
  /** The name it was given (its backups carry it). */
  readonly name: string;
  /** Resources it backs up (undefined when found after an ambiguous failure and the service did not list them yet). */
  readonly resourceIds?: readonly string[];
  /** True when an ambiguous attempt had in fact made it, so it was not sent again. */
  readonly alreadyCreated: boolean;
  /** The service's answer (absent when found after an ambiguous failure). */
  readonly checkpoint?: WireCbrCheckpoint;
}

/** What backupVault did. */
export interface BackupVaultResult {
  readonly vaultId: string;
  /** The checkpoints made: one, plus (wait mode, busy resources) one of the resources that were busy. */
  readonly checkpoints: readonly CbrCheckpointRun[];
  /** Running backups counted for busy resources (`join`). */
  readonly joined: readonly WireCbrBackup[];
  /** Resources the service skipped for a reason other than a running backup (not backed up). */
  readonly skipped: readonly WireCbrSkippedResource[];
  /** Checkpoint requests sent (refused ones included). */
  readonly attempts: number;
  /** Milliseconds spent waiting for busy resources. */
  readonly waitedMs: number;
  /** Just before the first request, in server time as late as is certain. */
  readonly startedAt: Date;
}

/** Progress of a wait: one resource's backup changed status. */
export interface CbrBackupProgress {
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly backupId: string;
  readonly checkpointId: string;
  readonly status: string;
}

/** Options of {@link CbrClient.waitForBackups}. */
export interface WaitForBackupsOptions {
  /** Bound of the whole wait. @default 600 */
  readonly timeoutSeconds?: number;
  /** Pause between polls. @default 2000 */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** Called when a resource's backup appears or changes status. */
  readonly onProgress?: (progress: CbrBackupProgress) => void;
}

/** A resource being backed up and the running backups that show it. */
export interface CbrBusyResource {
  readonly resourceId: string;
  /** Its running backups (empty when the service said busy but lists none). */
  readonly running: readonly WireCbrBackup[];
}

/** Resources of the vault were being backed up (and `whenBusy` is `fail`). */
export class CbrBusyError extends VbsError {
  public readonly vaultId: string;
  public readonly busy: readonly CbrBusyResource[];
  /** The refusal, when the service refused the whole checkpoint. */
  public readonly refusal?: VbsApiError;
  /** The checkpoint made of the other targeted resources, if any. */
  public readonly checkpoint?: CbrCheckpointRun;

  constructor(vaultId: string, busy: readonly CbrBusyResource[], refusal: VbsApiError | undefined, checkpoint: CbrCheckpointRun | undefined) {
    const made = checkpoint ? `; checkpoint ${checkpoint.checkpointId} backs up the others` : '';
    super('backupVault', `backupVault: vault ${vaultId}: ${describeBusy(busy)}${refusal ? ` (${refusal.message})` : ''}${made}`);
    this.name = 'CbrBusyError';
    this.vaultId = vaultId;
    this.busy = busy;
    this.refusal = refusal;
    this.checkpoint = checkpoint;
  }
}

/** Waiting for busy resources took longer than the call's bound. */
export class CbrBusyTimeoutError extends VbsTimeoutError {
  public readonly vaultId: string;
  public readonly busy: readonly CbrBusyResource[];
  public readonly waitedMs: number;

  constructor(vaultId: string, busy: readonly CbrBusyResource[], waitedMs: number, cause?: unknown) {
    super('backupVault', `backupVault gave up waiting after ${(waitedMs / 1000).toFixed(1)} s: vault ${vaultId}: ${describeBusy(busy)}`, cause);
    this.name = 'CbrBusyTimeoutError';
    this.vaultId = vaultId;
    this.busy = busy;
    this.waitedMs = waitedMs;
  }
}

function describeBusy(busy: readonly CbrBusyResource[]): string {
  const shown = busy.slice(0, 5).map((b) => {
    const runs = b.running.map((r) => `backup ${r.id} ${r.status}${r.name ? ` "${r.name}"` : ''}`).join(', ');
    return `${b.resourceId} (${runs || 'no running backup listed'})`;
  });
  const more = busy.length > 5 ? `, ${busy.length - 5} more` : '';
  return `${busy.length} resource${busy.length === 1 ? ' is' : 's are'} being backed up: ${shown.join('; ')}${more}`;
}

/** What backupVault needs of the client. */
export interface CbrBackupOps {
  createCheckpoint(spec: CallSpec, o: CallOptions): Promise<CallResult>;
  parseCheckpoint(r: HttpResponse | undefined): WireCbrCheckpoint;
  readonly checkpointPath: string;
  showVault(vaultId: string, o: CallOptions): Promise<WireCbrVault>;
  showCheckpoint(checkpointId: string, o: CallOptions): Promise<WireCbrCheckpoint>;
  listBackups(q: CbrBackupListQuery, o: CallOptions): Promise<WireCbrBackupList>;
  showBackup(backupId: string, o: CallOptions): Promise<WireCbrBackup>;
  listTasks(q: CbrOperationLogListQuery, o: CallOptions): Promise<WireCbrOperationLogList>;
  readonly now: () => number;
  readonly random: () => number;
  readonly skewMs: number;
  /** The earliest server time local time `t` can be. */
  serverTime(t: number): number;
}

/** True for a refusal that says resources are being backed up (any status). */
function isBusyRefusal(e: unknown): e is VbsApiError {
  return e instanceof VbsApiError && (CBR_BUSY_CODES.includes(e.code) || e.code === CBR_CODES.noResourceToBackUp);
}

function isBusySkip(s: WireCbrSkippedResource): boolean {
  return CBR_BUSY_CODES.includes(s.code) || s.code === CBR_CODES.noResourceToBackUp || /being backed up|backup.*(running|in progress)/i.test(s.reason ?? '');
}

/** Runs a backupVault call (see the module comment). */
export async function runBackupVault(ops: CbrBackupOps, vaultId: string, o: BackupVaultOptions): Promise<BackupVaultResult> {
  return new BackupVaultRun(ops, vaultId, o).run();
}

class BackupVaultRun {
  private readonly mode: WhenBusyChoice;
  private readonly prefix: string;
  private readonly deadline: number | undefined;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly checkpoints: CbrCheckpointRun[] = [];
  private readonly joined: WireCbrBackup[] = [];
  private readonly skipped: WireCbrSkippedResource[] = [];
  private attempts = 0;
  private waitedMs = 0;
  private startedAt: Date | undefined;

  constructor(private readonly ops: CbrBackupOps, private readonly vaultId: string, private readonly o: BackupVaultOptions) {
    this.mode = o.whenBusy ?? 'fail';
    if (!['wait', 'join', 'fail'].includes(this.mode)) throw new VbsConfigError(`backupVault: whenBusy is "${String(this.mode)}"; allowed: wait, join, fail`);
    this.prefix = o.name ?? DEFAULT_CHECKPOINT_PREFIX;
    if (!CBR_NAME_PATTERN.test(this.prefix) || this.prefix.length > MAX_PREFIX) {
      throw new VbsConfigError(`backupVault: name "${this.prefix}" is not allowed; expected 1-${MAX_PREFIX} of A-Z, a-z, 0-9, _ and -`);
    }
    for (const id of o.resourceIds ?? []) {
      if (typeof id !== 'string' || !UUID_PATTERN.test(id)) throw new VbsConfigError(`backupVault: resource id "${String(id)}" is not a UUID (8-4-4-4-12 hexadecimal)`);
    }
    if (o.resourceIds && o.resourceIds.length === 0) throw new VbsConfigError('backupVault: resourceIds is empty; leave it out to back up every resource of the vault');
    this.deadline = this.mode === 'fail' ? undefined : ops.now() + (o.timeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.initialMs = positive(o.busyPoll?.initialMs ?? 1000, 'busyPoll.initialMs');
    this.maxMs = Math.max(this.initialMs, positive(o.busyPoll?.maxMs ?? 10_000, 'busyPoll.maxMs'));
  }

  async run(): Promise<BackupVaultResult> {
    const targets = this.o.resourceIds ? [...new Set(this.o.resourceIds)] : undefined;
    let busy = await this.checkpoint(targets);
    let round = 0;
    while (busy.length > 0) {
      if (this.mode === 'join') {
        // Resources refused as busy with no running backup listed: look again after a pause.
        const unlisted = busy.filter((b) => b.running.length === 0).map((b) => b.resourceId);
        for (const b of busy) this.joined.push(...b.running);
        if (unlisted.length === 0) break;
        await this.pause(round++, busy);
        busy = await this.checkpoint(unlisted);
        continue;
      }
      await this.waitOut(busy);
      busy = await this.checkpoint(busy.map((b) => b.resourceId));
      round++;
    }
    return {
      vaultId: this.vaultId, checkpoints: this.checkpoints, joined: this.joined, skipped: this.skipped, attempts: this.attempts, waitedMs: this.waitedMs,
      startedAt: this.startedAt ?? new Date(this.ops.serverTime(this.ops.now())),
    };
  }

  /** One checkpoint of `targets` (undefined: the whole vault); resolves to the resources found busy. */
  private async checkpoint(targets: string[] | undefined): Promise<CbrBusyResource[]> {
    const name = checkpointName(this.prefix, this.ops.now(), this.ops.random);
    const t0 = this.ops.now();
    const since = this.ops.serverTime(t0);
    this.startedAt ??= new Date(since);
    const body: WireCbrCheckpointCreateRequest = {
      checkpoint: {
        vault_id: this.vaultId,
        parameters: {
          name,
          incremental: this.o.incremental ?? true,
          ...(this.o.description !== undefined ? { description: this.o.description } : {}),
          ...(targets ? { resources: targets } : {}),
        },
      },
    };
    let found: CbrCheckpointRun | undefined;
    let result: CallResult;
    try {
      result = await this.ops.createCheckpoint(
        {
          operation: 'createCheckpoint',
          method: 'POST',
          url: this.ops.checkpointPath,
          body,
          expect: [200],
          idempotent: false,
          stopOn: isBusyRefusal,
          checkBeforeResend: async ({ signal, timeoutMs }) => {
            found = await this.findOwn(name, targets, since, { signal, timeoutMs });
            return found !== undefined;
          },
        },
        this.callOptions(),
      );
    } catch (e) {
      if (!isBusyRefusal(e)) throw e;
      this.attempts += 1;
      const resourceIds = targets ?? (await this.ops.showVault(this.vaultId, this.callOptions())).resources.map((r) => r.id);
      const busy = await this.runningOf(resourceIds);
      // Refused because an earlier, ambiguous attempt of this very call made the checkpoint.
      const own = busy.flatMap((b) => b.running).filter((b) => b.name?.startsWith(name));
      if (own.length > 0) {
        this.checkpoints.push({ checkpointId: own[0].checkpoint_id, name, resourceIds: [...new Set(own.map((b) => b.resource_id))], alreadyCreated: true });
        return busy.filter((b) => !b.running.some((r) => r.name?.startsWith(name)) && !own.some((r) => r.resource_id === b.resourceId));
      }
      // "Nothing to back up" with nothing running is not busy (an empty vault, say).
      if (e.code === CBR_CODES.noResourceToBackUp && busy.every((b) => b.running.length === 0)) throw e;
      if (this.mode === 'fail') throw new CbrBusyError(this.vaultId, busy, e, undefined);
      return busy;
    }
    this.attempts += result.attempts;
    if (result.settledByCheck) {
      this.checkpoints.push(found!);
      return [];
    }
    const cp = this.ops.parseCheckpoint(result.response);
    const skipped = cp.vault.skipped_resources ?? [];
    const busySkips = skipped.filter(isBusySkip);
    this.skipped.push(...skipped.filter((s) => !isBusySkip(s)));
    const run: CbrCheckpointRun = { checkpointId: cp.id, name, resourceIds: cp.vault.resources.map((r) => r.id), alreadyCreated: false, checkpoint: cp };
    this.checkpoints.push(run);
    if (busySkips.length === 0) return [];
    const busy = await this.runningOf(busySkips.map((s) => s.id));
    if (this.mode === 'fail') throw new CbrBusyError(this.vaultId, busy, undefined, run);
    return busy;
  }

  /** The running backups of each resource (one list call for the vault). */
  private async runningOf(resourceIds: readonly string[]): Promise<CbrBusyResource[]> {
    const running = await this.listAll({ vault_id: this.vaultId, status: [...CBR_RUNNING_BACKUP_STATUSES] });
    return resourceIds.map((id) => ({ resourceId: id, running: running.filter((b) => b.resource_id === id) }));
  }

  private async listAll(q: CbrBackupListQuery, o: CallOptions = this.callOptions(), stopBefore?: number): Promise<WireCbrBackup[]> {
    return listAllBackups(this.ops, q, o, stopBefore);
  }

  /**
   * After an ambiguous failure: the checkpoint named `name`, if the service made it. Looks at
   * the vault's backups and backup tasks since `since`, matching the name itself; keeps looking
   * for a short grace, and longer while a targeted resource is busy with no listed backup.
   */
  private async findOwn(name: string, targets: string[] | undefined, since: number, o: CallOptions): Promise<CbrCheckpointRun | undefined> {
    const from = since - 1000; // the service's times may be whole seconds
    const start = this.ops.now();
    for (let n = 0; ; n++) {
      const backups = await this.listAll({ vault_id: this.vaultId }, o, from);
      const mine = backups.filter((b) => typeof b.name === 'string' && b.name.startsWith(name) && !b.parent_id);
      if (mine.length > 0) {
        return { checkpointId: mine[0].checkpoint_id, name, resourceIds: [...new Set(mine.map((b) => b.resource_id))], alreadyCreated: true };
      }
      const tasks = await this.ops.listTasks({ vault_id: this.vaultId, operation_type: 'backup', limit: 1000 }, o);
      const task = tasks.operation_logs.find((t) => t.checkpoint_id && (t.extra_info?.backup?.backup_name ?? '').startsWith(name));
      if (task) return { checkpointId: task.checkpoint_id!, name, alreadyCreated: true };
      const elapsed = this.ops.now() - start;
      if (elapsed >= LOOKUP_BUSY_MS) return undefined;
      if (elapsed >= LOOKUP_GRACE_MS) {
        // A targeted resource marked as being backed up with no running backup listed could be ours, not yet listed.
        const vault = await this.ops.showVault(this.vaultId, o);
        const running = new Set(backups.filter((b) => CBR_RUNNING_BACKUP_STATUSES.includes(b.status)).map((b) => b.resource_id));
        const unexplained = vault.resources.some((r) => (!targets || targets.includes(r.id)) && r.protect_status === 'protecting' && !running.has(r.id));
        if (!unexplained) return undefined;
      }
      await sleep(LOOKUP_PAUSE_MS, o.signal);
    }
  }

  /** Polls until no busy resource has a running backup. */
  private async waitOut(busy: CbrBusyResource[]): Promise<void> {
    const ids = busy.map((b) => b.resourceId);
    this.o.onBusy?.({ kind: 'busy', resourceIds: ids, running: busy.flatMap((b) => b.running), waitedMs: this.waitedMs });
    let current = busy;
    for (let poll = 0; ; poll++) {
      await this.pause(poll, current);
      current = await this.runningOf(ids).catch((e: unknown) => {
        throw this.timedOut(e, current) ?? e;
      });
      if (current.every((b) => b.running.length === 0)) {
        this.o.onBusy?.({ kind: 'free', resourceIds: ids, waitedMs: this.waitedMs });
        return;
      }
    }
  }

  private async pause(n: number, busy: CbrBusyResource[]): Promise<void> {
    const left = this.deadline! - this.ops.now();
    if (left <= 0) throw new CbrBusyTimeoutError(this.vaultId, busy, this.waitedMs);
    const ms = Math.min(pollPause(n, this.initialMs, this.maxMs, this.ops.random), left);
    const before = this.ops.now();
    try {
      await sleep(ms, this.o.signal);
    } catch (e) {
      throw this.timedOut(e, busy) ?? new VbsAbortError('backupVault', e);
    } finally {
      this.waitedMs += this.ops.now() - before;
    }
    if (this.ops.now() >= this.deadline!) throw new CbrBusyTimeoutError(this.vaultId, busy, this.waitedMs);
  }

  private timedOut(e: unknown, busy: CbrBusyResource[]): CbrBusyTimeoutError | undefined {
    if (!endedByBound(e, this.o.signal, this.ops.now(), this.deadline)) return undefined;
    return new CbrBusyTimeoutError(this.vaultId, busy, this.waitedMs, e);
  }

  /** Each call: what is left of the bound (wait/join), else the caller's own options. */
  private callOptions(): CallOptions {
    if (this.deadline === undefined || this.o.timeoutMs === undefined) return { signal: this.o.signal, timeoutMs: this.o.timeoutMs };
    return { signal: this.o.signal, timeoutMs: Math.max(1, this.deadline - this.ops.now()) };
  }
}

/**
 * Every backup `q` selects, newest first, page after page (1000 a page); with `stopBefore`
 * (epoch ms), no page after one that reaches a backup created before it.
 */
export async function listAllBackups(
  ops: Pick<CbrBackupOps, 'listBackups'>, q: CbrBackupListQuery, o: CallOptions, stopBefore?: number,
): Promise<WireCbrBackup[]> {
  const all: WireCbrBackup[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await ops.listBackups({ ...q, limit, offset, sort: 'created_at:desc' }, o);
    all.push(...page.backups);
    const oldest = parseApiTime(page.backups[page.backups.length - 1]?.created_at);
    if (page.backups.length < limit || offset + limit >= page.count) return all;
    if (stopBefore !== undefined && oldest && oldest.getTime() < stopBefore) return all;
  }
}

/**
 * The vault's top-level backups whose name contains `fragment`, newest first (see
 * CbrClient.findBackupsByName). The match is made here, on every backup of the vault: the
 * service's `name` filter may be exact or a substring match (the API does not say which).
 */
export async function findBackupsNamed(ops: Pick<CbrBackupOps, 'listBackups'>, vaultId: string, fragment: string, o: CallOptions): Promise<WireCbrBackup[]> {
  const all = await listAllBackups(ops, { vault_id: vaultId }, o);
  return all.filter((b) => !b.parent_id && typeof b.name === 'string' && b.name.includes(fragment));
}

/** `<prefix>-YYYYMMDDTHHMMSS-xxxxxx` (UTC; 6 random hex digits). */
export function checkpointName(prefix: string, now: number, random: () => number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15);
  let hex = '';
  for (let i = 0; i < 6; i++) hex += Math.floor(Math.min(Math.max(random(), 0), 0.9999) * 16).toString(16);
  return `${prefix}-${stamp}-${hex}`;
}

/** Polls the backups of a run until each is final (see CbrClient.waitForBackups). */
export async function waitForRun(ops: CbrBackupOps, run: BackupVaultResult | string, o: WaitForBackupsOptions): Promise<WireCbrBackup[]> {
  const timeoutMs = (o.timeoutSeconds ?? 600) * 1000;
  const pollMs = o.pollIntervalMs ?? 2000;
  const deadline = ops.now() + timeoutMs;
  const remaining = (): number => Math.max(1, deadline - ops.now());
  const runs: { checkpointId: string; resourceIds?: readonly string[] }[] =
    typeof run === 'string' ? [{ checkpointId: run }] : run.checkpoints.map((c) => ({ checkpointId: c.checkpointId, resourceIds: c.resourceIds }));
  const joined = typeof run === 'string' ? [] : run.joined.map((b) => b.id);
  const seen = new Map<string, string>();
  let latest: WireCbrBackup[] = [];
  const timedOut = (cause?: unknown): VbsTimeoutError => {
    const open = latest.filter((b) => !CBR_FINAL_BACKUP_STATUSES.includes(b.status)).length;
    return new VbsTimeoutError('waitForBackups', `waitForBackups: ${open} of ${latest.length} backup(s) not final after ${timeoutMs / 1000} s`, cause);
  };
  try {
    for (const r of runs) {
      if (!r.resourceIds) r.resourceIds = (await ops.showCheckpoint(r.checkpointId, { signal: o.signal, timeoutMs: remaining() })).vault.resources.map((x) => x.id);
    }
    for (;;) {
      const backups: WireCbrBackup[] = [];
      let complete = true;
      for (const r of runs) {
        const page = await ops.listBackups({ checkpoint_id: r.checkpointId, limit: 1000 }, { signal: o.signal, timeoutMs: remaining() });
        const top = page.backups.filter((b) => !b.parent_id && b.checkpoint_id === r.checkpointId);
        for (const id of r.resourceIds ?? []) {
          const b = top.find((x) => x.resource_id === id);
          if (b) backups.push(b);
          else complete = false;
        }
      }
      for (const id of joined) backups.push(await ops.showBackup(id, { signal: o.signal, timeoutMs: remaining() }));
      latest = backups;
      for (const b of backups) {
        if (seen.get(b.id) !== b.status) {
          seen.set(b.id, b.status);
          o.onProgress?.({ resourceId: b.resource_id, resourceName: b.resource_name, backupId: b.id, checkpointId: b.checkpoint_id, status: b.status });
        }
      }
      if (complete && backups.every((b) => CBR_FINAL_BACKUP_STATUSES.includes(b.status))) return backups;
      if (ops.now() + pollMs >= deadline) throw timedOut();
      await sleep(pollMs, o.signal).catch((e: unknown) => {
        throw new VbsAbortError('waitForBackups', e);
      });
    }
  } catch (e) {
    if (e instanceof VbsTimeoutError && !(e.operation === 'waitForBackups') && ops.now() >= deadline - 5) throw timedOut(e);
    throw e;
  }
}
