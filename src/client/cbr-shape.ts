/**
 * Checks of CBR success bodies before the client reads them (the CBR half of shape.ts): a body
 * that is not what the API sends fails with a VbsApiError naming the field, never a TypeError
 * later. Absent optional lists read as empty; numbers the API gives as strings stay as given.
 */
import type {
  WireCbrAddResourcesResponse, WireCbrAssociatePolicyResponse, WireCbrBackup, WireCbrBackupList, WireCbrCheckpoint,
  WireCbrDissociatePolicyResponse, WireCbrOperationLog, WireCbrOperationLogList, WireCbrPolicy, WireCbrPolicyList,
  WireCbrRemoveResourcesResponse, WireCbrVault, WireCbrVaultList,
} from '../contract/cbr-wire';
import { ShapeCheck } from './shape';

type Obj = Record<string, unknown>;

function count(c: ShapeCheck, body: Obj, items: number): number {
  const n = body.count;
  if (n === undefined || n === null) return items;
  if (typeof n !== 'number' || !Number.isFinite(n)) c.fail('"count" is not a number');
  return n as number;
}

function wrapped(c: ShapeCheck, value: unknown, key: string): Obj {
  const body = c.object(value);
  return c.object(body[key], `"${key}"`);
}

function vaultObject(c: ShapeCheck, v: Obj, where: string): WireCbrVault {
  c.string(v, 'id', where);
  c.optionalScalar(v, 'name', where);
  v.resources = c.list(v, 'resources');
  (v.resources as Obj[]).forEach((r, i) => c.string(r, 'id', `${where}.resources[${i}]`));
  if (v.billing !== undefined && v.billing !== null) c.object(v.billing, `${where}."billing"`);
  return v as unknown as WireCbrVault;
}

/** V1, V2, V4: `{"vault":{…}}`. */
export function cbrVault(c: ShapeCheck, value: unknown): WireCbrVault {
  return vaultObject(c, wrapped(c, value, 'vault'), 'vault');
}

/** V3: `{"vaults":[…],"count":N}`. */
export function cbrVaultList(c: ShapeCheck, value: unknown): WireCbrVaultList {
  const body = c.object(value);
  const vaults = c.list(body, 'vaults').map((v, i) => vaultObject(c, v, `vaults[${i}]`));
  return { vaults, count: count(c, body, vaults.length), limit: body.limit as number | undefined, offset: body.offset as number | undefined };
}

/** C1, C2: `{"checkpoint":{…}}` with its vault's resources and skipped resources. */
export function cbrCheckpoint(c: ShapeCheck, value: unknown): WireCbrCheckpoint {
  const cp = wrapped(c, value, 'checkpoint');
  c.string(cp, 'id', 'checkpoint');
  c.optionalScalar(cp, 'status', 'checkpoint');
  c.optionalScalar(cp, 'created_at', 'checkpoint');
  const vault = c.object(cp.vault ?? {}, 'checkpoint."vault"');
  vault.resources = c.list(vault, 'resources');
  (vault.resources as Obj[]).forEach((r, i) => c.string(r, 'id', `checkpoint.vault.resources[${i}]`));
  vault.skipped_resources = c.list(vault, 'skipped_resources');
  (vault.skipped_resources as Obj[]).forEach((r, i) => {
    c.string(r, 'id', `checkpoint.vault.skipped_resources[${i}]`);
    c.optionalScalar(r, 'code', `checkpoint.vault.skipped_resources[${i}]`);
    c.optionalScalar(r, 'reason', `checkpoint.vault.skipped_resources[${i}]`);
  });
  cp.vault = vault;
  return cp as unknown as WireCbrCheckpoint;
}

function backupObject(c: ShapeCheck, b: Obj, where: string): WireCbrBackup {
  c.string(b, 'id', where);
  for (const k of ['name', 'checkpoint_id', 'vault_id', 'resource_id', 'status', 'created_at']) c.optionalScalar(b, k, where);
  b.children = c.list(b, 'children').map((ch, i) => backupObject(c, ch, `${where}.children[${i}]`));
  return b as unknown as WireCbrBackup;
}

