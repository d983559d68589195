/**
 * Public types of the embedded VBS emulator (`startEmulator()`).
 *
 * This file imports only wire types: it is part of the emulator, which the CLI loads lazily.
 */
import type { CbrOperationName, WireCbrBackup, WireCbrCheckpoint, WireCbrVault } from '../contract/cbr-wire';
import type { JobStatus, OperationName, WireJob, WirePolicy, WireTag } from '../contract/wire';

/** An operation of either API: a VBS name (`wire.ts`) or a CBR one (`cbr-wire.ts`). */
export type EmulatorOperation = OperationName | CbrOperationName;

/** A CBR disk vault made at start (`vbs-backup emulator --vault NAME=ID,...`). */
export interface EmulatorVaultSeed {
  /** Vault name (1-64 characters). Not made again when the project already has a vault of this name. */
  readonly name: string;
  /** Ids (UUIDs) of the disks (`OS::Cinder::Volume`) in the vault; each in one seeded vault only. */
  readonly resourceIds: string[];
  /**
   * Project the vault is made in, at start.
   * @default - every project, when it is first used
   */
  readonly projectId?: string;
}

/** Which running work `Emulator.finishJobs` ends. */
export interface FinishJobsFilter {
  /** Only this project's work. */
  readonly projectId?: string;
  /** Only this VBS policy's jobs (no CBR work then). */
  readonly policyId?: string;
  /** Only this CBR vault's checkpoints, backups and tasks (no VBS jobs then). */
  readonly vaultId?: string;
}

/** How many items `Emulator.finishJobs` ended. */
export interface FinishedJobs {
  /** VBS backup jobs. */
  readonly jobs: number;
  /** CBR checkpoints. */
  readonly checkpoints: number;
  /** CBR backups. */
  readonly backups: number;
  /** CBR tasks (operation logs). */
  readonly tasks: number;
}

/** An automatic (scheduled) backup of a CBR vault, as its policy would start it. */
export interface ScheduledVaultRun {
  readonly projectId: string;
  readonly vaultId: string;
  /**
   * Overrides the emulator's job time for this run.
   * @default - the emulator's jobSeconds
   */
  readonly jobSeconds?: number;
  /**
   * `error` makes the run's backups fail.
   * @default 'available'
   */
  readonly backupStatus?: 'available' | 'error';
}

/** A token the emulator accepts, optionally bound to one project. */
export interface EmulatorToken {
  /** The `X-Auth-Token` value. Never logged or written to the state file in clear. */
  readonly token: string;
  /**
   * Project the token is scoped to; a request for another project gets 403 `APIGW.0302`.
   * @default - valid for every project
   */
  readonly projectId?: string;
}

/** An AK/SK pair the emulator verifies `SDK-HMAC-SHA256` signatures with. */
export interface EmulatorAccessKey {
  /** Access key id, as sent in `Authorization: SDK-HMAC-SHA256 Access=<AK>, ...`. */
  readonly accessKey: string;
  /** Secret key used to recompute the signature. Never logged. */
  readonly secretKey: string;
  /**
   * Project the key may act on; another project gets 403 `APIGW.0302`.
   * @default - every project
   */
  readonly projectId?: string;
}

/** A user for `POST /v3/auth/tokens` (password method, project scope). */
export interface EmulatorUser {
  /** IAM user name (`auth.identity.password.user.name`). */
  readonly userName: string;
  /** Password (`auth.identity.password.user.password`). Never logged. */
  readonly password: string;
  /** Account (domain) name (`auth.identity.password.user.domain.name`). */
  readonly domainName: string;
}

/**
 * Credentials the emulator accepts. With none configured at all the emulator runs in open
 * mode: any non-empty `X-Auth-Token` (and any well-formed, fresh AK/SK signature) is accepted
 * for any project, and any password login succeeds.
 */
export interface EmulatorCredentialsOptions {
  /**
   * Accepted `X-Auth-Token` values; a plain string is valid for every project.
   * @default - none (open mode when no credential of any kind is configured)
   */
  readonly tokens?: (string | EmulatorToken)[];
  /**
   * AK/SK pairs for `SDK-HMAC-SHA256` signed requests.
   * @default - none
   */
  readonly accessKeys?: EmulatorAccessKey[];
  /**
   * Users that may obtain a token with `POST /v3/auth/tokens`.
   * @default - none
   */
  readonly users?: EmulatorUser[];
}

