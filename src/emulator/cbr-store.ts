/**
 * The emulator's CBR data, per project: vaults, policies, checkpoints, backups and tasks.
 * Pure in-memory logic beside the VBS `Store`; the server persists it with `toData()` (the
 * state file's `cbr` key) and restores it with `fromData()`. Checkpoints, backups and tasks
 * live in `cbr-backups.ts`; this file holds the data model, vaults and policies.
 */
import { randomUUID } from 'node:crypto';
import type {
  CbrPolicyOperationType, CbrResourceType, CbrTaskStatus, CbrTaskType, WireCbrOperationDefinition, WireCbrPolicy,
  WireCbrResourceInput, WireCbrSkippedResource, WireCbrTag, WireCbrVault, WireCbrVaultResource,
} from '../contract/cbr-wire';
import { CBR_CODES, CBR_PROVIDER_IDS } from '../contract/cbr-wire';
import { cbrError } from './errors';
import type { PolicyCreateInput, PolicyUpdateInput, VaultCreateInput, VaultUpdateInput } from './cbr-validation';
import { MAX_VAULT_RESOURCES, typesFor } from './cbr-validation';

/** Nominal size of every resource, in GB (the emulator stores no data). */
export const RESOURCE_SIZE_GB = 10;
/** Backup policies per project (OTC user guide); over it P1 fails with 400 `BackupService.6001`. */
export const MAX_CBR_POLICIES = 32;
/** Checkpoints and tasks kept per project; older ones are forgotten (backups are kept until deleted). */
export const MAX_CBR_CHECKPOINTS = 10_000;
export const MAX_CBR_TASKS = 10_000;

/** A vault as stored. */
export interface StoredVault {
  id: string;
  name: string;
  description?: string;
  /** Epoch ms. */
  created: number;
  billing: VaultCreateInput['billing'];
  resources: WireCbrResourceInput[];
  policyId?: string;
  tags: WireCbrTag[];
  autoBind: boolean;
  bindRules: { tags?: WireCbrTag[] };
  autoExpand: boolean;
  locked: boolean;
  smnNotify: boolean;
  threshold: number;
  enterpriseProjectId: string;
}

/** A checkpoint as stored; its status and its resources' are computed from the times on read. */
export interface StoredCheckpoint {
  id: string;
  vaultId: string;
  vaultName: string;
  created: number;
  duration: number;
  final: 'available' | 'error';
  name: string;
  description?: string;
  auto: boolean;
  resources: { id: string; type: CbrResourceType; name: string }[];
  skipped: WireCbrSkippedResource[];
}

/** A backup as stored; `protecting` until `created + duration`, then `final`. */
export interface StoredBackup {
  id: string;
  name: string;
  description?: string;
  checkpointId: string;
  vaultId: string;
  resourceId: string;
  resourceName: string;
  resourceType: CbrResourceType;
  created: number;
  duration: number;
  final: 'available' | 'error';
  auto: boolean;
  incremental: boolean;
  policyId?: string;
  /** Epoch ms until which a restore from this backup runs (status `restoring`). */
  restoringUntil?: number;
}

/** A task (operation log) as stored; `running` until `created + duration`, then `final`. */
export interface StoredTask {
  id: string;
  type: CbrTaskType;
  created: number;
  duration: number;
  final: CbrTaskStatus;
  vaultId: string;
  vaultName: string;
  providerId: string;
  checkpointId?: string;
  policyId?: string;
  resource?: { id: string; name: string; type: CbrResourceType };
  backup?: { backup_id: string; backup_name: string; incremental: string };
  /** A restore task's backup and target disk. */
  restore?: { backup_id: string; backup_name: string; target_resource_id: string; target_resource_name: string };
  error?: { code: string; message: string };
  counts?: { fail_count: number; total_count: number };
}

/** A CBR policy as stored. */
export interface StoredCbrPolicy {
  id: string;
  name: string;
  enabled: boolean;
  operationType: CbrPolicyOperationType;
  definition: WireCbrOperationDefinition;
  pattern: string[];
  created: number;
  triggerId: string;
}

