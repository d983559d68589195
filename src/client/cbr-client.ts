/**
 * CbrClient: every operation of the CBR v3 API (`CBR_OPERATIONS` in src/contract/cbr-wire.ts:
 * vaults, checkpoints, backups, policies, tasks), plus find a vault by name, a duplicate-free
 * "back up now" (`backupVault`, cbr-backup.ts) and a wait for a run's backups.
 *
 * Everything below the operations is the core VbsClient uses too (service.ts, caller.ts):
 * the same credentials, transports, retries, deadlines, AbortSignals and typed errors; only the
 * paths and the shapes of the answers are CBR's.
 */
import type { CallOptions, CallSpec } from './caller';
import { BackupVaultOptions, BackupVaultResult, CbrBackupOps, findBackupsNamed, runBackupVault, waitForRun, WaitForBackupsOptions } from './cbr-backup';
import {
  CbrRestoreOps, listTriggerRuns, RestoreBackupOptions, RestoreOutcome, RestoreStarted, runRestore, TriggerRun, waitRestore, WaitForRestoreOptions,
} from './cbr-restore';
import {
  cbrAddResources, cbrAssociatePolicy, cbrBackup, cbrBackupList, cbrCheckpoint, cbrDissociatePolicy, cbrOperationLog, cbrOperationLogList,
  cbrPolicy, cbrPolicyList, cbrRemoveResources, cbrVault, cbrVaultList,
} from './cbr-shape';
import {
  CBR_CODES, CbrBackupListQuery, CbrOperationLogListQuery, CbrPolicyListQuery, CbrVaultListQuery, WireCbrAddResourcesRequest,
  WireCbrBackup, WireCbrBackupList, WireCbrCheckpoint, WireCbrCheckpointCreateRequest, WireCbrOperationLog, WireCbrOperationLogList, WireCbrPolicy,
  WireCbrPolicyCreateRequest, WireCbrPolicyUpdateRequest, WireCbrVault, WireCbrVaultCreateRequest, WireCbrVaultList, WireCbrVaultUpdateRequest,
} from '../contract/cbr-wire';
import { UUID_PATTERN } from '../contract/wire';
import { VbsAmbiguousNameError, VbsApiError, VbsConfigError, VbsNotFoundError } from './errors';
import { ClientOptions, ServiceCore, SharedClients } from './service';
import type { ShapeCheck } from './shape';

/** Options of a CbrClient: those of a VbsClient, with the CBR endpoint. */
export interface CbrClientOptions extends ClientOptions {
  /** Base URL of CBR. @default - CBR_ENDPOINT, else `https://cbr.<region>.<cloud domain>` */
  readonly endpoint?: string;
}

const sharedClients = new SharedClients<CbrClient>('cbr');
/** Items per page when the client pages through a list itself. */
const PAGE = 1000;

/** Client of the CBR v3 API (Cloud Backup and Recovery). */
export class CbrClient {
  /** One client per (endpoint, project id, credentials); later options other than those are ignored. */
  public static shared(options: CbrClientOptions = {}): CbrClient {
    return sharedClients.get(options, (resolved) => new CbrClient(resolved));
  }

  /** Base URL requests go to, without a trailing slash. */
  public readonly endpoint: string;
  /** Project id (32 lower-case hex). */
  public readonly projectId: string;
  /** Region, when known. */
  public readonly region: string | undefined;
  private readonly core: ServiceCore;
  private readonly ops: CbrBackupOps;
  private readonly restoreOps: CbrRestoreOps;