/** Options of `startEmulator()`. */
export interface EmulatorOptions extends EmulatorCredentialsOptions {
  /**
   * Interface to listen on. Only loopback addresses are allowed unless `allowRemote` is true.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * TCP port; 0 picks a free port (read it back from `Emulator.port`).
   * @default 0
   */
  readonly port?: number;
  /**
   * Allow listening on a non-loopback interface. The emulator has no TLS and a permissive
   * control surface, so only do this on a trusted network.
   * @default false
   */
  readonly allowRemote?: boolean;
  /**
   * JSON file the store is written to after every change (temp file + rename) and reloaded
   * from on start. A file that cannot be parsed makes `startEmulator` reject; it is never
   * replaced silently.
   * @default - in memory only
   */
  readonly stateFile?: string;
  /**
   * Seconds a backup job takes from `WAITING` through `RUNNING` to its final status;
   * 0 makes jobs final as soon as they are created.
   * @default 2
   */
  readonly jobSeconds?: number;
  /**
   * HTTP status of an execute refused because a run of the policy is unfinished (error code
   * `AutoBackup.0225` either way): the API documents the code, not the status.
   * @default 409
   */
  readonly busyStatus?: 400 | 409;
  /**
   * Policy quota per project, the default policy included; over it create fails with
   * 400 `AutoBackup.0203`.
   * @default 32
   */
  readonly maxPolicies?: number;
  /**
   * Lifetime of tokens issued by `POST /v3/auth/tokens`, in seconds.
   * @default 86400
   */
  readonly tokenTtlSeconds?: number;
  /**
   * Projects that exist from the start (each gets its default policy). Other projects are
   * created on their first authorised request.
   * @default - none
   */
  readonly projectIds?: string[];
  /**
   * CBR disk vaults made at start (for demos).
   * @default - none
   */
  readonly vaults?: EmulatorVaultSeed[];
  /**
   * The error of a CBR checkpoint whose resources are all being backed up: `BackupService.<code>`,
   * HTTP 400 (500 for `0002`). The API documents four candidates, not which one.
   * @default '6125'
   */
  readonly cbrAllBusy?: '0001' | '0002' | '6125' | '6203';
  /**
   * How CBR name filters (backup `name`, `resource_name`, vault `name`, `vault_name`) match.
   * @default 'substring'
   */
  readonly cbrNameFilter?: 'substring' | 'exact';
}

/** One entry of the request log. */
export interface RecordedRequest {
  /** 1-based sequence number, in arrival order. */
  readonly seq: number;
  /** Arrival time, ISO 8601 UTC. */
  readonly time: string;
  /** HTTP method. */
  readonly method: string;
  /** Path without query string, as received. */
  readonly path: string;
  /** Operation the route maps to, `unknown` when none matched. */
  readonly operation: EmulatorOperation | 'unknown';
  /** Project id from the path (or the token scope for `createToken`), when there is one. */
  readonly projectId?: string;
  /** Policy id from the path or the body (VBS policy, or CBR policy), when there is one. */
  readonly policyId?: string;
  /** CBR vault id from the path or the body (or of the checkpoint, backup or task), when there is one. */
  readonly vaultId?: string;
  /** CBR checkpoint id made or read (or of the backup or task), when there is one. */
  readonly checkpointId?: string;
  /** Status code processed; 0 when the connection was dropped before processing. */
  readonly status: number;
}

/** Filters of the request log. */
export interface RequestFilter {
  readonly operation?: EmulatorOperation;
  readonly policyId?: string;
  readonly vaultId?: string;
  readonly checkpointId?: string;
}

/** A scripted fault, consumed by the next matching requests. */
export interface Fault {
  /** Operation the fault applies to (a VBS or a CBR operation name). */
  readonly operation: EmulatorOperation;
  /**
   * Only requests on this policy id.
   * @default - any policy
   */
  readonly policyId?: string;
  /**
   * Only requests on this CBR vault (in the path, or `checkpoint.vault_id` of a checkpoint).
   * @default - any vault
   */
  readonly vaultId?: string;
  /**
   * How many matching requests it affects before it is used up.
   * @default 1
   */
  readonly times?: number;
  /**
   * Respond with this status instead of processing the request.
   * @default - process normally
   */
  readonly status?: number;
  /**
   * With `status`: process the request first, then answer with the injected status instead of
   * the real one (a gateway that failed after its backend did the work: the change is made, the
   * client sees an error).
   * @default false - the injected status replaces processing
   */
  readonly afterProcessing?: boolean;
  /**
   * Body for `status` (JSON-encoded unless a string).
   * @default - an error body in the shape that fits the status
   */
  readonly body?: unknown;
  /**
   * Wait this long before handling the request.
   * @default 0
   */
  readonly delayMs?: number;
  /**
   * Close the connection without a response, `before` processing (nothing changes) or
   * `after` processing (the change is made, the client never hears about it).
   * @default - respond normally
   */
  readonly drop?: 'before' | 'after';
  /**
   * For `executePolicy`: the jobs of the run end with this status instead of success.
   * @default - EXECUTE_SUCCESS
   */
  readonly jobStatus?: Extract<JobStatus, 'EXECUTE_FAIL' | 'EXECUTE_TIMEOUT'>;
  /**
   * For `createCheckpoint`: the checkpoint and its backups end `error` (tasks `failed`). For
   * `restoreBackup`: the restore task ends `failed` (the backup is `available` again).
   * @default - available
   */
  readonly backupStatus?: 'error';
  /**
   * `fail_reason` of jobs ended by `jobStatus` (VBS), or the task `error_info.message` of
   * backups ended by `backupStatus` (CBR).
   * @default 'Injected fault'
   */
  readonly failReason?: string;
}

