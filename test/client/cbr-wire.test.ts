/**
 * CbrClient against a scripted CBR stand-in, for what the emulator does not produce: the
 * documented example answers of the CBR API reference verbatim (an oracle for the parsers),
 * Huawei's 401 quirk, a checkpoint whose backups are listed only some time after it was made,
 * and exact request counts around ambiguous failures. The emulator-backed suites are
 * cbr-emulator.test.ts and cbr-backup.test.ts.
 */
import { ServerResponse } from 'node:http';
import { CbrBusyError, CbrClient, CbrClientOptions, Credentials, VbsApiError } from '../../src/client';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import { closedAfterEach, drop, json, noContent, PROJECT, Received, startServer } from './http-server';

const { servers, clients } = closedAfterEach<CbrClient>();
let transport: VbsTransport = 'undici';

const VAULT = '3b5816b5-f29c-4172-9d9a-76c719a659ce';
const RESOURCE = '94eba8b2-acc9-4d82-badc-127144cc5526';

// Documented examples of the CBR API reference (OTC api-ref), verbatim except for trimming.
const DOC = {
  createCheckpoint: {
    checkpoint: {
      id: '8b0851a8-adf3-4f4c-a914-dead08bf9664', project_id: '4229d7a45436489f8c3dc2b1d35d4987', status: 'protecting', created_at: '2019-05-10T07:59:12.733+00:00',
      vault: {
        id: VAULT, name: 'vault-be94', skipped_resources: [],
        resources: [{ id: RESOURCE, name: 'ecs-1f0f-0002', type: 'OS::Nova::Server', protect_status: 'available', resource_size: 40 }],
      },
      extra_info: { name: 'backup_name', retention_duration: -1 },
    },
  },
  listBackups: {
    count: 2,
    backups: [{
      id: '5606aab5-2dc2-4498-8144-dc848d099af5', name: 'autobk_6809', checkpoint_id: 'f64c351f-769f-4c04-8806-fd90a59e9b12', vault_id: '79bd9daa-884f-4f84-b8fe-235d58cd927d',
      resource_id: '54f7ccbc-072f-4ec5-a7b7-b24dabdb4539', resource_type: 'OS::Cinder::Volume', status: 'available', created_at: '2020-02-21T07:00:34.882+00:00', children: [],
      extend_info: { auto_trigger: true, bootable: true, encrypted: false, system_disk: false },
    }],
  },
  showBackup: {
    backup: {
      id: '6df2b54c-dd62-4059-a07c-1b8f24f2725d', name: 'backup_name', status: 'available', resource_type: 'OS::Nova::Server',
      children: [{ id: '5d822633-2bbf-4af8-a16e-5ab1c7705235', name: 'autobk_a843_ecs-1f0f-0002', parent_id: '6df2b54c-dd62-4059-a07c-1b8f24f2725d', resource_type: 'OS::Cinder::Volume' }],
    },
  },
  createVault: {
    vault: {
      id: 'ad7627ae-5b0b-492e-b6bd-cd809b745197', name: 'vault_name',
      billing: { status: 'available', used: 0, allocated: 40, size: 100, object_type: 'server', protect_type: 'backup', spec_code: 'vault.backup.server.normal', charging_mode: 'post_paid' },
      resources: [{ id: '23a320a5-3efd-4568-b1aa-8dd9183cc64c', type: 'OS::Nova::Server', protect_status: 'available', size: 40, backup_size: 0, backup_count: 0 }],
    },
  },
  listVaults: { vaults: [{ id: 'a335f9e1-1628-4b2d-a6b2-3c9a0a0f7b8e', name: 'vault-8538', resources: [], billing: { status: 'available' } }], count: 50 },
  addResources: { add_resource_ids: ['97595625-198e-4e4d-879b-9d53f68ba551'] },
  associatePolicy: { associate_policy: { vault_id: '2402058d-8373-4b0a-b848-d3c0dfdc71a8', policy_id: '7075c397-25a0-43e2-a83a-bb16eaca3ee5' } },
  createPolicy: {
    policy: {
      id: 'cbb3ce6f-3332-4e7c-b98e-77290d8471ff', name: 'policy001', enabled: true, operation_type: 'backup',
      operation_definition: { retention_duration_days: 1, timezone: 'UTC+01:00' },
      trigger: {
        id: 'd67269a6-5369-42d7-8150-5254bd446328', name: 'default', type: 'time',
        properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'], start_time: '2019-05-08T06:57:05.000+00:00' },
      },
    },
  },
  showTask: {
    operation_log: {
      id: '4827f2da-b008-4507-ab7d-42d0df5ed912', operation_type: 'backup', status: 'success', checkpoint_id: 'b432511f-d889-428f-8b0e-5f47c524c6b6',
      error_info: { code: '', message: '' }, ended_at: '2019-05-23T14:35:23.511+00:00',
      extra_info: {
        resource: { id: '1dab32fa-ebf2-415a-ab0b-eabe6353bc86', name: 'ECS-0001', type: 'OS::Nova::Server' },
        backup: { backup_id: '0e5d0ef6-7f0a-4890-b98c-cb12490e31c1', backup_name: 'manualbk_1234' },
        common: { progress: 100, request_id: 'req-cdb98cc4-e87b-4f40-9b4a-57ec036620bc' },
      },
    },
  },
  taskNotFound: { error_code: 'BackupService.6500', error_msg: 'Operation log does not exist.' },
  invalidVault: { error_code: 'BackupService.9900', error_msg: 'Invalid vault_id provided.' },
  quirk: { unauthorized: { code: '401', message: 'Malformed request url' } },
};

