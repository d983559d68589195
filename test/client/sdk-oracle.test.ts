/**
 * Huawei's own Node signer (`@huaweicloud/huaweicloud-sdk-core`, `auth/AKSKSigner` with
 * `auth/BasicCredentials`) as an independent oracle for `src/client/signer.ts` and for the
 * emulator's signature check (`src/emulator/auth.ts`). Without it both sides share one
 * canonicalisation, so a signing bug would show nowhere but against the real cloud.
 *
 * One table of requests over every operation of the Backup Policies API:
 * - the client's Authorization equals the SDK's for the same request, except where the two
 *   canonicalisations differ; each difference is stated exactly (the client's text of the
 *   canonical request and the SDK's) and checked by signing the SDK's text;
 * - the real emulator, AK/SK configured, accepts every request the SDK signs, except those whose
 *   difference it rejects on purpose (README, "AK/SK signing and the official SDKs");
 * - and the requests `VbsClient` itself puts on the wire, one per operation, carry the
 *   Authorization the SDK computes for them.
 */
import { stringify as stringifyQuery } from 'node:querystring';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { canonicalRequest, parseAuthorization, sign, signature, stringToSign } from '../../src/client/signer';
import { Credentials, VbsClient } from '../../src/client';
import type { WirePolicyRequest } from '../../src/contract/wire';
import { Emulator, startEmulator } from '../../src/emulator';
import { recordingProxyForBlock } from './emulator-fixture';

const AK = 'HPUAORACLEACCESSKEY1';
const SK = 'oracle/secret+key=with&reserved chars';
const SECURITY_TOKEN = 'gQpjbi1ub3J0aC00tempORARYtoken+/=';
const PROJECT = '17fbda95add24720a4038ba4b1c705ed';
const POLICY = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
const HOST = 'vbs.eu-de.otc.t-systems.com';
const DATE = '20240101T000000Z';

type Query = Record<string, string | string[]>;

/** Why the SDK's canonical request is not the client's: the client's text, replaced by the SDK's. */
interface Difference {
  readonly kind: 'query order' | 'header value' | 'header order' | 'path encoding';
  readonly client: string;
  readonly sdk: string;
}

interface OracleCase {
  readonly name: string;
  /** Row of the operation table (vbs-api section 2). */
  readonly operation: string;
  readonly method: string;
  /** Path after `/v2/{project_id}`, as sent (percent-encoded); `{policy}` is the policy id. */
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly securityToken?: boolean;
  /** The emulator's answer when it accepts the SDK's signature. */
  readonly status: number;
  readonly differs?: Difference;
}

