/**
 * Helpers of the vault end-to-end suites (test/e2e/vault-*.test.ts): vaults made through the
 * emulator's CBR API (as a provider's `huaweicloud_cbr_vault` would make them), and counts read
 * back from the emulator: checkpoints it answered 200 to `createCheckpoint`, and the backups a
 * vault holds. Checkpoints are told apart by the request log (which checkpoint each createCheckpoint
 * made), never by the names the executor gives them: the counts do not trust the code under test.
 */
import { CbrClient, Credentials, WireCbrBackup } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { PROJECT_ID, REGION, TOKEN } from './harness';

const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;

/** A CBR client of the e2e project on `emulator`. */
export function cbrClient(emulator: Emulator): CbrClient {
  return new CbrClient({ endpoint: emulator.url, region: REGION, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN) });
}

/** Makes a disk vault holding `resourceIds` (volume ids); returns its id. */
export async function makeVault(client: CbrClient, name: string, resourceIds: readonly string[]): Promise<string> {
  const vault = await client.createVault({ vault: { name, billing, resources: resourceIds.map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) } });
  return vault.id;
}

/** Volume ids unique to one scenario (a disk is in one vault only): `n` UUIDs from a 2-hex tag. */
export function disks(tag: string, n = 2): string[] {
  if (!/^[0-9a-f]{2}$/.test(tag)) throw new Error(`disk tag must be 2 hex digits, got ${tag}`);
  return Array.from({ length: n }, (_, i) => `${tag}${tag}${tag}${tag}-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
}

/** The checkpoints the emulator made for `createCheckpoint` requests on the vault, oldest first. */
export function checkpointsMade(emulator: Emulator, vaultId: string): string[] {
  return emulator
    .requests({ operation: 'createCheckpoint', vaultId })
    .filter((r) => r.status === 200 && r.checkpointId !== undefined)
    .map((r) => r.checkpointId as string);
}

/** The vault's backups, oldest first. */
export function backupsOf(emulator: Emulator, vaultId: string): WireCbrBackup[] {
  return emulator.backups(PROJECT_ID, vaultId);
}

/** The vault's backups grouped by checkpoint: checkpoint id -> the statuses of its backups. */
export function backupsByCheckpoint(emulator: Emulator, vaultId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const b of backupsOf(emulator, vaultId)) (out[b.checkpoint_id] ??= []).push(b.status);
  return out;
}

/** Polls the emulator (every 50 ms, at most `timeoutMs`) until `ready()` holds. */
export async function until(what: string, ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
