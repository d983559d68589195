/**
 * VbsClient: every operation of the VBS v2 Backup Policies API (`OPERATIONS` in src/contract/wire.ts), plus
 * find-by-name, a duplicate-free execute and a wait for the jobs a run started.
 */
import { CallOptions, Caller } from './caller';
import { checkPolicyId, encodeTagKey } from './endpoints';
import { VbsAbortError, VbsAmbiguousNameError, VbsApiError, VbsError, VbsTimeoutError } from './errors';
import { jobList, newPolicyId, policyList, queryByTags, resourceResults, tagList, tenantTagList } from './shape';
import { Job, jobsQueryPairs, ListJobsQuery, newestFirstQuery, newestPerVolumeSince, toJob, WaitForJobsOptions, waitSettled } from './jobs';
import { sleep } from './retry';
import { WirePolicy, WirePolicyRequest, WireQueryByTagsRequest, WireQueryByTagsResponse, WireResourcesResponse } from '../contract/wire';
import { planTags, TagPlan } from './tags';
import { BusyOps, executeWhenBusy, ExecuteOptions, ExecuteResult } from './busy';
import { ClientOptions, ServiceCore, SharedClients } from './service';

/** Options of a VbsClient. */
export interface VbsClientOptions extends ClientOptions {
  /** Base URL of VBS. @default - VBS_ENDPOINT, else derived from cloud and region */
  readonly endpoint?: string;
}

export type { ExecuteOptions, ExecuteResult };

const JOB_PAGE = 100;
const sharedClients = new SharedClients<VbsClient>('vbs');

/** Client of the VBS v2 backup-policy API. */
export class VbsClient {
  /** One client per (endpoint, project id, credentials); later options other than those are ignored. */
  public static shared(options: VbsClientOptions = {}): VbsClient {
    return sharedClients.get(options, (resolved) => new VbsClient(resolved));
  }

  /** Base URL requests go to, without a trailing slash. */
  public readonly endpoint: string;
  /** Project id (32 lower-case hex). */
  public readonly projectId: string;
  /** Region, when known. */
  public readonly region: string | undefined;
  private readonly core: ServiceCore;
  private readonly caller: Caller;
  private readonly now: () => number;
  private readonly skewMs: number;
  private readonly busyOps: BusyOps;

  constructor(options: VbsClientOptions = {}) {
    this.core = new ServiceCore('vbs', options);
    ({ endpoint: this.endpoint, projectId: this.projectId, region: this.region, caller: this.caller, now: this.now, skewMs: this.skewMs } = this.core);
    this.busyOps = {
      execute: (policyId, o) => this.executeOnce(policyId, o),
      listJobs: (policyId, q, o) => this.listJobs(policyId, q, o),
      now: this.now,
      random: this.core.random,
    };
  }

  /** All policies of the project (op 2). */
  public async listPolicies(o?: CallOptions): Promise<WirePolicy[]> {
    const r = await this.caller.call({ operation: 'listPolicies', method: 'GET', url: this.base('/backuppolicy'), expect: [200], idempotent: true }, o);
    return this.caller.json('listPolicies', r.response, policyList).backup_policies;
  }

  /** One policy by id, or undefined (the API has no get-one: list and filter). */
  public async getPolicy(policyId: string, o?: CallOptions): Promise<WirePolicy | undefined> {
    checkPolicyId(policyId, 'getPolicy');
    return (await this.listPolicies(o)).find((p) => p.backup_policy_id === policyId);
  }

  /**
   * The policy with this exact name, or undefined when none has it.
   * @throws VbsAmbiguousNameError when several have it, naming each id
   */
  public async findPolicyByName(name: string, o?: CallOptions): Promise<WirePolicy | undefined> {
    const matches = (await this.listPolicies(o)).filter((p) => p.backup_policy_name === name);
    if (matches.length > 1) {
      const ids = matches.map((p) => p.backup_policy_id);
      throw new VbsAmbiguousNameError(
        { operation: 'findPolicyByName', kind: 'backup policy', by: 'name', value: name, projectId: this.projectId },
        ids,
        `${matches.length} backup policies are named "${name}" (${ids.join(', ')}) in project ${this.projectId}; refer to one by id`,
      );
    }
    return matches[0];
  }

