/**
 * The CBR commands:
 *   vbs-backup backup-vault  (--vault-id ID | --vault-name NAME) [--resource-id ID]... [--full] [--wait]
 *                            [--timeout S] [--when-busy wait|join|fail] [--json]
 *   vbs-backup vault-backups (--vault-id ID | --vault-name NAME) [--checkpoint-id ID] [--since ISO8601] [--wait] [--json]
 *   vbs-backup vaults [--json]
 */
import type { BackupVaultResult, CbrBusyEvent } from '../client/cbr-backup';
import { VbsApiError, VbsNotFoundError } from '../client/errors';
import type { WireCbrBackup, WireCbrVault } from '../contract/cbr-wire';
import { UUID_PATTERN } from '../contract/wire';
import {
  ConnectionArgs, OptionDef, ParsedValues, RUN_NOW_OPTIONS, UsageError, apiCommandOptions, connectionArgs, isoOption, parseOrHelp, runNowArgs,
  stringList, stringOption,
} from './args';
import { CommandFailure, exitCodeOf } from './failure';
import { plural, table } from './format';
import type { VaultApi } from './cbr-ports';
import { CliIo, Deadline, jsonDocument, startDeadline } from './runtime';

/** Default bound of `backup-vault` and of `vault-backups --wait`, seconds. */
export const DEFAULT_VAULT_TIMEOUT_SECONDS = 600;
/** Bound of the list commands, seconds. */
const LIST_TIMEOUT_SECONDS = 120;
/** Backups listed without --since. */
export const DEFAULT_BACKUP_COUNT = 50;
/** Upper bound of backups listed with --since. */
export const MAX_BACKUPS = 1000;
const FINAL = ['available', 'error'];

/** Backups of a waited run ended in `error`: exit 1 naming each resource. */
export class BackupsFailedError extends CommandFailure {
  constructor(vault: WireCbrVault, failed: WireCbrBackup[], total: number) {
    super(`backup of ${vaultLabel(vault)} failed: ${plural(failed.length, 'backup')} of ${total} ended in error: ` +
      failed.map((b) => `resource ${b.resource_id}${b.resource_name && b.resource_name !== b.resource_id ? ` (${b.resource_name})` : ''} backup ${b.id}`).join('; '));
  }
}

/** Resources named to back up that the vault does not hold: exit 1 naming them and the vault's resources. */
export class ResourcesNotInVaultError extends CommandFailure {
  /**
   * @param source where the ids came from, for the message (`VBS_HOOK_RESOURCE_IDS`); absent: the command line
   */
  constructor(vault: WireCbrVault, readonly resourceIds: readonly string[], source?: string) {
    super(`${plural(resourceIds.length, 'resource')}${source ? ` of ${source}` : ''} not in ${vaultLabel(vault)}: ${resourceIds.join(', ')}; ` +
      `its resources: ${vault.resources.map((r) => r.id).join(', ') || 'none'}`);
  }
}

/** Resources the service skipped for another reason than busy (`BackupVaultResult.skipped`): exit 1 naming each and why. */
export function checkSkipped(vault: WireCbrVault, result: BackupVaultResult): void {
  if (result.skipped.length === 0) return;
  throw new CommandFailure(`${plural(result.skipped.length, 'resource')} of ${vaultLabel(vault)} not backed up: ` +
    result.skipped.map((s) => `${s.id} ${s.code}${s.reason ? ` (${s.reason})` : ''}`).join('; '));
}

/** Every id of `resourceIds` (lower case) must be a resource of the vault; a ResourcesNotInVaultError otherwise. */
export function checkHeld(vault: WireCbrVault, resourceIds: readonly string[] | undefined, source?: string): void {
  const held = new Set(vault.resources.map((r) => r.id.toLowerCase()));
  const foreign = (resourceIds ?? []).filter((id) => !held.has(id));
  if (foreign.length > 0) throw new ResourcesNotInVaultError(vault, foreign, source);
}

/** `vault NAME (id ID)`. */
export function vaultLabel(v: Pick<WireCbrVault, 'id' | 'name'>): string {
  return `vault ${v.name} (id ${v.id})`;
}

/** How a command or a hook names its vault. */
export type VaultSelector = { readonly vaultId: string } | { readonly vaultName: string };

export function checkUuid(command: string, option: string, value: string): string {
  if (!UUID_PATTERN.test(value)) throw new UsageError(`${option} must be a UUID (8-4-4-4-12 hex digits), got '${value}'`, command);
  return value.toLowerCase();
}

