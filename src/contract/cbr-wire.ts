/**
 * Wire shapes of the CBR v3 API (Cloud Backup and Recovery: vaults, checkpoints, backups,
 * policies, operation logs), shared by the client and the emulator so both speak exactly the
 * same JSON. Field names are the API's. This module imports nothing (like `wire.ts`).
 *
 * Numbers the API documents as strings in some places and numbers in others (a checkpoint
 * resource's `resource_size`, `backup_size`, `backup_count`) are typed `number | string`:
 * readers accept both.
 */

/** Checkpoint and backup names given by the caller: 1-64 of `[A-Za-z0-9_-]`. */
export const CBR_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Filter time format of B1 and T1 (`start_time`, `end_time`): `YYYY-MM-DDThh:mm:ssZ`. */
export const CBR_FILTER_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

// ---------------------------------------------------------------------------------------------
// Enumerations

/** Status of a checkpoint (restore point). */
export type CbrCheckpointStatus = 'protecting' | 'available' | 'deleting' | 'deleted' | 'error-deleting' | 'error';
export const CBR_CHECKPOINT_STATUSES: readonly CbrCheckpointStatus[] = [
  'protecting', 'available', 'deleting', 'deleted', 'error-deleting', 'error',
];

/** `protect_status` of a resource in a vault or a checkpoint. */
export type CbrProtectStatus = 'available' | 'error' | 'protecting' | 'restoring' | 'removing';
export const CBR_PROTECT_STATUSES: readonly CbrProtectStatus[] = ['available', 'error', 'protecting', 'restoring', 'removing'];

/** Status of a backup. */
export type CbrBackupStatus =
  | 'available' | 'protecting' | 'deleting' | 'restoring' | 'error'
  | 'waiting_protect' | 'waiting_delete' | 'waiting_restore';
export const CBR_BACKUP_STATUSES: readonly CbrBackupStatus[] = [
  'available', 'protecting', 'deleting', 'restoring', 'error', 'waiting_protect', 'waiting_delete', 'waiting_restore',
];
/** Backup statuses after which nothing more happens on its own. */
export const CBR_FINAL_BACKUP_STATUSES: readonly CbrBackupStatus[] = ['available', 'error'];
/** Backup statuses that mean "a backup of this resource is running" (the resource is busy). */
export const CBR_RUNNING_BACKUP_STATUSES: readonly CbrBackupStatus[] = ['protecting', 'waiting_protect'];

/** Status of a vault (`billing.status`). */
export type CbrVaultStatus = 'available' | 'lock' | 'frozen' | 'deleting' | 'error';
export const CBR_VAULT_STATUSES: readonly CbrVaultStatus[] = ['available', 'lock', 'frozen', 'deleting', 'error'];

/** Resource types of a vault or a checkpoint (OTC's three, then Huawei's extra ones). */
export type CbrResourceType =
  | 'OS::Nova::Server' | 'OS::Cinder::Volume' | 'OS::Sfs::Turbo'
  | 'OS::Ironic::BareMetalServer' | 'OS::Native::Server' | 'OS::Workspace::DesktopV2';
export const CBR_RESOURCE_TYPES: readonly CbrResourceType[] = [
  'OS::Nova::Server', 'OS::Cinder::Volume', 'OS::Sfs::Turbo',
  'OS::Ironic::BareMetalServer', 'OS::Native::Server', 'OS::Workspace::DesktopV2',
];

/** `billing.object_type` of a vault. */
export type CbrObjectType = 'server' | 'disk' | 'turbo' | 'workspace' | 'vmware' | 'rds' | 'file';
export const CBR_OBJECT_TYPES: readonly CbrObjectType[] = ['server', 'disk', 'turbo', 'workspace', 'vmware', 'rds', 'file'];
export type CbrProtectType = 'backup' | 'replication';
export type CbrConsistentLevel = 'crash_consistent' | 'app_consistent';
export type CbrChargingMode = 'post_paid' | 'pre_paid';

/** `provider_id` of vaults and backups. */
export const CBR_PROVIDER_IDS = {
  server: '0daac4c5-6707-4851-97ba-169e36266b66',
  disk: 'd1603440-187d-4516-af25-121250c7cc97',
  turbo: '3f3c3220-245c-4805-b811-758870015881',
  vmware: 'a13639de-00be-4e94-af30-26912d75e4a2',
} as const;

/** Operation type of a CBR policy. */
export type CbrPolicyOperationType = 'backup' | 'replication';

