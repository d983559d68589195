/**
 * Policy tag operations (ops 10-15). Tags are `{key, value}` with at most 10 per policy;
 * setting an existing key replaces its value. Query by tags follows Huawei TMS semantics:
 * `tags` is AND across keys and OR across a key's values, an empty `values` means "any value",
 * `tags_any` is OR across keys, `not_tags` excludes policies matching all of its keys and
 * `not_tags_any` those matching any.
 */
import type { WireQueryByTagsResponse, WireTag, WireTagFilter, WireTagList, WireTenantTagList } from '../contract/wire';
import { CODES, serviceError } from './errors';
import type { ProjectState, StoredPolicy } from './store';
import { clip } from './store';
import { MAX_TAGS, describe, requireObject, validateTag } from './validation';

const MAX_FILTER_KEYS = 10;
const MAX_FILTER_VALUES = 10;

/** Op 10: `{"tag":{key,value}}`; upserts. */
export function addTag(policy: StoredPolicy, raw: unknown): void {
  const body = requireObject(raw, 'add tag');
  const tag = validateTag(body.tag, 'tag', 'set');
  setTags(policy, [{ key: tag.key, value: tag.value ?? '' }]);
}

/** Op 11: 404 `AutoBackup.0216` when the key is not on the policy. */
export function removeTag(policy: StoredPolicy, key: string): void {
  const before = policy.tags.length;
  policy.tags = policy.tags.filter((t) => t.key !== key);
  if (policy.tags.length === before) {
    throw serviceError(CODES.tagNotFound, `policy ${policy.id} has no tag with key "${clip(key)}"`, 404);
  }
}

/** Op 13. */
export function getTags(policy: StoredPolicy): WireTagList {
  return { tags: policy.tags.map((t) => ({ ...t })) };
}

/** Op 12: every key used in the project with its distinct values. */
export function tenantTags(project: ProjectState): WireTenantTagList {
  const keys = new Map<string, Set<string>>();
  for (const p of project.policies.values()) {
    for (const t of p.tags) {
      let values = keys.get(t.key);
      if (!values) keys.set(t.key, (values = new Set()));
      values.add(t.value);
    }
  }
  return { tags: [...keys].map(([key, values]) => ({ key, values: [...values] })) };
}

/** Op 14: `create`/`update` upsert all or nothing; `delete` removes keys (and values when given). */
export function batchTags(policy: StoredPolicy, raw: unknown): void {
  const body = requireObject(raw, 'batch tags');
  const action = body.action;
  if (action !== 'create' && action !== 'update' && action !== 'delete') {
    throw serviceError(CODES.unsupportedAction, `action must be "create", "update" or "delete" (case-sensitive), got ${describe(action)}`);
  }
  if (!Array.isArray(body.tags) || body.tags.length === 0) {
    throw serviceError(CODES.tagInvalid, `tags must be a non-empty array of {key, value}, got ${describe(body.tags)}`);
  }
  if (action === 'delete') {
    const doomed = body.tags.map((t, i) => validateTag(t, `tags[${i}]`, 'delete'));
    policy.tags = policy.tags.filter((t) => !doomed.some((d) => d.key === t.key && (d.value === undefined || d.value === t.value)));
    return;
  }
  const tags = body.tags.map((t, i) => validateTag(t, `tags[${i}]`, 'set'));
  if (new Set(tags.map((t) => t.key)).size !== tags.length) {
    throw serviceError(CODES.tagInvalid, 'tags contains the same key more than once');
  }
  setTags(policy, tags.map((t) => ({ key: t.key, value: t.value ?? '' })));
}

function setTags(policy: StoredPolicy, tags: WireTag[]): void {
  const next = policy.tags.map((t) => ({ ...t }));
  for (const tag of tags) {
    const existing = next.find((t) => t.key === tag.key);
    if (existing) existing.value = tag.value;
    else next.push(tag);
  }
  if (next.length > MAX_TAGS) {
    throw serviceError(CODES.tagQuota, `policy ${policy.id} would have ${next.length} tags; at most ${MAX_TAGS} are allowed`);
  }
  policy.tags = next;
}

