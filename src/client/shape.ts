/**
 * Checks of success bodies before the client reads them. A proxy, a captive portal or a broken
 * deployment can answer 200 with anything; the client must then fail with a VbsApiError that
 * says which field was wrong, never with a TypeError deep inside, and never resolve with a value
 * of the wrong type. Absent optional lists read as empty, as the API documents.
 */
import { excerpt, Redactor, VbsApiError } from './errors';
import type {
  WireJob, WireJobList, WirePolicy, WirePolicyIdResponse, WirePolicyList, WireQueryByTagsResponse, WireResourcesResponse, WireTagList,
  WireTenantTagList,
} from '../contract/wire';

/** Code of a VbsApiError raised for a success status whose body is not what the API sends. */
export const INVALID_RESPONSE = 'INVALID_RESPONSE';

type Obj = Record<string, unknown>;

/** Checks a parsed success body of one operation. */
export class ShapeCheck {
  constructor(private readonly operation: string, private readonly status: number, private readonly text: string, private readonly redact: Redactor) {}

  /** The body as an object, or a VbsApiError. */
  object(value: unknown, where = 'the body'): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(`${where} is not a JSON object`);
    return value as Obj;
  }

  /** `body[key]` as an array of objects; absent or null reads as []. */
  list(body: Obj, key: string): Obj[] {
    const v = body[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(`"${key}" is not a list`);
    return v.map((item, i) => this.object(item, `"${key}"[${i}]`));
  }

  /** `o[key]` as a non-empty string. */
  string(o: Obj, key: string, where: string): string {
    const v = o[key];
    if (typeof v !== 'string' || v.length === 0) this.fail(`${where}."${key}" is not a non-empty string`);
    return v as string;
  }

  /** Optional string or number field, as given (undefined when absent). */
  optionalScalar(o: Obj, key: string, where: string): void {
    const v = o[key];
    if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') this.fail(`${where}."${key}" is not a string`);
  }

  fail(what: string): never {
    throw new VbsApiError({
      operation: this.operation,
      status: this.status,
      code: INVALID_RESPONSE,
      message: `the service answered ${this.status} with a body the client cannot use: ${what} (${excerpt(this.text, this.redact)})`,
    });
  }
}

/** op 2: every item has an id and a name. */
export function policyList(c: ShapeCheck, value: unknown): WirePolicyList {
  const items = c.list(c.object(value), 'backup_policies');
  items.forEach((p, i) => {
    c.string(p, 'backup_policy_id', `backup_policies[${i}]`);
    c.optionalScalar(p, 'backup_policy_name', `backup_policies[${i}]`);
  });
  return { backup_policies: items as unknown as WirePolicy[] };
}

/** op 1: the new policy's id. */
export function newPolicyId(c: ShapeCheck, value: unknown): WirePolicyIdResponse {
  return { backup_policy_id: c.string(c.object(value), 'backup_policy_id', 'the body') };
}

/** op 9: tasks are objects (unreadable dates are skipped later); count is a number when given. */
export function jobList(c: ShapeCheck, value: unknown): WireJobList {
  const body = c.object(value);
  const tasks = c.list(body, 'tasks');
  tasks.forEach((t, i) => ['job_id', 'status', 'created_at', 'resource_id'].forEach((k) => c.optionalScalar(t, k, `tasks[${i}]`)));
  const count = body.count;
  if (count !== undefined && count !== null && (typeof count !== 'number' || !Number.isFinite(count))) c.fail('"count" is not a number');
  return { tasks: tasks as unknown as WireJob[], count: typeof count === 'number' ? count : tasks.length };
}

/** op 13: tags with a key each. */
export function tagList(c: ShapeCheck, value: unknown): WireTagList {
  const tags = c.list(c.object(value), 'tags');
  tags.forEach((t, i) => {
    c.string(t, 'key', `tags[${i}]`);
    c.optionalScalar(t, 'value', `tags[${i}]`);
  });
  return { tags: tags as unknown as WireTagList['tags'] };
}

/** op 12: keys with their values. */
export function tenantTagList(c: ShapeCheck, value: unknown): WireTenantTagList {
  const tags = c.list(c.object(value), 'tags');
  tags.forEach((t, i) => {
    c.string(t, 'key', `tags[${i}]`);
    const values = t.values;
    if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))) c.fail(`tags[${i}]."values" is not a list of strings`);
    if (values === undefined) t.values = [];
  });
  return { tags: tags as unknown as WireTenantTagList['tags'] };
}

/** op 15: resources with an id and a tag list each. */
export function queryByTags(c: ShapeCheck, value: unknown): WireQueryByTagsResponse {
  const body = c.object(value);
  const resources = c.list(body, 'resources');
  resources.forEach((r, i) => {
    c.string(r, 'resource_id', `resources[${i}]`);
    r.tags = c.list(r, 'tags');
  });
  const total = typeof body.total_count === 'number' ? body.total_count : resources.length;
  return { total_count: total, resources: resources as unknown as WireQueryByTagsResponse['resources'] };
}

/** ops 5 and 6: both lists of objects. */
export function resourceResults(c: ShapeCheck, value: unknown): WireResourcesResponse {
  const body = c.object(value);
  const success = c.list(body, 'success_resources');
  const fail = c.list(body, 'fail_resources');
  [...success, ...fail].forEach((r, i) => ['resource_id', 'code', 'message'].forEach((k) => c.optionalScalar(r, k, `resources[${i}]`)));
  return { success_resources: success as unknown as WireResourcesResponse['success_resources'], fail_resources: fail as unknown as WireResourcesResponse['fail_resources'] };
}
