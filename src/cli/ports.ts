/**
 * The part of `VbsClient` (src/client) the CLI and the hooks use, and the one place that creates
 * the real client. Command logic depends on these types and imports this file for types only;
 * runtime.ts requires it lazily, inside `withClient`, so `--help`, `--version` and usage errors
 * never load the client.
 */
import { VbsClient } from '../client/client';
import type { ExecuteResult } from '../client/client';
import type { CallOptions } from '../client/caller';
import type { Job } from '../client/jobs';
import { ConnectionArgs, oneShotClientOptions } from './args';

export type { CallOptions };

/** A backup job as the client returns it. */
export type JobInfo = Job;

/** What `executePolicy` reports. */
export type ExecuteInfo = ExecuteResult;

/** The client operations used by the CLI: exactly `VbsClient`'s. */
export type PolicyApi = Pick<
  VbsClient,
  | 'endpoint' | 'projectId'
  | 'listPolicies' | 'getPolicy' | 'findPolicyByName' | 'createPolicy' | 'updatePolicy' | 'deletePolicy'
  | 'associateVolumes' | 'disassociateVolumes' | 'executePolicy' | 'listJobs' | 'waitForJobs'
  | 'getTags' | 'setTags' | 'listTenantTags' | 'queryPoliciesByTags' | 'close'
>;

/**
 * A private client for one CLI or hook run. Explicit values (command-line options, or the
 * `VBS_HOOK_*` connection variables) win over the environment, which the client reads itself
 * (VBS_ENDPOINT, VBS_CLOUD, HW_/OS_ region, project and credentials).
 *
 * @throws VbsConfigError when the environment lacks credentials or a project id
 */
export function createClient(connection: ConnectionArgs, env: Record<string, string | undefined>): PolicyApi {
  return new VbsClient(oneShotClientOptions(connection, env));
}