/** The serialisable form of one project (the state file's `cbr.<projectId>`). */
export interface CbrProjectData {
  vaults: StoredVault[];
  policies: StoredCbrPolicy[];
  checkpoints: StoredCheckpoint[];
  backups: StoredBackup[];
  tasks: StoredTask[];
}

/** The serialisable form of the CBR store. */
export interface CbrStoreData {
  [projectId: string]: CbrProjectData;
}

/** A vault seeded at start (`startEmulator({ vaults })`, `vbs-backup emulator --vault`). */
export interface VaultSeed {
  readonly name: string;
  readonly resourceIds: readonly string[];
  readonly projectId?: string;
}

/** One project's CBR objects; Maps keep creation order. */
export class CbrProject {
  readonly vaults = new Map<string, StoredVault>();
  readonly policies = new Map<string, StoredCbrPolicy>();
  readonly checkpoints = new Map<string, StoredCheckpoint>();
  readonly backups = new Map<string, StoredBackup>();
  readonly tasks = new Map<string, StoredTask>();
  /** The newest backup of each resource (the only one that can still be running). */
  readonly latest = new Map<string, StoredBackup>();
  /** Backups kept per resource. */
  readonly counts = new Map<string, number>();
  /** The vault each resource is in (a resource is in at most one vault). */
  readonly owner = new Map<string, string>();

  constructor(readonly id: string) {}

  /** A vault, or 404 `BackupService.6105`. */
  vault(vaultId: string): StoredVault {
    const v = this.vaults.get(vaultId.toLowerCase());
    if (!v) throw cbrError(CBR_CODES.vaultNotFound, `Vault ${clip(vaultId)} does not exist in project ${this.id}`, 404);
    return v;
  }

  /** A policy, or 404 `BackupService.6000`. */
  policy(policyId: string): StoredCbrPolicy {
    const p = this.policies.get(policyId.toLowerCase());
    if (!p) throw cbrError(CBR_CODES.policyNotFound, `Policy ${clip(policyId)} does not exist in project ${this.id}`, 404);
    return p;
  }

  addBackup(b: StoredBackup): void {
    this.backups.set(b.id, b);
    this.latest.set(b.resourceId, b);
    this.counts.set(b.resourceId, (this.counts.get(b.resourceId) ?? 0) + 1);
  }

  removeBackup(b: StoredBackup): void {
    this.backups.delete(b.id);
    const n = (this.counts.get(b.resourceId) ?? 1) - 1;
    if (n > 0) this.counts.set(b.resourceId, n);
    else this.counts.delete(b.resourceId);
    if (this.latest.get(b.resourceId) === b) {
      this.latest.delete(b.resourceId);
      let newest: StoredBackup | undefined;
      for (const other of this.backups.values()) if (other.resourceId === b.resourceId) newest = other;
      if (newest) this.latest.set(b.resourceId, newest);
    }
  }

  /** The running backup of a resource at `now`, if any. */
  running(resourceId: string, now: number): StoredBackup | undefined {
    const b = this.latest.get(resourceId);
    return b !== undefined && now - b.created < b.duration ? b : undefined;
  }

  addTask(t: StoredTask): void {
    this.tasks.set(t.id, t);
    if (this.tasks.size > MAX_CBR_TASKS) this.tasks.delete(this.tasks.keys().next().value as string);
  }

  addCheckpoint(c: StoredCheckpoint): void {
    this.checkpoints.set(c.id, c);
    if (this.checkpoints.size > MAX_CBR_CHECKPOINTS) this.checkpoints.delete(this.checkpoints.keys().next().value as string);
  }
}

/** Every project's CBR data. */
export class CbrStore {
  private readonly projects = new Map<string, CbrProject>();

  /** `seeds` without a project are made in every project when it is first used. */
  constructor(private readonly seeds: readonly VaultSeed[] = []) {}

