/**
 * Inputs of the hook commands, read only from the environment (docs/architecture.md ADR 1).
 * Every problem is a {@link UsageError} naming the variable, what it held and what is allowed:
 * a wrong input is a bug in the synthesized stack, not a cloud failure.
 */
import { Cloud, cloudRefusal, endpointRefusal, projectIdRefusal, Refusal, regionRefusal } from '../contract/rules';
import { UUID_PATTERN, WireScheduledPolicy } from '../contract/wire';
import { LABEL_ALLOWED, LABEL_PATTERN, RUN_ALLOWED, RUN_PATTERN, TRIGGER_ID_ALLOWED, TRIGGER_ID_PATTERN } from '../contract/checkpoint';
import { keepLastRefusal, resourceIdRefusal, vaultIdRefusal, vaultNameRefusal } from '../contract/cbr-rules';
import { DEFAULT_POLICY_TIMEOUT_SECONDS, DEFAULT_TRIGGER_TIMEOUT_SECONDS, HOOK_ENV, MARKER_TAG_KEY, WHEN_BUSY_CHOICES, WhenBusyChoice } from '../contract/hook';
import type { PolicySpec } from '../contract/hook';
import { UsageError } from './args';

export type { PolicySpec };
export { DEFAULT_POLICY_TIMEOUT_SECONDS, DEFAULT_TRIGGER_TIMEOUT_SECONDS };

type Env = Record<string, string | undefined>;

/** Connection overrides a construct's `connection` put into the hook environment. */
export interface HookConnection {
  /** VBS_HOOK_ENDPOINT. @default - VBS_ENDPOINT or derived */
  readonly endpoint?: string;
  /** VBS_HOOK_REGION. @default - HW_REGION_NAME / OS_REGION_NAME */
  readonly region?: string;
  /** VBS_HOOK_PROJECT_ID. @default - HW_PROJECT_ID / OS_PROJECT_ID */
  readonly projectId?: string;
  /** VBS_HOOK_CLOUD. @default - VBS_CLOUD, else the region's cloud */
  readonly cloud?: Cloud;
}

/** How a hook names its policy: exactly one of id, name, or managed identity. */
export type PolicyRef =
  | { readonly kind: 'id'; readonly policyId: string }
  | { readonly kind: 'name'; readonly policyName: string }
  | { readonly kind: 'identity'; readonly identity: string };

/** The settings both trigger hooks read, with the same names, defaults and rules (ADR 1 and 13). */
export interface TriggerSettings {
  /** VBS_HOOK_WAIT. @default false */
  readonly wait: boolean;
  /** VBS_HOOK_TIMEOUT, seconds, bounds the whole command. @default 1800 */
  readonly timeoutSeconds: number;
  /** VBS_HOOK_FAILURE_MODE. @default 'fail' */
  readonly failureMode: 'fail' | 'continue';
  /** VBS_HOOK_PHASE. @default 'deploy' */
  readonly phase: 'deploy' | 'destroy';
  /** VBS_HOOK_WHEN_BUSY: a run of the policy is unfinished, or resources of the vault are being backed up. @default 'wait' */
  readonly whenBusy: WhenBusyChoice;
  readonly connection: HookConnection;
}

/** Inputs of `hook-trigger`. */
export interface TriggerInputs extends TriggerSettings {
  readonly ref: PolicyRef;
}

/** How a vault hook names its vault: exactly one of id and name. */
export type VaultRef = { readonly vaultId: string } | { readonly vaultName: string };

/** Inputs of `hook-vault-trigger` (the settings as for `hook-trigger`). */
export interface VaultTriggerInputs extends TriggerSettings {
  /** VBS_HOOK_VAULT_ID (a UUID) or VBS_HOOK_VAULT_NAME. */
  readonly vault: VaultRef;
  /** VBS_HOOK_RESOURCE_IDS (UUIDs, comma-separated, duplicates dropped). @default - every resource in the vault */
  readonly resourceIds?: readonly string[];
  /** VBS_HOOK_INCREMENTAL. @default true */
  readonly incremental: boolean;
  /** VBS_HOOK_KEEP_LAST: this trigger's newest backups kept per resource. @default - keep all */
  readonly keepLast?: number;
  /** VBS_HOOK_TRIGGER_ID: 12 hex. */
  readonly triggerId: string;
  /** VBS_HOOK_LABEL: 1-19 of `[A-Za-z0-9_-]`. */
  readonly label: string;
  /** VBS_HOOK_RUN: 8 hex, the run key Terraform computed. */
  readonly run: string;
}

