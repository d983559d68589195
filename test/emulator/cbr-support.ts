/**
 * CBR helpers for the emulator tests: raw HTTP calls (node's fetch, through `call` of
 * helpers.ts), no client code.
 */
import { randomUUID } from 'node:crypto';
import type { Emulator } from '../../src/emulator';
import { PROJECT, Reply, call } from './helpers';

export const v3 = (path: string, project = PROJECT): string => `/v3/${project}${path}`;

/** A disk vault body holding `disks`. */
export function diskVaultBody(name: string, disks: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    vault: {
      name,
      billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 },
      resources: disks.map((id) => ({ id, type: 'OS::Cinder::Volume' })),
      ...extra,
    },
  };
}

/** Creates a disk vault of fresh disks (or the given ones); returns its id and disks. */
export async function createVault(em: Emulator, name = 'vault-db', disks: string[] = [randomUUID(), randomUUID()], project = PROJECT): Promise<{ id: string; disks: string[] }> {
  const r = await call(em, 'POST', v3('/vaults', project), { body: diskVaultBody(name, disks) });
  if (r.status !== 200) throw new Error(`create vault failed: ${r.status} ${r.text}`);
  return { id: r.json.vault.id as string, disks };
}

/** C1. */
export function checkpoint(em: Emulator, vaultId: string, parameters?: Record<string, unknown>, project = PROJECT): Promise<Reply> {
  return call(em, 'POST', v3('/checkpoints', project), { body: { checkpoint: parameters === undefined ? { vault_id: vaultId } : { vault_id: vaultId, parameters } } });
}

/** A backup policy body. */
export function policyBody(name = 'daily', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    policy: {
      name, operation_type: 'backup', operation_definition: { max_backups: 7 },
      trigger: { properties: { pattern: ['FREQ=DAILY;INTERVAL=1;BYHOUR=2;BYMINUTE=00'] } },
      ...extra,
    },
  };
}

/** Creates a CBR policy; returns its id. */
export async function createCbrPolicy(em: Emulator, name = 'daily', project = PROJECT): Promise<string> {
  const r = await call(em, 'POST', v3('/policies', project), { body: policyBody(name) });
  if (r.status !== 200) throw new Error(`create policy failed: ${r.status} ${r.text}`);
  return r.json.policy.id as string;
}

/** The CBR error of a reply: [status, error_code]. */
export function cbrCode(r: Reply): [number, string | undefined] {
  return [r.status, r.json?.error_code];
}