  /** Creates a policy (op 1); returns its backup_policy_id. Not retried after an ambiguous failure (it could create two). */
  public async createPolicy(body: WirePolicyRequest, o?: CallOptions): Promise<string> {
    const r = await this.caller.call({ operation: 'createPolicy', method: 'POST', url: this.base('/backuppolicy'), body, expect: [200, 201], idempotent: false }, o);
    return this.caller.json('createPolicy', r.response, newPolicyId).backup_policy_id;
  }

  /** Modifies a policy in place (op 3). */
  public async updatePolicy(policyId: string, body: WirePolicyRequest, o?: CallOptions): Promise<void> {
    await this.caller.call({ operation: 'updatePolicy', method: 'PUT', url: this.policy(policyId, 'updatePolicy'), body, expect: [200], idempotent: true }, o);
  }

  /** Deletes a policy (op 4). */
  public async deletePolicy(policyId: string, o?: CallOptions): Promise<void> {
    await this.caller.call({ operation: 'deletePolicy', method: 'DELETE', url: this.policy(policyId, 'deletePolicy'), expect: [200, 202, 204], idempotent: true }, o);
  }

  /** Associates volumes (op 5); throws a VbsApiError when any volume is in fail_resources. */
  public async associateVolumes(policyId: string, volumeIds: string[], o?: CallOptions): Promise<WireResourcesResponse> {
    checkPolicyId(policyId, 'associateVolumes');
    if (volumeIds.length === 0) return { success_resources: [], fail_resources: [] };
    const body = { backup_policy_id: policyId, resources: volumeIds.map((id) => ({ resource_id: id, resource_type: 'volume' })) };
    const r = await this.caller.call({ operation: 'associateVolumes', method: 'POST', url: this.base('/backuppolicyresources'), body, expect: [200], idempotent: true }, o);
    const res = this.caller.json('associateVolumes', r.response, resourceResults);
    const failed = res.fail_resources ?? [];
    if (failed.length > 0) {
      const detail = failed.map((f) => `${f.resource_id}${f.code ? ` ${f.code}` : ''}${f.message ? ` (${this.caller.redact(f.message)})` : ''}`).join('; ');
      throw new VbsApiError({ operation: 'associateVolumes', status: r.response!.status, code: failed[0].code ?? 'FAIL_RESOURCES', message: `${failed.length} volume(s) not associated: ${detail}` });
    }
    return { success_resources: res.success_resources ?? [], fail_resources: [] };
  }

  /** Disassociates volumes (op 6); returns both lists as the API gives them. */
  public async disassociateVolumes(policyId: string, volumeIds: string[], o?: CallOptions): Promise<WireResourcesResponse> {
    const url = `${this.base('/backuppolicyresources/')}${checkPolicyId(policyId, 'disassociateVolumes')}/deleted_resources`;
    if (volumeIds.length === 0) return { success_resources: [], fail_resources: [] };
    const body = { resources: volumeIds.map((id) => ({ resource_id: id })) };
    const r = await this.caller.call({ operation: 'disassociateVolumes', method: 'POST', url, body, expect: [200], idempotent: true }, o);
    const res = this.caller.json('disassociateVolumes', r.response, resourceResults);
    return { success_resources: res.success_resources ?? [], fail_resources: res.fail_resources ?? [] };
  }

  /**
   * Runs a policy now (op 7), at most once: after an ambiguous failure (the request may have
   * reached the server) it lists the policy's jobs created since the start and sends again
   * only when there are none. A policy busy with an unfinished run (`AutoBackup.0225`, any
   * status) is handled as `o.whenBusy` says: by default a VbsBusyError; `wait` waits for that
   * run and then runs, `join` takes that run (see busy.ts).
   */
  public async executePolicy(policyId: string, o: ExecuteOptions = {}): Promise<ExecuteResult> {
    checkPolicyId(policyId, 'executePolicy');
    return executeWhenBusy(this.busyOps, policyId, o);
  }