/** Reads the inputs of `hook-vault-trigger`. */
export function readVaultTriggerInputs(command: string, env: Env): VaultTriggerInputs {
  const given = exactlyOne(command, env, [HOOK_ENV.vaultId, HOOK_ENV.vaultName]);
  // The rules synth applied to literal props (src/contract/cbr-rules.ts): what synth accepts, the hook accepts.
  const check = (name: string, value: string, refusal: Refusal | undefined): void => {
    if (refusal) throw new UsageError(`${name} ${JSON.stringify(value)} ${refusal.problem}; allowed: ${refusal.allowed}`, command);
  };
  let vault: VaultRef;
  if (given === HOOK_ENV.vaultId) {
    const id = env[HOOK_ENV.vaultId]!;
    check(HOOK_ENV.vaultId, id, vaultIdRefusal(id));
    vault = { vaultId: id.toLowerCase() };
  } else {
    const name = env[HOOK_ENV.vaultName]!;
    check(HOOK_ENV.vaultName, name, vaultNameRefusal(name));
    vault = { vaultName: name };
  }
  let resourceIds: string[] | undefined;
  const idsText = nonEmpty(env[HOOK_ENV.resourceIds]);
  if (idsText !== undefined) {
    const ids = idsText.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
    if (ids.length === 0) throw new UsageError(`${HOOK_ENV.resourceIds} must list resource ids separated by commas, got '${idsText}'`, command);
    for (const id of ids) check(HOOK_ENV.resourceIds, id, resourceIdRefusal(id));
    resourceIds = [...new Set(ids.map((x) => x.toLowerCase()))];
  }
  const keepText = nonEmpty(env[HOOK_ENV.keepLast]);
  if (keepText !== undefined) check(HOOK_ENV.keepLast, keepText, /^\d+$/.test(keepText) ? keepLastRefusal(Number(keepText)) : keepLastRefusal(NaN));
  return {
    vault,
    resourceIds,
    incremental: readChoice(command, env, HOOK_ENV.incremental, ['true', 'false'], 'true') === 'true',
    keepLast: keepText === undefined ? undefined : Number(keepText),
    triggerId: readPattern(command, env, HOOK_ENV.triggerId, TRIGGER_ID_PATTERN, TRIGGER_ID_ALLOWED),
    label: readPattern(command, env, HOOK_ENV.label, LABEL_PATTERN, LABEL_ALLOWED),
    run: readPattern(command, env, HOOK_ENV.run, RUN_PATTERN, RUN_ALLOWED),
    ...readTriggerSettings(command, env),
  };
}

/** The one of `names` that is set (empty counts as unset); a UsageError when none or several are. */
function exactlyOne(command: string, env: Env, names: readonly string[]): string {
  const given = names.filter((v) => nonEmpty(env[v]) !== undefined);
  if (given.length !== 1) {
    throw new UsageError(`exactly one of ${names.join(', ')} must be set, got ${given.length === 0 ? 'none' : given.join(' and ')}`, command);
  }
  return given[0];
}

function readPattern(command: string, env: Env, name: string, pattern: RegExp, allowed: string): string {
  const value = nonEmpty(env[name]);
  if (value === undefined) throw new UsageError(`${name} must be set to ${allowed}`, command);
  if (!pattern.test(value)) throw new UsageError(`${name} must be ${allowed}, got '${value}'`, command);
  return value;
}

/** Inputs of `hook-policy-apply`. */
export interface PolicyApplyInputs {
  readonly identity: string;
  readonly revision: string;
  readonly spec: PolicySpec;
  /** VBS_HOOK_TIMEOUT. @default 600 */
  readonly timeoutSeconds: number;
  readonly connection: HookConnection;
}

/** Inputs of `hook-policy-destroy`. */
export interface PolicyDestroyInputs {
  readonly identity: string;
  readonly revision: string;
  /** VBS_HOOK_REMOVAL. @default 'destroy' */
  readonly removal: 'destroy' | 'retain';
  /** VBS_HOOK_TIMEOUT. @default 600 */
  readonly timeoutSeconds: number;
  readonly connection: HookConnection;
}