/** `operation_type` of a task (operation log). */
export type CbrTaskType =
  | 'backup' | 'restore' | 'delete' | 'vault_delete' | 'remove_resource' | 'replication' | 'copy' | 'sync' | 'migrate_resources';
export const CBR_TASK_TYPES: readonly CbrTaskType[] = [
  'backup', 'restore', 'delete', 'vault_delete', 'remove_resource', 'replication', 'copy', 'sync', 'migrate_resources',
];

/** Status of a task (operation log). */
export type CbrTaskStatus = 'success' | 'skipped' | 'failed' | 'running' | 'timeout' | 'waiting';
export const CBR_TASK_STATUSES: readonly CbrTaskStatus[] = ['success', 'skipped', 'failed', 'running', 'timeout', 'waiting'];

/** Sort keys of B1 (`sort=key[:asc|desc],...`). */
export type CbrBackupSortKey = 'created_at' | 'updated_at' | 'name' | 'status' | 'protected_at' | 'id';
export const CBR_BACKUP_SORT_KEYS: readonly CbrBackupSortKey[] = ['created_at', 'updated_at', 'name', 'status', 'protected_at', 'id'];

/** Paging bounds of the list calls (B1, V3, T1): `limit` 1-1000, default 1000; `offset` >= 0. */
export const CBR_MAX_LIMIT = 1000;

// ---------------------------------------------------------------------------------------------
// Errors

/** CBR's service error body. */
export interface WireCbrError {
  error_code: string;
  error_msg: string;
  /** Gateway errors (`APIGW.*`) carry it; service errors usually do not. */
  request_id?: string;
}

/** `BackupService.*` codes the client and the emulator name. */
export const CBR_CODES = {
  /** 400: no resource available to back up ("check whether the resources are being backed up"). */
  noResourceToBackUp: 'BackupService.0001',
  /** 500: resources are being backed up; retry later. */
  beingBackedUp: 'BackupService.0002',
  /** 400: the resource is being backed up; restore it after the backup is complete. */
  restoreWhileBackingUp: 'BackupService.2002',
  /** 400: restoration is not allowed in the current backup status. */
  restoreBackupStatus: 'BackupService.2005',
  /** 400: the resource is being restored. */
  beingRestored: 'BackupService.2010',
  /** 404: policy not found. */
  policyNotFound: 'BackupService.6000',
  /** 400: policy count limit. */
  policyLimit: 'BackupService.6001',
  /** 404: the policy is not applied to this vault. */
  policyNotApplied: 'BackupService.6002',
  /** 400: resource limit of the vault. */
  vaultResourceLimit: 'BackupService.6100',
  /** 400: invalid capacity. */
  invalidCapacity: 'BackupService.6101',
  /** 400: resource type not supported by the vault. */
  typeNotSupported: 'BackupService.6102',
  /** 400: resource already in a vault. */
  resourceInAnotherVault: 'BackupService.6103',
  /** 400: duplicate resources. */
  duplicateResources: 'BackupService.6104',
  /** 404: vault not found. */
  vaultNotFound: 'BackupService.6105',
  /** 400: no new resources to add. */
  noNewResources: 'BackupService.6108',
  /** 400: vault cannot be deleted. */
  vaultCannotDelete: 'BackupService.6111',
  /** 400: invalid vault status. */
  invalidVaultStatus: 'BackupService.6112',
  /** 400: vault status forbids backup. */
  vaultStatusForbidsBackup: 'BackupService.6113',
  /** 400: used capacity exceeds the vault size. */
  vaultFull: 'BackupService.6114',
  /** 400: a backup task is running; back up after it finishes. */
  backupTaskRunning: 'BackupService.6125',
  /** 400: policy cannot be applied to this vault. */
  policyNotForVault: 'BackupService.6127',
  /** 400: resource removal running. */
  removalRunning: 'BackupService.6134',
  /** 400: resource not in the vault. */
  resourceNotInVault: 'BackupService.6135',
  /** 404: backup not found. */
  backupNotFound: 'BackupService.6200',
  /** 400: backup cannot be deleted. */
  backupCannotDelete: 'BackupService.6201',
  /** 400: backups in progress; retry after the current task. */
  backupsInProgress: 'BackupService.6203',
  /** 400: backup in use. */
  backupInUse: 'BackupService.6216',
  /** 404: restore point (checkpoint) not found. */
  checkpointNotFound: 'BackupService.6217',
  /** 404: operation log not found. */
  taskNotFound: 'BackupService.6500',
  /** 400: parameter validation failed. */
  invalidParameter: 'BackupService.9900',
  /** 500: unknown error. */
  unknown: 'BackupService.9910',
} as const;