export function vaultSelector(command: string, values: ParsedValues): VaultSelector {
  const id = stringOption(values, 'vault-id');
  const name = stringOption(values, 'vault-name');
  if (id !== undefined && name !== undefined) throw new UsageError('give either --vault-id or --vault-name, not both', command);
  if (id !== undefined) return { vaultId: checkUuid(command, '--vault-id', id) };
  if (name !== undefined) {
    if (name.length === 0) throw new UsageError('--vault-name must not be empty', command);
    return { vaultName: name };
  }
  throw new UsageError('a vault is required: give --vault-id ID or --vault-name NAME', command);
}

/** Runs `fn` with a fresh CBR client (cbr-ports.ts, loaded here on first use). */
export async function withCbr<T>(connection: ConnectionArgs, env: Record<string, string | undefined>, fn: (api: VaultApi) => Promise<T>): Promise<T> {
  const { withCbrClient } = await import('./cbr-ports');
  return withCbrClient(connection, env, fn);
}

/**
 * Finds the vault by id (must exist) or by exact name (exactly one).
 * @throws VbsNotFoundError when no vault has the id or the name
 * @throws VbsAmbiguousNameError when several vaults have the name
 */
export async function resolveVault(api: VaultApi, selector: VaultSelector, signal: AbortSignal): Promise<WireCbrVault> {
  if ('vaultName' in selector) return api.findVaultByName(selector.vaultName, { signal });
  try {
    return await api.showVault(selector.vaultId, { signal });
  } catch (e) {
    if (e instanceof VbsApiError && e.status === 404) {
      throw new VbsNotFoundError({ operation: 'showVault', kind: 'vault', by: 'id', value: selector.vaultId, projectId: api.projectId },
        `no vault with id ${selector.vaultId} in project ${api.projectId} at ${api.endpoint}`);
    }
    throw e;
  }
}

/** One progress line for a busy-resources event of backupVault. */
export function busyLine(event: CbrBusyEvent): string {
  const waited = `${(event.waitedMs / 1000).toFixed(1)} s`;
  if (event.kind === 'free') return `the running backups of ${plural(event.resourceIds.length, 'resource')} ended (waited ${waited}); backing them up now`;
  const runs = event.running.map((b) => `${b.resource_id} backup ${b.id} ${b.status}`).join(', ');
  return `${plural(event.resourceIds.length, 'resource')} already being backed up (${runs || event.resourceIds.join(', ')})`;
}

/** One progress line of a wait for backups. */
export function progressLine(p: { resourceId: string; resourceName?: string; backupId: string; status: string }): string {
  return `backup ${p.backupId} of resource ${p.resourceId}${p.resourceName && p.resourceName !== p.resourceId ? ` (${p.resourceName})` : ''}: ${p.status}`;
}

/** A backup as JSON. */
function backupJson(b: WireCbrBackup): Record<string, unknown> {
  return {
    backupId: b.id, name: b.name, status: b.status, final: FINAL.includes(b.status), resourceId: b.resource_id, resourceName: b.resource_name,
    resourceType: b.resource_type, checkpointId: b.checkpoint_id, createdAt: b.created_at,
  };
}

function backupsTable(backups: WireCbrBackup[]): string[] {
  return table(
    ['BACKUP ID', 'RESOURCE', 'STATUS', 'CREATED', 'CHECKPOINT', 'NAME'],
    backups.map((b) => [b.id, b.resource_id, b.status, b.created_at ?? '-', b.checkpoint_id ?? '-', b.name ?? '-']),
  );
}

/** How a command names its vault. */
export const VAULT_OPTIONS: Record<string, OptionDef> = { 'vault-id': { type: 'string' }, 'vault-name': { type: 'string' } };

const BACKUP_OPTIONS = apiCommandOptions({ ...VAULT_OPTIONS, 'resource-id': { type: 'string', multiple: true }, full: { type: 'boolean' }, ...RUN_NOW_OPTIONS });

