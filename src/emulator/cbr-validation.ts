/**
 * Validation of CBR v3 request bodies and query strings (README "CBR in the emulator" lists the
 * rules). Every failure is a CBR error (`{"error_code","error_msg"}`), 400 `BackupService.9900`
 * unless a more specific code is documented, with a message that names the field, what was
 * given and what is allowed. Unknown keys are accepted and ignored.
 */
import type {
  CbrBackupStatus, CbrConsistentLevel, CbrObjectType, CbrPolicyOperationType, CbrProtectType, CbrResourceType,
  CbrTaskStatus, CbrTaskType, WireCbrOperationDefinition, WireCbrResourceInput, WireCbrTag,
} from '../contract/cbr-wire';
import {
  CBR_BACKUP_SORT_KEYS, CBR_BACKUP_STATUSES, CBR_CODES, CBR_FILTER_TIME_PATTERN, CBR_MAX_LIMIT, CBR_NAME_PATTERN,
  CBR_OBJECT_TYPES, CBR_RESOURCE_TYPES, CBR_TASK_STATUSES, CBR_TASK_TYPES,
} from '../contract/cbr-wire';
import { UUID_PATTERN } from '../contract/wire';
import { EmulatorHttpError, cbrError } from './errors';
import { describe } from './validation';

/** Resources per vault (OTC user guide; V6 takes 1-256 per call). */
export const MAX_VAULT_RESOURCES = 256;
/** Vault size bounds in GB: create (V1 table) and update (V4 table). */
export const VAULT_SIZE_MIN_CREATE = 10;
export const VAULT_SIZE_MIN_UPDATE = 1;
export const VAULT_SIZE_MAX = 10_485_760;
/** Rules per policy pattern. */
export const MAX_POLICY_RULES = 24;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A 400 `BackupService.9900`. */
export function invalid(message: string): EmulatorHttpError {
  return cbrError(CBR_CODES.invalidParameter, message);
}

/** The body as an object, or 400 9900 naming the operation. */
export function requireBody(body: unknown, what: string): Obj {
  if (body === undefined) throw invalid(`${what}: the request body is empty; a JSON object is required`);
  if (!isObj(body)) throw invalid(`${what}: the request body must be a JSON object, got ${describe(body)}`);
  return body;
}

/** `body[key]` as an object (the wrapper of V1, V4, C1, P1, P4). */
function wrapped(body: unknown, key: string, what: string): Obj {
  const b = requireBody(body, what);
  const inner = b[key];
  if (!isObj(inner)) throw invalid(`${what}: "${key}" must be a JSON object, got ${describe(inner)}`);
  return inner;
}

function optString(o: Obj, key: string, where: string, min: number, max: number): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length < min || v.length > max) throw invalid(`${where}.${key} must be a string of ${min}-${max} characters, got ${describe(v)}`);
  return v;
}

function reqString(o: Obj, key: string, where: string, min: number, max: number): string {
  const v = optString(o, key, where, min, max);
  if (v === undefined) throw invalid(`${where}.${key} is required (a string of ${min}-${max} characters)`);
  return v;
}

function optBool(o: Obj, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${where}.${key} must be true or false, got ${describe(v)}`);
  return v;
}

function optInt(o: Obj, key: string, where: string, min: number, max: number, allowMinusOne = false): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const ok = typeof v === 'number' && Number.isInteger(v) && ((v >= min && v <= max) || (allowMinusOne && v === -1));
  if (!ok) throw invalid(`${where}.${key} must be an integer from ${min} to ${max}${allowMinusOne ? ' or -1' : ''}, got ${describe(v)}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], where: string): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw invalid(`${where} must be one of ${allowed.join(', ')}, got ${describe(v)}`);
  return v as T;
}

/** A resource, vault, policy or checkpoint id in a body: a UUID. */
export function checkUuid(v: unknown, where: string): string {
  if (typeof v !== 'string' || !UUID_PATTERN.test(v)) throw invalid(`${where} must be a UUID (8-4-4-4-12 hex digits), got ${describe(v)}`);
  return v.toLowerCase();
}