/** Op 15. */
export function queryByTags(project: ProjectState, raw: unknown): WireQueryByTagsResponse {
  const body = requireObject(raw, 'query policies by tags');
  const action = body.action;
  if (action !== 'filter' && action !== 'count') {
    throw serviceError(CODES.unsupportedAction, `action must be "filter" or "count", got ${describe(action)}`);
  }
  const tags = filters(body.tags, 'tags');
  const tagsAny = filters(body.tags_any, 'tags_any');
  const notTags = filters(body.not_tags, 'not_tags');
  const notTagsAny = filters(body.not_tags_any, 'not_tags_any');
  const names = matches(body.matches);
  const limit = action === 'filter' ? stringInteger(body.limit, 'limit', 1, 1000, 1000) : 1000;
  const offset = action === 'filter' ? stringInteger(body.offset, 'offset', 0, Number.MAX_SAFE_INTEGER, 0) : 0;

  const found = [...project.policies.values()].filter((p) =>
    (tags === undefined || tags.every((f) => has(p, f)))
    && (tagsAny === undefined || tagsAny.some((f) => has(p, f)))
    && (notTags === undefined || !notTags.every((f) => has(p, f)))
    && (notTagsAny === undefined || !notTagsAny.some((f) => has(p, f)))
    && names.every((n) => p.name.includes(n)));
  if (action === 'count') return { total_count: found.length };
  return {
    total_count: found.length,
    resources: found.slice(offset, offset + limit).map((p) => ({
      resource_id: p.id, resource_name: p.name, resource_detail: null, tags: p.tags.map((t) => ({ ...t })),
    })),
  };
}

function has(policy: StoredPolicy, filter: WireTagFilter): boolean {
  const tag = policy.tags.find((t) => t.key === filter.key);
  return tag !== undefined && (filter.values.length === 0 || filter.values.includes(tag.value));
}

function filters(value: unknown, name: string): WireTagFilter[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILTER_KEYS) {
    throw serviceError(CODES.tagInvalid, `${name} must be a non-empty array of at most ${MAX_FILTER_KEYS} {key, values}, got ${describe(value)}`);
  }
  const out = value.map((f, i): WireTagFilter => {
    const where = `${name}[${i}]`;
    if (f === null || typeof f !== 'object' || Array.isArray(f)) throw serviceError(CODES.tagInvalid, `${where} must be an object {key, values}`);
    const { key, values } = f as Record<string, unknown>;
    if (typeof key !== 'string' || key.length < 1 || key.length > 127) {
      throw serviceError(CODES.tagInvalid, `${where}.key must be a string of 1-127 characters, got ${describe(key)}`);
    }
    if (!Array.isArray(values) || values.length > MAX_FILTER_VALUES || !values.every((v) => typeof v === 'string' && v.length <= 255)) {
      throw serviceError(CODES.tagInvalid, `${where}.values must be an array of at most ${MAX_FILTER_VALUES} strings (empty: any value), got ${describe(values)}`);
    }
    return { key, values: values as string[] };
  });
  if (new Set(out.map((f) => f.key)).size !== out.length) {
    throw serviceError(CODES.tagInvalid, `${name} lists the same key more than once`);
  }
  return out;
}

function matches(value: unknown): string[] {
  if (value === undefined) return [];
  const ok = Array.isArray(value) && value.every((m) => m !== null && typeof m === 'object'
    && (m as Record<string, unknown>).key === 'resource_name' && typeof (m as Record<string, unknown>).value === 'string');
  if (!ok) throw serviceError(CODES.objectInvalid, `matches must be an array of {"key":"resource_name","value":"<text>"}, got ${describe(value)}`);
  return (value as { value: string }[]).map((m) => m.value);
}

/** `limit` and `offset` travel as strings of digits. */
function stringInteger(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw serviceError(CODES.objectInvalid, `${name} must be a string holding an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return n;
}