const policyBody = (name: string): WirePolicyRequest => ({
  backup_policy_name: name,
  scheduled_policy: { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N', status: 'ON' },
});
const VOLUMES = ['0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d'];
const resources = { resources: VOLUMES.map((resource_id) => ({ resource_id, resource_type: 'volume' })) };

/**
 * In emulator order: the policy is created first and deleted last; tags exist before they are
 * read or removed; volumes are associated before the execute.
 */
const CASES: readonly OracleCase[] = [
  { name: 'create, JSON body', operation: '1 create', method: 'POST', path: '/backuppolicy', body: policyBody('oracle-plain'), status: 200 },
  { name: 'create, non-ASCII in the body', operation: '1 create', method: 'POST', path: '/backuppolicy', body: { ...policyBody('oracle-tags'), tags: [{ key: 'owner', value: '张三 é' }] }, status: 200 },
  { name: 'create, security token', operation: '1 create', method: 'POST', path: '/backuppolicy', body: policyBody('oracle-token'), securityToken: true, status: 200 },
  { name: 'create, content type with charset', operation: '1 create', method: 'POST', path: '/backuppolicy', body: policyBody('oracle-charset'), headers: { 'Content-Type': 'application/json;charset=UTF-8' }, status: 200 },
  { name: 'list', operation: '2 list', method: 'GET', path: '/backuppolicy', status: 200 },
  { name: 'list, security token and extra headers', operation: '2 list', method: 'GET', path: '/backuppolicy', securityToken: true, headers: { 'X-Trace-Id': 'Trace  two  spaces', 'X-Client-Name': 'Oracle/1.0 (test)' }, status: 200 },
  { name: 'list, non-ASCII query value', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { name: '备份策略 é' }, status: 200 },
  { name: 'list, reserved characters in a value', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { q: "a b&c=d+e/f?g#h%i!j'k(l)m*n~o:p;q@r,s$" }, status: 200 },
  { name: 'list, reserved characters in keys', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { 'a b': '1', 'a+b': '2', 'a!b': '3' }, status: 200 },
  { name: 'list, empty value', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { marker: '' }, status: 200 },
  {
    name: 'list, key with ":" next to a key with a digit', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { 'a:': '2', a0: '1' }, status: 200,
    differs: { kind: 'query order', client: '\na%3A=2&a0=1\n', sdk: '\na0=1&a%3A=2\n' },
  },
  {
    name: 'list, non-ASCII key next to an ASCII one', operation: '2 list', method: 'GET', path: '/backuppolicy', query: { zz: '1', 'zé': '2' }, status: 200,
    differs: { kind: 'query order', client: '\nz%C3%A9=2&zz=1\n', sdk: '\nzz=1&z%C3%A9=2\n' },
  },
  { name: 'update', operation: '3 modify', method: 'PUT', path: '/backuppolicy/{policy}', body: policyBody('oracle-renamed'), status: 200 },
  { name: 'update, security token', operation: '3 modify', method: 'PUT', path: '/backuppolicy/{policy}', body: { scheduled_policy: { rentention_num: 9 } }, securityToken: true, status: 200 },
  {
    name: 'update, header value with outer spaces', operation: '3 modify', method: 'PUT', path: '/backuppolicy/{policy}', body: { backup_policy_name: 'oracle-spaces' },
    headers: { 'X-Trace-Id': '  padded  ' }, status: 200,
    differs: { kind: 'header value', client: '\nx-trace-id:padded\n', sdk: '\nx-trace-id:  padded  \n' },
  },
  { name: 'disable', operation: '8 enable/disable', method: 'PUT', path: '/backuppolicy/{policy}', body: { scheduled_policy: { status: 'OFF' } }, status: 200 },
  { name: 'enable', operation: '8 enable/disable', method: 'PUT', path: '/backuppolicy/{policy}', body: { scheduled_policy: { status: 'ON' } }, securityToken: true, status: 200 },
  { name: 'associate', operation: '5 associate', method: 'POST', path: '/backuppolicyresources', body: { backup_policy_id: '{policy}', ...resources }, status: 200 },
  { name: 'associate, security token', operation: '5 associate', method: 'POST', path: '/backuppolicyresources', body: { backup_policy_id: '{policy}', ...resources }, securityToken: true, status: 200 },
  { name: 'execute, no body', operation: '7 execute', method: 'POST', path: '/backuppolicy/{policy}/action', status: 204 },
  { name: 'execute, security token', operation: '7 execute', method: 'POST', path: '/backuppolicy/{policy}/action', securityToken: true, status: 204 },
  { name: 'execute, payload hash given', operation: '7 execute', method: 'POST', path: '/backuppolicy/{policy}/action', headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' }, status: 204 },
  { name: 'jobs', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', status: 200 },
  { name: 'jobs, sorted and limited', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { sort_key: 'created_at', sort_dir: 'desc', limit: '10' }, status: 200 },
  { name: 'jobs, security token and paging', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { offset: '0', limit: '1', status: 'EXECUTE_SUCCESS' }, securityToken: true, status: 200 },
  {
    name: 'jobs, the Go SDK vector query (multi-values, non-ASCII, reserved)', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks',
    query: { test: '一 (&=?!#%.*)', multi: ['2', '1', '3'], path: '/tmp/123', enable: 'true', limit: '1' }, status: 200,
  },
  { name: 'jobs, repeated values', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { tag: ['b', 'a', 'c'], limit: '5' }, status: 200 },
  {
    name: 'jobs, repeated values with ":" and digits', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { v: ['10', '9', ':'] }, status: 200,
    differs: { kind: 'query order', client: '\nv=%3A&v=10&v=9\n', sdk: '\nv=10&v=9&v=%3A\n' },
  },
  {
    name: 'jobs, repeated non-ASCII values', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { name: ['z', 'é', 'a'] }, status: 200,
    differs: { kind: 'query order', client: '\nname=%C3%A9&name=a&name=z\n', sdk: '\nname=a&name=z&name=%C3%A9\n' },
  },
  {
    name: 'jobs, reserved-character key between digit keys', operation: '9 jobs', method: 'GET', path: '/backuppolicy/{policy}/backuptasks', query: { k1: 'a', 'k;': 'b', k9: 'c', limit: '3' }, status: 200,
    differs: { kind: 'query order', client: '\nk%3B=b&k1=a&k9=c&limit=3\n', sdk: '\nk1=a&k9=c&k%3B=b&limit=3\n' },
  },
  { name: 'add tag', operation: '10 add tag', method: 'POST', path: '/backuppolicy/{policy}/tags', body: { tag: { key: 'team', value: 'db' } }, status: 204 },
  { name: 'add tag, security token', operation: '10 add tag', method: 'POST', path: '/backuppolicy/{policy}/tags', body: { tag: { key: 'owner_1-x', value: '' } }, securityToken: true, status: 204 },
  {
    name: 'batch create, keys with reserved and non-ASCII characters', operation: '14 batch', method: 'POST', path: '/backuppolicy/{policy}/tags/action',
    body: { action: 'create', tags: [{ key: 'a#b', value: '1' }, { key: 'cost center', value: '2' }, { key: 'é', value: '3' }, { key: "it's(1)", value: '4' }] }, status: 204,
  },
  { name: 'batch update', operation: '14 batch', method: 'POST', path: '/backuppolicy/{policy}/tags/action', body: { action: 'update', tags: [{ key: 'team', value: 'db2' }] }, securityToken: true, status: 204 },
  { name: 'tags of the policy', operation: '13 tags of a policy', method: 'GET', path: '/backuppolicy/{policy}/tags', status: 200 },
  { name: 'tags of the policy, security token', operation: '13 tags of a policy', method: 'GET', path: '/backuppolicy/{policy}/tags', securityToken: true, status: 200 },
  { name: 'tenant tags', operation: '12 tenant tags', method: 'GET', path: '/backuppolicy/tags', status: 200 },
  {
    name: 'tenant tags, underscore header', operation: '12 tenant tags', method: 'GET', path: '/backuppolicy/tags', headers: { X_Request_Tag: 'u' }, status: 200,
    differs: { kind: 'header order', client: `\nx-project-id:${PROJECT}\nx-sdk-date:${DATE}\nx_request_tag:u\n`, sdk: `\nx_request_tag:u\nx-project-id:${PROJECT}\nx-sdk-date:${DATE}\n` },
  },
  { name: 'policies by tag, filter', operation: '15 by tag', method: 'POST', path: '/backuppolicy/resource_instances/action', body: { action: 'filter', tags: [{ key: 'team', values: ['db2'] }], limit: '10', offset: '0' }, status: 200 },
  { name: 'policies by tag, count', operation: '15 by tag', method: 'POST', path: '/backuppolicy/resource_instances/action', body: { action: 'count', tags_any: [{ key: 'é', values: ['3'] }] }, securityToken: true, status: 200 },
  { name: 'remove tag, plain key', operation: '11 remove tag', method: 'DELETE', path: '/backuppolicy/{policy}/tags/team', status: 204 },
  { name: 'remove tag, security token', operation: '11 remove tag', method: 'DELETE', path: '/backuppolicy/{policy}/tags/owner_1-x', securityToken: true, status: 204 },
  {
    name: 'remove tag, "#" in the key', operation: '11 remove tag', method: 'DELETE', path: '/backuppolicy/{policy}/tags/a%23b', status: 204,
    differs: { kind: 'path encoding', client: '/tags/a%23b/\n', sdk: '/tags/a%2523b/\n' },
  },
  {
    name: 'remove tag, non-ASCII key', operation: '11 remove tag', method: 'DELETE', path: '/backuppolicy/{policy}/tags/%C3%A9', status: 204,
    differs: { kind: 'path encoding', client: '/tags/%C3%A9/\n', sdk: '/tags/%25C3%25A9/\n' },
  },
  {
    name: 'remove tag, quote and brackets in the key', operation: '11 remove tag', method: 'DELETE', path: `/backuppolicy/{policy}/tags/${encodeURIComponent("it's(1)")}`, status: 204,
    differs: { kind: 'path encoding', client: '/tags/it%27s%281%29/\n', sdk: '/tags/it%2527s%281%29/\n' },
  },
  { name: 'batch delete', operation: '14 batch', method: 'POST', path: '/backuppolicy/{policy}/tags/action', body: { action: 'delete', tags: [{ key: 'a#b' }, { key: 'cost center' }, { key: 'é' }, { key: "it's(1)" }] }, status: 204 },
  { name: 'disassociate', operation: '6 disassociate', method: 'POST', path: '/backuppolicyresources/{policy}/deleted_resources', body: { resources: [{ resource_id: VOLUMES[0] }] }, status: 200 },
  { name: 'disassociate, security token', operation: '6 disassociate', method: 'POST', path: '/backuppolicyresources/{policy}/deleted_resources', body: { resources: [{ resource_id: VOLUMES[1] }] }, securityToken: true, status: 200 },
  { name: 'delete', operation: '4 delete', method: 'DELETE', path: '/backuppolicy/{policy}', status: 204 },
];

/** The request as the SDK's signer takes it (what its HTTP client then sends as is). */
interface SdkRequest {
  method: string;
  endpoint: string;
  queryParams: Query;
  headers: Record<string, string>;
  data?: unknown;
}

/** Fills in the policy id, in the path and anywhere in the body. */
function withPolicy<T>(value: T, policyId: string): T {
  return JSON.parse(JSON.stringify(value).split('{policy}').join(policyId)) as T;
}

/**
 * The request of a case in the SDK's form: the headers its credentials add (X-Project-Id,
 * X-Security-Token, as `BaseCredentials` does), a JSON content type, and the case's headers.
 */
function sdkRequest(c: OracleCase, origin: string, policyId: string, date?: string): SdkRequest {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT };
  if (c.securityToken) headers['X-Security-Token'] = SECURITY_TOKEN;
  if (date !== undefined) headers['X-Sdk-Date'] = date;
  Object.assign(headers, c.headers);
  const request: SdkRequest = { method: c.method, endpoint: origin + withPolicy(`/v2/${PROJECT}${c.path}`, policyId), queryParams: c.query ?? {}, headers };
  if (c.body !== undefined) request.data = withPolicy(c.body, policyId);
  return request;
}

/** Huawei's signer: the headers to send, Authorization included. */
function sdkSign(request: SdkRequest): Record<string, string> {
  const credentials = new BasicCredentials({ ak: AK, sk: SK, projectId: PROJECT });
  return AKSKSigner.sign(request, credentials) as Record<string, string>;
}

/** The same request through the client's signer, signing the headers the SDK signed. */
function clientSign(request: SdkRequest, sdkHeaders: Record<string, string>) {
  const url = new URL(request.endpoint);
  const query: [string, string][] = [];
  for (const [k, v] of Object.entries(request.queryParams)) for (const one of Array.isArray(v) ? v : [v]) query.push([k, one]);
  const headers = { ...sdkHeaders };
  delete headers.Authorization;
  const signedHeaders = parseAuthorization(sdkHeaders.Authorization)!.signedHeaders;
  const body = request.data === undefined ? undefined : JSON.stringify(request.data);
  const req = { method: request.method, path: url.pathname, query, headers, body };
  return { authorization: sign(req, AK, SK, signedHeaders).authorization, req, signedHeaders };
}

describe('AK/SK signing against Huawei\'s Node SDK signer', () => {
  test('the table covers every operation of the Backup Policies API and every kind of difference', () => {
    const operations = new Set(CASES.map((c) => c.operation.split(' ')[0]));
    expect([...operations].map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(new Set(CASES.map((c) => c.differs?.kind).filter(Boolean))).toEqual(new Set(['query order', 'header value', 'header order', 'path encoding']));
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = sdkRequest(c, `https://${HOST}`, POLICY, DATE);
    const sdk = sdkSign(request);
    const client = clientSign(request, sdk);

    if (!c.differs) {
      test('the client signs it exactly as the SDK does', () => {
        expect(client.authorization).toBe(sdk.Authorization);
      });
    } else {
      const d = c.differs;
      test(`differs (${d.kind}): the SDK signs the canonical text stated here, the client its own`, () => {
        expect(client.authorization).not.toBe(sdk.Authorization);
        const canonical = canonicalRequest(client.req, client.signedHeaders);
        expect(canonical.split(d.client)).toHaveLength(2);
        const sdkCanonical = canonical.replace(d.client, d.sdk);
        const sdkSignature = parseAuthorization(sdk.Authorization)!.signature;
        expect(signature(SK, stringToSign(sdkCanonical, DATE))).toBe(sdkSignature);
        // Same signed-header list either way: only the canonical text differs.
        expect(parseAuthorization(sdk.Authorization)!.signedHeaders).toEqual(client.signedHeaders);
        if (d.kind === 'query order') {
          expect(canonicalRequest(client.req, client.signedHeaders, 'decoded')).toBe(sdkCanonical);
        }
      });
    }
  });

  describe('the emulator (AK/SK configured, loopback) and SDK-signed requests', () => {
    let em: Emulator;
    beforeAll(async () => {
      em = await startEmulator({ accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }], jobSeconds: 0, projectIds: [PROJECT] });
    });
    afterAll(() => em.stop());

    test('accepts every request signed by the SDK except the differences it refuses on purpose', async () => {
      let policyId = '';
      const outcome: { name: string; status: number; code?: string }[] = [];
      for (const c of CASES) {
        // X-Sdk-Date left out: the SDK stamps the current time itself.
        const request = sdkRequest(c, em.url, policyId);
        const headers = sdkSign(request);
        delete headers.host; // fetch sends the same Host itself
        const query = stringifyQuery(request.queryParams);
        const url = new URL(request.endpoint).pathname + (query ? `?${query}` : '');
        const res = await fetch(em.url + url, { method: c.method, headers, body: request.data === undefined ? undefined : JSON.stringify(request.data) });
        const text = await res.text();
        const json = text ? JSON.parse(text) : undefined;
        if (c.name === 'create, JSON body') policyId = json.backup_policy_id;
        outcome.push({ name: c.name, status: res.status, code: json?.error_code ?? json?.error?.code });
      }
      const expected = CASES.map((c) => {
        // The emulator accepts either query order; it refuses what the documented algorithm
        // cannot produce: untrimmed header values, headers out of order, a path encoded twice.
        const refused = c.differs !== undefined && c.differs.kind !== 'query order';
        return refused ? { name: c.name, status: 401, code: 'APIGW.0303' } : { name: c.name, status: c.status, code: undefined };
      });
      expect(outcome).toEqual(expected);
      // The tags whose removal was refused are still there; the batch delete removed them.
      expect(em.requests({ operation: 'removeTag' }).map((r) => r.status)).toEqual([204, 204, 401, 401, 401]);
    });
  });

  describe('VbsClient on the wire (AK/SK with a security token), every operation', () => {
    let em: Emulator;
    let client: VbsClient;
    const captured = recordingProxyForBlock({ accessKey: AK, secretKey: SK, projectId: PROJECT }, (p) => {
      em = p.emulator;
      client = new VbsClient({ endpoint: p.endpoint, projectId: PROJECT, env: {}, credentials: Credentials.accessKey(AK, SK, SECURITY_TOKEN), retry: { maxAttempts: 1 } });
    });
    afterAll(() => client.close());

    test('each request the client sends is signed exactly as the SDK signs it', async () => {
      const id = await client.createPolicy({ ...policyBody('wire-oracle'), tags: [{ key: 'owner', value: '张三' }] });
      await client.listPolicies();
      await client.updatePolicy(id, { scheduled_policy: { status: 'OFF' } });
      await client.associateVolumes(id, VOLUMES);
      await client.executePolicy(id);
      await client.listJobs(id, { sortKey: 'created_at', sortDir: 'desc', limit: 10, offset: 0, status: 'EXECUTE_SUCCESS' });
      await client.addTag(id, 'team', 'db');
      await client.getTags(id);
      await client.listTenantTags();
      await client.batchTags(id, 'create', [{ key: 'a#b', value: 'x' }, { key: 'é', value: 'y' }]);
      await client.queryPoliciesByTags({ action: 'filter', tags: [{ key: 'team', values: ['db'] }] });
      await client.removeTag(id, 'team');
      await client.disassociateVolumes(id, VOLUMES);
      await client.deletePolicy(id);

      const operations = ['POST', 'GET', 'PUT', 'POST', 'POST', 'GET', 'POST', 'GET', 'GET', 'POST', 'POST', 'DELETE', 'POST', 'DELETE'];
      expect(captured.map((c) => c.method)).toEqual(operations);
      for (const c of captured) {
        const wire = c.headers.authorization as string;
        const names = parseAuthorization(wire)!.signedHeaders;
        expect(names).toEqual(['content-type', 'host', 'x-project-id', 'x-sdk-date', 'x-security-token']);
        const headers: Record<string, string> = {};
        for (const n of names) headers[n === 'x-sdk-date' ? 'X-Sdk-Date' : n] = c.headers[n] as string;
        const url = new URL(c.url, 'http://127.0.0.1');
        const queryParams: Query = {};
        for (const [k, v] of url.searchParams) {
          const had = queryParams[k];
          queryParams[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
        }
        const request: SdkRequest = { method: c.method, endpoint: `http://${c.headers.host}${url.pathname}`, queryParams, headers };
        if (c.body.length > 0) request.data = JSON.parse(c.body);
        expect({ request: `${c.method} ${c.url}`, authorization: sdkSign(request).Authorization }).toEqual({ request: `${c.method} ${c.url}`, authorization: wire });
      }
      expect(em.requests().map((r) => r.status)).toEqual([200, 200, 200, 200, 204, 200, 204, 200, 200, 204, 200, 204, 200, 204]);
    });
  });
});