/** Runs `vbs-backup backup-vault`; resolves to the exit code. */
export async function runBackupVault(argv: string[], io: CliIo): Promise<number> {
  const command = 'backup-vault';
  const values = parseOrHelp(command, argv, BACKUP_OPTIONS, io);
  if (!values) return 0;
  const selector = vaultSelector(command, values);
  const resourceIds = stringList(values, 'resource-id').map((id) => checkUuid(command, '--resource-id', id));
  const connection = connectionArgs(command, values);
  const { wait, timeoutSeconds, whenBusy } = runNowArgs(command, values, DEFAULT_VAULT_TIMEOUT_SECONDS);
  const deadline = startDeadline(timeoutSeconds, '--timeout');
  return exitCodeOf(() => withCbr(connection, io.env, async (api) => {
    const vault = await resolveVault(api, selector, deadline.signal);
    checkHeld(vault, resourceIds);
    const result = await api.backupVault(vault.id, {
      resourceIds: resourceIds.length > 0 ? resourceIds : undefined,
      incremental: values.full !== true,
      whenBusy,
      signal: deadline.signal,
      timeoutMs: Math.max(1, deadline.at - Date.now()),
      onBusy: (e) => io.err(busyLine(e)),
    });
    reportRun(io, vault, result);
    let backups: WireCbrBackup[] | undefined;
    if (wait) backups = await waitForRun(api, result, deadline, io);
    const failed = backups?.filter((b) => b.status === 'error') ?? [];
    if (backups) io.err(failed.length === 0 ? `all ${plural(backups.length, 'backup')} available` : `${plural(failed.length, 'backup')} of ${backups.length} ended in error`);
    if (values.json === true) {
      io.out(jsonDocument({
        vaultId: vault.id,
        vaultName: vault.name,
        projectId: api.projectId,
        checkpoints: result.checkpoints.map((c) => ({ checkpointId: c.checkpointId, name: c.name, resourceIds: c.resourceIds ?? null, alreadyCreated: c.alreadyCreated })),
        joined: result.joined.map(backupJson),
        skipped: result.skipped,
        attempts: result.attempts,
        waitedSeconds: Math.round(result.waitedMs) / 1000,
        startedAt: result.startedAt.toISOString(),
        ...(backups ? { succeeded: failed.length === 0, backups: backups.map(backupJson) } : {}),
      }));
    } else if (backups) {
      for (const line of backupsTable(backups)) io.out(line);
    } else {
      for (const c of result.checkpoints) io.out(`${c.checkpointId} ${c.name} ${c.resourceIds?.length ?? '?'} resource(s)`);
      for (const b of result.joined) io.out(`${b.checkpoint_id} ${b.name} joined backup ${b.id} of ${b.resource_id}`);
    }
    if (failed.length > 0) throw new BackupsFailedError(vault, failed, backups!.length);
    checkSkipped(vault, result);
    return 0;
  }), io, deadline, 'cli');
}

/** Progress lines of a backupVault call: each checkpoint made (or found made), each running backup joined. */
export function reportRun(io: CliIo, vault: WireCbrVault, result: BackupVaultResult): void {
  for (const c of result.checkpoints) {
    const n = c.resourceIds ? plural(c.resourceIds.length, 'resource') : 'its resources';
    io.err(c.alreadyCreated
      ? `checkpoint ${c.checkpointId} (${c.name}) of ${vaultLabel(vault)} was already made by an earlier request: ${n}`
      : `made checkpoint ${c.checkpointId} (${c.name}) of ${vaultLabel(vault)}: ${n}`);
  }
  for (const b of result.joined) {
    io.err(`resource ${b.resource_id} was already being backed up (backup ${b.id}${b.name ? ` "${b.name}"` : ''}, ${b.status}): ` +
      'it counts as this run\'s backup (when busy: join)');
  }
}

/** Waits, within the deadline, until every backup of the run is final, a line per change. */
export async function waitForRun(api: VaultApi, run: BackupVaultResult, deadline: Deadline, io: CliIo): Promise<WireCbrBackup[]> {
  const timeoutSeconds = Math.max(1, Math.floor((deadline.at - Date.now()) / 1000));
  io.err(`waiting up to ${timeoutSeconds} s for the backups to be final`);
  return api.waitForBackups(run, { timeoutSeconds, signal: deadline.signal, onProgress: (p) => io.err(progressLine(p)) });
}

const LIST_OPTIONS = apiCommandOptions({ ...VAULT_OPTIONS, 'checkpoint-id': { type: 'string' }, since: { type: 'string' }, wait: { type: 'boolean' } });