  constructor(options: CbrClientOptions = {}) {
    this.core = new ServiceCore('cbr', options);
    ({ endpoint: this.endpoint, projectId: this.projectId, region: this.region } = this.core);
    this.ops = {
      createCheckpoint: (spec, o) => this.core.caller.call(spec, o),
      parseCheckpoint: (r) => this.core.caller.json('createCheckpoint', r, cbrCheckpoint),
      checkpointPath: this.base('/checkpoints'),
      showVault: (id, o) => this.showVault(id, o),
      showCheckpoint: (id, o) => this.showCheckpoint(id, o),
      listBackups: (q, o) => this.listBackups(q, o),
      showBackup: (id, o) => this.showBackup(id, o),
      listTasks: (q, o) => this.listTasks(q, o),
      now: this.core.now,
      random: this.core.random,
      skewMs: this.core.skewMs,
      serverTime: (t) => this.core.caller.serverClock.earliestServerTime(t, this.core.skewMs),
    };
    this.restoreOps = {
      call: (spec, o) => this.core.caller.call(spec, o),
      projectPath: this.base(''),
      listBackups: (q, o) => this.listBackups(q, o),
      showBackup: (id, o) => this.showBackup(id, o),
      listTasks: (q, o) => this.listTasks(q, o),
      now: this.core.now,
      serverTime: this.ops.serverTime,
    };
  }

  // ---- vaults ----------------------------------------------------------------------------

  /** Creates a vault (V1). Not retried after an ambiguous failure (it could create two). */
  public async createVault(body: WireCbrVaultCreateRequest, o?: CallOptions): Promise<WireCbrVault> {
    return this.json('createVault', cbrVault, { method: 'POST', url: this.base('/vaults'), body, idempotent: false }, o);
  }

  /** One vault (V2); a VbsApiError 404 `BackupService.6105` when there is none. */
  public async showVault(vaultId: string, o?: CallOptions): Promise<WireCbrVault> {
    return this.json('showVault', cbrVault, { method: 'GET', url: this.path('/vaults/', vaultId, 'vault', 'showVault') }, o);
  }

  /** One page of vaults (V3) with the API's filters. */
  public async listVaults(q: CbrVaultListQuery = {}, o?: CallOptions): Promise<WireCbrVaultList> {
    return this.json('listVaults', cbrVaultList, { method: 'GET', url: this.base('/vaults'), query: queryPairs(q) }, o);
  }

  /** Every vault of the project (V3, all pages). */
  public async listAllVaults(o?: CallOptions): Promise<WireCbrVault[]> {
    const all: WireCbrVault[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.listVaults({ limit: PAGE, offset }, o);
      all.push(...page.vaults);
      if (page.vaults.length < PAGE || offset + PAGE >= page.count) return all;
    }
  }

  /**
   * The vault with exactly this name (the name filter of V3 may match substrings: only exact
   * names count).
   * @throws VbsNotFoundError when no vault has the name
   * @throws VbsAmbiguousNameError when several have it, naming each id
   */
  public async findVaultByName(name: string, o?: CallOptions): Promise<WireCbrVault> {
    if (typeof name !== 'string' || name.length === 0) throw new VbsConfigError('findVaultByName: the vault name must be a non-empty string');
    const matches: WireCbrVault[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.listVaults({ name, limit: PAGE, offset }, o);
      matches.push(...page.vaults.filter((v) => v.name === name));
      if (page.vaults.length < PAGE || offset + PAGE >= page.count) break;
    }
    const lookup = { operation: 'findVaultByName', kind: 'vault', by: 'name', value: name, projectId: this.projectId };
    if (matches.length === 0) throw new VbsNotFoundError(lookup, `no vault named "${name}" in project ${this.projectId} at ${this.endpoint}`);
    if (matches.length > 1) {
      const ids = matches.map((v) => v.id);
      throw new VbsAmbiguousNameError(lookup, ids, `${matches.length} vaults are named "${name}" (${ids.join(', ')}) in project ${this.projectId}; refer to one by id`);
    }
    return matches[0];
  }

  /** Changes a vault (V4). */
  public async updateVault(vaultId: string, body: WireCbrVaultUpdateRequest, o?: CallOptions): Promise<WireCbrVault> {
    return this.json('updateVault', cbrVault, { method: 'PUT', url: this.path('/vaults/', vaultId, 'vault', 'updateVault'), body }, o);
  }

  /** Deletes a vault and all its backups (V5). */
  public async deleteVault(vaultId: string, o?: CallOptions): Promise<void> {
    await this.send('deleteVault', { method: 'DELETE', url: this.path('/vaults/', vaultId, 'vault', 'deleteVault'), expect: [200, 202, 204] }, o);
  }

