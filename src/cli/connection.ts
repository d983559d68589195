/**
 * Creates the client for a command. Only the command modules load this file, so `--help`,
 * `--version` and usage errors never load the client (or undici).
 */
import { VbsClient } from '../client';
import type { ConnectionArgs } from './args';
import type { PolicyApi } from './ports';

/**
 * A private client for one CLI or hook run. Explicit values (command-line options, or the
 * `VBS_HOOK_*` connection variables) win over the environment, which the client reads itself
 * (VBS_ENDPOINT, VBS_CLOUD, HW_/OS_ region, project and credentials).
 *
 * @throws VbsConfigError when the environment lacks credentials or a project id
 */
export function createClient(connection: ConnectionArgs, env: Record<string, string | undefined>): PolicyApi {
  return new VbsClient({
    endpoint: connection.endpoint,
    region: connection.region,
    projectId: connection.projectId,
    env,
    // A one-shot process: a small pool is enough and closes quickly.
    connections: 4,
  });
}
