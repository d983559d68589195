/**
 * The documented example requests and responses of the CBR v3 API, verbatim (trimmed as the
 * API documentation trims them), as the oracle of the emulator's validators and response
 * shapes. Sources: the OTC CBR API reference and Huawei's CBR pages (vaults, restore points,
 * backups, policies, tasks, error codes), and the RRULE and retention examples of the policy
 * pages, the Terraform providers and gophertelekomcloud's acceptance tests.
 */

/** C1 request. */
export const CREATE_CHECKPOINT_REQUEST = {
  checkpoint: {
    vault_id: '3b5816b5-f29c-4172-9d9a-76c719a659ce',
    parameters: { auto_trigger: true, incremental: true, name: 'backup_name', resources: ['94eba8b2-acc9-4d82-badc-127144cc5526'] },
  },
};

/** C1 response. */
export const CREATE_CHECKPOINT_RESPONSE = {
  checkpoint: {
    id: '8b0851a8-adf3-4f4c-a914-dead08bf9664',
    project_id: '4229d7a45436489f8c3dc2b1d35d4987',
    status: 'protecting',
    created_at: '2019-05-10T07:59:12.733+00:00',
    vault: {
      id: '3b5816b5-f29c-4172-9d9a-76c719a659ce',
      name: 'vault-be94',
      skipped_resources: [],
      resources: [{ id: '94eba8b2-acc9-4d82-badc-127144cc5526', name: 'ecs-1f0f-0002', type: 'OS::Nova::Server', protect_status: 'available', resource_size: 40 }],
    },
    extra_info: { name: 'backup_name', retention_duration: -1 },
  },
};

/** C2 response. */
export const SHOW_CHECKPOINT_RESPONSE = {
  checkpoint: {
    id: '8b0851a8-adf3-4f4c-a914-dead08bf9664',
    status: 'available',
    created_at: '2019-05-10T07:59:12.037+00:00',
    vault: {
      id: '3b5816b5-f29c-4172-9d9a-76c719a659ce',
      name: 'vault-be94',
      resources: [{ id: '94eba8b2-acc9-4d82-badc-127144cc5526', type: 'OS::Nova::Server', protect_status: 'available', resource_size: 40 }],
    },
  },
};

/** B1 response (one item; the documentation trims the second). */
export const LIST_BACKUPS_RESPONSE = {
  count: 2,
  backups: [{
    id: '5606aab5-2dc2-4498-8144-dc848d099af5',
    name: 'autobk_6809',
    checkpoint_id: 'f64c351f-769f-4c04-8806-fd90a59e9b12',
    vault_id: '79bd9daa-884f-4f84-b8fe-235d58cd927d',
    resource_id: '54f7ccbc-072f-4ec5-a7b7-b24dabdb4539',
    resource_type: 'OS::Cinder::Volume',
    status: 'available',
    created_at: '2020-02-21T07:00:34.882+00:00',
    children: [],
    extend_info: { auto_trigger: true, bootable: true, encrypted: false, system_disk: false },
  }],
};

/** B2 response (trimmed; a server backup with one per-disk child, which the emulator does not make). */
export const SHOW_BACKUP_RESPONSE = {
  backup: {
    id: '6df2b54c-dd62-4059-a07c-1b8f24f2725d',
    name: 'backup_name',
    status: 'available',
    resource_type: 'OS::Nova::Server',
    children: [{ id: '5d822633-2bbf-4af8-a16e-5ab1c7705235', name: 'autobk_a843_ecs-1f0f-0002', parent_id: '6df2b54c-dd62-4059-a07c-1b8f24f2725d', resource_type: 'OS::Cinder::Volume' }],
  },
};

/** V1 request (a disk vault without resources). */
export const CREATE_VAULT_REQUEST = {
  vault: {
    name: 'test',
    resources: [],
    billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 40 },
  },
};