/**
 * Codes that mean "a resource is already being backed up" (busy), never transient errors to
 * retry blindly: `BackupService.0002` (HTTP 500), `6125`, `6203` (HTTP 400). `0001` (400) is
 * "nothing left to back up", which the emulator answers when every requested resource is busy.
 */
export const CBR_BUSY_CODES: readonly string[] = ['BackupService.0002', 'BackupService.6125', 'BackupService.6203'];

/** `code` and `reason` the emulator puts into `skipped_resources[]` for a resource being backed up. */
export const CBR_SKIPPED_BUSY = {
  code: 'BackupService.6125',
  reason: 'the resource is being backed up',
} as const;

// ---------------------------------------------------------------------------------------------
// Shared pieces

export interface WireCbrTag {
  key: string;
  value?: string;
}

/** `extra_info` of a resource in a vault or a checkpoint request. */
export interface WireCbrResourceExtraInfo {
  exclude_volumes?: string[];
  include_volumes?: { id: string; os_version?: string }[];
}

/** A resource as given to V1 (`vault.resources`) and V6 (`resources`). */
export interface WireCbrResourceInput {
  id: string;
  type: CbrResourceType;
  name?: string;
  extra_info?: WireCbrResourceExtraInfo;
}

// ---------------------------------------------------------------------------------------------
// Vaults (V1-V9)

export interface WireCbrBilling {
  allocated?: number;
  charging_mode?: CbrChargingMode;
  cloud_type?: string;
  consistent_level: CbrConsistentLevel;
  object_type: CbrObjectType;
  order_id?: string;
  product_id?: string;
  protect_type: CbrProtectType;
  /** Vault size in GB. */
  size: number;
  spec_code?: string;
  status?: CbrVaultStatus;
  storage_unit?: string;
  /** Used capacity in MB. */
  used?: number;
  frozen_scene?: string;
}

/** Billing of a V1 request. */
export interface WireCbrBillingCreate {
  consistent_level: CbrConsistentLevel;
  object_type: CbrObjectType;
  protect_type: CbrProtectType;
  size: number;
  cloud_type?: string;
  charging_mode?: CbrChargingMode;
  is_auto_renew?: boolean;
  is_auto_pay?: boolean;
  console_url?: string;
  is_multi_az?: boolean;
  period_type?: string;
  period_num?: number;
}

/** A resource in a vault (V1, V2, V4, V3 items). */
export interface WireCbrVaultResource {
  id: string;
  name?: string;
  type: CbrResourceType;
  protect_status?: CbrProtectStatus;
  /** GB. */
  size?: number;
  backup_size?: number;
  backup_count?: number;
  extra_info?: WireCbrResourceExtraInfo;
}

export interface WireCbrBindRules {
  tags?: WireCbrTag[];
}

/** The vault object (V1, V2, V4 responses, V3 items). */
export interface WireCbrVault {
  id: string;
  name: string;
  description?: string;
  project_id?: string;
  user_id?: string;
  created_at?: string;
  provider_id?: string;
  billing: WireCbrBilling;
  resources: WireCbrVaultResource[];
  tags?: WireCbrTag[];
  auto_bind?: boolean;
  bind_rules?: WireCbrBindRules;
  auto_expand?: boolean;
  locked?: boolean;
  enterprise_project_id?: string | number;
  sys_lock_source_service?: string;
  smn_notify?: boolean;
  threshold?: number;
}

/** V1 request: `POST /vaults`. */
export interface WireCbrVaultCreateRequest {
  vault: {
    name: string;
    billing: WireCbrBillingCreate;
    resources: WireCbrResourceInput[];
    backup_policy_id?: string | null;
    description?: string;
    tags?: WireCbrTag[];
    auto_bind?: boolean;
    bind_rules?: WireCbrBindRules;
    locked?: boolean;
    enterprise_project_id?: string;
    auto_expand?: boolean;
    backup_name_prefix?: string;
    sys_lock_source_service?: string;
  };
}

