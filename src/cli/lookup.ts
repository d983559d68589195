/**
 * Finding the policy a command or a hook refers to: by id (must exist), by name (exactly one
 * match), or by managed identity (ADR 2 marker tag: tenant tag list, then query by tag).
 */
import { VbsNotFoundError } from '../client/errors';
import type { WirePolicy } from '../contract/wire';
import { policyLabel } from './format';
import type { PolicyRef } from './hook-env';
import { MARKER_TAG_KEY, Marker, markerValuesFor, parseMarker } from './hook-plan';
import type { PolicyApi } from './ports';

/** A managed policy and the marker it carries. */
export interface ManagedPolicy {
  readonly policy: WirePolicy;
  readonly marker: Marker;
}

/**
 * Finds the policy a reference names.
 * @throws VbsNotFoundError naming what was looked for, and in which project
 * @throws VbsAmbiguousNameError when several policies have the name
 */
export async function resolvePolicy(api: PolicyApi, ref: PolicyRef, signal?: AbortSignal): Promise<WirePolicy> {
  const where = `in project ${api.projectId} at ${api.endpoint}`;
  const lookup = (operation: string, by: string, value: string) => ({ operation, kind: 'backup policy', by, value, projectId: api.projectId });
  switch (ref.kind) {
    case 'id': {
      const policy = await api.getPolicy(ref.policyId, { signal });
      if (!policy) throw new VbsNotFoundError(lookup('getPolicy', 'id', ref.policyId), `no backup policy with id ${ref.policyId} ${where}`);
      return policy;
    }
    case 'name': {
      const policy = await api.findPolicyByName(ref.policyName, { signal });
      if (!policy) throw new VbsNotFoundError(lookup('findPolicyByName', 'name', ref.policyName), `no backup policy named '${ref.policyName}' ${where}`);
      return policy;
    }
    case 'identity': {
      const managed = await findManagedPolicy(api, ref.identity, signal);
      if (!managed) {
        throw new VbsNotFoundError(
          lookup('findManagedPolicy', 'identity', ref.identity),
          `no managed backup policy with identity ${ref.identity} (tag ${MARKER_TAG_KEY}=${ref.identity}_<revision>) ${where}; ` +
            'was the BackupPolicy applied?',
        );
      }
      return managed.policy;
    }
  }
}

/**
 * Finds the managed policy of `identity` by its marker tag, or undefined. When an interrupted
 * run left several policies with the identity, the first one the service lists wins and the
 * others are reported through `onExtra`.
 */
export async function findManagedPolicy(
  api: PolicyApi,
  identity: string,
  signal?: AbortSignal,
  onExtra?: (extra: ManagedPolicy) => void,
): Promise<ManagedPolicy | undefined> {
  const values = markerValuesFor(await api.listTenantTags({ signal }), identity);
  if (values.length === 0) return undefined;
  const found: { id: string; marker: Marker }[] = [];
  for (const value of values) {
    const res = await api.queryPoliciesByTags(
      { action: 'filter', tags: [{ key: MARKER_TAG_KEY, values: [value] }] },
      { signal },
    );
    for (const r of res.resources ?? []) {
      const marker = parseMarker(r.tags.find((t) => t.key === MARKER_TAG_KEY)?.value ?? value) ?? parseMarker(value)!;
      if (!found.some((f) => f.id === r.resource_id)) found.push({ id: r.resource_id, marker });
    }
  }
  if (found.length === 0) return undefined;
  const policies = await api.listPolicies({ signal });
  const managed = found
    .map((f) => ({ policy: policies.find((p) => p.backup_policy_id === f.id), marker: f.marker }))
    .filter((m): m is ManagedPolicy => m.policy !== undefined);
  for (const extra of managed.slice(1)) onExtra?.(extra);
  return managed[0];
}

/** `policy NAME (id ID) in project P`. */
export function policyWhere(api: PolicyApi, policy: WirePolicy): string {
  return `${policyLabel(policy)} in project ${api.projectId}`;
}