/** B2: `{"backup":{…}}`. */
export function cbrBackup(c: ShapeCheck, value: unknown): WireCbrBackup {
  return backupObject(c, wrapped(c, value, 'backup'), 'backup');
}

/** B1: `{"backups":[…],"count":N}`. */
export function cbrBackupList(c: ShapeCheck, value: unknown): WireCbrBackupList {
  const body = c.object(value);
  const backups = c.list(body, 'backups').map((b, i) => backupObject(c, b, `backups[${i}]`));
  return { backups, count: count(c, body, backups.length), limit: body.limit as number | undefined, offset: body.offset as number | undefined };
}

function policyObject(c: ShapeCheck, p: Obj, where: string): WireCbrPolicy {
  c.string(p, 'id', where);
  c.optionalScalar(p, 'name', where);
  p.associated_vaults = c.list(p, 'associated_vaults');
  return p as unknown as WireCbrPolicy;
}

/** P1, P2, P4: `{"policy":{…}}`. */
export function cbrPolicy(c: ShapeCheck, value: unknown): WireCbrPolicy {
  return policyObject(c, wrapped(c, value, 'policy'), 'policy');
}

/** P3: `{"policies":[…],"count":N}`. */
export function cbrPolicyList(c: ShapeCheck, value: unknown): WireCbrPolicyList {
  const body = c.object(value);
  const policies = c.list(body, 'policies').map((p, i) => policyObject(c, p, `policies[${i}]`));
  return { policies, count: count(c, body, policies.length) };
}

function logObject(c: ShapeCheck, l: Obj, where: string): WireCbrOperationLog {
  c.string(l, 'id', where);
  for (const k of ['operation_type', 'status', 'checkpoint_id', 'vault_id', 'created_at']) c.optionalScalar(l, k, where);
  if (l.extra_info !== undefined && l.extra_info !== null) c.object(l.extra_info, `${where}."extra_info"`);
  return l as unknown as WireCbrOperationLog;
}

/** T2: `{"operation_log":{…}}`. */
export function cbrOperationLog(c: ShapeCheck, value: unknown): WireCbrOperationLog {
  return logObject(c, wrapped(c, value, 'operation_log'), 'operation_log');
}

/** T1: `{"operation_logs":[…],"count":N}`. */
export function cbrOperationLogList(c: ShapeCheck, value: unknown): WireCbrOperationLogList {
  const body = c.object(value);
  const logs = c.list(body, 'operation_logs').map((l, i) => logObject(c, l, `operation_logs[${i}]`));
  return { operation_logs: logs, count: count(c, body, logs.length), limit: body.limit as number | undefined, offset: body.offset as number | undefined };
}

function idList(c: ShapeCheck, value: unknown, key: string): string[] {
  const v = c.object(value)[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) c.fail(`"${key}" is not a list of strings`);
  return v as string[];
}

/** V6. */
export function cbrAddResources(c: ShapeCheck, value: unknown): WireCbrAddResourcesResponse {
  return { add_resource_ids: idList(c, value, 'add_resource_ids') };
}

/** V7. */
export function cbrRemoveResources(c: ShapeCheck, value: unknown): WireCbrRemoveResourcesResponse {
  return { remove_resource_ids: idList(c, value, 'remove_resource_ids') };
}

function binding(c: ShapeCheck, value: unknown, key: string): { vault_id: string; policy_id: string } {
  const b = wrapped(c, value, key);
  return { vault_id: c.string(b, 'vault_id', key), policy_id: c.string(b, 'policy_id', key) };
}

/** V8. */
export function cbrAssociatePolicy(c: ShapeCheck, value: unknown): WireCbrAssociatePolicyResponse {
  return { associate_policy: binding(c, value, 'associate_policy') };
}

/** V9. */
export function cbrDissociatePolicy(c: ShapeCheck, value: unknown): WireCbrDissociatePolicyResponse {
  return { dissociate_policy: binding(c, value, 'dissociate_policy') };
}
