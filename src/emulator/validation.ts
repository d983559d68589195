/**
 * Request validation for policy bodies and tags (README "The embedded emulator" lists the rules).
 * Every failure is a 400 in the service shape whose message names the field, what was given
 * and what is allowed.
 */
import type { WeekdayCode, WireScheduledPolicy, WireTag } from '../contract/wire';
import { WEEKDAY_CODES, isReservedPolicyName } from '../contract/wire';
import { CODES, serviceError } from './errors';

/** At most this many tags on one policy (OTC user guide). */
export const MAX_TAGS = 10;

const NAME_CHARS = /^[A-Za-z0-9_-]+$/;
const START_TIME = /^([01]\d|2[0-3]):00$/;
const TIME_ZONE = /^UTC[+-](0\d|1[0-4]):(00|15|30|45)$/;
// HW-ZH rule: no ASCII control characters and none of = * < > \ , | /
// eslint-disable-next-line no-control-regex -- the control characters are the point: the API forbids ASCII 0-31 in tags
const TAG_FORBIDDEN = /[\u0000-\u001f=*<>\\,|/]/;

/** A JSON object, as opposed to an array, null or a scalar. */
export type JsonObject = Record<string, unknown>;

/**
 * Throws 400 `AutoBackup.0221` when any string (or key) in the value contains `<` or `>`.
 * Iterative, so a deeply nested body cannot overflow the stack.
 */
export function assertNoAngleBrackets(value: unknown, where: string): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v === 'string') {
      if (v.includes('<') || v.includes('>')) {
        throw serviceError(CODES.angleBrackets, `${where} contains '<' or '>', which the API refuses (near ${describe(v)})`);
      }
    } else if (Array.isArray(v)) {
      for (const item of v) pending.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) pending.push(k, item);
    }
  }
}

/** The body as an object, or 400 `AutoBackup.0000`/`.0001` naming the operation. */
export function requireObject(body: unknown, what: string): JsonObject {
  if (body === undefined) throw serviceError(CODES.requestEmpty, `${what}: the request body is empty; a JSON object is required`);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw serviceError(CODES.objectInvalid, `${what}: the request body must be a JSON object, got ${describe(body)}`);
  }
  return body as JsonObject;
}

/** Validated create body. */
export interface CreateInput {
  readonly name: string;
  readonly scheduled: WireScheduledPolicy;
  readonly timeZone?: string;
  readonly tags: WireTag[];
}

/** Validates a create body (op 1). */
export function validateCreate(raw: unknown): CreateInput {
  const body = requireObject(raw, 'create policy');
  if (body.backup_policy_name === undefined) {
    throw serviceError(CODES.nameLength, 'backup_policy_name is required (1-64 characters of A-Z a-z 0-9 _ -)');
  }
  const name = validateName(body.backup_policy_name);
  if (body.scheduled_policy === undefined) {
    throw serviceError(CODES.objectInvalid, 'scheduled_policy is required (start_time, status, frequency or week_frequency, rentention_num or rentention_day)');
  }
  const sp = requireField(body.scheduled_policy, 'scheduled_policy');
  if (sp.start_time === undefined) throw serviceError(CODES.startTime, 'scheduled_policy.start_time is required, e.g. "02:00" or "02:00,14:00"');
  if (sp.status === undefined) throw serviceError(CODES.status, 'scheduled_policy.status is required: "ON" or "OFF"');
  if (sp.frequency === undefined && sp.week_frequency === undefined) {
    throw serviceError(CODES.frequency, 'scheduled_policy needs frequency (1-14 days) or week_frequency (days of the week)');
  }
  if (sp.rentention_num === undefined && sp.rentention_day === undefined) {
    throw serviceError(CODES.retention, 'scheduled_policy needs rentention_num (2-99) or rentention_day (2-99999)');
  }
  const scheduled = mergeSchedule({ remain_first_backup_of_curMonth: 'N' }, sp);
  const timeZone = body.time_zone === undefined ? undefined : validateTimeZone(body.time_zone);
  const tags = body.tags === undefined ? [] : validateTagList(body.tags);
  return { name, scheduled, timeZone, tags };
}

