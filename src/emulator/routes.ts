/*
 * README-decisions (the emulator's answers to what the API documentation leaves open, listed in README "The embedded emulator"; kept consistent
 * everywhere and copied to the README):
 *
 * - Validation errors: HTTP 400 with the documented AutoBackup.* code (name 0101/0102, start
 *   time 0103, status 0104, Y/N 0105, frequency/week_frequency 0106, retention 0107, time zone
 *   0226, tags 0214/0215, unsupported action 0222, '<' or '>' anywhere in the request 0221,
 *   body not JSON 0008, body not an object 0001, empty body 0000, other bad parameters 0001).
 * - Unknown policy id (in the path or in backup_policy_id): 404 AutoBackup.0205. Ids are never
 *   used as file names, so a traversal attempt is just an unknown id.
 * - Execute while a previous run of the same policy still has WAITING/RUNNING jobs:
 *   409 AutoBackup.0225 (400 with the option busyStatus: the docs give the code, not the
 *   status). Execute with no volumes: 204 and no jobs. Execute on an OFF policy: allowed (204).
 *   A scheduled run (control call POST /__emulator/scheduled-run) is refused the same way.
 * - Modify or delete of the default policy: 403 AutoBackup.0100. Every project starts with one
 *   default policy named "default_policy" (status OFF); it counts towards the quota and can
 *   hold volumes and tags and be executed.
 * - Policy quota (maxPolicies, default 32 per project including the default policy):
 *   400 AutoBackup.0203.
 * - frequency 1-14; rentention_num 2-99; rentention_day 2-99999 (floats truncated);
 *   start_time whole hours "HH:00", comma-separated, no repeats. On modify, giving frequency
 *   drops week_frequency (and the reverse), likewise rentention_num / rentention_day; a modify
 *   with only {"scheduled_policy":{"status":"OFF"}} is fine; tags in a modify body: 400 0214.
 * - Policy names are not unique per project (like the real API); they must not start with
 *   "default" (any case).
 * - Associating a volume already in another policy of the project moves it. Failed items of
 *   associate/disassociate are listed in fail_resources with code and message (200 overall).
 *   Volume ids: 1-64 of [A-Za-z0-9_-] (else AutoBackup.1400); at most 200 volumes per policy
 *   (AutoBackup.0204).
 * - Tags: at most 10 per policy (0215); key 1-36, value 0-43 characters, no control characters
 *   and none of = * < > \ , | / (Huawei rules). Removing a missing key: 404 AutoBackup.0216;
 *   batch delete of a missing key is ignored. Query by tags: an empty values array means any
 *   value; limit/offset are digit strings (1-1000, >= 0).
 * - Jobs: WAITING for the first quarter of jobSeconds, RUNNING until jobSeconds, then final;
 *   backuptasks defaults to sort_dir=desc, limit=20 (max 1000); an unknown marker is a 400.
 *   The newest 1000 jobs per policy are kept.
 * - Gateway: unknown route or method 404 APIGW.0101; body over 1 MiB 413 APIGW.0201; URL over
 *   8 KiB 414 APIGW.0201; a body with a Content-Type other than JSON 415 AutoBackup.0008;
 *   missing/unknown credentials 401 APIGW.0301; bad or stale (> 15 min) signature 401
 *   APIGW.0303; expired token 401 APIGW.0307; token/key of another project 403 APIGW.0302;
 *   throttled 429 APIGW.0308 without Retry-After.
 * - Open mode (no credentials configured): any non-empty X-Auth-Token, any well-formed fresh
 *   AK/SK signature and any password login is accepted.
 * - Password login failures: 401 APIGW.0301; malformed login bodies: 400 IAM.0011.
 */
