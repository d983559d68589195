/**
 * The emulator's data: projects, their policies (the default one included), volume
 * associations, tags and backup jobs. Pure in-memory logic; the server persists it through
 * `toData()` after each change and the state file restores it with `fromData()`.
 */
import { randomUUID } from 'node:crypto';
import { JobStatus, VOLUME_ID_PATTERN, WirePolicy, WireResourceResult, WireResourcesResponse, WireScheduledPolicy, WireTag } from '../contract/wire';
import { CODES, serviceError } from './errors';
import { randomHex } from './ids';
import type { EmulatedPolicy, EmulatorPolicySeed } from './types';
import { CreateInput, UpdateInput, describe, requireObject } from './validation';

/** Name of the policy every project starts with (the real one also starts with "default"). */
export const DEFAULT_POLICY_NAME = 'default_policy';
/** Volumes one policy may hold before association fails with `AutoBackup.0204`. */
export const MAX_VOLUMES_PER_POLICY = 200;
/** Jobs kept per policy; older ones are forgotten (the console shows 30 days only). */
export const MAX_JOBS_PER_POLICY = 1000;


/** A backup job as stored: its status is computed from the timestamps on read. */
export interface StoredJob {
  job_id: string;
  vbs_job_id: string;
  backup_name: string;
  resource_id: string;
  /** Creation time, epoch milliseconds. */
  created: number;
  /** Milliseconds from creation to the final status. */
  duration: number;
  /** Status once `duration` has passed. */
  final: JobStatus;
  fail_reason?: string;
}

/** A policy as stored. */
export interface StoredPolicy {
  id: string;
  name: string;
  scheduled: WireScheduledPolicy;
  timeZone?: string;
  volumes: string[];
  tags: WireTag[];
  isDefault: boolean;
  jobs: StoredJob[];
}

/** One project's policies, in creation order. */
export interface ProjectState {
  readonly id: string;
  readonly policies: Map<string, StoredPolicy>;
}

/** The serialisable form of the store (the state file's `projects`). */
export interface StoreData {
  [projectId: string]: StoredPolicy[];
}

/** All projects. */
export class Store {
  private readonly projects = new Map<string, ProjectState>();

  /** `seeds` without a project are made in every project when it is first used. */
  constructor(private readonly maxPolicies: number, private readonly seeds: readonly EmulatorPolicySeed[] = []) {}

  /** The project, created with its default policy (and the seeded policies that apply to it) on first use. */
  project(projectId: string): ProjectState {
    let p = this.projects.get(projectId);
    if (!p) {
      p = { id: projectId, policies: new Map() };
      const def = newPolicy(DEFAULT_POLICY_NAME, {
        start_time: '00:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'OFF',
      });
      def.isDefault = true;
      p.policies.set(def.id, def);
      this.projects.set(projectId, p);
      this.applySeeds(p);
    }
    return p;
  }

  /** Makes the seeded policies of projects named by a seed, and of every loaded project. */
  seedAll(): void {
    for (const seed of this.seeds) if (seed.projectId !== undefined) this.project(seed.projectId);
    for (const p of this.projects.values()) this.applySeeds(p);
  }