/** V4 request: `PUT /vaults/{vault_id}`; every field optional. */
export interface WireCbrVaultUpdateRequest {
  vault: {
    name?: string;
    billing?: { size?: number };
    auto_bind?: boolean;
    bind_rules?: WireCbrBindRules;
    auto_expand?: boolean;
    smn_notify?: boolean;
    threshold?: number;
    locked?: boolean;
  };
}

/** V3 response: `GET /vaults`. */
export interface WireCbrVaultList {
  vaults: WireCbrVault[];
  count: number;
  limit?: number;
  offset?: number;
}

/** V3 query filters (all optional). */
export interface CbrVaultListQuery {
  id?: string;
  name?: string;
  status?: CbrVaultStatus;
  object_type?: CbrObjectType;
  protect_type?: CbrProtectType;
  cloud_type?: string;
  policy_id?: string;
  resource_ids?: string;
  enterprise_project_id?: string;
  limit?: number;
  offset?: number;
}

/** V6 request: `POST /vaults/{vault_id}/addresources`. */
export interface WireCbrAddResourcesRequest {
  resources: WireCbrResourceInput[];
}
/** V6 response. */
export interface WireCbrAddResourcesResponse {
  add_resource_ids: string[];
}
/** V7 response. */
export interface WireCbrRemoveResourcesResponse {
  remove_resource_ids: string[];
}
/** V8 response. */
export interface WireCbrAssociatePolicyResponse {
  associate_policy: { vault_id: string; policy_id: string };
}
/** V9 response. */
export interface WireCbrDissociatePolicyResponse {
  dissociate_policy: { vault_id: string; policy_id: string };
}

// ---------------------------------------------------------------------------------------------
// Checkpoints (C1, C2)

/** A resource of C1's `parameters.resource_details`. */
export interface WireCbrResourceDetail {
  id: string;
  type: CbrResourceType;
  name?: string;
  extra_info?: { exclude_volumes?: string[] };
}

/** C1 request: `POST /checkpoints`. */
export interface WireCbrCheckpointCreateRequest {
  checkpoint: {
    vault_id: string;
    parameters?: {
      auto_trigger?: boolean;
      description?: string;
      incremental?: boolean;
      name?: string;
      resources?: string[];
      resource_details?: WireCbrResourceDetail[];
      /** Huawei only; meaning undocumented: accepted and ignored. */
      policy_id?: string;
      /** Huawei only; meaning undocumented: accepted and ignored. */
      retention_duration_days?: number;
    };
  };
}

/** A resource of a checkpoint's `vault.resources`. Sizes and count: numbers or numeric strings. */
export interface WireCbrCheckpointResource {
  id: string;
  name?: string;
  type: CbrResourceType;
  protect_status?: CbrProtectStatus;
  resource_size?: number | string;
  backup_size?: number | string;
  backup_count?: number | string;
  extra_info?: WireCbrResourceExtraInfo | string;
}

/** An entry of `skipped_resources`. */
export interface WireCbrSkippedResource {
  id: string;
  type?: CbrResourceType;
  name?: string;
  code: string;
  reason: string;
}

/** The checkpoint object (C1 and C2 responses). */
export interface WireCbrCheckpoint {
  id: string;
  project_id?: string;
  status: CbrCheckpointStatus;
  created_at: string;
  vault: {
    id: string;
    name?: string;
    resources: WireCbrCheckpointResource[];
    skipped_resources?: WireCbrSkippedResource[];
  };
  extra_info?: { name?: string; description?: string; retention_duration?: number };
}

// ---------------------------------------------------------------------------------------------
// Backups (B1-B3)

export interface WireCbrBackupExtendInfo {
  auto_trigger?: boolean;
  bootable?: boolean;
  incremental?: boolean;
  snapshot_id?: string;
  support_lld?: boolean;
  supported_restore_mode?: 'na' | 'snapshot' | 'backup';
  os_images_data?: { image_id: string }[];
  contain_system_disk?: boolean;
  encrypted?: boolean;
  system_disk?: boolean;
}

/** The backup object (B1 items, B2 response). */
export interface WireCbrBackup {
  id: string;
  name: string;
  description?: string;
  checkpoint_id: string;
  vault_id: string;
  project_id?: string;
  parent_id?: string | null;
  resource_id: string;
  resource_name?: string;
  resource_type: CbrResourceType;
  resource_az?: string;
  resource_size?: number;
  status: CbrBackupStatus;
  image_type?: string;
  created_at: string;
  updated_at?: string;
  protected_at?: string;
  expired_at?: string | null;
  provider_id?: string;
  children?: WireCbrBackup[];
  extend_info?: WireCbrBackupExtendInfo;
  enterprise_project_id?: string | number;
  replication_records?: unknown[];
}