const OBJECT_RESOURCE_TYPES: Record<CbrObjectType, readonly CbrResourceType[]> = {
  server: ['OS::Nova::Server', 'OS::Ironic::BareMetalServer', 'OS::Native::Server'],
  disk: ['OS::Cinder::Volume'],
  turbo: ['OS::Sfs::Turbo'],
  workspace: ['OS::Workspace::DesktopV2'],
  vmware: ['OS::Nova::Server'],
  rds: [],
  file: [],
};

/** Resource types a vault of `objectType` holds. */
export function typesFor(objectType: CbrObjectType): readonly CbrResourceType[] {
  return OBJECT_RESOURCE_TYPES[objectType];
}

/** Resource items of V1 (`vault.resources`, 0-256) and V6 (`resources`, 1-256). */
export function resourceInputs(value: unknown, where: string, min: number, objectType: CbrObjectType): WireCbrResourceInput[] {
  if (!Array.isArray(value) || value.length < min || value.length > MAX_VAULT_RESOURCES) {
    throw invalid(`${where} must be an array of ${min}-${MAX_VAULT_RESOURCES} resources {id, type, name?, extra_info?}, got ${describe(value)}`);
  }
  const seen = new Set<string>();
  return value.map((item, i): WireCbrResourceInput => {
    const at = `${where}[${i}]`;
    if (!isObj(item)) throw invalid(`${at} must be an object {id, type, name?, extra_info?}, got ${describe(item)}`);
    const id = checkUuid(item.id, `${at}.id`);
    const type = oneOf(item.type, CBR_RESOURCE_TYPES, `${at}.type`);
    if (!typesFor(objectType).includes(type)) {
      throw cbrError(CBR_CODES.typeNotSupported, `${at}.type ${type} cannot go into a ${objectType} vault (allowed: ${typesFor(objectType).join(', ') || 'none'})`);
    }
    if (seen.has(id)) throw cbrError(CBR_CODES.duplicateResources, `${at}.id ${id} is listed twice`);
    seen.add(id);
    const out: WireCbrResourceInput = { id, type };
    const name = optString(item, 'name', at, 0, 255);
    if (name !== undefined) out.name = name;
    if (item.extra_info !== undefined && item.extra_info !== null) {
      if (!isObj(item.extra_info)) throw invalid(`${at}.extra_info must be an object, got ${describe(item.extra_info)}`);
      const ex = item.extra_info.exclude_volumes;
      if (ex !== undefined && (!Array.isArray(ex) || !ex.every((v) => typeof v === 'string'))) {
        throw invalid(`${at}.extra_info.exclude_volumes must be an array of volume ids, got ${describe(ex)}`);
      }
      out.extra_info = ex === undefined ? {} : { exclude_volumes: [...(ex as string[])] };
    }
    return out;
  });
}

function tags(value: unknown, where: string): WireCbrTag[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 20) throw invalid(`${where} must be an array of at most 20 {key, value}, got ${describe(value)}`);
  const keys = new Set<string>();
  return value.map((t, i) => {
    const at = `${where}[${i}]`;
    if (!isObj(t)) throw invalid(`${at} must be an object {key, value}, got ${describe(t)}`);
    const key = reqString(t, 'key', at, 1, 36);
    const val = optString(t, 'value', at, 0, 43) ?? '';
    if (!/^[A-Za-z0-9_-]+$/.test(key) || !/^[A-Za-z0-9_-]*$/.test(val)) throw invalid(`${at}: key and value may hold only A-Z a-z 0-9 _ -, got ${describe(t)}`);
    if (keys.has(key)) throw invalid(`${at}.key ${key} is given twice; tag keys must be unique`);
    keys.add(key);
    return { key, value: val };
  });
}

function bindRules(value: unknown, where: string): { tags?: WireCbrTag[] } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) throw invalid(`${where} must be an object {tags?}, got ${describe(value)}`);
  const t = tags(value.tags, `${where}.tags`);
  return t === undefined ? {} : { tags: t };
}

