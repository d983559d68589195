/**
 * Pure planning for `hook-policy-apply` (docs/architecture.md ADR 2): the marker tag, request
 * bodies, and which tags to change. No I/O here, so every rule is unit-tested.
 */
import type { WirePolicy, WirePolicyRequest, WireScheduledPolicy } from '../contract/wire';
import { MARKER_TAG_KEY, PolicySpec } from '../contract/hook';

/** The reserved tag key whose value `<identity>_<revision>` marks a managed policy (from the contract). */
export { MARKER_TAG_KEY };

/** A parsed marker tag value. */
export interface Marker {
  readonly identity: string;
  readonly revision: string;
  /** The raw tag value. */
  readonly value: string;
}

/** The marker value for an identity and a revision. */
export function markerValue(identity: string, revision: string): string {
  return `${identity}_${revision}`;
}

/** Splits a marker value at its first `_` (identities never contain one); undefined if malformed. */
export function parseMarker(value: string): Marker | undefined {
  const i = value.indexOf('_');
  if (i <= 0 || i === value.length - 1) return undefined;
  return { identity: value.slice(0, i), revision: value.slice(i + 1), value };
}

/**
 * The marker values of `identity` among the tenant's tags (normally one; several only after an
 * interrupted run left a second policy behind).
 */
export function markerValuesFor(tenantTags: { key: string; values: string[] }[], identity: string): string[] {
  const prefix = `${identity}_`;
  const values = tenantTags.filter((t) => t.key === MARKER_TAG_KEY).flatMap((t) => t.values);
  return [...new Set(values.filter((v) => v.startsWith(prefix) && v.length > prefix.length))];
}

/** The tags a managed policy must carry: exactly the spec's tags plus the marker. */
export function desiredTags(spec: PolicySpec, identity: string, revision: string): Record<string, string> {
  if (MARKER_TAG_KEY in spec.tags) {
    throw new Error(`tag key '${MARKER_TAG_KEY}' is reserved for the managed-policy marker; remove it from the policy's tags`);
  }
  return { ...spec.tags, [MARKER_TAG_KEY]: markerValue(identity, revision) };
}

/** The tag changes the client's `setTags` makes (one implementation, in the client). */
export { planTags } from '../client/tags';
export type { TagPlan } from '../client/tags';

/** The create body: name, schedule, time zone, and the tags (spec tags plus marker). */
export function createBody(spec: PolicySpec, identity: string, revision: string): WirePolicyRequest {
  const tags = desiredTags(spec, identity, revision);
  const body: WirePolicyRequest = {
    backup_policy_name: spec.name,
    scheduled_policy: { ...spec.scheduled_policy },
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
  if (spec.time_zone) body.time_zone = spec.time_zone;
  return body;
}

/**
 * The update (PUT) body. The scheduled policy always carries a period (frequency or
 * week_frequency) and a retention (rentention_num or rentention_day): the service rejects an
 * update without a period (the API's modify operation). Missing ones are taken from the current policy.
 */
export function updateBody(spec: PolicySpec, current?: WirePolicy): WirePolicyRequest {
  const sp: WireScheduledPolicy = { ...spec.scheduled_policy };
  const cur = current?.scheduled_policy ?? {};
  if (sp.frequency === undefined && sp.week_frequency === undefined) {
    if (cur.frequency !== undefined) sp.frequency = cur.frequency;
    else if (cur.week_frequency !== undefined) sp.week_frequency = cur.week_frequency;
  }
  if (sp.rentention_num === undefined && sp.rentention_day === undefined) {
    if (cur.rentention_num !== undefined) sp.rentention_num = cur.rentention_num;
    else if (cur.rentention_day !== undefined) sp.rentention_day = cur.rentention_day;
  }
  if (sp.frequency === undefined && sp.week_frequency === undefined) {
    throw new Error(`the spec of policy ${spec.name} has no period: scheduled_policy needs frequency (1-14) or week_frequency`);
  }
  if (sp.rentention_num === undefined && sp.rentention_day === undefined) {
    throw new Error(`the spec of policy ${spec.name} has no retention: scheduled_policy needs rentention_num (2-99) or rentention_day (2-99999)`);
  }
  const body: WirePolicyRequest = { backup_policy_name: spec.name, scheduled_policy: sp };
  const tz = spec.time_zone ?? current?.time_zone;
  if (tz) body.time_zone = tz;
  return body;
}