  /** The project, created (with the seeded vaults that apply to it) on first use. */
  project(projectId: string): CbrProject {
    let p = this.projects.get(projectId);
    if (!p) {
      p = new CbrProject(projectId);
      this.projects.set(projectId, p);
      this.applySeeds(p);
    }
    return p;
  }

  peekProject(projectId: string): CbrProject | undefined {
    return this.projects.get(projectId);
  }

  /** Every project made so far. */
  allProjects(): IterableIterator<CbrProject> {
    return this.projects.values();
  }

  /** Makes the seeded vaults of projects named by a seed, and of every loaded project. */
  seedAll(): void {
    for (const seed of this.seeds) if (seed.projectId !== undefined) this.project(seed.projectId);
    for (const p of this.projects.values()) this.applySeeds(p);
  }

  /**
   * Creates each seed that applies to the project unless a vault of that name exists, or one of
   * its disks is already in another vault (a state file may have moved it): never an error.
   */
  private applySeeds(p: CbrProject): void {
    for (const seed of this.seeds) {
      if (seed.projectId !== undefined && seed.projectId !== p.id) continue;
      if ([...p.vaults.values()].some((v) => v.name === seed.name)) continue;
      if (seed.resourceIds.some((id) => p.owner.has(id.toLowerCase()))) continue;
      createVault(p, {
        name: seed.name,
        billing: {
          consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup',
          size: Math.max(100, RESOURCE_SIZE_GB * seed.resourceIds.length), charging_mode: 'post_paid', cloud_type: 'public',
        },
        resources: seed.resourceIds.map((id) => ({ id: id.toLowerCase(), type: 'OS::Cinder::Volume' })),
        tags: [], autoBind: false, bindRules: {}, autoExpand: false, locked: false, enterpriseProjectId: '0',
      }, Date.now());
    }
  }

  toData(): CbrStoreData {
    const out: CbrStoreData = {};
    for (const [id, p] of this.projects) {
      out[id] = {
        vaults: [...p.vaults.values()], policies: [...p.policies.values()], checkpoints: [...p.checkpoints.values()],
        backups: [...p.backups.values()], tasks: [...p.tasks.values()],
      };
    }
    return out;
  }

  /** Replaces the content with saved data (already checked by the state file loader). */
  fromData(data: CbrStoreData): void {
    this.projects.clear();
    for (const [id, d] of Object.entries(data)) {
      const p = new CbrProject(id);
      for (const v of d.vaults) {
        p.vaults.set(v.id, v);
        for (const r of v.resources) p.owner.set(r.id, v.id);
      }
      for (const x of d.policies) p.policies.set(x.id, x);
      for (const c of d.checkpoints) p.checkpoints.set(c.id, c);
      for (const b of d.backups) p.addBackup(b);
      for (const t of d.tasks) p.tasks.set(t.id, t);
      this.projects.set(id, p);
    }
  }

  clear(): void {
    this.projects.clear();
  }
}

// ---------------------------------------------------------------------------------------------
// Vaults

/** V1 (and seeding): resources must fit the vault type and be in no other vault (6103). */
export function createVault(p: CbrProject, input: VaultCreateInput, now: number): StoredVault {
  if (input.policyId !== undefined) checkPolicyFits(p.policy(input.policyId), input.billing.protect_type);
  for (const r of input.resources) {
    if (p.owner.has(r.id)) throw cbrError(CBR_CODES.resourceInAnotherVault, `Resource ${r.id} is already in vault ${p.owner.get(r.id)}; a resource can be in one vault only`);
  }
  const vault: StoredVault = {
    id: randomUUID(), name: input.name, created: now, billing: { ...input.billing },
    resources: input.resources.map((r) => ({ ...r })), tags: input.tags, autoBind: input.autoBind, bindRules: input.bindRules,
    autoExpand: input.autoExpand, locked: input.locked, smnNotify: true, threshold: 80, enterpriseProjectId: input.enterpriseProjectId,
  };
  if (input.description !== undefined) vault.description = input.description;
  if (input.policyId !== undefined) vault.policyId = input.policyId.toLowerCase();
  p.vaults.set(vault.id, vault);
  for (const r of vault.resources) p.owner.set(r.id, vault.id);
  return vault;
}

