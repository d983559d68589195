/**
 * How a vault trigger is known in the names of the checkpoints it makes: one definition for
 * synth (src/trigger/vault-trigger.ts writes `VBS_HOOK_TRIGGER_ID` and `VBS_HOOK_LABEL`), the
 * hook (src/cli/hook-vault.ts names and finds its checkpoints) and the CLI
 * (`vault-backups --trigger`, `restore --trigger` derive the id from the construct path).
 */
import { hash } from 'node:crypto';

/** Characters of a checkpoint label, and its length (a prefix is `<label>-<12 hex>-<8 hex>`: at most 41). */
const LABEL_UNSAFE = /[^A-Za-z0-9_-]+/g;
const LABEL_MAX = 19;

/** A vault trigger's id: the first 12 hex of sha256 of its construct path (`stack/Vault/AfterMigration`). */
export function vaultTriggerId(constructPath: string): string {
  return hash('sha256', constructPath, 'hex').slice(0, 12);
}

/** `<stack>-<id>` with every run of other characters as `_`, at most 19 characters. */
export function vaultCheckpointLabel(stackName: string, id: string): string {
  return `${stackName}-${id}`.replace(LABEL_UNSAFE, '_').slice(0, LABEL_MAX);
}

/** Names of the backups a trigger made: `...-<trigger id>-<run>-<UTC>-<6 hex>`, optionally a suffix the service added. */
export function ownBackupPattern(triggerId: string): RegExp {
  return new RegExp(`-${triggerId}-([0-9a-f]{8})-\\d{8}T\\d{6}-[0-9a-f]{6}(?:[-_][A-Za-z0-9_-]*)?$`);
}

/** Description of the checkpoints a trigger makes before destroy (its backups carry it): how a run before destroy is told apart. */
export const BEFORE_DESTROY_DESCRIPTION = 'cdktf-vbs-backup: backup before destroy';

/** The run of a destroy phase: `d` + the first 7 hex of the deploy run key, so it never joins a deploy run's checkpoint. */
export function phaseRun(run: string, phase: 'deploy' | 'destroy'): string {
  return phase === 'destroy' ? `d${run.slice(0, 7)}` : run;
}