  /** Associates resources with a vault (V6); resolves to the ids added. */
  public async addVaultResources(vaultId: string, resources: WireCbrAddResourcesRequest['resources'], o?: CallOptions): Promise<string[]> {
    const url = `${this.path('/vaults/', vaultId, 'vault', 'addVaultResources')}/addresources`;
    return (await this.json('addVaultResources', cbrAddResources, { method: 'POST', url, body: { resources } }, o)).add_resource_ids;
  }

  /** Dissociates resources from a vault (V7), which deletes their backups; resolves to the ids removed. */
  public async removeVaultResources(vaultId: string, resourceIds: readonly string[], o?: CallOptions): Promise<string[]> {
    const url = `${this.path('/vaults/', vaultId, 'vault', 'removeVaultResources')}/removeresources`;
    return (await this.json('removeVaultResources', cbrRemoveResources, { method: 'POST', url, body: { resource_ids: resourceIds } }, o)).remove_resource_ids;
  }

  /** Applies a policy to a vault (V8). */
  public async associateVaultPolicy(vaultId: string, policyId: string, o?: CallOptions): Promise<void> {
    const url = `${this.path('/vaults/', vaultId, 'vault', 'associateVaultPolicy')}/associatepolicy`;
    await this.json('associateVaultPolicy', cbrAssociatePolicy, { method: 'POST', url, body: { policy_id: checkId(policyId, 'policy', 'associateVaultPolicy') } }, o);
  }

  /** Removes a policy from a vault (V9). */
  public async dissociateVaultPolicy(vaultId: string, policyId: string, o?: CallOptions): Promise<void> {
    const url = `${this.path('/vaults/', vaultId, 'vault', 'dissociateVaultPolicy')}/dissociatepolicy`;
    await this.json('dissociateVaultPolicy', cbrDissociatePolicy, { method: 'POST', url, body: { policy_id: checkId(policyId, 'policy', 'dissociateVaultPolicy') } }, o);
  }

  // ---- checkpoints -----------------------------------------------------------------------

  /**
   * One raw C1 call: a checkpoint as `body` asks, sent once (not retried after an ambiguous
   * failure: it could back a resource up twice). Prefer {@link backupVault}, which names the
   * checkpoint, finds it after an ambiguous failure, and deals with busy resources.
   */
  public async createCheckpoint(body: WireCbrCheckpointCreateRequest, o?: CallOptions): Promise<WireCbrCheckpoint> {
    checkId(body?.checkpoint?.vault_id, 'vault', 'createCheckpoint');
    return this.json('createCheckpoint', cbrCheckpoint, { method: 'POST', url: this.base('/checkpoints'), body, idempotent: false }, o);
  }

  /**
   * One checkpoint (C2). An unknown checkpoint is a VbsApiError with status 404 and code
   * `BackupService.6217`, also when Huawei answers with its 401 "Malformed request url" quirk.
   */
  public async showCheckpoint(checkpointId: string, o?: CallOptions): Promise<WireCbrCheckpoint> {
    const url = this.path('/checkpoints/', checkpointId, 'checkpoint', 'showCheckpoint');
    try {
      return await this.json('showCheckpoint', cbrCheckpoint, { method: 'GET', url }, o);
    } catch (e) {
      if (e instanceof VbsApiError && e.status === 401 && /malformed request url/i.test(e.apiMessage)) {
        throw new VbsApiError({
          operation: 'showCheckpoint', status: 404, code: CBR_CODES.checkpointNotFound,
          message: `no checkpoint ${checkpointId} (the service answered 401 "${e.apiMessage}", its answer for an unknown or deleted checkpoint)`,
          requestId: e.requestId,
        });
      }
      throw e;
    }
  }

  /**
   * Backs up a vault now, each targeted resource exactly once (see cbr-backup.ts): one
   * checkpoint, plus, only with `whenBusy: 'wait'` when some resources were being backed up,
   * one checkpoint of just those once their running backups end. After an ambiguous failure it
   * looks for its own uniquely named checkpoint before sending again.
   */
  public async backupVault(vaultId: string, o: BackupVaultOptions = {}): Promise<BackupVaultResult> {
    checkId(vaultId, 'vault', 'backupVault');
    return runBackupVault(this.ops, vaultId, o);
  }