import type { CbrOperationName } from '../contract/cbr-wire';
import type { OperationName } from '../contract/wire';
import type { Auth } from './auth';
import type { CbrContext, CbrRoute } from './cbr-routes';
import { CBR_MUTATING, handleCbr, matchCbrRoute } from './cbr-routes';
import type { HandlerResult } from './errors';
import { CODES, gatewayError } from './errors';
import { RunOutcome, executePolicy, listJobs } from './jobs';
import type { Store } from './store';
import { addTag, batchTags, getTags, queryByTags, removeTag, tenantTags } from './tags';
import { validateCreate, validateUpdate } from './validation';

/** A matched API route. */
export interface RouteMatch {
  readonly operation: OperationName | CbrOperationName;
  readonly projectId?: string;
  readonly policyId?: string;
  readonly tagKey?: string;
  /** The operation changes state (the state file is written after it succeeds). */
  readonly mutates: boolean;
  /** Set for a CBR v3 route (`/v3/{project_id}/...`, cbr-routes.ts). */
  readonly cbr?: CbrRoute;
  /** The vault id of a CBR vault route. */
  readonly vaultId?: string;
}

const PROJECT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MUTATING = new Set<OperationName>([
  'createPolicy', 'updatePolicy', 'deletePolicy', 'associateVolumes', 'disassociateVolumes', 'executePolicy',
  'addTag', 'removeTag', 'batchTags', 'createToken',
]);

/**
 * Maps method and decoded path segments to an operation. The literals `tags` and
 * `resource_instances` are matched before `{policy_id}`. Throws 404 `APIGW.0101` when nothing
 * matches.
 */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const route = find(method, segments);
  if (!route) {
    const shown = `/${segments.join('/')}`;
    throw gatewayError(404, CODES.apiNotFound, `No API matches ${method} ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}`);
  }
  return route;
}

function match(operation: OperationName, projectId?: string, policyId?: string, tagKey?: string): RouteMatch {
  return { operation, projectId, policyId, tagKey, mutates: MUTATING.has(operation) };
}

function find(method: string, s: readonly string[]): RouteMatch | undefined {
  const n = s.length;
  if (n === 3 && s[0] === 'v3' && s[1] === 'auth' && s[2] === 'tokens') return method === 'POST' ? match('createToken') : undefined;
  if (s[0] === 'v3') {
    const cbr = matchCbrRoute(method, s);
    if (cbr === undefined) return undefined;
    return {
      operation: cbr.operation, projectId: cbr.projectId, mutates: CBR_MUTATING.has(cbr.operation), cbr,
      vaultId: cbr.collection === 'vaults' ? cbr.objectId : undefined, policyId: cbr.collection === 'policies' ? cbr.objectId : undefined,
    };
  }
  if (n < 3 || s[0] !== 'v2' || !PROJECT_ID.test(s[1])) return undefined;
  const projectId = s[1];
  if (s[2] === 'backuppolicyresources') {
    if (n === 3 && method === 'POST') return match('associateVolumes', projectId);
    if (n === 5 && s[4] === 'deleted_resources' && method === 'POST') return match('disassociateVolumes', projectId, s[3]);
    return undefined;
  }
  if (s[2] !== 'backuppolicy') return undefined;
  if (n === 3) return method === 'GET' ? match('listPolicies', projectId) : method === 'POST' ? match('createPolicy', projectId) : undefined;
  // Literal segments first: they would otherwise be taken for a policy id.
  if (s[3] === 'tags' && n === 4) return method === 'GET' ? match('listTenantTags', projectId) : undefined;
  if (s[3] === 'resource_instances' && n === 5 && s[4] === 'action') return method === 'POST' ? match('queryPoliciesByTags', projectId) : undefined;
  const policyId = s[3];
  if (policyId.length === 0) return undefined;
  const at = (operation: OperationName, tagKey?: string) => match(operation, projectId, policyId, tagKey);
  if (n === 4) return method === 'PUT' ? at('updatePolicy') : method === 'DELETE' ? at('deletePolicy') : undefined;
  if (n === 5 && s[4] === 'action') return method === 'POST' ? at('executePolicy') : undefined;
  if (n === 5 && s[4] === 'backuptasks') return method === 'GET' ? at('listJobs') : undefined;
  if (n === 5 && s[4] === 'tags') return method === 'POST' ? at('addTag') : method === 'GET' ? at('getTags') : undefined;
  if (n === 6 && s[4] === 'tags') {
    if (s[5] === 'action' && method === 'POST') return at('batchTags');
    if (method === 'DELETE' && s[5].length > 0) return at('removeTag', s[5]);
  }
  return undefined;
}