/** A validated V1 body. */
export interface VaultCreateInput {
  readonly name: string;
  readonly description?: string;
  readonly billing: {
    consistent_level: CbrConsistentLevel;
    object_type: CbrObjectType;
    protect_type: CbrProtectType;
    size: number;
    charging_mode: 'post_paid' | 'pre_paid';
    cloud_type: string;
    is_auto_renew?: boolean;
    is_auto_pay?: boolean;
  };
  readonly resources: WireCbrResourceInput[];
  readonly policyId?: string;
  readonly tags: WireCbrTag[];
  readonly autoBind: boolean;
  readonly bindRules: { tags?: WireCbrTag[] };
  readonly autoExpand: boolean;
  readonly locked: boolean;
  readonly enterpriseProjectId: string;
}

/** V1: `{"vault":{name, billing, resources, ...}}`. */
export function validateVaultCreate(body: unknown): VaultCreateInput {
  const v = wrapped(body, 'vault', 'create vault');
  const name = reqString(v, 'name', 'vault', 1, 64);
  const b = v.billing;
  if (!isObj(b)) throw invalid(`vault.billing is required: an object {consistent_level, object_type, protect_type, size}, got ${describe(b)}`);
  const consistent = oneOf(b.consistent_level, ['crash_consistent', 'app_consistent'] as const, 'vault.billing.consistent_level');
  const objectType = oneOf(b.object_type, CBR_OBJECT_TYPES, 'vault.billing.object_type');
  const protectType = oneOf(b.protect_type, ['backup', 'replication'] as const, 'vault.billing.protect_type');
  const size = optInt(b, 'size', 'vault.billing', VAULT_SIZE_MIN_CREATE, VAULT_SIZE_MAX);
  if (size === undefined) {
    throw cbrError(CBR_CODES.invalidCapacity, `vault.billing.size is required: the vault size in GB, ${VAULT_SIZE_MIN_CREATE}-${VAULT_SIZE_MAX}`);
  }
  const charging = b.charging_mode === undefined ? 'post_paid' : oneOf(b.charging_mode, ['post_paid', 'pre_paid'] as const, 'vault.billing.charging_mode');
  const billing: VaultCreateInput['billing'] = {
    consistent_level: consistent, object_type: objectType, protect_type: protectType, size,
    charging_mode: charging, cloud_type: optString(b, 'cloud_type', 'vault.billing', 1, 64) ?? 'public',
  };
  const renew = optBool(b, 'is_auto_renew', 'vault.billing');
  if (renew !== undefined) billing.is_auto_renew = renew;
  const pay = optBool(b, 'is_auto_pay', 'vault.billing');
  if (pay !== undefined) billing.is_auto_pay = pay;
  if (v.resources === undefined) throw invalid('vault.resources is required: an array of resources, [] for none');
  const resources = resourceInputs(v.resources, 'vault.resources', 0, objectType);
  const policy = v.backup_policy_id;
  return {
    name,
    description: optString(v, 'description', 'vault', 0, 255),
    billing,
    resources,
    policyId: policy === undefined || policy === null ? undefined : checkUuid(policy, 'vault.backup_policy_id'),
    tags: tags(v.tags, 'vault.tags') ?? [],
    autoBind: optBool(v, 'auto_bind', 'vault') ?? false,
    bindRules: bindRules(v.bind_rules, 'vault.bind_rules') ?? {},
    autoExpand: optBool(v, 'auto_expand', 'vault') ?? false,
    locked: optBool(v, 'locked', 'vault') ?? false,
    enterpriseProjectId: optString(v, 'enterprise_project_id', 'vault', 1, 64) ?? '0',
  };
}

/** A validated V4 body (only the fields given). */
export interface VaultUpdateInput {
  name?: string;
  size?: number;
  autoBind?: boolean;
  bindRules?: { tags?: WireCbrTag[] };
  autoExpand?: boolean;
  smnNotify?: boolean;
  threshold?: number;
  locked?: boolean;
}