/** Inputs of `hook-volume-attach` and `hook-volume-detach`. */
export interface VolumeInputs {
  /** VBS_HOOK_IDENTITY: the managed policy's identity. */
  readonly identity: string;
  /** VBS_HOOK_VOLUME: the one volume to attach or detach. */
  readonly volume: string;
  /** VBS_HOOK_REMOVAL (detach only). @default 'destroy' */
  readonly removal: 'destroy' | 'retain';
  /** VBS_HOOK_TIMEOUT. @default 600 */
  readonly timeoutSeconds: number;
  readonly connection: HookConnection;
}

/**
 * Reads VBS_HOOK_ENDPOINT / VBS_HOOK_REGION / VBS_HOOK_PROJECT_ID / VBS_HOOK_CLOUD (empty counts
 * as unset), each checked by the rule the constructs applied at synth (src/contract/rules.ts).
 */
export function readHookConnection(command: string, env: Env): HookConnection {
  const read = (name: string, rule: (value: string) => Refusal | undefined): string | undefined => {
    const value = nonEmpty(env[name]);
    const refusal = value === undefined ? undefined : rule(value);
    if (refusal) throw new UsageError(`${name} ${JSON.stringify(value)} ${refusal.problem}; allowed: ${refusal.allowed}`, command);
    return value;
  };
  return {
    endpoint: read(HOOK_ENV.endpoint, endpointRefusal),
    region: read(HOOK_ENV.region, regionRefusal),
    projectId: read(HOOK_ENV.projectId, (value) => projectIdRefusal(value)),
    cloud: read(HOOK_ENV.cloud, cloudRefusal) as Cloud | undefined,
  };
}

/** Reads the policy reference: exactly one of VBS_HOOK_POLICY_ID / _NAME / _IDENTITY. */
export function readPolicyRef(command: string, env: Env): PolicyRef {
  const given = exactlyOne(command, env, [HOOK_ENV.policyId, HOOK_ENV.policyName, HOOK_ENV.policyIdentity]);
  const value = env[given]!;
  switch (given) {
    case HOOK_ENV.policyId:
      if (!UUID_PATTERN.test(value)) {
        throw new UsageError(`${HOOK_ENV.policyId} must be a policy UUID, got '${value}'`, command);
      }
      return { kind: 'id', policyId: value.toLowerCase() };
    case HOOK_ENV.policyName:
      return { kind: 'name', policyName: value };
    default:
      return { kind: 'identity', identity: checkMarkerPart(command, HOOK_ENV.policyIdentity, value) };
  }
}

/** Reads the inputs of `hook-trigger`. */
export function readTriggerInputs(command: string, env: Env): TriggerInputs {
  return { ref: readPolicyRef(command, env), ...readTriggerSettings(command, env) };
}

/** Reads the settings of both trigger hooks. */
function readTriggerSettings(command: string, env: Env): TriggerSettings {
  return {
    wait: readChoice(command, env, HOOK_ENV.wait, ['true', 'false'], 'false') === 'true',
    timeoutSeconds: readTimeout(command, env, DEFAULT_TRIGGER_TIMEOUT_SECONDS),
    failureMode: readChoice(command, env, HOOK_ENV.failureMode, ['fail', 'continue'], 'fail'),
    phase: readChoice(command, env, HOOK_ENV.phase, ['deploy', 'destroy'], 'deploy'),
    whenBusy: readChoice(command, env, HOOK_ENV.whenBusy, WHEN_BUSY_CHOICES, WHEN_BUSY_CHOICES[0]),
    connection: readHookConnection(command, env),
  };
}

/** Reads the inputs of `hook-policy-apply`. */
export function readPolicyApplyInputs(command: string, env: Env): PolicyApplyInputs {
  return {
    identity: readMarkerPart(command, env, HOOK_ENV.identity),
    revision: readMarkerPart(command, env, HOOK_ENV.revision),
    spec: parsePolicySpec(command, env[HOOK_ENV.spec]),
    timeoutSeconds: readTimeout(command, env, DEFAULT_POLICY_TIMEOUT_SECONDS),
    connection: readHookConnection(command, env),
  };
}

/** Reads the inputs of `hook-policy-destroy`. */
export function readPolicyDestroyInputs(command: string, env: Env): PolicyDestroyInputs {
  return {
    identity: readMarkerPart(command, env, HOOK_ENV.identity),
    revision: readMarkerPart(command, env, HOOK_ENV.revision),
    removal: readChoice(command, env, HOOK_ENV.removal, ['destroy', 'retain'], 'destroy'),
    timeoutSeconds: readTimeout(command, env, DEFAULT_POLICY_TIMEOUT_SECONDS),
    connection: readHookConnection(command, env),
  };
}

