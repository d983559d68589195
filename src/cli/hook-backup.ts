/**
 * `hook-backup`: the one hook command of both triggers (docs/architecture.md ADR 1, ADR 14). It
 * backs up what its variables name: a policy (`VBS_HOOK_POLICY_ID`, `_NAME` or `_IDENTITY`:
 * `runTrigger`, hooks.ts) or a vault (`VBS_HOOK_VAULT_ID` or `_NAME`: `runVaultTrigger`,
 * hook-vault.ts). Terraform runs a destroy-time provisioner of a replaced resource with the new
 * configuration's command and the old resource's values, so after a switch between the two
 * triggers (same construct ids) the old side's before-destroy runs from its own variables, in
 * either direction. The words of builds before 1.0 (`hook-trigger`, `hook-vault-trigger`) are
 * run the same way, so configurations synthesized then still apply.
 */
import { HOOK_ENV } from '../contract/hook';
import { UsageError } from './args';
import { hookArgs } from './hooks';
import type { CliIo } from './runtime';

const POLICY_VARIABLES = [HOOK_ENV.policyId, HOOK_ENV.policyName, HOOK_ENV.policyIdentity];
const VAULT_VARIABLES = [HOOK_ENV.vaultId, HOOK_ENV.vaultName];

/** What the variables name: a policy or a vault (an empty value counts as unset). */
export function backupTarget(command: string, env: Readonly<Record<string, string | undefined>>): 'policy' | 'vault' {
  const set = (names: readonly string[]) => names.filter((name) => (env[name] ?? '').trim() !== '');
  const policy = set(POLICY_VARIABLES);
  const vault = set(VAULT_VARIABLES);
  if (policy.length > 0 && vault.length > 0) {
    throw new UsageError(`a policy (${policy.join(', ')}) and a vault (${vault.join(', ')}) are both set; allowed: the variables of one of them`, command);
  }
  if (policy.length === 0 && vault.length === 0) {
    throw new UsageError(`nothing to back up: set one of ${POLICY_VARIABLES.join(', ')} (a policy) or one of ${VAULT_VARIABLES.join(', ')} (a vault)`, command);
  }
  return vault.length > 0 ? 'vault' : 'policy';
}

/** The runner of `command` (`hook-backup`, or a word of builds before 1.0): resolves to the exit code. */
export function backupHook(command: string): (argv: string[], io: CliIo) => Promise<number> {
  return async (argv, io) => {
    if (hookArgs(command, argv, io)) return 0;
    if (backupTarget(command, io.env) === 'vault') return (await import('./hook-vault')).runVaultTrigger(io, command);
    return (await import('./hooks')).runTrigger(io, command);
  };
}