  /**
   * Polls the backups of a run (or of one checkpoint, by id) until every one is final
   * (`available` or `error`); resolves to them. Reports each resource's status as it changes.
   * A VbsTimeoutError after `timeoutSeconds`.
   */
  public async waitForBackups(run: BackupVaultResult | string, o: WaitForBackupsOptions = {}): Promise<WireCbrBackup[]> {
    if (typeof run === 'string') checkId(run, 'checkpoint', 'waitForBackups');
    return waitForRun(this.ops, run, o);
  }

  // ---- backups ---------------------------------------------------------------------------

  /** One page of backups (B1) with the API's filters (`status` may be a list). */
  public async listBackups(q: CbrBackupListQuery = {}, o?: CallOptions): Promise<WireCbrBackupList> {
    return this.json('listBackups', cbrBackupList, { method: 'GET', url: this.base('/backups'), query: queryPairs(q) }, o);
  }

  /**
   * The vault's backups whose name contains `fragment` (top-level backups only, newest first,
   * every page). A caller that gave {@link backupVault} its own `name` prefix finds its earlier
   * runs this way. The names are matched by the client, over every backup of the vault: the
   * service's `name` filter may be exact or a substring match, so it is not relied upon.
   */
  public async findBackupsByName(vaultId: string, fragment: string, o?: CallOptions): Promise<WireCbrBackup[]> {
    checkId(vaultId, 'vault', 'findBackupsByName');
    if (typeof fragment !== 'string' || fragment.length === 0) throw new VbsConfigError('findBackupsByName: the name fragment must be a non-empty string');
    return findBackupsNamed(this.ops, vaultId, fragment, o ?? {});
  }

  /** One backup (B2); a VbsApiError 404 `BackupService.6200` when there is none. */
  public async showBackup(backupId: string, o?: CallOptions): Promise<WireCbrBackup> {
    return this.json('showBackup', cbrBackup, { method: 'GET', url: this.path('/backups/', backupId, 'backup', 'showBackup') }, o);
  }

  /** Deletes a backup (B3). */
  public async deleteBackup(backupId: string, o?: CallOptions): Promise<void> {
    await this.send('deleteBackup', { method: 'DELETE', url: this.path('/backups/', backupId, 'backup', 'deleteBackup'), expect: [200, 202, 204] }, o);
  }

  /**
   * Restores a backup onto a disk (`POST /backups/{backup_id}/restore`): the disk's data is
   * overwritten. Sent once: after an ambiguous failure the client looks for the restore it may
   * have started (a `restore` task of that backup onto that disk, or the backup `restoring`)
   * before sending again, so a disk is never restored twice. A refusal (a disk already being
   * restored, `BackupService.2010`; a backup not `available`, `2005`) is a VbsApiError, not retried.
   */
  public async restoreBackup(backupId: string, o: RestoreBackupOptions): Promise<RestoreStarted> {
    return runRestore(this.restoreOps, backupId, o);
  }

  /** Polls until a restore ends (its `restore` task final); resolves `failed` rather than throwing. A VbsTimeoutError after `timeoutSeconds`. */
  public async waitForRestore(started: RestoreStarted, o: WaitForRestoreOptions = {}): Promise<RestoreOutcome> {
    return waitRestore(this.restoreOps, started, o);
  }

  /**
   * A vault trigger's runs, newest first: per run key, its checkpoints and per resource its
   * backups and the one to restore (the newest `available`); runs made before destroy are
   * marked. `triggerId` is the trigger's id (`vaultTriggerId(constructPath)`, 12 hex).
   */
  public async triggerRuns(vaultId: string, triggerId: string, o?: CallOptions): Promise<TriggerRun[]> {
    return listTriggerRuns(this.restoreOps, vaultId, triggerId, o ?? {});
  }

  // ---- policies --------------------------------------------------------------------------

