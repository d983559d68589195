/*
 * README-decisions for CBR (README "CBR in the emulator" and docs/architecture.md ADR 4 list
 * them; cbr-api.md section 9 numbers in brackets):
 *
 * - Errors: `{"error_code":"BackupService.NNNN","error_msg":"..."}`; bad input 400 9900; ids in
 *   a path that are unknown (UUID or not) are 404 with the object's code: vault 6105, policy
 *   6000, backup 6200, checkpoint 6217 [10, 17], task 6500. Unknown JSON keys are ignored [26].
 * - C1 without resources backs up the whole vault; an empty vault is 400 0001, an empty
 *   resources list 400 9900 [3]; resources and
 *   resource_details are united [4]; an id outside the vault is 400 6135 [5]; auto_trigger true
 *   makes the backups automatic (autobk_ name, extend_info.auto_trigger) [6]; every backup of
 *   a checkpoint carries the checkpoint's name (given, or manualbk_/autobk_ + 4 hex) [7].
 * - Busy: a resource whose newest backup is protecting is skipped with code 6125 [2]; when all
 *   are, 400 6125 (option cbrAllBusy: 0001, 0002 at HTTP 500, 6125, 6203) naming the resources
 *   and their running backups [1].
 * - Timing: a checkpoint, its resources' protect_status, its backups and their tasks turn final
 *   together after jobSeconds; all appear at once with C1; vault.resources lists only this
 *   checkpoint's resources [9]. Sizes are numbers (resources nominally 10 GB) [8, 19].
 * - Name filters (backup name, resource_name, vault name, vault_name) match substrings (option
 *   cbrNameFilter: 'exact') [11]; start_time/end_time compare created_at, inclusive [12].
 * - Lists: backups newest first, vaults and policies oldest first, tasks newest first; limit
 *   1-1000 (default 1000), offset >= 0, marker after offset's check, count before paging, limit
 *   and offset echoed; policies unpaged [13]. No per-disk children [14]. Repeated status is an
 *   OR; an unknown value is 400 9900 [15].
 * - DELETE backup is synchronous; protecting, or the newest finished one while the next runs:
 *   400 6201 [16]. Vault delete and resource removal are immediate and delete the backups [21].
 * - resource_ids filter: comma-separated ids or a JSON array [18]. Vault size 10 (create) or 1
 *   (update) to 10485760 GB, 256 resources, description 255 [20]. V8 replaces the policy; V9
 *   with another policy 404 6002 [22]. Deleting an applied policy unbinds it [23].
 * - Retention: max_backups and retention_duration_days -1 or 1-99999, periodic 0-100 with a
 *   timezone, 0 and -1 count as unset, retention_duration_days excludes the others (400 9900);
 *   P4 merges operation_definition [24]. RRULEs checked per key, echoed verbatim [25].
 * - Tasks: one backup task per backup, running then success/failed; delete, vault_delete and
 *   remove_resource tasks; never skipped/waiting/timeout; newest 10,000 per project [27].
 * - Times: 2019-05-10T07:59:12.733+00:00 [28]. The version API (A1) is not emulated [30].
 * - Restore (`POST /backups/{id}/restore`): 202 with no body; no disks are modelled, so any
 *   target id is accepted; one restore of a target at a time (400 2010), none while it is being
 *   backed up (400 2002), only from an `available` backup (400 2005); the backup is `restoring`
 *   and a `restore` task `running` for the job time, then `available` and `success`.
 */
import type { CbrOperationName } from '../contract/cbr-wire';
import { CBR_CODES, CBR_OPERATIONS } from '../contract/cbr-wire';
import type { AllBusyCode, BackupOutcome, NameFilter } from './cbr-backups';
import {
  backupOf, backupToWire, checkpointOf, checkpointToWire, createCheckpoint, deleteBackup, deleteVault, listBackups, listTasks,
  nameMatches, removeResources, restoreBackup, taskOf, taskToWire,
} from './cbr-backups';
import type { CbrProject, CbrStore } from './cbr-store';
import {
  addResources, checkPolicyFits, createPolicy, createVault, deletePolicy, policyToWire, updatePolicy, updateVault, vaultToWire,
} from './cbr-store';
import {
  Query, checkUuid, resourceInputs, requireBody, validateCheckpoint, validatePolicyCreate, validatePolicyRef, validatePolicyUpdate,
  validateRemoveResources, validateRestore, validateVaultCreate, validateVaultUpdate,
} from './cbr-validation';
import { cbrError } from './errors';
import type { HandlerResult } from './errors';
import { CBR_VAULT_STATUSES } from '../contract/cbr-wire';