/** V4: `{"vault":{name?, billing?: {size?}, ...}}`. */
export function validateVaultUpdate(body: unknown): VaultUpdateInput {
  const v = wrapped(body, 'vault', 'update vault');
  const out: VaultUpdateInput = {};
  const name = optString(v, 'name', 'vault', 1, 64);
  if (name !== undefined) out.name = name;
  if (v.billing !== undefined && v.billing !== null) {
    if (!isObj(v.billing)) throw invalid(`vault.billing must be an object {size?}, got ${describe(v.billing)}`);
    const raw = v.billing.size;
    if (raw !== undefined && !(typeof raw === 'number' && Number.isInteger(raw) && raw >= VAULT_SIZE_MIN_UPDATE && raw <= VAULT_SIZE_MAX)) {
      throw cbrError(CBR_CODES.invalidCapacity, `vault.billing.size must be an integer from ${VAULT_SIZE_MIN_UPDATE} to ${VAULT_SIZE_MAX} (GB), got ${describe(raw)}`);
    }
    if (raw !== undefined) out.size = raw as number;
  }
  const set = <K extends keyof VaultUpdateInput>(key: K, value: VaultUpdateInput[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  set('autoBind', optBool(v, 'auto_bind', 'vault'));
  set('bindRules', bindRules(v.bind_rules, 'vault.bind_rules'));
  set('autoExpand', optBool(v, 'auto_expand', 'vault'));
  set('smnNotify', optBool(v, 'smn_notify', 'vault'));
  set('threshold', optInt(v, 'threshold', 'vault', 1, 100));
  set('locked', optBool(v, 'locked', 'vault'));
  return out;
}

/** V7: `{"resource_ids":[...]}` (1-256 UUIDs). */
export function validateRemoveResources(body: unknown): string[] {
  const b = requireBody(body, 'remove resources');
  const ids = b.resource_ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_VAULT_RESOURCES) {
    throw invalid(`resource_ids must be an array of 1-${MAX_VAULT_RESOURCES} resource ids, got ${describe(ids)}`);
  }
  return ids.map((id, i) => checkUuid(id, `resource_ids[${i}]`));
}

/** V8, V9: `{"policy_id":"..."}`. */
export function validatePolicyRef(body: unknown, what: string): string {
  const b = requireBody(body, what);
  if (b.policy_id === undefined) throw invalid(`${what}: policy_id is required (the id of a CBR policy)`);
  return checkUuid(b.policy_id, 'policy_id');
}

/** A validated C1 body. */
export interface CheckpointInput {
  readonly vaultId: string;
  readonly auto: boolean;
  readonly incremental: boolean;
  readonly name?: string;
  readonly description?: string;
  /** Union of `resources` and `resource_details` ids, in order, without repeats; undefined: the whole vault. */
  readonly resourceIds?: string[];
}

/** C1: `{"checkpoint":{"vault_id", "parameters"?:{...}}}`. */
/** A restore request, checked: the target disk, or the target server and its disk mappings. */
export interface RestoreInput {
  readonly volumeId?: string;
  readonly serverId?: string;
  readonly mappings: { backupId: string; volumeId: string }[];
}

/** `POST /backups/{id}/restore` body: `{"restore":{volume_id?, server_id?, mappings?, power_on?}}`. */
export function validateRestore(body: unknown): RestoreInput {
  const r = wrapped(body, 'restore', 'restore backup');
  const volumeId = r.volume_id === undefined ? undefined : checkUuid(r.volume_id, 'restore.volume_id');
  const serverId = r.server_id === undefined ? undefined : checkUuid(r.server_id, 'restore.server_id');
  optBool(r, 'power_on', 'restore.power_on');
  const mappings: { backupId: string; volumeId: string }[] = [];
  if (r.mappings !== undefined) {
    if (!Array.isArray(r.mappings)) throw invalid(`restore.mappings must be an array, got ${describe(r.mappings)}`);
    r.mappings.forEach((m: unknown, i: number) => {
      if (!isObj(m)) throw invalid(`restore.mappings[${i}] must be an object {backup_id, volume_id}, got ${describe(m)}`);
      mappings.push({ backupId: checkUuid(m.backup_id, `restore.mappings[${i}].backup_id`), volumeId: checkUuid(m.volume_id, `restore.mappings[${i}].volume_id`) });
    });
  }
  return { volumeId, serverId, mappings };
}

export function validateCheckpoint(body: unknown): CheckpointInput {
  const c = wrapped(body, 'checkpoint', 'create checkpoint');
  if (c.vault_id === undefined) throw invalid('checkpoint.vault_id is required (the id of the vault to back up)');
  const vaultId = checkUuid(c.vault_id, 'checkpoint.vault_id');
  const p = c.parameters ?? {};
  if (!isObj(p)) throw invalid(`checkpoint.parameters must be an object, got ${describe(p)}`);
  const name = optString(p, 'name', 'checkpoint.parameters', 1, 64);
  if (name !== undefined && !CBR_NAME_PATTERN.test(name)) {
    throw invalid(`checkpoint.parameters.name must be 1-64 of A-Z a-z 0-9 _ -, got ${describe(name)}`);
  }
  const description = optString(p, 'description', 'checkpoint.parameters', 0, 255);
  let ids: string[] | undefined;
  const add = (id: string): void => {
    ids ??= [];
    if (!ids.includes(id)) ids.push(id);
  };
  if (p.resources !== undefined && p.resources !== null) {
    if (!Array.isArray(p.resources) || p.resources.length > MAX_VAULT_RESOURCES) {
      throw invalid(`checkpoint.parameters.resources must be an array of at most ${MAX_VAULT_RESOURCES} resource ids, got ${describe(p.resources)}`);
    }
    p.resources.forEach((id, i) => add(checkUuid(id, `checkpoint.parameters.resources[${i}]`)));
  }
  if (p.resource_details !== undefined && p.resource_details !== null) {
    const d = p.resource_details;
    if (!Array.isArray(d) || d.length > MAX_VAULT_RESOURCES) {
      throw invalid(`checkpoint.parameters.resource_details must be an array of at most ${MAX_VAULT_RESOURCES} {id, type}, got ${describe(d)}`);
    }
    d.forEach((item, i) => {
      const at = `checkpoint.parameters.resource_details[${i}]`;
      if (!isObj(item)) throw invalid(`${at} must be an object {id, type, name?}, got ${describe(item)}`);
      oneOf(item.type, CBR_RESOURCE_TYPES, `${at}.type`);
      add(checkUuid(item.id, `${at}.id`));
    });
  }
  if (ids === undefined && (Array.isArray(p.resources) || Array.isArray(p.resource_details))) {
    throw invalid('checkpoint.parameters.resources and resource_details are empty: name at least one resource, or leave both out to back up the whole vault');
  }
  optString(p, 'policy_id', 'checkpoint.parameters', 0, 64);
  optInt(p, 'retention_duration_days', 'checkpoint.parameters', 1, 99999, true);
  return {
    vaultId,
    auto: optBool(p, 'auto_trigger', 'checkpoint.parameters') ?? false,
    incremental: optBool(p, 'incremental', 'checkpoint.parameters') ?? true,
    name,
    description,
    resourceIds: ids,
  };
}

// ---------------------------------------------------------------------------------------------
// Policies

const RRULE_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * One rule of `trigger.properties.pattern`: `;`-separated `KEY=VALUE` of FREQ (WEEKLY|DAILY,
 * required), BYDAY (WEEKLY only, required with it), BYHOUR 0-23 and BYMINUTE 0-59 (both
 * required, one or two digits), INTERVAL 1-30 (DAILY only); any order, upper case, no other key.
 */
export function checkRule(rule: unknown, where: string): string {
  if (typeof rule !== 'string' || rule.length === 0 || rule.length > 255) throw invalid(`${where} must be an RRULE string, got ${describe(rule)}`);
  const fields = new Map<string, string>();
  for (const part of rule.split(';')) {
    const m = /^([A-Z]+)=([A-Z0-9,]+)$/.exec(part);
    if (!m) throw invalid(`${where}: "${part.slice(0, 40)}" is not KEY=VALUE (keys FREQ, BYDAY, BYHOUR, BYMINUTE, INTERVAL, upper case)`);
    if (fields.has(m[1])) throw invalid(`${where}: ${m[1]} is given twice`);
    fields.set(m[1], m[2]);
  }
  const bad = (why: string): never => {
    throw invalid(`${where}: ${why}, got ${describe(rule)}`);
  };
  for (const key of fields.keys()) if (!['FREQ', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'INTERVAL'].includes(key)) bad(`key ${key} is not supported (FREQ, BYDAY, BYHOUR, BYMINUTE, INTERVAL)`);
  const freq = fields.get('FREQ');
  if (freq !== 'WEEKLY' && freq !== 'DAILY') bad('FREQ must be WEEKLY or DAILY');
  const byday = fields.get('BYDAY');
  if (freq === 'WEEKLY') {
    if (byday === undefined) bad('FREQ=WEEKLY needs BYDAY (MO,TU,WE,TH,FR,SA,SU)');
    const days = (byday as string).split(',');
    if (days.some((d) => !RRULE_DAYS.includes(d)) || new Set(days).size !== days.length) bad('BYDAY must list distinct days of MO,TU,WE,TH,FR,SA,SU');
    if (fields.has('INTERVAL')) bad('INTERVAL goes with FREQ=DAILY only');
  } else {
    if (byday !== undefined) bad('BYDAY goes with FREQ=WEEKLY only');
    const interval = fields.get('INTERVAL');
    if (interval !== undefined && !(/^\d{1,2}$/.test(interval) && Number(interval) >= 1 && Number(interval) <= 30)) bad('INTERVAL must be 1-30');
  }
  const hour = fields.get('BYHOUR');
  if (hour === undefined || !/^\d{1,2}$/.test(hour) || Number(hour) > 23) bad('BYHOUR must be 0-23');
  const minute = fields.get('BYMINUTE');
  if (minute === undefined || !/^\d{1,2}$/.test(minute) || Number(minute) > 59) bad('BYMINUTE must be 0-59');
  return rule as string;
}

function pattern(trigger: unknown, where: string): string[] {
  if (!isObj(trigger) || !isObj(trigger.properties)) throw invalid(`${where} must be {"properties":{"pattern":[RRULE, ...]}}, got ${describe(trigger)}`);
  const p = trigger.properties.pattern;
  if (!Array.isArray(p) || p.length === 0 || p.length > MAX_POLICY_RULES) {
    throw invalid(`${where}.properties.pattern must be an array of 1-${MAX_POLICY_RULES} RRULE strings, got ${describe(p)}`);
  }
  return p.map((rule, i) => checkRule(rule, `${where}.properties.pattern[${i}]`));
}

const UNSET = (n: number | undefined): boolean => n === undefined || n === 0 || n === -1;

/**
 * `operation_definition`: max_backups and retention_duration_days -1 or 1-99999; day, week,
 * month, year backups 0-100 and only with a timezone `UTC±HH:00`; retention_duration_days
 * excludes the others (0 and -1 count as unset).
 */
function operationDefinition(value: unknown, where: string, type: CbrPolicyOperationType): WireCbrOperationDefinition {
  if (!isObj(value)) throw invalid(`${where} must be an object, got ${describe(value)}`);
  const out: WireCbrOperationDefinition = {};
  const ints: [keyof WireCbrOperationDefinition, number, number, boolean][] = [
    ['max_backups', 1, 99999, true], ['retention_duration_days', 1, 99999, true],
    ['day_backups', 0, 100, false], ['week_backups', 0, 100, false], ['month_backups', 0, 100, false], ['year_backups', 0, 100, false],
    ['full_backup_interval', -1, 100, false],
  ];
  for (const [key, min, max, minusOne] of ints) {
    const n = optInt(value, key, where, min, max, minusOne);
    if (n !== undefined) (out as Record<string, unknown>)[key] = n;
  }
  const tz = optString(value, 'timezone', where, 1, 16);
  if (tz !== undefined) {
    if (!/^UTC[+-]\d{2}:00$/.test(tz)) throw invalid(`${where}.timezone must be UTC+HH:00 or UTC-HH:00, got ${describe(tz)}`);
    out.timezone = tz;
  }
  const acc = optBool(value, 'enable_acceleration', where);
  if (acc !== undefined) out.enable_acceleration = acc;
  for (const key of ['destination_region', 'destination_project_id'] as const) {
    const s = optString(value, key, where, 0, 255);
    if (s !== undefined) {
      if (type !== 'replication') throw invalid(`${where}.${key} applies to replication policies only`);
      out[key] = s;
    }
  }
  const periodic = [out.day_backups, out.week_backups, out.month_backups, out.year_backups].some((n) => !UNSET(n));
  if (!UNSET(out.retention_duration_days) && (periodic || !UNSET(out.max_backups))) {
    throw invalid(`${where}: retention_duration_days cannot be combined with max_backups or day/week/month/year_backups`);
  }
  if (periodic && out.timezone === undefined) throw invalid(`${where}: day/week/month/year_backups need a timezone (UTC+HH:00)`);
  return out;
}

/** A validated P1 body. */
export interface PolicyCreateInput {
  readonly name: string;
  readonly enabled: boolean;
  readonly operationType: CbrPolicyOperationType;
  readonly definition: WireCbrOperationDefinition;
  readonly pattern: string[];
}

function policyName(p: Obj, required: boolean): string | undefined {
  const name = required ? reqString(p, 'name', 'policy', 1, 64) : optString(p, 'name', 'policy', 1, 64);
  if (name !== undefined && !CBR_NAME_PATTERN.test(name)) throw invalid(`policy.name must be 1-64 of A-Z a-z 0-9 _ -, got ${describe(name)}`);
  return name;
}

/** P1: `{"policy":{name, enabled?, operation_type, operation_definition, trigger}}`. */
export function validatePolicyCreate(body: unknown): PolicyCreateInput {
  const p = wrapped(body, 'policy', 'create policy');
  const name = policyName(p, true) as string;
  const operationType = oneOf(p.operation_type, ['backup', 'replication'] as const, 'policy.operation_type');
  if (p.operation_definition === undefined) throw invalid('policy.operation_definition is required (retention: max_backups, retention_duration_days, ...)');
  return {
    name,
    enabled: optBool(p, 'enabled', 'policy') ?? true,
    operationType,
    definition: operationDefinition(p.operation_definition, 'policy.operation_definition', operationType),
    pattern: pattern(p.trigger, 'policy.trigger'),
  };
}

/** A validated P4 body (only what was given). */
export interface PolicyUpdateInput {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly definition?: WireCbrOperationDefinition;
  readonly pattern?: string[];
}

/** P4: every field optional; `operation_definition` fields given replace the stored ones (merge). */
export function validatePolicyUpdate(body: unknown, type: CbrPolicyOperationType, current: WireCbrOperationDefinition): PolicyUpdateInput {
  const p = wrapped(body, 'policy', 'update policy');
  if (p.operation_type !== undefined) throw invalid('policy.operation_type cannot be changed; create another policy');
  let definition: WireCbrOperationDefinition | undefined;
  if (p.operation_definition !== undefined) {
    const given = operationDefinition(p.operation_definition, 'policy.operation_definition', type);
    definition = operationDefinition({ ...current, ...given }, 'policy.operation_definition (merged with the current one)', type);
  }
  return {
    name: policyName(p, false),
    enabled: optBool(p, 'enabled', 'policy'),
    definition,
    pattern: p.trigger === undefined ? undefined : pattern(p.trigger, 'policy.trigger'),
  };
}

// ---------------------------------------------------------------------------------------------
// Query strings

const MAX_QUERY_VALUE = 256;

/** Decoded query pairs, read with checks; unknown names are ignored. */
export class Query {
  private readonly params: URLSearchParams;

  constructor(pairs: ReadonlyArray<readonly [string, string]>) {
    for (const [name, value] of pairs) {
      if (value.length > MAX_QUERY_VALUE) throw invalid(`query parameter ${name.slice(0, 32)} is ${value.length} characters long; at most ${MAX_QUERY_VALUE} are allowed`);
    }
    this.params = new URLSearchParams(pairs as [string, string][]);
  }

  /** A parameter given at most once. */
  one(name: string): string | undefined {
    const all = this.params.getAll(name);
    if (all.length > 1) throw invalid(`query parameter ${name} was given ${all.length} times; give it once`);
    return all[0];
  }

  all(name: string): string[] {
    return this.params.getAll(name);
  }

  uuid(name: string): string | undefined {
    const v = this.one(name);
    return v === undefined ? undefined : checkUuid(v, `query parameter ${name}`);
  }

  enumOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.one(name);
    return v === undefined ? undefined : oneOf(v, allowed, `query parameter ${name}`);
  }

  /** Repeatable enum (OR of the values). */
  enumsOf<T extends string>(name: string, allowed: readonly T[]): T[] | undefined {
    const all = this.all(name).flatMap((v) => v.split(','));
    if (all.length === 0) return undefined;
    return all.map((v) => oneOf(v, allowed, `query parameter ${name}`));
  }

  bool(name: string): boolean | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw invalid(`query parameter ${name} must be true or false, got ${describe(v)}`);
    return v === 'true';
  }

  /** `YYYY-MM-DDThh:mm:ssZ` as epoch ms. */
  time(name: string): number | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    const ms = CBR_FILTER_TIME_PATTERN.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) throw invalid(`query parameter ${name} must be a UTC time YYYY-MM-DDThh:mm:ssZ, e.g. 2018-02-01T12:00:00Z, got ${describe(v)}`);
    return ms;
  }

  int(name: string, min: number, max: number, fallback: number): number {
    const v = this.one(name);
    if (v === undefined) return fallback;
    const n = /^\d{1,16}$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(`query parameter ${name} must be an integer from ${min} to ${max}, got ${describe(v)}`);
    return n;
  }

  /** `limit` (1-1000, default 1000) and `offset` (>= 0, default 0). */
  paging(): { limit: number; offset: number } {
    return { limit: this.int('limit', 1, CBR_MAX_LIMIT, CBR_MAX_LIMIT), offset: this.int('offset', 0, Number.MAX_SAFE_INTEGER, 0) };
  }
}

