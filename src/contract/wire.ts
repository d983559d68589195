/**
 * Wire shapes of the VBS v2 Backup Policies API (field names as the API spells them, typos included), shared by the
 * client and the emulator so both speak exactly the same JSON. Field names are the API's,
 * misspellings included (`rentention_num`, `rentention_day`).
 */

/**
 * A UUID 8-4-4-4-12, either case: VBS policy, volume and job ids, and CBR vault, checkpoint, backup,
 * policy, resource and task ids. Ids go into URL paths, so nothing else passes.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A backup policy name (`backup_policy_name`): 1-64 letters, digits, `_` or `-`. */
export const POLICY_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether a policy name is reserved: VBS refuses to create one starting with "default", in any letter case. */
export function isReservedPolicyName(name: string): boolean {
  return name.toLowerCase().startsWith('default');
}

/** A volume id as the API takes it in `resource_id`: 1-64 letters, digits, `_` or `-` (UUIDs in practice). */
export const VOLUME_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A project id: 32 hex characters (the API issues them in lower case). */
export const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/i;

export type PolicyStatus = 'ON' | 'OFF';
export type YesNo = 'Y' | 'N';
export type WeekdayCode = 'SUN' | 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT';
export type JobStatus = 'WAITING' | 'RUNNING' | 'EXECUTE_SUCCESS' | 'EXECUTE_FAIL' | 'EXECUTE_TIMEOUT' | 'SKIP';

export const FINAL_JOB_STATUSES: readonly JobStatus[] = ['EXECUTE_SUCCESS', 'EXECUTE_FAIL', 'EXECUTE_TIMEOUT', 'SKIP'];
export const WEEKDAY_CODES: readonly WeekdayCode[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export interface WireScheduledPolicy {
  start_time?: string;
  frequency?: number;
  week_frequency?: WeekdayCode[];
  rentention_num?: number;
  rentention_day?: number;
  remain_first_backup_of_curMonth?: YesNo;
  status?: PolicyStatus;
}

export interface WireTag {
  key: string;
  value: string;
}

/** Body of create (op 1); every field optional on modify (op 3), which takes no `tags`. */
export interface WirePolicyRequest {
  backup_policy_name?: string;
  scheduled_policy?: WireScheduledPolicy;
  tags?: WireTag[];
  time_zone?: string;
}

/** An item of `GET /backuppolicy` (op 2). */
export interface WirePolicy {
  backup_policy_id: string;
  backup_policy_name: string;
  scheduled_policy: WireScheduledPolicy;
  policy_resource_count: number;
  time_zone?: string;
}

export interface WirePolicyList {
  backup_policies: WirePolicy[];
}

export interface WirePolicyIdResponse {
  backup_policy_id: string;
}

export interface WireResourceResult {
  resource_id: string;
  resource_type?: string;
  availability_zone?: string;
  os_vol_host_attr?: string;
  code?: string;
  message?: string;
}

export interface WireResourcesResponse {
  success_resources: WireResourceResult[];
  fail_resources: WireResourceResult[];
}

/** An item of `GET /backuppolicy/{id}/backuptasks` (op 9). Timestamps are UTC without a zone. */
export interface WireJob {
  job_id: string;
  status: JobStatus;
  created_at: string;
  finished_at?: string;
  backup_name: string;
  resource_id: string;
  resource_type: 'volume';
  vbs_job_id?: string;
  /** Emulator and some real deployments: why a job failed. */
  fail_reason?: string;
}

export interface WireJobList {
  tasks: WireJob[];
  count: number;
}

export interface WireTagList {
  tags: WireTag[];
}

export interface WireTenantTagList {
  tags: { key: string; values: string[] }[];
}

export interface WireTagFilter {
  key: string;
  values: string[];
}

export interface WireQueryByTagsRequest {
  action: 'filter' | 'count';
  tags?: WireTagFilter[];
  tags_any?: WireTagFilter[];
  not_tags?: WireTagFilter[];
  not_tags_any?: WireTagFilter[];
  matches?: { key: 'resource_name'; value: string }[];
  limit?: string;
  offset?: string;
}

export interface WireQueryByTagsResponse {
  total_count: number;
  resources?: { resource_id: string; resource_name: string; resource_detail: null; tags: WireTag[] }[];
}

/** Service-level error body. */
export interface WireServiceError {
  error: { code: string; message: string };
}

/** API gateway error body (auth, throttling). */
export interface WireGatewayError {
  error_code: string;
  error_msg: string;
  request_id?: string;
}

/**
 * Operation names used by the client (in `VbsApiError.operation`), the emulator's request log
 * and its fault routes. One name per operation of the API, plus the IAM token call.
 */
export const OPERATIONS = {
  createPolicy: { method: 'POST', path: '/v2/{project_id}/backuppolicy' },
  listPolicies: { method: 'GET', path: '/v2/{project_id}/backuppolicy' },
  updatePolicy: { method: 'PUT', path: '/v2/{project_id}/backuppolicy/{policy_id}' },
  deletePolicy: { method: 'DELETE', path: '/v2/{project_id}/backuppolicy/{policy_id}' },
  associateVolumes: { method: 'POST', path: '/v2/{project_id}/backuppolicyresources' },
  disassociateVolumes: { method: 'POST', path: '/v2/{project_id}/backuppolicyresources/{policy_id}/deleted_resources' },
  executePolicy: { method: 'POST', path: '/v2/{project_id}/backuppolicy/{policy_id}/action' },
  listJobs: { method: 'GET', path: '/v2/{project_id}/backuppolicy/{policy_id}/backuptasks' },
  addTag: { method: 'POST', path: '/v2/{project_id}/backuppolicy/{policy_id}/tags' },
  removeTag: { method: 'DELETE', path: '/v2/{project_id}/backuppolicy/{policy_id}/tags/{key}' },
  listTenantTags: { method: 'GET', path: '/v2/{project_id}/backuppolicy/tags' },
  getTags: { method: 'GET', path: '/v2/{project_id}/backuppolicy/{policy_id}/tags' },
  batchTags: { method: 'POST', path: '/v2/{project_id}/backuppolicy/{policy_id}/tags/action' },
  queryPoliciesByTags: { method: 'POST', path: '/v2/{project_id}/backuppolicy/resource_instances/action' },
  createToken: { method: 'POST', path: '/v3/auth/tokens' },
} as const;

export type OperationName = keyof typeof OPERATIONS;