  /**
   * Creates each seed that applies to the project unless a policy of that name exists, or one of
   * its volumes is already in another policy (a state file may have moved it): never an error.
   * As `CbrStore`'s vault seeds (src/emulator/cbr-store.ts).
   */
  private applySeeds(p: ProjectState): void {
    for (const seed of this.seeds) {
      if (seed.projectId !== undefined && seed.projectId !== p.id) continue;
      const policies = [...p.policies.values()];
      if (policies.some((x) => x.name === seed.name)) continue;
      if (seed.volumeIds.some((id) => policies.some((x) => x.volumes.includes(id)))) continue;
      const policy = newPolicy(seed.name, { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' });
      policy.volumes = [...seed.volumeIds];
      p.policies.set(policy.id, policy);
    }
  }

  /** The project if it exists, without creating it. */
  peekProject(projectId: string): ProjectState | undefined {
    return this.projects.get(projectId);
  }

  /** Every project made so far. */
  allProjects(): IterableIterator<ProjectState> {
    return this.projects.values();
  }

  /** A policy of the project, or 404 `AutoBackup.0205`. */
  policy(projectId: string, policyId: string): StoredPolicy {
    const p = this.project(projectId).policies.get(policyId);
    if (!p) throw serviceError(CODES.policyNotFound, `backup policy ${clip(policyId)} does not exist in project ${projectId}`, 404);
    return p;
  }

  /** List items of op 2. */
  list(projectId: string): WirePolicy[] {
    return [...this.project(projectId).policies.values()].map(toWire);
  }

  /** Op 1. */
  create(projectId: string, input: CreateInput): StoredPolicy {
    const project = this.project(projectId);
    if (project.policies.size >= this.maxPolicies) {
      throw serviceError(CODES.policyQuota, `project ${projectId} already has ${project.policies.size} backup policies (the default one included); the quota is ${this.maxPolicies}`);
    }
    const policy = newPolicy(input.name, input.scheduled);
    policy.timeZone = input.timeZone;
    policy.tags = input.tags;
    project.policies.set(policy.id, policy);
    return policy;
  }

  /** Op 3. */
  update(projectId: string, policyId: string, input: UpdateInput): StoredPolicy {
    const policy = this.modifiable(projectId, policyId, 'modified');
    if (input.name !== undefined) policy.name = input.name;
    if (input.scheduled !== undefined) policy.scheduled = input.scheduled;
    if (input.timeZone !== undefined) policy.timeZone = input.timeZone;
    return policy;
  }

  /** Op 4. */
  delete(projectId: string, policyId: string): void {
    this.modifiable(projectId, policyId, 'deleted');
    this.project(projectId).policies.delete(policyId);
  }

  /** The policy unless it is the default one (403 `AutoBackup.0100`). */
  private modifiable(projectId: string, policyId: string, verb: string): StoredPolicy {
    const policy = this.policy(projectId, policyId);
    if (policy.isDefault) {
      throw serviceError(CODES.defaultPolicy, `the default backup policy ${policy.id} (${policy.name}) cannot be ${verb} by a tenant`, 403);
    }
    return policy;
  }

  /** Op 5: a volume already in another policy of the project moves here. */
  associate(projectId: string, raw: unknown): { policyId: string; result: WireResourcesResponse } {
    const body = requireObject(raw, 'associate resources');
    const policyId = body.backup_policy_id;
    if (typeof policyId !== 'string' || policyId.length === 0) {
      throw serviceError(CODES.policyIdEmpty, 'backup_policy_id is required (the id of the policy to associate the volumes with)');
    }
    const policy = this.policy(projectId, policyId);
    const items = resourceItems(body.resources);
    const result: WireResourcesResponse = { success_resources: [], fail_resources: [] };
    for (const item of items) {
      const id = item.resource_id;
      if (item.resource_type !== 'volume') {
        result.fail_resources.push(failed(id, CODES.resourceType, `resource_type must be "volume", got ${describe(item.resource_type)}`));
      } else if (!VOLUME_ID_PATTERN.test(id)) {
        result.fail_resources.push(failed(id, CODES.resourceInvalid, 'resource_id must be a volume id of 1-64 characters A-Z a-z 0-9 _ -'));
      } else if (!policy.volumes.includes(id) && policy.volumes.length >= MAX_VOLUMES_PER_POLICY) {
        result.fail_resources.push(failed(id, CODES.volumeQuota, `policy ${policy.id} already holds ${MAX_VOLUMES_PER_POLICY} volumes`));
      } else {
        for (const other of this.project(projectId).policies.values()) {
          if (other !== policy) other.volumes = other.volumes.filter((v) => v !== id);
        }
        if (!policy.volumes.includes(id)) policy.volumes.push(id);
        result.success_resources.push({ resource_id: id, resource_type: 'volume', availability_zone: 'eu-de-01', os_vol_host_attr: 'pod01.eu-de-01' });
      }
    }
    return { policyId, result };
  }

  /** Op 6: volumes not associated with this policy are reported in `fail_resources`. */
  disassociate(projectId: string, policyId: string, raw: unknown): WireResourcesResponse {
    const policy = this.policy(projectId, policyId);
    const items = resourceItems(requireObject(raw, 'disassociate resources').resources);
    const result: WireResourcesResponse = { success_resources: [], fail_resources: [] };
    for (const { resource_id: id } of items) {
      if (policy.volumes.includes(id)) {
        policy.volumes = policy.volumes.filter((v) => v !== id);
        result.success_resources.push({ resource_id: id });
      } else {
        result.fail_resources.push(failed(id, CODES.resourceInvalid, `volume ${clip(id)} is not associated with policy ${policy.id}`));
      }
    }
    return result;
  }

  /** Snapshot for `Emulator.policies()`; an unknown project has none. */
  snapshot(projectId: string): EmulatedPolicy[] {
    const p = this.projects.get(projectId);
    if (!p) return [];
    return [...p.policies.values()].map((x) => ({ ...toWire(x), volume_ids: [...x.volumes], tags: x.tags.map((t) => ({ ...t })) }));
  }

  /** Every project, for the state file and `GET /__emulator/state`. */
  toData(): StoreData {
    const out: StoreData = {};
    for (const [id, p] of this.projects) out[id] = [...p.policies.values()];
    return out;
  }

  /** Replaces the content with previously saved data (already validated). */
  fromData(data: StoreData): void {
    this.projects.clear();
    for (const [id, policies] of Object.entries(data)) {
      this.projects.set(id, { id, policies: new Map(policies.map((p) => [p.id, p])) });
    }
  }

  /** Forgets every project. */
  clear(): void {
    this.projects.clear();
  }
}

/** The list item (op 2) for a stored policy. */
export function toWire(p: StoredPolicy): WirePolicy {
  const out: WirePolicy = {
    backup_policy_id: p.id,
    backup_policy_name: p.name,
    scheduled_policy: { ...p.scheduled },
    policy_resource_count: p.volumes.length,
  };
  if (p.timeZone !== undefined) out.time_zone = p.timeZone;
  return out;
}

function newPolicy(name: string, scheduled: WireScheduledPolicy): StoredPolicy {
  return { id: randomUUID(), name, scheduled, volumes: [], tags: [], isDefault: false, jobs: [] };
}

function resourceItems(value: unknown): { resource_id: string; resource_type?: unknown }[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw serviceError(CODES.resourcesEmpty, 'resources must be a non-empty array of {resource_id, resource_type: "volume"}');
  }
  if (value.length > MAX_VOLUMES_PER_POLICY) {
    throw serviceError(CODES.volumeQuota, `at most ${MAX_VOLUMES_PER_POLICY} resources per request, got ${value.length}`);
  }
  return value.map((item, i) => {
    const id = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).resource_id : undefined;
    if (typeof id !== 'string' || id.length === 0) {
      throw serviceError(CODES.resourceIdEmpty, `resources[${i}].resource_id is required (a volume id)`);
    }
    return { resource_id: id, resource_type: (item as Record<string, unknown>).resource_type };
  });
}

function failed(id: string, code: string, message: string): WireResourceResult {
  return { resource_id: id, resource_type: 'volume', code, message };
}

/** An id shortened for messages (ids come from the URL and may be huge). */
export function clip(id: string): string {
  return id.length > 64 ? `${id.slice(0, 61)}...` : id;
}

/** `autobk_` + 4 hex, like the real policy backups. */
export function backupName(): string {
  return `autobk_${randomHex(2)}`;
}
