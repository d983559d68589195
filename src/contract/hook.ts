/**
 * The hook contract of docs/architecture.md ADR 1-3, shared by the constructs (which write it
 * into the synthesized stack) and the executor in src/cli (which reads it). This file imports
 * nothing at run time, so the hook path can use it without loading cdktf.
 */
import type { WireScheduledPolicy } from './wire';

/**
 * The desired state of a managed policy (`VBS_HOOK_SPEC`), rendered with Terraform's `jsonencode`.
 * Volumes are not in it: each volume is an instance of the policy's `Volumes` hook resource
 * (`hook-volume-attach` / `hook-volume-detach`), so a volume change never replaces the policy's
 * resource.
 */
export interface PolicySpec {
  /** backup_policy_name. */
  readonly name: string;
  /** The schedule, retention and status, in wire form. */
  readonly scheduled_policy: WireScheduledPolicy;
  /** Top-level time_zone (`UTC+08:00`). @default - none */
  readonly time_zone?: string;
  /** User tags (the marker tag is added by the hook). */
  readonly tags: Record<string, string>;
}

/** Hook command words, one argv word each (hidden from the CLI's `--help`). */
export const HOOK_COMMANDS = {
  /** Create of a managed policy's resource: create or update the policy to the spec. */
  policyApply: 'hook-policy-apply',
  /** Destroy of a managed policy's resource: delete it if still ours and removal is `destroy`. */
  policyDestroy: 'hook-policy-destroy',
  /** Create of a trigger's run resource, or destroy of its before-destroy resource. */
  trigger: 'hook-trigger',
  /** Create of one instance of a managed policy's `Volumes` resource: associate that volume. */
  volumeAttach: 'hook-volume-attach',
  /** Destroy of one instance of a managed policy's `Volumes` resource: disassociate that volume unless retained. */
  volumeDetach: 'hook-volume-detach',
  /** Create of a vault trigger's run resource, or destroy of its before-destroy resource: back the vault up (CBR). */
  vaultTrigger: 'hook-vault-trigger',
} as const;

/** Names of the hook's environment variables. */
export const HOOK_ENV = {
  identity: 'VBS_HOOK_IDENTITY',
  revision: 'VBS_HOOK_REVISION',
  spec: 'VBS_HOOK_SPEC',
  removal: 'VBS_HOOK_REMOVAL',
  policyId: 'VBS_HOOK_POLICY_ID',
  policyName: 'VBS_HOOK_POLICY_NAME',
  policyIdentity: 'VBS_HOOK_POLICY_IDENTITY',
  wait: 'VBS_HOOK_WAIT',
  timeout: 'VBS_HOOK_TIMEOUT',
  failureMode: 'VBS_HOOK_FAILURE_MODE',
  phase: 'VBS_HOOK_PHASE',
  volume: 'VBS_HOOK_VOLUME',
  endpoint: 'VBS_HOOK_ENDPOINT',
  region: 'VBS_HOOK_REGION',
  projectId: 'VBS_HOOK_PROJECT_ID',
  cloud: 'VBS_HOOK_CLOUD',
  whenBusy: 'VBS_HOOK_WHEN_BUSY',
  /** Vault reference of a vault trigger: exactly one of these two. */
  vaultId: 'VBS_HOOK_VAULT_ID',
  vaultName: 'VBS_HOOK_VAULT_NAME',
  /** The vault's resources to back up, comma-separated; absent: every resource in the vault at apply time. */
  resourceIds: 'VBS_HOOK_RESOURCE_IDS',
  /** `false` for full backups; absent: incremental (the API's default). */
  incremental: 'VBS_HOOK_INCREMENTAL',
  /** Keep this trigger's newest N backups per resource after a successful run; absent: keep all. */
  keepLast: 'VBS_HOOK_KEEP_LAST',
  /** The vault trigger's identity: first 12 hex of sha256(construct path). In every checkpoint name it makes (src/contract/checkpoint.ts). */
  triggerId: 'VBS_HOOK_TRIGGER_ID',
  /** A readable label of the vault trigger (stack and id, sanitised, at most 19 of `[A-Za-z0-9_-]`). */
  label: 'VBS_HOOK_LABEL',
  /**
   * The run key (8 hex), computed by Terraform: the same for a retry of the same run (the same
   * replacing values and, under `Rerun.whenChanged`, the watched resources as they were),
   * different whenever a rerun rule fired. A retried run joins its own earlier checkpoint.
   */
  run: 'VBS_HOOK_RUN',
} as const;

/** Default bound of a trigger hook, seconds (`BackupPolicyTriggerProps.timeoutSeconds`). */
export const DEFAULT_TRIGGER_TIMEOUT_SECONDS = 1800;

/** Default bound of the policy and volume hooks, seconds. */
export const DEFAULT_POLICY_TIMEOUT_SECONDS = 600;

/**
 * Values of `VBS_HOOK_WHEN_BUSY` (and of `vbs-backup execute --when-busy`): what a trigger does
 * when a run of its policy is unfinished (ADR 10). The first is the default.
 */
export const WHEN_BUSY_CHOICES = ['wait', 'join', 'fail'] as const;

/** What an execute does when a run of the policy is unfinished: `wait`, `join` or `fail`. */
export type WhenBusyChoice = (typeof WHEN_BUSY_CHOICES)[number];

/**
 * The member of the construct enum `WhenBusy` (src/trigger/when-busy.ts) whose value is each
 * choice, so the hook's messages name the choices as a trigger's user sets them
 * (test/contract/hook.test.ts holds the two together).
 */
export const WHEN_BUSY_MEMBERS: Readonly<Record<WhenBusyChoice, string>> = { wait: 'WAIT_THEN_RUN', join: 'JOIN_RUNNING', fail: 'FAIL' };

/**
 * The reserved tag that marks a managed policy (ADR 2): value `<identity>_<revision>`.
 * Users have the other 9 of the 10 tags VBS allows.
 */
export const MARKER_TAG_KEY = 'cdktf-vbs-backup';

/** Tags VBS allows per policy, the marker included. */
export const MAX_POLICY_TAGS = 10;