  /** One execute with its own start time (the no-duplicate check looks at jobs since then). */
  private async executeOnce(policyId: string, o?: CallOptions): Promise<Omit<ExecuteResult, 'joined' | 'waitedMs' | 'joinedRun'>> {
    const url = `${this.policy(policyId, 'executePolicy')}/action`;
    const t0 = this.now();
    // In server time, as late as is certain: jobs of an earlier run just before must not count.
    const since = (): Date => new Date(this.caller.serverClock.earliestServerTime(t0, this.skewMs));
    const r = await this.caller.call(
      {
        operation: 'executePolicy',
        method: 'POST',
        url,
        expect: [200, 202, 204],
        idempotent: false,
        checkBeforeResend: async ({ signal, timeoutMs }) => (await this.jobsSince(policyId, since(), { signal, timeoutMs })).length > 0,
      },
      o,
    );
    return { policyId, startedAt: since(), attempts: r.attempts, alreadyStarted: r.settledByCheck };
  }

  /** One page of a policy's jobs (op 9). */
  public async listJobs(policyId: string, q?: ListJobsQuery, o?: CallOptions): Promise<{ jobs: Job[]; count: number }> {
    const url = `${this.policy(policyId, 'listJobs')}/backuptasks`;
    const r = await this.caller.call({ operation: 'listJobs', method: 'GET', url, query: jobsQueryPairs(q), expect: [200], idempotent: true }, o);
    const body = this.caller.json('listJobs', r.response, jobList);
    const tasks = body.tasks ?? [];
    return { jobs: tasks.map(toJob).filter((j): j is Job => j !== undefined), count: body.count ?? tasks.length };
  }

  /** The newest job per volume among those created at/after `since`, newest first. */
  public async jobsSince(policyId: string, since: Date, o?: CallOptions): Promise<Job[]> {
    const all: Job[] = [];
    for (let offset = 0; ; offset += JOB_PAGE) {
      const page = await this.listJobs(policyId, newestFirstQuery(JOB_PAGE, offset), o);
      all.push(...page.jobs);
      const oldest = page.jobs[page.jobs.length - 1];
      if (page.jobs.length < JOB_PAGE || offset + JOB_PAGE >= page.count || !oldest || oldest.createdAt < since) break;
    }
    return newestPerVolumeSince(all, since);
  }

  /**
   * Polls the jobs a run started until all are final. Resolves with [] when the policy has no
   * volumes and no job appeared within the grace period; VbsTimeoutError after timeoutSeconds.
   */
  public async waitForJobs(policyId: string, o: WaitForJobsOptions): Promise<Job[]> {
    checkPolicyId(policyId, 'waitForJobs');
    const timeoutMs = (o.timeoutSeconds ?? 600) * 1000;
    const pollMs = o.pollIntervalMs ?? 2000;
    const graceMs = o.graceMs ?? 10_000;
    const start = this.now();
    const deadline = start + timeoutMs;
    const remaining = (): number => Math.max(1, deadline - this.now());
    const policy = await this.getPolicy(policyId, { signal: o.signal, timeoutMs: remaining() });
    if (!policy) throw new VbsError('waitForJobs', `waitForJobs: policy ${policyId} does not exist in project ${this.projectId}`);
    const expected = policy.policy_resource_count ?? 0;
    let jobs: Job[] = [];
    const timedOut = (cause?: unknown): VbsTimeoutError => {
      const running = jobs.filter((j) => !j.final).length;
      const state = jobs.length === 0 ? 'no jobs' : `${running} of ${jobs.length} job(s) not final`;
      return new VbsTimeoutError('waitForJobs', `waitForJobs: policy ${policyId} still had ${state} after ${timeoutMs / 1000} s`, cause);
    };
    for (;;) {
      try {
        jobs = await this.jobsSince(policyId, o.since, { signal: o.signal, timeoutMs: remaining() });
      } catch (e) {
        // A poll cut short by the wait's own deadline is the wait timing out.
        if (e instanceof VbsTimeoutError && this.now() >= deadline - 5) throw timedOut(e);
        throw e;
      }
      o.onProgress?.(jobs);
      if (waitSettled(jobs, expected, this.now() - start >= graceMs)) return jobs;
      if (this.now() + pollMs >= deadline) throw timedOut();
      await sleep(pollMs, o.signal).catch((e: unknown) => {
        throw new VbsAbortError('waitForJobs', e);
      });
    }
  }