/** Reads the inputs of `hook-volume-attach` / `hook-volume-detach`. */
export function readVolumeInputs(command: string, env: Env): VolumeInputs {
  const volume = nonEmpty(env[HOOK_ENV.volume]);
  if (volume === undefined) throw new UsageError(`${HOOK_ENV.volume} must be set to the volume id`, command);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(volume)) {
    throw new UsageError(`${HOOK_ENV.volume} must be a volume id (1-64 letters, digits, '_' or '-'), got '${volume}'`, command);
  }
  return {
    identity: readMarkerPart(command, env, HOOK_ENV.identity),
    volume,
    removal: readChoice(command, env, HOOK_ENV.removal, ['destroy', 'retain'], 'destroy'),
    timeoutSeconds: readTimeout(command, env, DEFAULT_POLICY_TIMEOUT_SECONDS),
    connection: readHookConnection(command, env),
  };
}

/**
 * Parses and checks VBS_HOOK_SPEC (JSON rendered by Terraform's jsonencode). A `volume_ids`
 * field (written by versions before volumes became their own hook resource) is ignored: the
 * `Volumes` resource attaches and detaches them.
 */
export function parsePolicySpec(command: string, text: string | undefined): PolicySpec {
  const spec = HOOK_ENV.spec;
  if (!nonEmpty(text)) throw new UsageError(`${spec} must be set to the policy spec JSON`, command);
  let raw: unknown;
  try {
    raw = JSON.parse(text!);
  } catch (err) {
    throw new UsageError(`${spec} is not valid JSON: ${(err as Error).message}`, command);
  }
  const where = (field: string): string => `${spec}.${field}`;
  if (!isObject(raw)) throw new UsageError(`${spec} must be a JSON object {name, scheduled_policy, time_zone?, tags}`, command);
  if (typeof raw.name !== 'string' || raw.name.length === 0) {
    throw new UsageError(`${where('name')} must be a non-empty string, got ${JSON.stringify(raw.name)}`, command);
  }
  if (!isObject(raw.scheduled_policy)) {
    throw new UsageError(`${where('scheduled_policy')} must be an object, got ${JSON.stringify(raw.scheduled_policy)}`, command);
  }
  const tz = raw.time_zone;
  if (tz !== undefined && tz !== null && typeof tz !== 'string') {
    throw new UsageError(`${where('time_zone')} must be a string such as "UTC+08:00", got ${JSON.stringify(tz)}`, command);
  }
  const tags = raw.tags ?? {};
  if (!isObject(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw new UsageError(`${where('tags')} must be an object of string values, got ${JSON.stringify(raw.tags)}`, command);
  }
  if (MARKER_TAG_KEY in tags) {
    throw new UsageError(`${where('tags')} must not contain the reserved key '${MARKER_TAG_KEY}' (the managed-policy marker)`, command);
  }
  return {
    name: raw.name,
    scheduled_policy: stripNulls(raw.scheduled_policy) as WireScheduledPolicy,
    time_zone: typeof tz === 'string' && tz.length > 0 ? tz : undefined,
    tags: tags as Record<string, string>,
  };
}

function readMarkerPart(command: string, env: Env, name: string): string {
  const value = nonEmpty(env[name]);
  if (value === undefined) throw new UsageError(`${name} must be set`, command);
  return checkMarkerPart(command, name, value);
}

/** Identity and revision become the marker tag value `<identity>_<revision>`: no `_` inside. */
function checkMarkerPart(command: string, name: string, value: string): string {
  if (!/^[A-Za-z0-9-]{1,21}$/.test(value)) {
    throw new UsageError(`${name} must be 1-21 letters, digits or '-', got '${value}'`, command);
  }
  return value;
}

function readChoice<T extends string>(command: string, env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got '${value}'`, command);
  }
  return value as T;
}

function readTimeout(command: string, env: Env, fallback: number): number {
  const value = nonEmpty(env[HOOK_ENV.timeout]);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 86400) {
    throw new UsageError(`${HOOK_ENV.timeout} must be a whole number of seconds from 1 to 86400, got '${value}'`, command);
  }
  return Number(value);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** jsonencode renders absent optional attributes as null; the API wants them omitted. */
function stripNulls(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}