/** V4: only the given fields change; `locked` cannot be undone. */
export function updateVault(vault: StoredVault, input: VaultUpdateInput): StoredVault {
  if (input.locked === false && vault.locked) throw cbrError('BackupService.6110', `Vault ${vault.id} is locked; locking cannot be undone`);
  if (input.name !== undefined) vault.name = input.name;
  if (input.size !== undefined) vault.billing.size = input.size;
  if (input.autoBind !== undefined) vault.autoBind = input.autoBind;
  if (input.bindRules !== undefined) vault.bindRules = input.bindRules;
  if (input.autoExpand !== undefined) vault.autoExpand = input.autoExpand;
  if (input.smnNotify !== undefined) vault.smnNotify = input.smnNotify;
  if (input.threshold !== undefined) vault.threshold = input.threshold;
  if (input.locked !== undefined) vault.locked = input.locked;
  return vault;
}

/** V6: new resources are added; ones already in this vault are ignored; none new is 400 6108. */
export function addResources(p: CbrProject, vault: StoredVault, resources: WireCbrResourceInput[]): string[] {
  const added: WireCbrResourceInput[] = [];
  for (const r of resources) {
    const owner = p.owner.get(r.id);
    if (owner === vault.id) continue;
    if (owner !== undefined) throw cbrError(CBR_CODES.resourceInAnotherVault, `Resource ${r.id} is already in vault ${owner}; a resource can be in one vault only`);
    if (!typesFor(vault.billing.object_type).includes(r.type)) {
      throw cbrError(CBR_CODES.typeNotSupported, `Resource ${r.id} of type ${r.type} cannot go into ${vault.billing.object_type} vault ${vault.id}`);
    }
    added.push(r);
  }
  if (added.length === 0) throw cbrError(CBR_CODES.noNewResources, `Every resource given is already in vault ${vault.id}; nothing to add`);
  if (vault.resources.length + added.length > MAX_VAULT_RESOURCES) {
    throw cbrError(CBR_CODES.vaultResourceLimit, `Vault ${vault.id} holds ${vault.resources.length} resources; adding ${added.length} would pass the limit of ${MAX_VAULT_RESOURCES}`);
  }
  for (const r of added) {
    vault.resources.push({ ...r });
    p.owner.set(r.id, vault.id);
  }
  return added.map((r) => r.id);
}

/** The wire form of a vault at `now`. */
export function vaultToWire(p: CbrProject, v: StoredVault, now: number): WireCbrVault {
  const resources = v.resources.map((r): WireCbrVaultResource => {
    const latest = p.latest.get(r.id);
    const status = latest === undefined ? 'available' : now - latest.created < latest.duration ? 'protecting' : latest.final;
    const out: WireCbrVaultResource = {
      id: r.id, name: r.name ?? r.id, type: r.type, protect_status: status,
      size: RESOURCE_SIZE_GB, backup_size: 0, backup_count: p.counts.get(r.id) ?? 0,
    };
    if (r.extra_info !== undefined) out.extra_info = { ...r.extra_info };
    return out;
  });
  const out: WireCbrVault = {
    id: v.id, name: v.name, project_id: p.id, created_at: formatCbrTime(v.created),
    provider_id: providerFor(v.billing.object_type),
    billing: {
      allocated: RESOURCE_SIZE_GB * v.resources.length, charging_mode: v.billing.charging_mode, cloud_type: v.billing.cloud_type,
      consistent_level: v.billing.consistent_level, object_type: v.billing.object_type, protect_type: v.billing.protect_type,
      size: v.billing.size, spec_code: specCode(v.billing.object_type), status: 'available', used: 0,
      storage_unit: '', frozen_scene: '',
    },
    resources, tags: v.tags.map((t) => ({ ...t })), auto_bind: v.autoBind, bind_rules: v.bindRules, auto_expand: v.autoExpand,
    locked: v.locked, smn_notify: v.smnNotify, threshold: v.threshold, enterprise_project_id: v.enterpriseProjectId,
  };
  if (v.description !== undefined) out.description = v.description;
  return out;
}