/**
 * Restore request (`POST /backups/{backup_id}/restore`, answered 202 with no body): `volume_id`
 * for a disk backup; `server_id` and `mappings` (one disk backup per disk) for a server backup.
 */
export interface WireCbrRestoreRequest {
  restore: {
    volume_id?: string;
    server_id?: string;
    mappings?: { backup_id: string; volume_id: string }[];
    /** Servers only: power on after the restore. @default true */
    power_on?: boolean;
  };
}

/** B1 response: `GET /backups`. */
export interface WireCbrBackupList {
  backups: WireCbrBackup[];
  count: number;
  limit?: number;
  offset?: number;
}

/**
 * B1 query filters (all optional). `status` may repeat (`status=available&status=error`, OR);
 * `sort` is `key[:asc|desc],...`; `start_time`/`end_time` are `YYYY-MM-DDThh:mm:ssZ`.
 */
export interface CbrBackupListQuery {
  checkpoint_id?: string;
  vault_id?: string;
  resource_id?: string;
  resource_name?: string;
  resource_az?: string;
  resource_type?: CbrResourceType;
  parent_id?: string;
  status?: CbrBackupStatus | CbrBackupStatus[];
  name?: string;
  image_type?: string;
  own_type?: 'private' | 'shared' | 'all_granted';
  member_status?: 'pending' | 'accepted' | 'rejected';
  dec?: boolean;
  used_percent?: string;
  start_time?: string;
  end_time?: string;
  limit?: number;
  offset?: number;
  marker?: string;
  sort?: string;
  enterprise_project_id?: string;
  incremental?: boolean;
  show_replication?: boolean;
}

/** The query parameter names B1 takes, in the order above. */
export const CBR_BACKUP_QUERY_KEYS: readonly (keyof CbrBackupListQuery)[] = [
  'checkpoint_id', 'vault_id', 'resource_id', 'resource_name', 'resource_az', 'resource_type', 'parent_id', 'status',
  'name', 'image_type', 'own_type', 'member_status', 'dec', 'used_percent', 'start_time', 'end_time', 'limit', 'offset',
  'marker', 'sort', 'enterprise_project_id', 'incremental', 'show_replication',
];

// ---------------------------------------------------------------------------------------------
// Policies (P1-P5)

export interface WireCbrOperationDefinition {
  max_backups?: number;
  retention_duration_days?: number;
  day_backups?: number;
  week_backups?: number;
  month_backups?: number;
  year_backups?: number;
  timezone?: string;
  destination_region?: string;
  destination_project_id?: string;
  enable_acceleration?: boolean;
  full_backup_interval?: number;
}

export interface WireCbrPolicyTrigger {
  id?: string;
  name?: string;
  type?: 'time';
  properties: { pattern: string[]; start_time?: string };
}

/** The policy object (P1, P2, P4 responses, P3 items). */
export interface WireCbrPolicy {
  id: string;
  name: string;
  enabled: boolean;
  operation_type: CbrPolicyOperationType;
  operation_definition: WireCbrOperationDefinition;
  trigger: WireCbrPolicyTrigger;
  associated_vaults?: { vault_id: string; destination_vault_id?: string }[];
}

/** P1 request: `POST /policies`. */
export interface WireCbrPolicyCreateRequest {
  policy: {
    name: string;
    enabled?: boolean;
    operation_type: CbrPolicyOperationType;
    operation_definition: WireCbrOperationDefinition;
    trigger: { properties: { pattern: string[] } };
  };
}

/** P4 request: `PUT /policies/{policy_id}`; every field optional, no `operation_type`. */
export interface WireCbrPolicyUpdateRequest {
  policy: {
    name?: string;
    enabled?: boolean;
    operation_definition?: WireCbrOperationDefinition;
    trigger?: { properties: { pattern: string[] } };
  };
}

/** P3 response: `GET /policies` (no paging). */
export interface WireCbrPolicyList {
  policies: WireCbrPolicy[];
  count: number;
}

/** P3 query filters. */
export interface CbrPolicyListQuery {
  operation_type?: CbrPolicyOperationType;
  vault_id?: string;
}

// ---------------------------------------------------------------------------------------------
// Tasks / operation logs (T1, T2)

