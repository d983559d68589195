/**
 * CbrClient against the real emulator over loopback: every CBR operation over both transports
 * and each credential kind, find a vault by name, and (AK/SK with a security token) every
 * request the client puts on the wire carries the Authorization Huawei's own SDK signer
 * computes for it, and the emulator accepts it.
 */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import {
  CbrClient, CbrClientOptions, Credentials, VbsAmbiguousNameError, VbsApiError, VbsConfigError, VbsError, VbsNotFoundError,
} from '../../src/client';
import { parseAuthorization } from '../../src/client/signer';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import type { Emulator } from '../../src/emulator';
import { emulatorForFile, recordingProxyForBlock } from './emulator-fixture';

const PROJECT = '0123456789abcdef0123456789abcdef';
const DISKS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
let emulator: Emulator;
const clients = emulatorForFile<CbrClient>((em) => {
  emulator = em;
});
let transport: VbsTransport = 'undici';

function client(credentials: Credentials = Credentials.token('emu-token'), o: Partial<CbrClientOptions> = {}): CbrClient {
  const c = new CbrClient({ endpoint: emulator.url, projectId: PROJECT, env: {}, credentials, random: () => 0, transport, ...o });
  clients.push(c);
  return c;
}

const billing = { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 } as const;
const disk = (id: string) => ({ id, type: 'OS::Cinder::Volume' as const });
const schedule = ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'];

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  test.each([
    ['token', () => Credentials.token('emu-token')],
    ['access key (signed)', () => Credentials.accessKey('EMUAK', 'EMU-SECRET-KEY')],
    ['password login', () => Credentials.password({ userName: 'alice', password: 'EMU-PASSWORD', domainName: 'acme' })],
  ])('every CBR operation with %s credentials', async (_kind, creds) => {
    const c = client(creds());
    // vaults
    const vault = await c.createVault({ vault: { name: 'nightly-db', billing, resources: [disk(DISKS[0])] } });
    expect(vault).toMatchObject({ name: 'nightly-db', resources: [{ id: DISKS[0] }] });
    expect((await c.showVault(vault.id)).id).toBe(vault.id);
    expect((await c.listVaults({ name: 'nightly-db' })).vaults.map((v) => v.id)).toEqual([vault.id]);
    expect((await c.listAllVaults()).map((v) => v.id)).toEqual([vault.id]);
    expect((await c.findVaultByName('nightly-db')).id).toBe(vault.id);
    expect((await c.updateVault(vault.id, { vault: { billing: { size: 200 } } })).billing.size).toBe(200);
    expect(await c.addVaultResources(vault.id, [disk(DISKS[1]), disk(DISKS[2])])).toEqual([DISKS[1], DISKS[2]]);
    expect(await c.removeVaultResources(vault.id, [DISKS[2]])).toEqual([DISKS[2]]);
    // policies
    const policy = await c.createPolicy({ policy: { name: 'p1', operation_type: 'backup', operation_definition: { max_backups: 7 }, trigger: { properties: { pattern: schedule } } } });
    expect(policy.trigger.properties.pattern).toEqual(schedule);
    expect((await c.showPolicy(policy.id)).name).toBe('p1');
    await c.associateVaultPolicy(vault.id, policy.id);
    expect((await c.listPolicies({ vault_id: vault.id })).map((p) => p.id)).toEqual([policy.id]);
    expect((await c.updatePolicy(policy.id, { policy: { enabled: false } })).enabled).toBe(false);
    await c.dissociateVaultPolicy(vault.id, policy.id);
    await c.deletePolicy(policy.id);
    await expect(c.showPolicy(policy.id)).rejects.toMatchObject({ status: 404, code: 'BackupService.6000' });
    // checkpoints, backups, tasks
    const cp = await c.createCheckpoint({ checkpoint: { vault_id: vault.id, parameters: { name: 'raw-one', resources: [DISKS[0]] } } });
    expect(cp).toMatchObject({ status: 'protecting', vault: { id: vault.id, resources: [{ id: DISKS[0] }] } });
    expect((await c.showCheckpoint(cp.id)).id).toBe(cp.id);
    const run = await c.backupVault(vault.id, { resourceIds: [DISKS[1]], name: 'ops-test' });
    const progress: string[] = [];
    const final = await c.waitForBackups(run, { pollIntervalMs: 50, onProgress: (p) => progress.push(`${p.resourceId} ${p.status}`) });
    expect(final.map((b) => [b.resource_id, b.status])).toEqual([[DISKS[1], 'available']]);
    expect(progress.at(-1)).toBe(`${DISKS[1]} available`);
    const backups = await c.listBackups({ vault_id: vault.id, checkpoint_id: cp.id });
    expect(backups.backups.map((b) => [b.resource_id, b.name])).toEqual([[DISKS[0], 'raw-one']]);
    expect((await c.showBackup(backups.backups[0].id)).checkpoint_id).toBe(cp.id);
    const tasks = await c.listTasks({ vault_id: vault.id, operation_type: 'backup' });
    expect(tasks.operation_logs.map((t) => t.checkpoint_id).sort()).toEqual([cp.id, run.checkpoints[0].checkpointId].sort());
    expect((await c.showTask(tasks.operation_logs[0].id)).id).toBe(tasks.operation_logs[0].id);
    await c.waitForBackups(cp.id, { pollIntervalMs: 50 });
    await c.deleteBackup(backups.backups[0].id);
    await expect(c.showBackup(backups.backups[0].id)).rejects.toMatchObject({ status: 404, code: 'BackupService.6200' });
    await c.deleteVault(vault.id);
    await expect(c.showVault(vault.id)).rejects.toMatchObject({ status: 404, code: 'BackupService.6105' });
  });

  test('findVaultByName: none is a VbsNotFoundError, several a VbsAmbiguousNameError, each naming the vault; a substring match does not count', async () => {
    const c = client();
    const none = await c.findVaultByName('db').catch((x: unknown) => x);
    expect(none).toBeInstanceOf(VbsNotFoundError);
    expect(none).toBeInstanceOf(VbsError);
    expect(none).not.toBeInstanceOf(VbsAmbiguousNameError);
    expect((none as VbsNotFoundError).lookup).toEqual({ operation: 'findVaultByName', kind: 'vault', by: 'name', value: 'db', projectId: PROJECT });
    expect((none as Error).message).toBe(`no vault named "db" in project ${PROJECT} at ${c.endpoint}`);
    const a = await c.createVault({ vault: { name: 'db', billing, resources: [] } });
    await c.createVault({ vault: { name: 'db-2', billing, resources: [] } });
    expect((await c.findVaultByName('db')).id).toBe(a.id);
    const b = await c.createVault({ vault: { name: 'db', billing, resources: [] } });
    const e = await c.findVaultByName('db').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VbsAmbiguousNameError);
    expect(e).toBeInstanceOf(VbsError);
    expect(e).not.toBeInstanceOf(VbsNotFoundError);
    expect(e).toMatchObject({ operation: 'findVaultByName', lookup: { operation: 'findVaultByName', kind: 'vault', by: 'name', value: 'db', projectId: PROJECT }, ids: [a.id, b.id] });
    expect((e as Error).message).toBe(`2 vaults are named "db" (${a.id}, ${b.id}) in project ${PROJECT}; refer to one by id`);
    // A bad argument is a configuration error, a VbsError too.
    const bad = await c.findVaultByName('').catch((x: unknown) => x);
    expect(bad).toBeInstanceOf(VbsConfigError);
    expect(bad).toBeInstanceOf(VbsError);
  });

  test('an unknown checkpoint is 404 BackupService.6217; a bad vault id never leaves the client', async () => {
    const c = client();
    await expect(c.showCheckpoint('8b0851a8-adf3-4f4c-a914-dead08bf9664')).rejects.toMatchObject({ status: 404, code: 'BackupService.6217' });
    await expect(c.backupVault('not-a-vault')).rejects.toThrow('backupVault: vault id "not-a-vault" is not a UUID');
    const e = await c.showVault('8b0851a8-adf3-4f4c-a914-dead08bf9664').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VbsApiError);
    expect((e as Error).message).toMatch(/^showVault failed: HTTP 404 BackupService\.6105: /);
  });
});