  /** Creates a CBR policy (P1). Not retried after an ambiguous failure. */
  public async createPolicy(body: WireCbrPolicyCreateRequest, o?: CallOptions): Promise<WireCbrPolicy> {
    return this.json('createCbrPolicy', cbrPolicy, { method: 'POST', url: this.base('/policies'), body, idempotent: false }, o);
  }

  /** One policy (P2); a VbsApiError 404 `BackupService.6000` when there is none. */
  public async showPolicy(policyId: string, o?: CallOptions): Promise<WireCbrPolicy> {
    return this.json('showCbrPolicy', cbrPolicy, { method: 'GET', url: this.path('/policies/', policyId, 'policy', 'showCbrPolicy') }, o);
  }

  /** The policies (P3; not paged), optionally by operation type or vault. */
  public async listPolicies(q: CbrPolicyListQuery = {}, o?: CallOptions): Promise<WireCbrPolicy[]> {
    return (await this.json('listCbrPolicies', cbrPolicyList, { method: 'GET', url: this.base('/policies'), query: queryPairs(q) }, o)).policies;
  }

  /** Changes a policy (P4). */
  public async updatePolicy(policyId: string, body: WireCbrPolicyUpdateRequest, o?: CallOptions): Promise<WireCbrPolicy> {
    return this.json('updateCbrPolicy', cbrPolicy, { method: 'PUT', url: this.path('/policies/', policyId, 'policy', 'updateCbrPolicy'), body }, o);
  }

  /** Deletes a policy (P5); its backups are kept. */
  public async deletePolicy(policyId: string, o?: CallOptions): Promise<void> {
    await this.send('deleteCbrPolicy', { method: 'DELETE', url: this.path('/policies/', policyId, 'policy', 'deleteCbrPolicy'), expect: [200, 202, 204] }, o);
  }

  // ---- tasks -----------------------------------------------------------------------------

  /** One page of tasks (T1). The API has no checkpoint filter: filter `checkpoint_id` yourself. */
  public async listTasks(q: CbrOperationLogListQuery = {}, o?: CallOptions): Promise<WireCbrOperationLogList> {
    return this.json('listTasks', cbrOperationLogList, { method: 'GET', url: this.base('/operation-logs'), query: queryPairs(q) }, o);
  }

  /** One task (T2); a VbsApiError 404 `BackupService.6500` when there is none. */
  public async showTask(taskId: string, o?: CallOptions): Promise<WireCbrOperationLog> {
    return this.json('showTask', cbrOperationLog, { method: 'GET', url: this.path('/operation-logs/', taskId, 'task', 'showTask') }, o);
  }

  /** Closes the keep-alive connections; a shared client is dropped from the cache. */
  public async close(): Promise<void> {
    sharedClients.drop(this);
    await this.core.close();
  }

  private async send(operation: string, spec: Partial<CallSpec> & Pick<CallSpec, 'method' | 'url'>, o?: CallOptions) {
    return this.core.caller.call({ operation, expect: [200], idempotent: spec.method !== 'POST', ...spec }, o);
  }

  /** A call whose 200 body is checked by `shape`. POSTs that only read or bind are idempotent unless told. */
  private async json<T>(
    operation: string,
    shape: (c: ShapeCheck, value: unknown) => T,
    spec: Partial<CallSpec> & Pick<CallSpec, 'method' | 'url'>,
    o?: CallOptions,
  ): Promise<T> {
    const r = await this.core.caller.call({ operation, expect: [200], idempotent: true, ...spec }, o);
    return this.core.caller.json(operation, r.response, shape);
  }

  private base(path: string): string {
    return `/v3/${this.projectId}${path}`;
  }

  private path(prefix: string, id: string, what: string, operation: string): string {
    return this.base(`${prefix}${checkId(id, what, operation)}`);
  }
}

/** Ids go into URL paths: only a UUID is accepted, so no path can be injected. */
function checkId(value: unknown, what: string, operation: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new VbsConfigError(`${operation}: ${what} id "${String(value)}" is not a UUID (8-4-4-4-12 hexadecimal)`);
  }
  return value;
}

/** Query pairs of a filter object: lists repeat their key, booleans and numbers as text, undefined left out. */
function queryPairs(q: object): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) out.push([k, String(item)]);
  }
  return out;
}