/** A matched CBR route: the operation, the project and the id in the path. */
export interface CbrRoute {
  readonly operation: CbrOperationName;
  readonly projectId: string;
  /** The vault, checkpoint, backup, policy or task id of the path. */
  readonly objectId?: string;
  /** The path's collection: `vaults`, `checkpoints`, `backups`, `policies` or `operation-logs`. */
  readonly collection: string;
}

const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CBR_NAMES = new Set<string>(Object.keys(CBR_OPERATIONS));
/** Operations after which the state file is written. */
export const CBR_MUTATING: ReadonlySet<CbrOperationName> = new Set<CbrOperationName>([
  'createVault', 'updateVault', 'deleteVault', 'addVaultResources', 'removeVaultResources', 'associateVaultPolicy',
  'dissociateVaultPolicy', 'createCheckpoint', 'deleteBackup', 'restoreBackup', 'createCbrPolicy', 'updateCbrPolicy', 'deleteCbrPolicy',
]);

export function isCbrOperation(name: string): name is CbrOperationName {
  return CBR_NAMES.has(name);
}

const VAULT_ACTIONS: Record<string, CbrOperationName> = {
  addresources: 'addVaultResources',
  removeresources: 'removeVaultResources',
  associatepolicy: 'associateVaultPolicy',
  dissociatepolicy: 'dissociateVaultPolicy',
};

/** `/v3/{project_id}/...` segments to a CBR route, or undefined (404 `APIGW.0101` upstream). */
export function matchCbrRoute(method: string, s: readonly string[]): CbrRoute | undefined {
  const n = s.length;
  if (n < 3 || n > 5 || s[0] !== 'v3' || !PROJECT_ID.test(s[1])) return undefined;
  const projectId = s[1];
  const at = (operation: CbrOperationName, objectId?: string): CbrRoute => ({ operation, projectId, objectId, collection: s[2] });
  const id = n >= 4 && s[3].length > 0 ? s[3] : undefined;
  if (n === 4 && id === undefined) return undefined;
  switch (s[2]) {
    case 'vaults':
      if (n === 3) return method === 'GET' ? at('listVaults') : method === 'POST' ? at('createVault') : undefined;
      if (n === 4) return method === 'GET' ? at('showVault', id) : method === 'PUT' ? at('updateVault', id) : method === 'DELETE' ? at('deleteVault', id) : undefined;
      return n === 5 && method === 'POST' && id !== undefined && Object.hasOwn(VAULT_ACTIONS, s[4]) ? at(VAULT_ACTIONS[s[4]], id) : undefined;
    case 'checkpoints':
      if (n === 3) return method === 'POST' ? at('createCheckpoint') : undefined;
      return n === 4 && method === 'GET' ? at('showCheckpoint', id) : undefined;
    case 'backups':
      if (n === 3) return method === 'GET' ? at('listBackups') : undefined;
      if (n === 5) return method === 'POST' && id !== undefined && s[4] === 'restore' ? at('restoreBackup', id) : undefined;
      return n === 4 ? (method === 'GET' ? at('showBackup', id) : method === 'DELETE' ? at('deleteBackup', id) : undefined) : undefined;
    case 'policies':
      if (n === 3) return method === 'GET' ? at('listCbrPolicies') : method === 'POST' ? at('createCbrPolicy') : undefined;
      if (n === 4) return method === 'GET' ? at('showCbrPolicy', id) : method === 'PUT' ? at('updateCbrPolicy', id) : method === 'DELETE' ? at('deleteCbrPolicy', id) : undefined;
      return undefined;
    case 'operation-logs':
      if (n === 3) return method === 'GET' ? at('listTasks') : undefined;
      return n === 4 && method === 'GET' ? at('showTask', id) : undefined;
    default:
      return undefined;
  }
}

/** What a CBR handler needs besides the request. */
export interface CbrContext {
  readonly store: CbrStore;
  readonly now: number;
  readonly jobMs: number;
  readonly outcome: BackupOutcome;
  readonly allBusy: AllBusyCode;
  readonly nameFilter: NameFilter;
}