export interface WireCbrOperationLog {
  id: string;
  project_id?: string;
  provider_id?: string;
  vault_id?: string;
  vault_name?: string;
  policy_id?: string;
  checkpoint_id?: string;
  operation_type: CbrTaskType;
  status: CbrTaskStatus;
  created_at?: string;
  started_at?: string;
  ended_at?: string;
  updated_at?: string;
  error_info?: { code: string; message: string };
  extra_info?: {
    common?: { progress?: number; request_id?: string; task_id?: string };
    resource?: { id: string; name?: string; type?: CbrResourceType; extra_info?: unknown };
    backup?: { backup_id: string; backup_name?: string; incremental?: string };
    delete?: { backup_id: string; backup_name?: string };
    restore?: { backup_id: string; backup_name?: string; target_resource_id?: string; target_resource_name?: string };
    remove_resources?: { fail_count?: number; total_count?: number; resources?: unknown[] };
    vault_delete?: { fail_count?: number; total_count?: number };
    sync?: { sync_backup_num?: number; delete_backup_num?: number; err_sync_backup_num?: number };
  };
}

/** T1 response: `GET /operation-logs`. */
export interface WireCbrOperationLogList {
  operation_logs: WireCbrOperationLog[];
  count: number;
  limit?: number;
  offset?: number;
}

/** T1 query filters (no `checkpoint_id`: filter on the client). */
export interface CbrOperationLogListQuery {
  operation_type?: CbrTaskType;
  status?: CbrTaskStatus;
  vault_id?: string;
  vault_name?: string;
  resource_id?: string;
  resource_name?: string;
  provider_id?: string;
  start_time?: string;
  end_time?: string;
  limit?: number;
  offset?: number;
  enterprise_project_id?: string;
}

// ---------------------------------------------------------------------------------------------
// Operations

/**
 * Operation names of the CBR API, used by the client (in error messages), the emulator's
 * request log and its fault routes. Distinct from the VBS names in `wire.ts` (CBR policy
 * operations carry `Cbr`), so one fault or log filter names one route.
 */
export const CBR_OPERATIONS = {
  createVault: { method: 'POST', path: '/v3/{project_id}/vaults' },
  showVault: { method: 'GET', path: '/v3/{project_id}/vaults/{vault_id}' },
  listVaults: { method: 'GET', path: '/v3/{project_id}/vaults' },
  updateVault: { method: 'PUT', path: '/v3/{project_id}/vaults/{vault_id}' },
  deleteVault: { method: 'DELETE', path: '/v3/{project_id}/vaults/{vault_id}' },
  addVaultResources: { method: 'POST', path: '/v3/{project_id}/vaults/{vault_id}/addresources' },
  removeVaultResources: { method: 'POST', path: '/v3/{project_id}/vaults/{vault_id}/removeresources' },
  associateVaultPolicy: { method: 'POST', path: '/v3/{project_id}/vaults/{vault_id}/associatepolicy' },
  dissociateVaultPolicy: { method: 'POST', path: '/v3/{project_id}/vaults/{vault_id}/dissociatepolicy' },
  createCheckpoint: { method: 'POST', path: '/v3/{project_id}/checkpoints' },
  showCheckpoint: { method: 'GET', path: '/v3/{project_id}/checkpoints/{checkpoint_id}' },
  listBackups: { method: 'GET', path: '/v3/{project_id}/backups' },
  showBackup: { method: 'GET', path: '/v3/{project_id}/backups/{backup_id}' },
  deleteBackup: { method: 'DELETE', path: '/v3/{project_id}/backups/{backup_id}' },
  restoreBackup: { method: 'POST', path: '/v3/{project_id}/backups/{backup_id}/restore' },
  createCbrPolicy: { method: 'POST', path: '/v3/{project_id}/policies' },
  showCbrPolicy: { method: 'GET', path: '/v3/{project_id}/policies/{policy_id}' },
  listCbrPolicies: { method: 'GET', path: '/v3/{project_id}/policies' },
  updateCbrPolicy: { method: 'PUT', path: '/v3/{project_id}/policies/{policy_id}' },
  deleteCbrPolicy: { method: 'DELETE', path: '/v3/{project_id}/policies/{policy_id}' },
  listTasks: { method: 'GET', path: '/v3/{project_id}/operation-logs' },
  showTask: { method: 'GET', path: '/v3/{project_id}/operation-logs/{operation_log_id}' },
} as const;

export type CbrOperationName = keyof typeof CBR_OPERATIONS;