/** One key of a B1 `sort`. */
export interface SortKey {
  readonly key: (typeof CBR_BACKUP_SORT_KEYS)[number];
  readonly desc: boolean;
}

/** B1 `sort=key[:asc|desc],...` (direction `desc` by default); default `created_at:desc`. */
export function parseSort(value: string | undefined): SortKey[] {
  if (value === undefined) return [{ key: 'created_at', desc: true }];
  if (value.length === 0 || value.length > 255) throw invalid(`query parameter sort must be key[:asc|desc],... of at most 255 characters, got ${describe(value)}`);
  return value.split(',').map((part) => {
    const [key, dir, extra] = part.split(':');
    if (!CBR_BACKUP_SORT_KEYS.includes(key as SortKey['key']) || (dir !== undefined && dir !== 'asc' && dir !== 'desc') || extra !== undefined) {
      throw invalid(`query parameter sort: "${part.slice(0, 40)}" must be key[:asc|desc] with key one of ${CBR_BACKUP_SORT_KEYS.join(', ')}`);
    }
    return { key: key as SortKey['key'], desc: dir !== 'asc' };
  });
}

export const BACKUP_STATUS_VALUES: readonly CbrBackupStatus[] = CBR_BACKUP_STATUSES;
export const TASK_TYPE_VALUES: readonly CbrTaskType[] = CBR_TASK_TYPES;
export const TASK_STATUS_VALUES: readonly CbrTaskStatus[] = CBR_TASK_STATUSES;