export function providerFor(objectType: string): string {
  return objectType === 'server' ? CBR_PROVIDER_IDS.server : objectType === 'turbo' ? CBR_PROVIDER_IDS.turbo
    : objectType === 'vmware' ? CBR_PROVIDER_IDS.vmware : CBR_PROVIDER_IDS.disk;
}

function specCode(objectType: string): string {
  return `vault.backup.${objectType === 'disk' ? 'volume' : objectType}.normal`;
}

// ---------------------------------------------------------------------------------------------
// Policies

/** P1; 32 policies of each operation type per project (400 6001). */
export function createPolicy(p: CbrProject, input: PolicyCreateInput, now: number): StoredCbrPolicy {
  const same = [...p.policies.values()].filter((x) => x.operationType === input.operationType).length;
  if (same >= MAX_CBR_POLICIES) {
    throw cbrError(CBR_CODES.policyLimit, `Project ${p.id} already has ${same} ${input.operationType} policies; the limit is ${MAX_CBR_POLICIES}`);
  }
  const policy: StoredCbrPolicy = {
    id: randomUUID(), name: input.name, enabled: input.enabled, operationType: input.operationType,
    definition: input.definition, pattern: input.pattern, created: now, triggerId: randomUUID(),
  };
  p.policies.set(policy.id, policy);
  return policy;
}

/** P4. */
export function updatePolicy(policy: StoredCbrPolicy, input: PolicyUpdateInput): StoredCbrPolicy {
  if (input.name !== undefined) policy.name = input.name;
  if (input.enabled !== undefined) policy.enabled = input.enabled;
  if (input.definition !== undefined) policy.definition = input.definition;
  if (input.pattern !== undefined) policy.pattern = input.pattern;
  return policy;
}

/** P5: allowed while applied; the vaults lose the policy, backups are kept. */
export function deletePolicy(p: CbrProject, policy: StoredCbrPolicy): void {
  for (const v of p.vaults.values()) if (v.policyId === policy.id) delete v.policyId;
  p.policies.delete(policy.id);
}

/** 400 6127 unless a policy of this operation type fits a vault of this protect type. */
export function checkPolicyFits(policy: StoredCbrPolicy, protectType: string): void {
  if (policy.operationType !== 'backup' || protectType !== 'backup') {
    throw cbrError(CBR_CODES.policyNotForVault, `Policy ${policy.id} (${policy.operationType}) cannot be applied to a ${protectType} vault; the emulator applies backup policies to backup vaults`);
  }
}

/** The wire form of a policy: unset retention counts echo -1, unset periodic counts 0. */
export function policyToWire(p: CbrProject, x: StoredCbrPolicy): WireCbrPolicy {
  const d = x.definition;
  const definition: WireCbrOperationDefinition = {
    ...d,
    max_backups: d.max_backups ?? -1,
    retention_duration_days: d.retention_duration_days ?? -1,
    day_backups: d.day_backups ?? 0,
    week_backups: d.week_backups ?? 0,
    month_backups: d.month_backups ?? 0,
    year_backups: d.year_backups ?? 0,
  };
  const vaults = [...p.vaults.values()].filter((v) => v.policyId === x.id).map((v) => ({ vault_id: v.id, destination_vault_id: '' }));
  return {
    id: x.id, name: x.name, enabled: x.enabled, operation_type: x.operationType, operation_definition: definition,
    trigger: { id: x.triggerId, name: 'default', type: 'time', properties: { pattern: [...x.pattern], start_time: formatCbrTime(x.created) } },
    associated_vaults: vaults,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** `2019-05-10T07:59:12.733+00:00`: the form of the API's examples. */
export function formatCbrTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}+00:00`;
}

/** An id shortened for messages. */
export function clip(id: string): string {
  return id.length > 64 ? `${id.slice(0, 61)}...` : id;
}