/** A handler's response plus ids learnt for the request log. */
export interface CbrResult extends HandlerResult {
  readonly vaultId?: string;
  readonly checkpointId?: string;
  readonly policyId?: string;
}

/** Runs an authenticated CBR request. */
export function handleCbr(ctx: CbrContext, route: CbrRoute, query: ReadonlyArray<readonly [string, string]>, body: unknown): CbrResult {
  const p = ctx.store.project(route.projectId);
  const { now } = ctx;
  const objectId = route.objectId as string;
  switch (route.operation) {
    case 'createVault': {
      const v = createVault(p, validateVaultCreate(body), now);
      return { status: 200, body: { vault: vaultToWire(p, v, now) }, vaultId: v.id };
    }
    case 'showVault':
      return { status: 200, body: { vault: vaultToWire(p, p.vault(objectId), now) }, vaultId: p.vault(objectId).id };
    case 'listVaults':
      return { status: 200, body: listVaults(p, query, now, ctx.nameFilter) };
    case 'updateVault': {
      const v = p.vault(objectId);
      updateVault(v, validateVaultUpdate(body));
      return { status: 200, body: { vault: vaultToWire(p, v, now) }, vaultId: v.id };
    }
    case 'deleteVault': {
      const v = p.vault(objectId);
      deleteVault(p, v, now);
      return { status: 204, vaultId: v.id };
    }
    case 'addVaultResources': {
      const v = p.vault(objectId);
      const b = requireBody(body, 'add resources');
      const ids = addResources(p, v, resourceInputs(b.resources, 'resources', 1, v.billing.object_type));
      return { status: 200, body: { add_resource_ids: ids }, vaultId: v.id };
    }
    case 'removeVaultResources': {
      const v = p.vault(objectId);
      return { status: 200, body: { remove_resource_ids: removeResources(p, v, validateRemoveResources(body), now) }, vaultId: v.id };
    }
    case 'associateVaultPolicy': {
      const v = p.vault(objectId);
      const policy = p.policy(validatePolicyRef(body, 'associate policy'));
      checkPolicyFits(policy, v.billing.protect_type);
      v.policyId = policy.id;
      return { status: 200, body: { associate_policy: { vault_id: v.id, policy_id: policy.id } }, vaultId: v.id, policyId: policy.id };
    }
    case 'dissociateVaultPolicy': {
      const v = p.vault(objectId);
      const policy = p.policy(validatePolicyRef(body, 'dissociate policy'));
      if (v.policyId !== policy.id) throw cbrError(CBR_CODES.policyNotApplied, `Policy ${policy.id} is not applied to vault ${v.id}`, 404);
      delete v.policyId;
      return { status: 200, body: { dissociate_policy: { vault_id: v.id, policy_id: policy.id } }, vaultId: v.id, policyId: policy.id };
    }
    case 'createCheckpoint': {
      const input = validateCheckpoint(body);
      const v = p.vault(input.vaultId);
      const c = createCheckpoint(p, v, input, { now, jobMs: ctx.jobMs, outcome: ctx.outcome, allBusy: ctx.allBusy });
      return { status: 200, body: { checkpoint: checkpointToWire(p, c, now) }, vaultId: v.id, checkpointId: c.id };
    }
    case 'showCheckpoint': {
      const c = checkpointOf(p, objectId);
      return { status: 200, body: { checkpoint: checkpointToWire(p, c, now) }, vaultId: c.vaultId, checkpointId: c.id };
    }
    case 'listBackups': {
      const list = listBackups(p, query, now, ctx.nameFilter);
      const ids = queryIds(query);
      return { status: 200, body: list, vaultId: ids.vault, checkpointId: ids.checkpoint };
    }
    case 'showBackup': {
      const b = backupOf(p, objectId);
      return { status: 200, body: { backup: backupToWire(p, b, now) }, vaultId: b.vaultId, checkpointId: b.checkpointId };
    }
    case 'deleteBackup': {
      const b = backupOf(p, objectId);
      deleteBackup(p, b, now);
      return { status: 204, vaultId: b.vaultId, checkpointId: b.checkpointId };
    }
    case 'restoreBackup': {
      const b = backupOf(p, objectId);
      restoreBackup(p, b, validateRestore(body), { now, jobMs: ctx.jobMs, outcome: ctx.outcome });
      return { status: 202, vaultId: b.vaultId, checkpointId: b.checkpointId };
    }
    case 'createCbrPolicy': {
      const policy = createPolicy(p, validatePolicyCreate(body), now);
      return { status: 200, body: { policy: policyToWire(p, policy) }, policyId: policy.id };
    }
    case 'showCbrPolicy':
      return { status: 200, body: { policy: policyToWire(p, p.policy(objectId)) } };
    case 'listCbrPolicies':
      return { status: 200, body: listPolicies(p, query) };
    case 'updateCbrPolicy': {
      const policy = p.policy(objectId);
      updatePolicy(policy, validatePolicyUpdate(body, policy.operationType, policy.definition));
      return { status: 200, body: { policy: policyToWire(p, policy) } };
    }
    case 'deleteCbrPolicy':
      deletePolicy(p, p.policy(objectId));
      return { status: 204 };
    case 'listTasks':
      return { status: 200, body: listTasks(p, query, now, ctx.nameFilter), vaultId: queryIds(query).vault };
    case 'showTask': {
      const t = taskOf(p, objectId);
      return { status: 200, body: { operation_log: taskToWire(p, t, now) }, vaultId: t.vaultId, checkpointId: t.checkpointId };
    }
  }
}

