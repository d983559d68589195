/**
 * The part of `CbrClient` (src/client) the CBR commands and the vault hook use, and the one place that creates it
 * for the CLI. Like ports.ts: the command modules import this file for types only and require
 * it lazily (in {@link withCbrClient}), so `--help` and usage errors never load the client.
 */
import { CbrClient } from '../client/cbr-client';
import { ConnectionArgs, oneShotClientOptions } from './args';

/** The client operations the CBR commands use: exactly `CbrClient`'s. */
export type VaultApi = Pick<
  CbrClient,
  | 'endpoint' | 'projectId' | 'showVault' | 'listAllVaults' | 'findVaultByName' | 'backupVault' | 'waitForBackups' | 'listBackups'
  | 'showCheckpoint' | 'findBackupsByName' | 'deleteBackup' | 'close' | 'triggerRuns' | 'restoreBackup' | 'waitForRestore'
>;

/**
 * A private CBR client for one CLI run. Explicit options win over the environment, which the
 * client reads itself (CBR_ENDPOINT, VBS_CLOUD, HW_/OS_ region, project and credentials).
 *
 * @throws VbsConfigError when the environment lacks credentials or a project id
 */
export function createCbrClient(connection: ConnectionArgs, env: Record<string, string | undefined>): VaultApi {
  return new CbrClient(oneShotClientOptions(connection, env));
}

/** Runs `fn` with a fresh CBR client and closes it afterwards. */
export async function withCbrClient<T>(connection: ConnectionArgs, env: Record<string, string | undefined>, fn: (api: VaultApi) => Promise<T>): Promise<T> {
  const api = createCbrClient(connection, env);
  try {
    return await fn(api);
  } finally {
    await api.close().catch(() => undefined);
  }
}