/** What a handler needs besides the request. */
export interface ApiContext {
  readonly store: Store;
  readonly auth: Auth;
  readonly now: number;
  /** Job duration in milliseconds. */
  readonly jobMs: number;
  /** How jobs started by this request end. */
  readonly outcome: RunOutcome;
  /** Status of an execute refused with AutoBackup.0225 (409 or 400). */
  readonly busyStatus: number;
  /** The CBR side (store, backup outcome, busy code, name filters). */
  readonly cbr: Omit<CbrContext, 'now' | 'jobMs'>;
}

/** A handler's response plus ids learnt while handling it (for the request log). */
export interface ApiResult extends HandlerResult {
  readonly policyId?: string;
  readonly projectId?: string;
  readonly vaultId?: string;
  readonly checkpointId?: string;
}

/** Runs an authenticated, validated-for-transport request; `query` holds the decoded query pairs in order. */
export function handleApi(ctx: ApiContext, route: RouteMatch, query: ReadonlyArray<readonly [string, string]>, body: unknown): ApiResult {
  if (route.cbr !== undefined) return handleCbr({ ...ctx.cbr, now: ctx.now, jobMs: ctx.jobMs }, route.cbr, query, body);
  const { store } = ctx;
  const projectId = route.projectId as string;
  const policy = () => store.policy(projectId, route.policyId as string);
  switch (route.operation as OperationName) {
    case 'createToken': {
      const issued = ctx.auth.issueToken(body, ctx.now);
      return { status: 201, body: issued.body, headers: { 'X-Subject-Token': issued.token }, projectId: issued.projectId };
    }
    case 'listPolicies':
      return { status: 200, body: { backup_policies: store.list(projectId) } };
    case 'createPolicy': {
      const created = store.create(projectId, validateCreate(body));
      return { status: 200, body: { backup_policy_id: created.id }, policyId: created.id };
    }
    case 'updatePolicy': {
      const current = policy();
      const updated = store.update(projectId, current.id, validateUpdate(body, current.scheduled));
      return { status: 200, body: { backup_policy_id: updated.id } };
    }
    case 'deletePolicy':
      store.delete(projectId, policy().id);
      return { status: 204 };
    case 'associateVolumes': {
      const { policyId, result } = store.associate(projectId, body);
      return { status: 200, body: result, policyId };
    }
    case 'disassociateVolumes':
      return { status: 200, body: store.disassociate(projectId, policy().id, body) };
    case 'executePolicy':
      executePolicy(policy(), ctx.now, ctx.jobMs, ctx.outcome, ctx.busyStatus);
      return { status: 204 };
    case 'listJobs':
      return { status: 200, body: listJobs(policy(), new URLSearchParams(query as [string, string][]), ctx.now) };
    case 'addTag':
      addTag(policy(), body);
      return { status: 204 };
    case 'removeTag':
      removeTag(policy(), route.tagKey as string);
      return { status: 204 };
    case 'getTags':
      return { status: 200, body: getTags(policy()) };
    case 'listTenantTags':
      return { status: 200, body: tenantTags(store.project(projectId)) };
    case 'batchTags':
      batchTags(policy(), body);
      return { status: 204 };
    case 'queryPoliciesByTags':
      return { status: 200, body: queryByTags(store.project(projectId), body) };
  }
}