  /** Tags of one policy (op 13) as a map. */
  public async getTags(policyId: string, o?: CallOptions): Promise<Record<string, string>> {
    const r = await this.caller.call({ operation: 'getTags', method: 'GET', url: `${this.policy(policyId, 'getTags')}/tags`, expect: [200], idempotent: true }, o);
    const out: Record<string, string> = {};
    for (const t of this.caller.json('getTags', r.response, tagList).tags) out[t.key] = t.value ?? '';
    return out;
  }

  /** Adds one tag (op 10). */
  public async addTag(policyId: string, key: string, value: string, o?: CallOptions): Promise<void> {
    const url = `${this.policy(policyId, 'addTag')}/tags`;
    encodeTagKey(key, 'addTag');
    await this.caller.call({ operation: 'addTag', method: 'POST', url, body: { tag: { key, value } }, expect: [200, 204], idempotent: true }, o);
  }

  /** Removes one tag (op 11); the key is URL-encoded. */
  public async removeTag(policyId: string, key: string, o?: CallOptions): Promise<void> {
    const url = `${this.policy(policyId, 'removeTag')}/tags/${encodeTagKey(key, 'removeTag')}`;
    await this.caller.call({ operation: 'removeTag', method: 'DELETE', url, expect: [200, 204], idempotent: true }, o);
  }

  /** Batch create/update/delete of tags (op 14). */
  public async batchTags(policyId: string, action: 'create' | 'update' | 'delete', tags: { key: string; value?: string }[], o?: CallOptions): Promise<void> {
    const url = `${this.policy(policyId, 'batchTags')}/tags/action`;
    if (tags.length === 0) return;
    await this.caller.call({ operation: 'batchTags', method: 'POST', url, body: { action, tags }, expect: [200, 204], idempotent: true }, o);
  }

  /**
   * Reconciles the policy's tags to exactly `tags`: deletes the others, upserts new or changed
   * values. Resolves to the changes it made.
   */
  public async setTags(policyId: string, tags: Record<string, string>, o?: CallOptions): Promise<TagPlan> {
    const plan = planTags(await this.getTags(policyId, o), tags);
    await this.batchTags(policyId, 'delete', plan.remove.map((key) => ({ key })), o);
    await this.batchTags(policyId, 'create', Object.entries(plan.upsert).map(([key, value]) => ({ key, value })), o);
    return plan;
  }

  /** Every tag key of the project's policies with its values (op 12). */
  public async listTenantTags(o?: CallOptions): Promise<{ key: string; values: string[] }[]> {
    const r = await this.caller.call({ operation: 'listTenantTags', method: 'GET', url: this.base('/backuppolicy/tags'), expect: [200], idempotent: true }, o);
    return this.caller.json('listTenantTags', r.response, tenantTagList).tags;
  }

  /** Policies matching tag filters (op 15). Read-only, so retried like a GET. */
  public async queryPoliciesByTags(body: WireQueryByTagsRequest, o?: CallOptions): Promise<WireQueryByTagsResponse> {
    const url = this.base('/backuppolicy/resource_instances/action');
    const r = await this.caller.call({ operation: 'queryPoliciesByTags', method: 'POST', url, body, expect: [200], idempotent: true }, o);
    return this.caller.json('queryPoliciesByTags', r.response, queryByTags);
  }

  /** Closes the keep-alive connections; a shared client is dropped from the cache. */
  public async close(): Promise<void> {
    sharedClients.drop(this);
    await this.core.close();
  }

  private base(path: string): string {
    return `/v2/${this.projectId}${path}`;
  }

  private policy(policyId: string, operation: string): string {
    return this.base(`/backuppolicy/${checkPolicyId(policyId, operation)}`);
  }
}