describe("CbrClient on the wire (AK/SK with a security token): Huawei's SDK signer computes the same Authorization", () => {
  const AK = 'HPUAORACLEACCESSKEY1';
  const SK = 'oracle/secret+key=with&reserved chars';
  let em: Emulator;
  let c: CbrClient;
  const captured = recordingProxyForBlock({ accessKey: AK, secretKey: SK, projectId: PROJECT }, (p) => {
    em = p.emulator;
    c = new CbrClient({ endpoint: p.endpoint, projectId: PROJECT, env: {}, credentials: Credentials.accessKey(AK, SK, 'gQpjbi1ub3J0aC00tempORARYtoken+/='), retry: { maxAttempts: 1 } });
  });
  afterAll(() => c.close());

  test('every operation', async () => {
    const vault = await c.createVault({ vault: { name: '备份-vault', billing, resources: [disk(DISKS[0])] } });
    await c.showVault(vault.id);
    await c.listVaults({ name: '备份 é', limit: 10, offset: 0 });
    await c.updateVault(vault.id, { vault: { name: 'renamed' } });
    await c.addVaultResources(vault.id, [disk(DISKS[1])]);
    await c.removeVaultResources(vault.id, [DISKS[1]]);
    const policy = await c.createPolicy({ policy: { name: 'p1', operation_type: 'backup', operation_definition: { max_backups: 3 }, trigger: { properties: { pattern: schedule } } } });
    await c.showPolicy(policy.id);
    await c.listPolicies({ operation_type: 'backup' });
    await c.updatePolicy(policy.id, { policy: { enabled: false } });
    await c.associateVaultPolicy(vault.id, policy.id);
    await c.dissociateVaultPolicy(vault.id, policy.id);
    await c.deletePolicy(policy.id);
    const cp = await c.createCheckpoint({ checkpoint: { vault_id: vault.id, parameters: { name: 'signed', resources: [DISKS[0]] } } });
    await c.showCheckpoint(cp.id);
    const list = await c.listBackups({ vault_id: vault.id, status: ['available', 'error'], sort: 'created_at:desc' });
    await c.showBackup(list.backups[0].id);
    const tasks = await c.listTasks({ vault_id: vault.id, start_time: '2020-01-01T00:00:00Z' });
    await c.showTask(tasks.operation_logs[0].id);
    await c.deleteBackup(list.backups[0].id);
    await c.deleteVault(vault.id);

    expect(captured).toHaveLength(21);
    for (const r of captured) {
      const wire = r.headers.authorization as string;
      const names = parseAuthorization(wire)!.signedHeaders;
      const headers: Record<string, string> = {};
      for (const n of names) headers[n === 'x-sdk-date' ? 'X-Sdk-Date' : n] = r.headers[n] as string;
      const url = new URL(r.url, 'http://127.0.0.1');
      const queryParams: Record<string, string | string[]> = {};
      for (const [k, v] of url.searchParams) {
        const had = queryParams[k];
        queryParams[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
      }
      const request: Record<string, unknown> = { method: r.method, endpoint: `http://${r.headers.host}${url.pathname}`, queryParams, headers };
      if (r.body.length > 0) request.data = JSON.parse(r.body);
      const sdk = AKSKSigner.sign(request as never, new BasicCredentials({ ak: AK, sk: SK, projectId: PROJECT })) as Record<string, string>;
      expect({ request: `${r.method} ${r.url}`, authorization: sdk.Authorization }).toEqual({ request: `${r.method} ${r.url}`, authorization: wire });
    }
    expect(em.requests().every((r) => r.status < 300)).toBe(true);
  });
});