/** `vault_id` and `checkpoint_id` of a (validated) query, for the request log. */
function queryIds(query: ReadonlyArray<readonly [string, string]>): { vault?: string; checkpoint?: string } {
  const out: { vault?: string; checkpoint?: string } = {};
  for (const [name, value] of query) {
    if (name === 'vault_id') out.vault = value.toLowerCase();
    else if (name === 'checkpoint_id') out.checkpoint = value.toLowerCase();
  }
  return out;
}

/** V3: filters, creation order, `limit`/`offset` echoed, `count` before paging. */
function listVaults(p: CbrProject, pairs: ReadonlyArray<readonly [string, string]>, now: number, mode: NameFilter): unknown {
  const q = new Query(pairs);
  const id = q.uuid('id');
  const name = q.one('name');
  const status = q.enumOf('status', CBR_VAULT_STATUSES);
  const objectType = q.one('object_type');
  const protectType = q.one('protect_type');
  const cloudType = q.one('cloud_type');
  const policyId = q.uuid('policy_id');
  const resourceIds = parseResourceIds(q.one('resource_ids'));
  q.one('enterprise_project_id');
  const { limit, offset } = q.paging();
  const rows = [...p.vaults.values()].filter((v) => (id === undefined || v.id === id)
    && nameMatches(v.name, name, mode)
    && (status === undefined || status === 'available')
    && (objectType === undefined || v.billing.object_type === objectType)
    && (protectType === undefined || v.billing.protect_type === protectType)
    && (cloudType === undefined || v.billing.cloud_type === cloudType)
    && (policyId === undefined || v.policyId === policyId)
    && (resourceIds === undefined || v.resources.some((r) => resourceIds.includes(r.id))));
  return { vaults: rows.slice(offset, offset + limit).map((v) => vaultToWire(p, v, now)), count: rows.length, limit, offset };
}

/** `resource_ids`: comma-separated ids, or a JSON array of ids. */
function parseResourceIds(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  let items: unknown[];
  if (value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      items = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      items = [value];
    }
  } else {
    items = value.split(',').map((s) => s.trim());
  }
  return items.map((v, i) => checkUuid(v, `query parameter resource_ids[${i}]`));
}

/** P3: `operation_type` and `vault_id` filters, creation order, no paging. */
function listPolicies(p: CbrProject, pairs: ReadonlyArray<readonly [string, string]>): unknown {
  const q = new Query(pairs);
  const type = q.enumOf('operation_type', ['backup', 'replication'] as const);
  const vaultId = q.uuid('vault_id');
  const bound = vaultId === undefined ? undefined : p.vaults.get(vaultId)?.policyId;
  const rows = [...p.policies.values()].filter((x) => (type === undefined || x.operationType === type) && (vaultId === undefined || x.id === bound));
  return { policies: rows.map((x) => policyToWire(p, x)), count: rows.length };
}