/** V1 response (a server vault with one resource). */
export const CREATE_VAULT_RESPONSE = {
  vault: {
    id: 'ad7627ae-5b0b-492e-b6bd-cd809b745197',
    name: 'vault_name',
    billing: {
      status: 'available', used: 0, allocated: 40, size: 100, object_type: 'server', protect_type: 'backup',
      spec_code: 'vault.backup.server.normal', charging_mode: 'post_paid',
    },
    resources: [{ id: '23a320a5-3efd-4568-b1aa-8dd9183cc64c', type: 'OS::Nova::Server', protect_status: 'available', size: 40, backup_size: 0, backup_count: 0 }],
  },
};

/** V3 response (`count` 50 beside one vault). */
export const LIST_VAULTS_RESPONSE = {
  vaults: [{ id: 'a335f9e1-1628-4c64-a7be-38656e5ec19c', name: 'vault-8538', resources: [], billing: { status: 'available' } }],
  count: 50,
};

/** V4 request. */
export const UPDATE_VAULT_REQUEST = { vault: { billing: { size: 200 }, name: 'vault_name02' } };

/** V6 request (a server with an excluded volume) and response. */
export const ADD_RESOURCES_REQUEST = {
  resources: [{ id: '97595625-198e-4e4d-879b-9d53f68ba551', type: 'OS::Nova::Server', extra_info: { exclude_volumes: ['bdef09bb-293f-446a-88a4-86e9f14408c4'] } }],
};
export const ADD_RESOURCES_RESPONSE = { add_resource_ids: ['97595625-198e-4e4d-879b-9d53f68ba551'] };

/** V7 request and response. */
export const REMOVE_RESOURCES_REQUEST = { resource_ids: ['97595625-198e-4e4d-879b-9d53f68ba551'] };
export const REMOVE_RESOURCES_RESPONSE = { remove_resource_ids: ['97595625-198e-4e4d-879b-9d53f68ba551'] };

/** V8 request and response; V9 takes the same body. */
export const ASSOCIATE_POLICY_REQUEST = { policy_id: '7075c397-25a0-43e2-a83a-bb16eaca3ee5' };
export const ASSOCIATE_POLICY_RESPONSE = { associate_policy: { vault_id: '2402058d-8373-4b0a-b848-d3c0dfdc71a8', policy_id: '7075c397-25a0-43e2-a83a-bb16eaca3ee5' } };
export const DISSOCIATE_POLICY_RESPONSE = { dissociate_policy: { vault_id: '2402058d-8373-4b0a-b848-d3c0dfdc71a8', policy_id: '7075c397-25a0-43e2-a83a-bb16eaca3ee5' } };

/** P1 request and response. */
export const CREATE_POLICY_REQUEST = {
  policy: {
    name: 'policy001', enabled: true, operation_type: 'backup',
    operation_definition: { retention_duration_days: 1, timezone: 'UTC+01:00' },
    trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'] } },
  },
};
export const CREATE_POLICY_RESPONSE = {
  policy: {
    id: 'cbb3ce6f-3332-4e7c-b98e-77290d8471ff', name: 'policy001', enabled: true, operation_type: 'backup',
    operation_definition: { retention_duration_days: 1, timezone: 'UTC+01:00' },
    trigger: {
      id: 'd67269a6-5369-42d7-8150-5254bd446328', name: 'default', type: 'time',
      properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'], start_time: '2019-05-08T06:57:05.000+00:00' },
    },
  },
};

/** The policy example that sends `retention_duration_days` with the four periodic counts at 0. */
export const CREATE_POLICY_WITH_ZEROS_REQUEST = {
  policy: {
    name: 'policy002', enabled: true, operation_type: 'backup',
    operation_definition: { retention_duration_days: 1, day_backups: 0, week_backups: 0, month_backups: 0, year_backups: 0, timezone: 'UTC+08:00' },
    trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'] } },
  },
};

/** gophertelekomcloud's live test: max_backups with day/week/month/year and a timezone. */
export const GOPHER_POLICY_DEFINITION = { max_backups: 10, day_backups: 1, week_backups: 2, month_backups: 4, year_backups: 3, timezone: 'UTC+03:00' };