/** A policy as the emulator holds it: the list item plus its volumes and tags. */
export type EmulatedPolicy = WirePolicy & { volume_ids: string[]; tags: WireTag[] };

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  readonly url: string;
  /** Host it listens on. */
  readonly host: string;
  /** Port it listens on. */
  readonly port: number;
  /**
   * The request log (API requests only, not control calls), oldest first. Only the newest
   * 10,000 requests are kept (`seq` keeps counting, so the first entry's `seq` shows how many
   * were dropped); `executeCount()` counts every execute regardless.
   */
  requests(filter?: RequestFilter): RecordedRequest[];
  /** Number of executes answered 204 (including ones whose response was dropped after processing). */
  executeCount(policyId?: string): number;
  /** Number of CBR checkpoints made by `createCheckpoint` answered 200 (including dropped answers); automatic runs are not counted. */
  checkpointCount(vaultId?: string): number;
  /** Adds a scripted fault. Throws on an unknown operation or invalid values. */
  addFault(fault: Fault): void;
  /** Removes every pending fault. */
  clearFaults(): void;
  /**
   * Starts a run of the policy as its schedule would: jobs like an execute's, refused with
   * `AutoBackup.0225` while a run is unfinished, but not an API request (not logged, not
   * counted by `executeCount()`). `jobSeconds` overrides the emulator's job time for this run.
   * Throws when the project or policy does not exist.
   */
  startScheduledRun(projectId: string, policyId: string, options?: { jobSeconds?: number }): WireJob[];
  /**
   * Starts an automatic backup of a CBR vault, as its policy would: a checkpoint of every
   * resource (`autobk_` backups, `extend_info.auto_trigger` true), busy resources skipped and
   * the `cbrAllBusy` error thrown when all are; not an API request (not logged, not counted by
   * `checkpointCount()`). Throws when the vault does not exist.
   */
  startScheduledRun(run: ScheduledVaultRun): WireCbrCheckpoint;
  /**
   * Ends the running work now, as if its job time had just run out: the unfinished VBS jobs
   * take their final status (`EXECUTE_SUCCESS`, or a fault's), and the `protecting` CBR
   * checkpoints and backups and `running` tasks theirs (`available`/`success`, or a fault's).
   * Only what matches `filter` (every field optional; all given must match). Tests use it with a
   * long `jobSeconds` instead of waiting for the job time: no sleep, no dependence on how fast
   * the machine is. `POST /__emulator/finish-jobs` does the same over HTTP.
   */
  finishJobs(filter?: FinishJobsFilter): FinishedJobs;
  /** Limits API requests per second (429 `APIGW.0308` above it); 0 turns throttling off. */
  setThrottle(perSecond: number): void;
  /** Clears policies, jobs, CBR data (seeded vaults are made again), the request log, faults and throttling; keeps credentials. */
  reset(): void;
  /** Snapshot of a project's policies, volumes and tags included. */
  policies(projectId: string): EmulatedPolicy[];
  /** Snapshot of a policy's jobs, oldest first, statuses as of now. */
  jobs(projectId: string, policyId: string): WireJob[];
  /** Snapshot of a project's CBR vaults, oldest first. */
  vaults(projectId: string): WireCbrVault[];
  /** Snapshot of a project's CBR backups (of one vault, when given), oldest first, statuses as of now. */
  backups(projectId: string, vaultId?: string): WireCbrBackup[];
  /** Closes the server and every open connection, and writes the state file. */
  stop(): Promise<void>;
}
