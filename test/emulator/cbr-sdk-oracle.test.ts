/**
 * Huawei's own Node signer (`@huaweicloud/huaweicloud-sdk-core`, `auth/AKSKSigner`) as the
 * oracle of the emulator's signature check on every CBR operation: the emulator, AK/SK
 * configured, accepts each request the SDK signs, and refuses it once a signed part changes.
 */
import { randomUUID } from 'node:crypto';
import { stringify as stringifyQuery } from 'node:querystring';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import { CBR_OPERATIONS, CbrOperationName } from '../../src/contract/cbr-wire';
import { Emulator, startEmulator } from '../../src/emulator';

const AK = 'HPUACBRORACLEKEY01';
const SK = 'cbr/oracle+secret=with&reserved chars';
const PROJECT = '17fbda95add24720a4038ba4b1c705ed';
const DISKS = [randomUUID(), randomUUID()];

type Query = Record<string, string | string[]>;
/** Ids learnt along the way, filled into `{vault}`, `{policy}`, `{checkpoint}`, `{backup}`, `{task}`. */
type Ids = Record<string, string>;

interface OracleCase {
  readonly operation: CbrOperationName;
  readonly method: string;
  /** Path after `/v3/{project_id}`. */
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly status: number;
  /** Learns ids from the answer. */
  readonly learn?: (json: Record<string, any>, ids: Ids) => void; // eslint-disable-line @typescript-eslint/no-explicit-any -- any JSON the emulator answered
}

