/**
 * The checkpoint-name contract of a vault trigger (docs/architecture.md ADR 13 and 14), in one
 * place for the three sides that must agree on it: the construct that writes the trigger id and
 * the label into the synthesized stack (src/trigger/vault-trigger.ts), the hook that names its
 * checkpoints and finds its own backups by name (src/cli/hook-vault.ts, src/cli/hook-env.ts),
 * and the CLI commands that find a trigger's runs from its construct path.
 *
 * A checkpoint of a vault trigger is named `<label>-<trigger id>-<run>-<UTC>-<6 hex>`: the prefix
 * `<label>-<trigger id>-<run>` (at most 41 characters, the limit of the client's checkpoint
 * prefix) is the trigger's; `-<UTC YYYYMMDDTHHMMSS>-<6 hex>` is added by `CbrClient.backupVault`.
 */
import { hash } from 'node:crypto';

/** Length of a trigger id: hex digits of sha256 of the trigger's construct path. */
export const TRIGGER_ID_LENGTH = 12;

/** A trigger id (`VBS_HOOK_TRIGGER_ID`): {@link TRIGGER_ID_LENGTH} lower-case hex digits. */
export const TRIGGER_ID_PATTERN = /^[0-9a-f]{12}$/;

/** Longest label (`VBS_HOOK_LABEL`): 19 + 1 + 12 + 1 + 8 = 41, the longest checkpoint prefix. */
export const LABEL_MAX = 19;

/** A label (`VBS_HOOK_LABEL`): 1-19 of `[A-Za-z0-9_-]`. */
export const LABEL_PATTERN = /^[A-Za-z0-9_-]{1,19}$/;

/** A run key (`VBS_HOOK_RUN`): 8 lower-case hex digits, computed by Terraform. */
export const RUN_PATTERN = /^[0-9a-f]{8}$/;

/** What each of the three values allows, in words, for messages. */
export const TRIGGER_ID_ALLOWED = '12 lower-case hex digits';
export const LABEL_ALLOWED = "1-19 letters, digits, '_' or '-'";
export const RUN_ALLOWED = '8 lower-case hex digits (Terraform computes it)';

/** Runs of characters a label cannot hold: each becomes one `_`. */
const LABEL_UNSAFE = /[^A-Za-z0-9_-]+/g;

/**
 * The id of the vault trigger at `constructPath` (`node.path`, which starts with the stack's
 * name, e.g. `prod/Vault/AfterMigration`): the first 12 hex of its sha256.
 */
export function vaultTriggerId(constructPath: string): string {
  return hash('sha256', constructPath, 'hex').slice(0, TRIGGER_ID_LENGTH);
}

/** The readable label of a vault trigger: `<stack>-<id>`, each run of other characters than `[A-Za-z0-9_-]` as `_`, cut to 19. */
export function vaultTriggerLabel(stackName: string, id: string): string {
  return `${stackName}-${id}`.replace(LABEL_UNSAFE, '_').slice(0, LABEL_MAX);
}

/** The names a vault trigger writes into its checkpoint names. */
export interface VaultTriggerNames {
  /** `VBS_HOOK_TRIGGER_ID`. */
  readonly triggerId: string;
  /** `VBS_HOOK_LABEL`. */
  readonly label: string;
}

/**
 * The trigger id and label of the vault trigger at `constructPath` as a user writes it,
 * `STACK/CONSTRUCT_PATH` (the path the construct has under an app whose stacks are its
 * children: the stack's name first, the trigger's id last). Undefined when the path has no
 * construct under a stack (fewer than two non-empty segments, or an empty one).
 */
export function vaultTriggerNames(constructPath: string): VaultTriggerNames | undefined {
  const segments = constructPath.split('/');
  if (segments.length < 2 || segments.some((s) => s.length === 0)) return undefined;
  return { triggerId: vaultTriggerId(constructPath), label: vaultTriggerLabel(segments[0], segments[segments.length - 1]) };
}

/**
 * Name prefix of a vault trigger's checkpoints (at most 41 characters, the limit of
 * `BackupVaultOptions.name`): `<label>-<trigger id>-<run>`.
 */
export function vaultCheckpointPrefix(label: string, triggerId: string, run: string): string {
  return `${label}-${triggerId}-${run}`;
}

/** The run key of a phase: the deploy run is `VBS_HOOK_RUN`, the destroy run `d` + its first 7 hex. */
export function phaseRun(run: string, phase: 'deploy' | 'destroy'): string {
  return phase === 'destroy' ? `d${run.slice(0, 7)}` : run;
}

/** What every backup name of one run of a trigger contains: `-<trigger id>-<run>-`. */
export function runNameMarker(triggerId: string, run: string): string {
  return `-${triggerId}-${run}-`;
}

/** What every backup name of a trigger contains: `-<trigger id>-` (a cheap first filter; see {@link ownBackupPattern}). */
export function triggerNameMarker(triggerId: string): string {
  return `-${triggerId}-`;
}

/**
 * Names of the backups a trigger made: `...-<trigger id>-<run>-<UTC>-<6 hex>`, optionally a
 * suffix the service added. The run is 8 hex (a deploy run) or `d` + 7 hex (a destroy run).
 */
export function ownBackupPattern(triggerId: string): RegExp {
  return new RegExp(`-${triggerId}-[0-9a-f]{8}-\\d{8}T\\d{6}-[0-9a-f]{6}(?:[-_][A-Za-z0-9_-]*)?$`);
}

/** The run key of a backup name of the trigger's form (see {@link ownBackupPattern}), or undefined. */
export function runOfBackupName(triggerId: string, name: string): string | undefined {
  return new RegExp(`-${triggerId}-([0-9a-f]{8})-\\d{8}T\\d{6}-[0-9a-f]{6}(?:[-_][A-Za-z0-9_-]*)?$`).exec(name)?.[1];
}

/**
 * Description of the checkpoints a trigger makes before destroy (their backups carry it): what
 * marks a run before destroy (a deploy run key starts with `d` one time in 16).
 */
export const BEFORE_DESTROY_DESCRIPTION = 'cdktf-vbs-backup: backup before destroy';