/** Runs `vbs-backup vault-backups`; resolves to the exit code. */
export async function runVaultBackups(argv: string[], io: CliIo): Promise<number> {
  const command = 'vault-backups';
  const values = parseOrHelp(command, argv, LIST_OPTIONS, io);
  if (!values) return 0;
  const selector = vaultSelector(command, values);
  const cpText = stringOption(values, 'checkpoint-id');
  const checkpointId = cpText === undefined ? undefined : checkUuid(command, '--checkpoint-id', cpText);
  const since = isoOption(command, '--since', stringOption(values, 'since'));
  const connection = connectionArgs(command, values);
  const wait = values.wait === true;
  const deadline = startDeadline(wait ? DEFAULT_VAULT_TIMEOUT_SECONDS : LIST_TIMEOUT_SECONDS, `the vault-backups command bound${wait ? ' with --wait' : ''}`);
  return exitCodeOf(() => withCbr(connection, io.env, async (api) => {
    const vault = await resolveVault(api, selector, deadline.signal);
    const seen = new Map<string, string>();
    let backups: WireCbrBackup[];
    for (;;) {
      backups = await collectBackups(api, vault.id, checkpointId, since, deadline.signal);
      if (!wait) break;
      for (const b of backups) {
        if (seen.get(b.id) !== b.status) io.err(progressLine({ resourceId: b.resource_id, resourceName: b.resource_name, backupId: b.id, status: b.status }));
        seen.set(b.id, b.status);
      }
      if (backups.every((b) => FINAL.includes(b.status))) break;
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, 2000);
        deadline.signal.addEventListener('abort', () => {
          clearTimeout(t);
          reject(deadline.signal.reason);
        }, { once: true });
      });
    }
    io.err(`${plural(backups.length, 'backup')} of ${vaultLabel(vault)} in project ${api.projectId}` +
      (checkpointId ? ` from checkpoint ${checkpointId}` : '') + (since ? ` created since ${since.toISOString()}` : ''));
    if (values.json === true) {
      io.out(jsonDocument({
        vaultId: vault.id, vaultName: vault.name, projectId: api.projectId,
        ...(checkpointId ? { checkpointId } : {}), ...(since ? { since: since.toISOString() } : {}),
        backups: backups.map(backupJson),
      }));
    } else {
      for (const line of backupsTable(backups)) io.out(line);
    }
    return 0;
  }), io, deadline, 'cli');
}

/** Newest first: the newest DEFAULT_BACKUP_COUNT, or every backup since `since` (up to MAX_BACKUPS); top-level backups only. */
async function collectBackups(api: VaultApi, vaultId: string, checkpointId: string | undefined, since: Date | undefined, signal: AbortSignal): Promise<WireCbrBackup[]> {
  const q = { vault_id: vaultId, ...(checkpointId ? { checkpoint_id: checkpointId } : {}), sort: 'created_at:desc' };
  if (!since) {
    const page = await api.listBackups({ ...q, limit: checkpointId ? MAX_BACKUPS : DEFAULT_BACKUP_COUNT }, { signal });
    return page.backups.filter((b) => !b.parent_id);
  }
  const page = await api.listBackups({ ...q, limit: MAX_BACKUPS }, { signal });
  return page.backups.filter((b) => !b.parent_id && (Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(b.created_at) ? b.created_at : `${b.created_at}Z`) >= since.getTime()));
}

const VAULTS_OPTIONS = apiCommandOptions({});

/** Runs `vbs-backup vaults`; resolves to the exit code. */
export async function runVaults(argv: string[], io: CliIo): Promise<number> {
  const values = parseOrHelp('vaults', argv, VAULTS_OPTIONS, io);
  if (!values) return 0;
  const connection = connectionArgs('vaults', values);
  const deadline = startDeadline(LIST_TIMEOUT_SECONDS, 'the vaults command bound');
  return exitCodeOf(() => withCbr(connection, io.env, async (api) => {
    const vaults = await api.listAllVaults({ signal: deadline.signal });
    io.err(`${plural(vaults.length, 'vault')} in project ${api.projectId}`);
    if (values.json === true) {
      io.out(jsonDocument({ projectId: api.projectId, vaults }));
    } else {
      for (const line of table(
        ['ID', 'NAME', 'TYPE', 'STATUS', 'SIZE GB', 'RESOURCES'],
        vaults.map((v) => [v.id, v.name, v.billing?.object_type ?? '-', v.billing?.status ?? '-', String(v.billing?.size ?? '-'), String(v.resources.length)]),
      )) io.out(line);
    }
    return 0;
  }), io, deadline, 'cli');
}
