/**
 * The rules of a vault trigger's inputs (vault id, vault name, resource ids, keepLast), written
 * once: the constructs check literal props with them at synth (src/trigger/vault-trigger.ts,
 * src/vault/vault.ts) and the executor can check its variables with the same rules, so what
 * synth accepts the hook accepts. Pure functions and constants, like rules.ts.
 */
import { UUID_PATTERN } from './wire';
import type { Refusal } from './rules';

/** An example id for messages. */
const EXAMPLE_UUID = '"3b5d8e2a-4c1f-4e6b-9a7d-0f2e1c3b4a5d"';

/** A CBR vault id: a UUID. */
export function vaultIdRefusal(value: string): Refusal | undefined {
  if (UUID_PATTERN.test(value)) return undefined;
  return { problem: 'is not a vault id', allowed: `a UUID (8-4-4-4-12 hexadecimal), e.g. ${EXAMPLE_UUID}` };
}

/** A resource id in a vault (a volume, a server...): a UUID. */
export function resourceIdRefusal(value: string): Refusal | undefined {
  if (UUID_PATTERN.test(value)) return undefined;
  return { problem: 'is not a resource id', allowed: `a UUID (8-4-4-4-12 hexadecimal) of a resource in the vault, e.g. ${EXAMPLE_UUID}` };
}

/**
 * A CBR vault name: 1 to 64 characters (Huawei Cloud also allows Chinese letters, so no charset
 * is imposed beyond printable characters; a vault made from a VBS policy carries the policy's
 * name, `[A-Za-z0-9_-]`).
 */
export const VAULT_NAME_PATTERN = /^[^\p{Cc}]{1,64}$/u;

/** The vault name rule. */
export function vaultNameRefusal(value: string): Refusal | undefined {
  if (VAULT_NAME_PATTERN.test(value)) return undefined;
  return { problem: 'is not a vault name', allowed: '1 to 64 characters, no control characters, e.g. "nightly-db"' };
}

/** The bounds of `keepLast` (CBR's own retention by count, `max_backups`, allows 1 to 99999). */
export const KEEP_LAST_MIN = 1;
export const KEEP_LAST_MAX = 99999;

/** The keepLast rule (a whole number of backups per resource). */
export function keepLastRefusal(value: number): Refusal | undefined {
  if (Number.isInteger(value) && value >= KEEP_LAST_MIN && value <= KEEP_LAST_MAX) return undefined;
  return { problem: 'is out of range', allowed: `a whole number from ${KEEP_LAST_MIN} to ${KEEP_LAST_MAX} (backups kept per resource)` };
}
