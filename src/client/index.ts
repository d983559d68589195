/**
 * Public surface of the VBS client: the client, its credentials, its errors, and the types its
 * methods take and return. This module is on the hook path: it must load only node built-ins
 * (and undici, lazily, for the undici transport), never cdktf or constructs.
 *
 * @packageDocumentation
 * @module cdktf-vbs-backup/client
 */
export { VbsClient } from './client';
export type { VbsClientOptions } from './client';
export type { ClientOptions } from './service';
export { CbrClient } from './cbr-client';
export type { CbrClientOptions } from './cbr-client';
export { CbrBusyError, CbrBusyTimeoutError } from './cbr-backup';
export type {
  BackupVaultOptions, BackupVaultResult, CbrBackupProgress, CbrBusyEvent, CbrBusyResource, CbrCheckpointRun, WaitForBackupsOptions,
} from './cbr-backup';
export type { RestoreBackupOptions, RestoreOutcome, RestoreStarted, TriggerRun, TriggerRunResource, WaitForRestoreOptions } from './cbr-restore';
export { vaultTriggerId } from '../contract/checkpoint';
// The CBR wire types that CbrClient's methods take and return (their nested types are reached
// through these, e.g. WireCbrVault['billing']).
export type {
  CbrBackupListQuery, CbrBackupStatus, CbrOperationLogListQuery, CbrPolicyListQuery, CbrVaultListQuery, WireCbrAddResourcesRequest,
  WireCbrBackup, WireCbrBackupList, WireCbrCheckpoint, WireCbrCheckpointCreateRequest, WireCbrOperationLog, WireCbrOperationLogList,
  WireCbrPolicy, WireCbrPolicyCreateRequest, WireCbrPolicyUpdateRequest, WireCbrSkippedResource, WireCbrVault, WireCbrVaultCreateRequest,
  WireCbrVaultList, WireCbrVaultUpdateRequest,
} from '../contract/cbr-wire';
export { VbsBusyError, VbsBusyTimeoutError } from './busy';
export type { BusyEvent, BusyPollOptions, BusyRun, ExecuteOptions, ExecuteResult, WhenBusyChoice } from './busy';
export type { CallOptions, RetryInfo } from './caller';
export { Credentials } from './credentials';
export type { PasswordCredentialsOptions } from './credentials';
export type { Cloud, Env } from './endpoints';
export {
  VbsError, VbsApiError, VbsNetworkError, VbsTimeoutError, VbsAbortError, VbsConfigError, VbsNotFoundError, VbsAmbiguousNameError,
} from './errors';
export type { VbsLookup } from './errors';
export type { Job, ListJobsQuery, WaitForJobsOptions } from './jobs';
export type { TagPlan } from './tags';
export type { VbsTransport } from './transport';
export type { RetryOptions } from './retry';
export type {
  JobStatus, OperationName, PolicyStatus, WeekdayCode, YesNo, WireJob, WirePolicy, WirePolicyRequest, WireQueryByTagsRequest,
  WireQueryByTagsResponse, WireResourceResult, WireResourcesResponse, WireScheduledPolicy, WireTag, WireTagFilter,
} from '../contract/wire';