/** Validated modify body: only the fields given. */
export interface UpdateInput {
  readonly name?: string;
  readonly scheduled?: WireScheduledPolicy;
  readonly timeZone?: string;
}

/** Validates a modify body (op 3) against the policy's current schedule. */
export function validateUpdate(raw: unknown, current: WireScheduledPolicy): UpdateInput {
  const body = requireObject(raw, 'modify policy');
  if (body.tags !== undefined) {
    throw serviceError(CODES.tagInvalid, 'modify policy does not accept tags; use the tag operations (POST .../tags, .../tags/action)');
  }
  const name = body.backup_policy_name === undefined ? undefined : validateName(body.backup_policy_name);
  const scheduled = body.scheduled_policy === undefined
    ? undefined
    : mergeSchedule(current, requireField(body.scheduled_policy, 'scheduled_policy'));
  const timeZone = body.time_zone === undefined ? undefined : validateTimeZone(body.time_zone);
  return { name, scheduled, timeZone };
}

/** Validates a policy name: 1-64 of [A-Za-z0-9_-], not starting with "default". */
export function validateName(value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 64) {
    throw serviceError(CODES.nameLength, `backup_policy_name must be 1-64 characters, got ${describe(value)}`);
  }
  if (!NAME_CHARS.test(value)) {
    throw serviceError(CODES.nameInvalid, `backup_policy_name "${value}" may only contain A-Z a-z 0-9 _ -`);
  }
  if (isReservedPolicyName(value)) {
    throw serviceError(CODES.nameInvalid, `backup_policy_name "${value}" must not start with "default" (reserved for the default policy)`);
  }
  return value;
}

/**
 * Applies the given schedule fields over `base`. frequency and week_frequency replace each
 * other, as do rentention_num and rentention_day; when both of a pair are given the first wins
 * (as the API documents).
 */
function mergeSchedule(base: WireScheduledPolicy, sp: JsonObject): WireScheduledPolicy {
  const out: WireScheduledPolicy = { ...base };
  if (sp.start_time !== undefined) out.start_time = validateStartTime(sp.start_time);
  if (sp.status !== undefined) {
    if (sp.status !== 'ON' && sp.status !== 'OFF') throw serviceError(CODES.status, `scheduled_policy.status must be "ON" or "OFF", got ${describe(sp.status)}`);
    out.status = sp.status;
  }
  if (sp.remain_first_backup_of_curMonth !== undefined) {
    const v = sp.remain_first_backup_of_curMonth;
    if (v !== 'Y' && v !== 'N') throw serviceError(CODES.retainFirst, `scheduled_policy.remain_first_backup_of_curMonth must be "Y" or "N", got ${describe(v)}`);
    out.remain_first_backup_of_curMonth = v;
  }
  if (sp.frequency !== undefined) {
    out.frequency = integerIn(sp.frequency, 1, 14, 'scheduled_policy.frequency', CODES.frequency);
    delete out.week_frequency;
  } else if (sp.week_frequency !== undefined) {
    out.week_frequency = validateWeekdays(sp.week_frequency);
    delete out.frequency;
  }
  if (sp.rentention_num !== undefined) {
    out.rentention_num = integerIn(sp.rentention_num, 2, 99, 'scheduled_policy.rentention_num', CODES.retention);
    delete out.rentention_day;
  } else if (sp.rentention_day !== undefined) {
    // A float is truncated, as the API does.
    const day = typeof sp.rentention_day === 'number' ? Math.floor(sp.rentention_day) : sp.rentention_day;
    out.rentention_day = integerIn(day, 2, 99999, 'scheduled_policy.rentention_day', CODES.retention);
    delete out.rentention_num;
  }
  return out;
}

