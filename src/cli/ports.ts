/**
 * The part of `VbsClient` (src/client) the CLI and the hooks use, as a structural interface,
 * and the one place that creates the real client. Command logic depends on the interface and
 * imports this file for types only; runtime.ts requires it lazily, inside `withClient`, so
 * `--help`, `--version` and usage errors never load the client (or undici).
 */
import { VbsClient } from '../client';
import type {
  JobStatus, WirePolicy, WirePolicyRequest, WireQueryByTagsRequest, WireQueryByTagsResponse,
  WireResourcesResponse,
} from '../client/wire';
import type { TagPlan } from '../client/tags';
import type { BusyEvent, BusyRun, WhenBusyChoice } from '../client/busy';
import type { ConnectionArgs } from './args';

/** Per-call options of the client. */
export interface CallOptions {
  /** Aborts the call. @default - none */
  signal?: AbortSignal;
  /** Bound on the whole call including retries, in ms. @default - the client's own */
  timeoutMs?: number;
}

/** A backup job as the client returns it. */
export interface JobInfo {
  jobId: string;
  status: JobStatus;
  createdAt: Date;
  finishedAt?: Date;
  backupName: string;
  resourceId: string;
  failReason?: string;
  final: boolean;
}

/** What `executePolicy` reports. */
export interface ExecuteInfo {
  policyId: string;
  startedAt: Date;
  attempts: number;
  alreadyStarted: boolean;
  /** An unfinished run was taken as this one (`whenBusy: 'join'`). */
  joined: boolean;
  /** The run joined. */
  joinedRun?: BusyRun;
  /** Time spent waiting for busy runs, ms. */
  waitedMs: number;
}

/** Options of `executePolicy`. */
export interface ExecuteCallOptions extends CallOptions {
  /** A run of the policy is unfinished: wait, join or fail. @default 'fail' */
  whenBusy?: WhenBusyChoice;
  /** Progress while the policy is busy. */
  onBusy?: (event: BusyEvent) => void;
  /** Pauses between polls of a busy policy. @default - the client's */
  busyPoll?: { initialMs?: number; maxMs?: number };
}

/** The client operations used by the CLI. `VbsClient` satisfies it. */
export interface PolicyApi {
  readonly endpoint: string;
  readonly projectId: string;
  listPolicies(o?: CallOptions): Promise<WirePolicy[]>;
  getPolicy(policyId: string, o?: CallOptions): Promise<WirePolicy | undefined>;
  findPolicyByName(name: string, o?: CallOptions): Promise<WirePolicy | undefined>;
  createPolicy(body: WirePolicyRequest, o?: CallOptions): Promise<string>;
  updatePolicy(policyId: string, body: WirePolicyRequest, o?: CallOptions): Promise<void>;
  deletePolicy(policyId: string, o?: CallOptions): Promise<void>;
  associateVolumes(policyId: string, volumeIds: string[], o?: CallOptions): Promise<WireResourcesResponse>;
  disassociateVolumes(policyId: string, volumeIds: string[], o?: CallOptions): Promise<WireResourcesResponse>;
  executePolicy(policyId: string, o?: ExecuteCallOptions): Promise<ExecuteInfo>;
  listJobs(
    policyId: string,
    q?: { sortDir?: 'asc' | 'desc'; sortKey?: 'created_at'; limit?: number; offset?: number; marker?: string; jobId?: string; status?: JobStatus },
    o?: CallOptions,
  ): Promise<{ jobs: JobInfo[]; count: number }>;
  waitForJobs(
    policyId: string,
    o: { since: Date; timeoutSeconds?: number; pollIntervalMs?: number; signal?: AbortSignal; onProgress?: (jobs: JobInfo[]) => void },
  ): Promise<JobInfo[]>;
  getTags(policyId: string, o?: CallOptions): Promise<Record<string, string>>;
  setTags(policyId: string, tags: Record<string, string>, o?: CallOptions): Promise<TagPlan>;
  listTenantTags(o?: CallOptions): Promise<{ key: string; values: string[] }[]>;
  queryPoliciesByTags(body: WireQueryByTagsRequest, o?: CallOptions): Promise<WireQueryByTagsResponse>;
  close(): Promise<void>;
}

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
    // A one-shot process sends its calls one after another, so one keep-alive socket serves
    // them all. With spare slots undici would open a new socket for a call that follows a
    // response (it validates an idle socket for one event-loop turn before reusing it): an
    // extra connect, and an extra socket to close before the process can exit.
    connections: 1,
  });
}