async function fake(handler: (r: Received, res: ServerResponse) => void, options: Partial<CbrClientOptions> = {}) {
  const server = await startServer(handler);
  servers.push(server);
  const client = new CbrClient({ endpoint: server.url, projectId: PROJECT, env: {}, credentials: Credentials.token('t'), random: () => 0, transport, ...options });
  clients.push(client);
  return { server, client };
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  describe("the documented examples go through the client's parsers", () => {
    test('every example answer reads as the documented object; paths and query as documented', async () => {
      const { server, client } = await fake((r, res) => {
        const p = r.path.replace(`/v3/${PROJECT}`, '');
        if (p === '/checkpoints') return json(res, 200, DOC.createCheckpoint);
        if (p === '/backups') return json(res, 200, DOC.listBackups);
        if (p.startsWith('/backups/')) return r.method === 'DELETE' ? noContent(res) : json(res, 200, DOC.showBackup);
        if (p === '/vaults' && r.method === 'POST') return json(res, 200, DOC.createVault);
        if (p === '/vaults') return json(res, 200, DOC.listVaults);
        if (p.endsWith('/addresources')) return json(res, 200, DOC.addResources);
        if (p.endsWith('/associatepolicy')) return json(res, 200, DOC.associatePolicy);
        if (p === '/policies') return json(res, 200, DOC.createPolicy);
        if (p.startsWith('/operation-logs/')) return json(res, 200, DOC.showTask);
        return json(res, 404, DOC.taskNotFound);
      });
      const cp = await client.createCheckpoint({ checkpoint: { vault_id: VAULT, parameters: { auto_trigger: true, incremental: true, name: 'backup_name', resources: [RESOURCE] } } });
      expect(cp).toMatchObject({ id: '8b0851a8-adf3-4f4c-a914-dead08bf9664', status: 'protecting', vault: { resources: [{ id: RESOURCE, resource_size: 40 }], skipped_resources: [] } });
      const c1 = server.received.find((x) => x.path.endsWith('/checkpoints'))!;
      expect(JSON.parse(c1.body)).toEqual({ checkpoint: { vault_id: VAULT, parameters: { auto_trigger: true, incremental: true, name: 'backup_name', resources: [RESOURCE] } } });

      const list = await client.listBackups({ vault_id: VAULT, status: ['available', 'error'], limit: 10 });
      expect(list.count).toBe(2);
      expect(list.backups[0]).toMatchObject({ name: 'autobk_6809', status: 'available', extend_info: { auto_trigger: true } });
      expect([...server.received.at(-1)!.url.searchParams]).toEqual([['vault_id', VAULT], ['status', 'available'], ['status', 'error'], ['limit', '10']]);

      const backup = await client.showBackup('6df2b54c-dd62-4059-a07c-1b8f24f2725d');
      expect(backup.children![0]).toMatchObject({ parent_id: '6df2b54c-dd62-4059-a07c-1b8f24f2725d', resource_type: 'OS::Cinder::Volume' });
      await client.deleteBackup('6df2b54c-dd62-4059-a07c-1b8f24f2725d');

      const vault = await client.createVault({ vault: { name: 'test', resources: [], billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 40 } } });
      expect(vault.billing).toMatchObject({ allocated: 40, size: 100, spec_code: 'vault.backup.server.normal' });
      const vaults = await client.listVaults({ name: 'vault-8538' });
      expect(vaults).toMatchObject({ count: 50, vaults: [{ name: 'vault-8538' }] });
      expect(await client.addVaultResources('2402058d-8373-4b0a-b848-d3c0dfdc71a8', [{ id: '97595625-198e-4e4d-879b-9d53f68ba551', type: 'OS::Nova::Server' }]))
        .toEqual(['97595625-198e-4e4d-879b-9d53f68ba551']);
      await client.associateVaultPolicy('2402058d-8373-4b0a-b848-d3c0dfdc71a8', '7075c397-25a0-43e2-a83a-bb16eaca3ee5');
      const policy = await client.createPolicy({
        policy: {
          name: 'policy001', enabled: true, operation_type: 'backup', operation_definition: { retention_duration_days: 1, timezone: 'UTC+01:00' },
          trigger: { properties: { pattern: ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00'] } },
        },
      });
      expect(policy.trigger.properties.pattern).toEqual(['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=14;BYMINUTE=00']);
      const task = await client.showTask('4827f2da-b008-4507-ab7d-42d0df5ed912');
      expect(task.extra_info?.backup?.backup_name).toBe('manualbk_1234');
    });

    test("CBR's error shape: status, code and message in a VbsApiError", async () => {
      const { client } = await fake((_r, res) => json(res, 400, DOC.invalidVault));
      const e = await client.showVault(VAULT).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(VbsApiError);
      expect(e).toMatchObject({ operation: 'showVault', status: 400, code: 'BackupService.9900', apiMessage: 'Invalid vault_id provided.' });
      expect((e as Error).message).toBe('showVault failed: HTTP 400 BackupService.9900: Invalid vault_id provided.');
    });

    test("Huawei's 401 quirk for an unknown checkpoint reads as 404 BackupService.6217", async () => {
      const { client } = await fake((_r, res) => json(res, 401, DOC.quirk));
      const e = await client.showCheckpoint('8b0851a8-adf3-4f4c-a914-dead08bf9664').catch((x: unknown) => x);
      expect(e).toMatchObject({ status: 404, code: 'BackupService.6217' });
      expect((e as Error).message).toContain('Malformed request url');
    });

    test('a 200 body without the checkpoint is an INVALID_RESPONSE naming the field, not a TypeError', async () => {
      const { client } = await fake((_r, res) => json(res, 200, { vault: {} }));
      await expect(client.createCheckpoint({ checkpoint: { vault_id: VAULT } })).rejects.toMatchObject({ code: 'INVALID_RESPONSE', message: expect.stringContaining('"checkpoint"') });
    });

    test('ids go into paths only as UUIDs', async () => {
      const { client, server } = await fake((_r, res) => json(res, 200, {}));
      await expect(client.showVault('../x')).rejects.toThrow('showVault: vault id "../x" is not a UUID');
      await expect(client.backupVault(VAULT, { resourceIds: ['nope'] })).rejects.toThrow('resource id "nope" is not a UUID');
      expect(server.received).toHaveLength(0);
    });
  });

  describe('backupVault: after an ambiguous failure, one checkpoint', () => {
    /**
     * A vault of one resource whose checkpoint's backups are listed only after `listedAfter`
     * further list calls (the vault shows the resource `protecting` meanwhile).
     */
    async function lateListing(o: { onCheckpoint: (n: number) => 'effect-then-drop' | 'drop' | 'ok'; listedAfter: number }) {
      const made: { id: string; name: string; at: number }[] = [];
      let lists = 0;
      let posts = 0;
      let madeAtList = 0;
      const { server, client } = await fake((r, res) => {
        const p = r.path.replace(`/v3/${PROJECT}`, '');
        if (p === '/checkpoints') {
          const what = o.onCheckpoint(posts++);
          if (what === 'drop') return drop(res);
          const name = JSON.parse(r.body).checkpoint.parameters.name as string;
          made.push({ id: `0000000${made.length}-0000-4000-8000-000000000000`, name, at: Date.now() });
          madeAtList = lists;
          if (what === 'effect-then-drop') return drop(res);
          return json(res, 200, { checkpoint: { id: made.at(-1)!.id, status: 'protecting', created_at: new Date().toISOString(), vault: { id: VAULT, resources: [{ id: RESOURCE, type: 'OS::Cinder::Volume' }] } } });
        }
        if (p === '/backups') {
          lists++;
          const visible = made.length > 0 && lists - madeAtList > o.listedAfter;
          const backups = visible
            ? made.map((m, i) => ({ id: `b000000${i}-0000-4000-8000-000000000000`, name: m.name, checkpoint_id: m.id, vault_id: VAULT, resource_id: RESOURCE, resource_type: 'OS::Cinder::Volume', status: 'protecting', created_at: new Date(m.at).toISOString() }))
            : [];
          return json(res, 200, { backups, count: backups.length });
        }
        if (p === '/operation-logs') return json(res, 200, { operation_logs: [], count: 0 });
        if (p === `/vaults/${VAULT}`) {
          return json(res, 200, { vault: { id: VAULT, name: 'v', billing: {}, resources: [{ id: RESOURCE, type: 'OS::Cinder::Volume', protect_status: made.length > 0 ? 'protecting' : 'available' }] } });
        }
        return json(res, 404, DOC.taskNotFound);
      });
      return { server, client, made, sent: () => server.count(/\/checkpoints$/, 'POST') };
    }

    test('dropped after the checkpoint was made, its backups listed only later: found by its name, never sent again', async () => {
      const { client, made, sent } = await lateListing({ onCheckpoint: () => 'effect-then-drop', listedAfter: 12 });
      const r = await client.backupVault(VAULT, { resourceIds: [RESOURCE], name: 'stack-trigger' });
      expect(sent()).toBe(1);
      expect(made).toHaveLength(1);
      expect(r.checkpoints).toEqual([{ checkpointId: made[0].id, name: made[0].name, resourceIds: [RESOURCE], alreadyCreated: true }]);
      expect(made[0].name).toMatch(/^stack-trigger-\d{8}T\d{6}-[0-9a-f]{6}$/);
    });

    test('dropped before the server acted: nothing listed, nothing protecting: sent again once', async () => {
      const { client, made, sent } = await lateListing({ onCheckpoint: (n) => (n === 0 ? 'drop' : 'ok'), listedAfter: 0 });
      const r = await client.backupVault(VAULT);
      expect([sent(), made.length]).toEqual([2, 1]);
      expect(r.checkpoints).toHaveLength(1);
      expect(r.checkpoints[0]).toMatchObject({ checkpointId: made[0].id, alreadyCreated: false });
    });
  });

  test('429 with Retry-After: waits as told, sends again, one checkpoint (the emulator sends no Retry-After)', async () => {
    let posts = 0;
    const retries: number[] = [];
    const { client } = await fake((r, res) => {
      if (!r.path.endsWith('/checkpoints')) return json(res, 404, DOC.taskNotFound);
      if (posts++ === 0) return json(res, 429, { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r1' }, { 'retry-after': '1' });
      return json(res, 200, DOC.createCheckpoint);
    }, { onRetry: (i) => retries.push(i.delayMs) });
    const t0 = Date.now();
    const run = await client.backupVault(VAULT, { resourceIds: [RESOURCE] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect([posts, retries, run.attempts, run.checkpoints.length]).toEqual([2, [1000], 2, 1]);
  });

  describe('busy is never retried blindly', () => {
    test('500 BackupService.0002 with whenBusy fail: one request, CbrBusyError naming the resource and its running backup', async () => {
      const running = { id: 'b1111111-0000-4000-8000-000000000000', name: 'autobk_1a2b', checkpoint_id: 'c1111111-0000-4000-8000-000000000000', vault_id: VAULT, resource_id: RESOURCE, resource_type: 'OS::Cinder::Volume', status: 'protecting', created_at: new Date().toISOString(), children: [] };
      const { client, server } = await fake((r, res) => {
        if (r.path.endsWith('/checkpoints')) return json(res, 500, { error_code: 'BackupService.0002', error_msg: 'resources are being backed up, retry later' });
        if (r.path.endsWith('/backups')) return json(res, 200, { backups: [running], count: 1 });
        return json(res, 404, DOC.taskNotFound);
      });
      const e = await client.backupVault(VAULT, { resourceIds: [RESOURCE] }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CbrBusyError);
      expect((e as CbrBusyError).busy).toEqual([{ resourceId: RESOURCE, running: [running] }]);
      expect((e as Error).message).toContain(`${RESOURCE} (backup ${running.id} protecting "autobk_1a2b")`);
      expect(server.count(/\/checkpoints$/, 'POST')).toBe(1);
    });
  });
});