/** In emulator order: made before read, deleted last. */
const CASES: readonly OracleCase[] = [
  {
    operation: 'createVault', method: 'POST', path: '/vaults', status: 200,
    body: { vault: { name: 'oracle vault é', resources: [{ id: DISKS[0], type: 'OS::Cinder::Volume' }], billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 40 } } },
    learn: (j, ids) => { ids.vault = j.vault.id; },
  },
  { operation: 'showVault', method: 'GET', path: '/vaults/{vault}', status: 200 },
  { operation: 'listVaults', method: 'GET', path: '/vaults', query: { name: 'oracle vault é', limit: '10', offset: '0' }, status: 200 },
  { operation: 'updateVault', method: 'PUT', path: '/vaults/{vault}', body: { vault: { name: 'oracle-vault', billing: { size: 80 } } }, status: 200 },
  { operation: 'addVaultResources', method: 'POST', path: '/vaults/{vault}/addresources', body: { resources: [{ id: DISKS[1], type: 'OS::Cinder::Volume', name: 'data disk' }] }, status: 200 },
  {
    operation: 'createCbrPolicy', method: 'POST', path: '/policies', status: 200,
    body: { policy: { name: 'oracle-policy', operation_type: 'backup', operation_definition: { max_backups: 3 }, trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=02;BYMINUTE=00'] } } } },
    learn: (j, ids) => { ids.policy = j.policy.id; },
  },
  { operation: 'showCbrPolicy', method: 'GET', path: '/policies/{policy}', status: 200 },
  { operation: 'listCbrPolicies', method: 'GET', path: '/policies', query: { operation_type: 'backup', vault_id: '{vault}' }, status: 200 },
  { operation: 'updateCbrPolicy', method: 'PUT', path: '/policies/{policy}', body: { policy: { enabled: false } }, status: 200 },
  { operation: 'associateVaultPolicy', method: 'POST', path: '/vaults/{vault}/associatepolicy', body: { policy_id: '{policy}' }, status: 200 },
  {
    operation: 'createCheckpoint', method: 'POST', path: '/checkpoints', status: 200,
    body: { checkpoint: { vault_id: '{vault}', parameters: { name: 'oracle_run-1', description: 'signed by the SDK', incremental: false } } },
    learn: (j, ids) => { ids.checkpoint = j.checkpoint.id; },
  },
  { operation: 'showCheckpoint', method: 'GET', path: '/checkpoints/{checkpoint}', status: 200 },
  {
    operation: 'listBackups', method: 'GET', path: '/backups', status: 200,
    query: { checkpoint_id: '{checkpoint}', status: ['available', 'error'], sort: 'name:asc,created_at:desc', name: 'oracle_run', limit: '5' },
    learn: (j, ids) => { ids.backup = j.backups[0].id; },
  },
  { operation: 'showBackup', method: 'GET', path: '/backups/{backup}', status: 200 },
  { operation: 'restoreBackup', method: 'POST', path: '/backups/{backup}/restore', body: { restore: { volume_id: DISKS[0] } }, status: 202 },
  {
    operation: 'listTasks', method: 'GET', path: '/operation-logs', query: { operation_type: 'backup', vault_name: 'oracle-vault', start_time: '2020-01-01T00:00:00Z' }, status: 200,
    learn: (j, ids) => { ids.task = j.operation_logs[0].id; },
  },
  { operation: 'showTask', method: 'GET', path: '/operation-logs/{task}', status: 200 },
  { operation: 'dissociateVaultPolicy', method: 'POST', path: '/vaults/{vault}/dissociatepolicy', body: { policy_id: '{policy}' }, status: 200 },
  { operation: 'deleteBackup', method: 'DELETE', path: '/backups/{backup}', status: 204 },
  { operation: 'removeVaultResources', method: 'POST', path: '/vaults/{vault}/removeresources', body: { resource_ids: [DISKS[1]] }, status: 200 },
  { operation: 'deleteCbrPolicy', method: 'DELETE', path: '/policies/{policy}', status: 204 },
  { operation: 'deleteVault', method: 'DELETE', path: '/vaults/{vault}', status: 204 },
];

function fill<T>(value: T, ids: Ids): T {
  let text = JSON.stringify(value);
  for (const [name, id] of Object.entries(ids)) text = text.split(`{${name}}`).join(id);
  return JSON.parse(text) as T;
}

interface SdkRequest {
  method: string;
  endpoint: string;
  queryParams: Query;
  headers: Record<string, string>;
  data?: unknown;
}

/** Signs with the SDK (which stamps X-Sdk-Date itself) and sends the request as the SDK would. */
async function sendSigned(em: Emulator, c: OracleCase, ids: Ids, tamper?: (headers: Record<string, string>) => void): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- any JSON the emulator answered
  const request: SdkRequest = {
    method: c.method, endpoint: em.url + fill(`/v3/${PROJECT}${c.path}`, ids), queryParams: fill(c.query ?? {}, ids),
    headers: { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT },
  };
  if (c.body !== undefined) request.data = fill(c.body, ids);
  const headers = AKSKSigner.sign(request, new BasicCredentials({ ak: AK, sk: SK, projectId: PROJECT })) as Record<string, string>;
  delete headers.host; // fetch sends the same Host itself
  tamper?.(headers);
  const query = stringifyQuery(request.queryParams);
  const res = await fetch(request.endpoint + (query ? `?${query}` : ''), {
    method: c.method, headers, body: request.data === undefined ? undefined : JSON.stringify(request.data),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('CBR: the emulator and requests signed by Huawei\'s Node SDK signer', () => {
  let em: Emulator;
  beforeAll(async () => {
    em = await startEmulator({ accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }], jobSeconds: 0 });
  });
  afterAll(() => em.stop());

  test('the table covers every CBR operation once', () => {
    expect(CASES.map((c) => c.operation).sort()).toEqual(Object.keys(CBR_OPERATIONS).sort());
    for (const c of CASES) expect([c.operation, c.method]).toEqual([c.operation, CBR_OPERATIONS[c.operation].method]);
  });

  test('every CBR operation signed by the SDK is accepted; the same request with a changed signed header is 401 APIGW.0303', async () => {
    const ids: Ids = {};
    const outcome: [string, number, string | undefined][] = [];
    for (const c of CASES) {
      const r = await sendSigned(em, c, ids);
      outcome.push([c.operation, r.status, r.json?.error_code]);
      if (r.status === c.status) c.learn?.(r.json, ids);
    }
    expect(outcome).toEqual(CASES.map((c) => [c.operation, c.status, undefined]));
    expect(em.requests().map((r) => r.operation)).toEqual(CASES.map((c) => c.operation));
    for (const c of CASES.filter((x) => x.method === 'GET')) {
      const r = await sendSigned(em, c, ids, (h) => { h['X-Project-Id'] = 'e9993fc787d94b6c886cbaa340f9c0f4'; });
      expect([c.operation, r.status, r.json?.error_code]).toEqual([c.operation, 401, 'APIGW.0303']);
    }
  });
});