function validateStartTime(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 24 * 6) {
    throw serviceError(CODES.startTime, `scheduled_policy.start_time must be whole hours "HH:00", comma-separated, got ${describe(value)}`);
  }
  const times = value.split(',');
  const bad = times.find((t) => !START_TIME.test(t));
  if (bad !== undefined) {
    throw serviceError(CODES.startTime, `scheduled_policy.start_time "${value}": "${bad}" is not a whole hour HH:00 (00:00-23:00)`);
  }
  if (new Set(times).size !== times.length) {
    throw serviceError(CODES.startTime, `scheduled_policy.start_time "${value}" lists an hour twice`);
  }
  return value;
}

function validateWeekdays(value: unknown): WeekdayCode[] {
  const ok = Array.isArray(value) && value.length >= 1 && value.length <= 7
    && value.every((d) => WEEKDAY_CODES.includes(d as WeekdayCode)) && new Set(value).size === value.length;
  if (!ok) {
    throw serviceError(CODES.frequency, `scheduled_policy.week_frequency must be 1-7 distinct days of ${WEEKDAY_CODES.join(', ')}, got ${describe(value)}`);
  }
  return [...(value as WeekdayCode[])];
}

function validateTimeZone(value: unknown): string {
  if (typeof value !== 'string' || !TIME_ZONE.test(value)) {
    throw serviceError(CODES.timeZone, `time_zone must look like "UTC+08:00" or "UTC-05:00", got ${describe(value)}`);
  }
  return value;
}

/** Validates a tags array of a create body: at most 10, distinct keys. */
export function validateTagList(value: unknown): WireTag[] {
  if (!Array.isArray(value)) throw serviceError(CODES.tagInvalid, `tags must be an array of {key, value}, got ${describe(value)}`);
  if (value.length > MAX_TAGS) throw serviceError(CODES.tagQuota, `a policy can have at most ${MAX_TAGS} tags, got ${value.length}`);
  const tags = value.map((t, i) => validateTag(t, `tags[${i}]`, 'set'));
  const keys = new Set(tags.map((t) => t.key));
  if (keys.size !== tags.length) throw serviceError(CODES.tagInvalid, 'tags contains the same key more than once');
  return tags.map((t) => ({ key: t.key, value: t.value ?? '' }));
}

/**
 * Validates one `{key, value}`. For `set` (add, create, update) the key is 1-36 and the value
 * 0-43 characters and required; for `delete` the key is 1-127 and the optional value 0-255.
 * Neither may contain ASCII control characters or = * < > \ , | /.
 */
export function validateTag(raw: unknown, where: string, mode: 'set' | 'delete'): { key: string; value?: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw serviceError(CODES.tagInvalid, `${where} must be an object {key, value}, got ${describe(raw)}`);
  }
  const { key, value } = raw as JsonObject;
  const maxKey = mode === 'set' ? 36 : 127;
  const maxValue = mode === 'set' ? 43 : 255;
  if (typeof key !== 'string' || key.length < 1 || key.length > maxKey || TAG_FORBIDDEN.test(key)) {
    throw serviceError(CODES.tagInvalid, `${where}.key must be 1-${maxKey} characters without control characters or = * < > \\ , | /, got ${describe(key)}`);
  }
  if (value === undefined && mode === 'delete') return { key };
  if (typeof value !== 'string' || value.length > maxValue || TAG_FORBIDDEN.test(value)) {
    throw serviceError(CODES.tagInvalid, `${where}.value must be a string of 0-${maxValue} characters without control characters or = * < > \\ , | /, got ${describe(value)}`);
  }
  return { key, value };
}

function requireField(value: unknown, name: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw serviceError(CODES.objectInvalid, `${name} must be a JSON object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

function integerIn(value: unknown, min: number, max: number, name: string, code: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw serviceError(code, `${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = Array.isArray(value) ? 'an array' : typeof value; // too deep or cyclic to print
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