/** P3 response. */
export const LIST_POLICIES_RESPONSE = {
  policies: [{ id: 'cbb3ce6f-3332-4e7c-b98e-77290d8471ff', name: 'policy001', associated_vaults: [] }],
  count: 10,
};

/** RRULE examples: the policy pages, and the rules the huaweicloud provider sends. */
export const RRULE_EXAMPLES = [
  'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00',
  'FREQ=DAILY;INTERVAL=1;BYHOUR=6;BYMINUTE=00',
  'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=02;BYMINUTE=00',
  'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=14;BYMINUTE=00',
  'FREQ=DAILY;INTERVAL=3;BYHOUR=22;BYMINUTE=30',
];

/** T2 response. */
export const SHOW_TASK_RESPONSE = {
  operation_log: {
    id: '4827f2da-b008-4507-ab7d-42d0df5ed912', operation_type: 'backup', status: 'success',
    checkpoint_id: 'b432511f-d889-428f-8b0e-5f47c524c6b6', error_info: { code: '', message: '' },
    ended_at: '2019-05-23T14:35:23.511+00:00',
    extra_info: {
      resource: { id: '1dab32fa-ebf2-415a-ab0b-eabe6353bc86', name: 'ECS-0001', type: 'OS::Nova::Server' },
      backup: { backup_id: '0e5d0ef6-7f0a-4890-b98c-cb12490e31c1', backup_name: 'manualbk_1234' },
      common: { progress: 100, request_id: 'req-cdb98cc4-e87b-4f40-9b4a-57ec036620bc' },
    },
  },
};

/** Error bodies: a service error, and the unknown task. */
export const ERROR_RESPONSE = { error_code: 'BackupService.9900', error_msg: 'Invalid vault_id provided.' };
export const TASK_NOT_FOUND_RESPONSE = { error_code: 'BackupService.6500', error_msg: 'Operation log does not exist.' };

/** B1 query examples: a repeated status, and the documented filter time. */
export const LIST_BACKUPS_QUERY = 'status=available&status=error&start_time=2018-02-01T12:00:00Z';

/** Status values the documentation lists. */
export const CHECKPOINT_STATUSES = ['protecting', 'available', 'deleting', 'deleted', 'error-deleting', 'error'];
export const BACKUP_STATUSES = ['available', 'protecting', 'deleting', 'restoring', 'error', 'waiting_protect', 'waiting_delete', 'waiting_restore'];
export const PROTECT_STATUSES = ['available', 'error', 'protecting', 'restoring', 'removing'];
export const TASK_STATUSES = ['success', 'skipped', 'failed', 'running', 'timeout', 'waiting'];

/** The JSON type of a value: `null`, `array`, or `typeof`. */
function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * Where `actual` does not have the shape of the documented `example`: every key of the
 * example present with the same JSON type, objects compared recursively, arrays by their first
 * items when both have one. An empty list means the shapes match. `skip` names paths (dotted,
 * `[]` for array items) the emulator documents as different.
 */
export function shapeDifferences(example: unknown, actual: unknown, path = '$', skip: readonly string[] = []): string[] {
  if (skip.includes(path)) return [];
  if (kind(example) !== kind(actual)) return [`${path}: documented ${kind(example)}, got ${kind(actual)}`];
  if (Array.isArray(example) && Array.isArray(actual)) {
    return example.length > 0 && actual.length > 0 ? shapeDifferences(example[0], actual[0], `${path}[]`, skip) : [];
  }
  if (kind(example) !== 'object') return [];
  const out: string[] = [];
  const a = actual as Record<string, unknown>;
  for (const [key, value] of Object.entries(example as Record<string, unknown>)) {
    const at = `${path}.${key}`;
    if (skip.includes(at)) continue;
    if (!(key in a)) out.push(`${at}: missing`);
    else out.push(...shapeDifferences(value, a[key], at, skip));
  }
  return out;
}
