/**
 * CBR vaults in the emulator (V1-V9), over raw HTTP: made and changed through the API itself,
 * list filters, validation errors in CBR's error shape, and the cascades of delete and remove.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, call, emulatorPerTest } from './helpers';
import { cbrCode, checkpoint, createCbrPolicy, createVault, diskVaultBody, v3 } from './cbr-support';

describe('emulator: CBR vaults', () => {
  let em: Emulator;
  emulatorPerTest((e) => (em = e));

  test('V1 create then V2 show return the same vault; V3 lists it; V5 deletes it (204, then 404 6105)', async () => {
    const disks = [randomUUID(), randomUUID()];
    const created = await call(em, 'POST', v3('/vaults'), { body: diskVaultBody('db-vault', disks, { description: 'nightly', tags: [{ key: 'team', value: 'db' }] }) });
    expect(created.status).toBe(200);
    const vault = created.json.vault;
    expect(vault).toMatchObject({
      name: 'db-vault', description: 'nightly', project_id: PROJECT, tags: [{ key: 'team', value: 'db' }],
      billing: { object_type: 'disk', protect_type: 'backup', consistent_level: 'crash_consistent', size: 100, status: 'available', charging_mode: 'post_paid', spec_code: 'vault.backup.volume.normal' },
      resources: disks.map((id) => ({ id, type: 'OS::Cinder::Volume', protect_status: 'available', backup_count: 0 })),
    });
    expect(vault.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    const shown = await call(em, 'GET', v3(`/vaults/${vault.id}`));
    expect(shown.status).toBe(200);
    expect(shown.json.vault).toEqual(vault);
    const list = await call(em, 'GET', v3('/vaults'));
    expect([list.json.count, list.json.limit, list.json.offset, list.json.vaults.map((v: { id: string }) => v.id)]).toEqual([1, 1000, 0, [vault.id]]);
    const deleted = await call(em, 'DELETE', v3(`/vaults/${vault.id}`));
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect(cbrCode(await call(em, 'GET', v3(`/vaults/${vault.id}`)))).toEqual([404, 'BackupService.6105']);
  });

  test('V4 updates only the fields given; locking cannot be undone', async () => {
    const { id } = await createVault(em, 'before');
    const r = await call(em, 'PUT', v3(`/vaults/${id}`), { body: { vault: { name: 'after', billing: { size: 200 }, threshold: 90 } } });
    expect(r.status).toBe(200);
    expect(r.json.vault).toMatchObject({ id, name: 'after', threshold: 90, billing: { size: 200, object_type: 'disk' } });
    expect((await call(em, 'PUT', v3(`/vaults/${id}`), { body: { vault: { locked: true } } })).json.vault.locked).toBe(true);
    expect(cbrCode(await call(em, 'PUT', v3(`/vaults/${id}`), { body: { vault: { locked: false } } }))).toEqual([400, 'BackupService.6110']);
    expect(cbrCode(await call(em, 'PUT', v3(`/vaults/${id}`), { body: { vault: { billing: { size: 0 } } } }))).toEqual([400, 'BackupService.6101']);
    expect(cbrCode(await call(em, 'PUT', v3(`/vaults/${randomUUID()}`), { body: { vault: { name: 'x' } } }))).toEqual([404, 'BackupService.6105']);
  });

  test('V3 filters: name (substring), id, object_type, policy_id, resource_ids (comma list or JSON array); limit and offset page, count is the total', async () => {
    const a = await createVault(em, 'prod-db');
    const b = await createVault(em, 'prod-web');
    const c = await createVault(em, 'test-db');
    const policy = await createCbrPolicy(em);
    await call(em, 'POST', v3(`/vaults/${b.id}/associatepolicy`), { body: { policy_id: policy } });
    const ids = async (query: string) => (await call(em, 'GET', v3(`/vaults${query}`))).json.vaults.map((v: { id: string }) => v.id);
    expect(await ids('?name=db')).toEqual([a.id, c.id]);
    expect(await ids('?name=prod-db')).toEqual([a.id]);
    expect(await ids(`?id=${c.id}`)).toEqual([c.id]);
    expect(await ids('?object_type=disk')).toEqual([a.id, b.id, c.id]);
    expect(await ids('?object_type=server')).toEqual([]);
    expect(await ids(`?policy_id=${policy}`)).toEqual([b.id]);
    expect(await ids(`?resource_ids=${a.disks[0]},${c.disks[1]}`)).toEqual([a.id, c.id]);
    expect(await ids(`?resource_ids=${encodeURIComponent(JSON.stringify([b.disks[1]]))}`)).toEqual([b.id]);
    const page = await call(em, 'GET', v3('/vaults?limit=1&offset=1'));
    expect([page.json.count, page.json.limit, page.json.offset, page.json.vaults.map((v: { id: string }) => v.id)]).toEqual([3, 1, 1, [b.id]]);
    for (const bad of ['?limit=0', '?limit=1001', '?offset=-1', '?id=nope', '?status=open', '?resource_ids=x']) {
      expect([bad, ...cbrCode(await call(em, 'GET', v3(`/vaults${bad}`)))]).toEqual([bad, 400, 'BackupService.9900']);
    }
  });

  test('cbrNameFilter exact: the vault name filter matches whole names only', async () => {
    const exact = await startEmulator({ jobSeconds: 0, cbrNameFilter: 'exact' });
    try {
      const a = await createVault(exact, 'db');
      await createVault(exact, 'db-2');
      expect((await call(exact, 'GET', v3('/vaults?name=db'))).json.vaults.map((v: { id: string }) => v.id)).toEqual([a.id]);
    } finally {
      await exact.stop();
    }
  });

  test('V1 validation: CBR error shape, 400 9900 naming the field; 6101 size; 6102 type; 6103 another vault; 6104 duplicates; 404 6000 policy', async () => {
    const cases: [string, unknown, number, string, RegExp][] = [
      ['no body', undefined, 400, 'BackupService.9900', /request body is empty/],
      ['no vault', {}, 400, 'BackupService.9900', /"vault" must be a JSON object/],
      ['no name', { vault: { billing: {}, resources: [] } }, 400, 'BackupService.9900', /vault\.name is required/],
      ['long name', diskVaultBody('x'.repeat(65), []), 400, 'BackupService.9900', /vault\.name must be a string of 1-64/],
      ['no billing', { vault: { name: 'a', resources: [] } }, 400, 'BackupService.9900', /vault\.billing is required/],
      ['bad object type', { vault: { name: 'a', resources: [], billing: { consistent_level: 'crash_consistent', object_type: 'tape', protect_type: 'backup', size: 40 } } }, 400, 'BackupService.9900', /object_type must be one of/],
      ['size 9', { vault: { name: 'a', resources: [], billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 9 } } }, 400, 'BackupService.9900', /size must be an integer from 10/],
      ['no size', { vault: { name: 'a', resources: [], billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup' } } }, 400, 'BackupService.6101', /size is required/],
      ['no resources', { vault: { name: 'a', billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 40 } } }, 400, 'BackupService.9900', /vault\.resources is required/],
      ['resource id not a UUID', diskVaultBody('a', ['vol-1']), 400, 'BackupService.9900', /resources\[0\]\.id must be a UUID/],
      ['server in a disk vault', { vault: { ...(diskVaultBody('a', []).vault as object), resources: [{ id: randomUUID(), type: 'OS::Nova::Server' }] } }, 400, 'BackupService.6102', /cannot go into a disk vault/],
      ['duplicates', diskVaultBody('a', ['94eba8b2-acc9-4d82-badc-127144cc5526', '94eba8b2-acc9-4d82-badc-127144cc5526']), 400, 'BackupService.6104', /listed twice/],
      ['unknown policy', diskVaultBody('a', [], { backup_policy_id: randomUUID() }), 404, 'BackupService.6000', /Policy .* does not exist/],
      ['bad tag', diskVaultBody('a', [], { tags: [{ key: 'a b', value: '1' }] }), 400, 'BackupService.9900', /A-Z a-z 0-9 _ -/],
    ];
    for (const [name, body, status, code, message] of cases) {
      const r = await call(em, 'POST', v3('/vaults'), body === undefined ? {} : { body });
      expect([name, r.status, r.json?.error_code]).toEqual([name, status, code]);
      expect(Object.keys(r.json).sort()).toEqual(['error_code', 'error_msg']);
      expect(r.json.error_msg).toMatch(message);
    }
    const taken = await createVault(em, 'first');
    expect(cbrCode(await call(em, 'POST', v3('/vaults'), { body: diskVaultBody('second', [taken.disks[0]]) }))).toEqual([400, 'BackupService.6103']);
    const notJson = await call(em, 'POST', v3('/vaults'), { raw: '{"vault":', headers: { 'Content-Type': 'application/json' } });
    expect(cbrCode(notJson)).toEqual([400, 'BackupService.9900']);
    const text = await call(em, 'POST', v3('/vaults'), { raw: 'vault', headers: { 'Content-Type': 'text/plain' } });
    expect(cbrCode(text)).toEqual([415, 'BackupService.9900']);
  });

  test('V6 adds resources (ids already in the vault ignored, none new 6108, another vault 6103); V7 removes them and deletes their backups', async () => {
    const { id, disks } = await createVault(em, 'grow', [randomUUID()]);
    const extra = randomUUID();
    const add = await call(em, 'POST', v3(`/vaults/${id}/addresources`), { body: { resources: [{ id: disks[0], type: 'OS::Cinder::Volume' }, { id: extra, type: 'OS::Cinder::Volume', name: 'data' }] } });
    expect([add.status, add.json]).toEqual([200, { add_resource_ids: [extra] }]);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/addresources`), { body: { resources: [{ id: extra, type: 'OS::Cinder::Volume' }] } }))).toEqual([400, 'BackupService.6108']);
    const other = await createVault(em, 'other', [randomUUID()]);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${other.id}/addresources`), { body: { resources: [{ id: extra, type: 'OS::Cinder::Volume' }] } }))).toEqual([400, 'BackupService.6103']);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/addresources`), { body: { resources: [] } }))).toEqual([400, 'BackupService.9900']);
    const vault = (await call(em, 'GET', v3(`/vaults/${id}`))).json.vault;
    expect(vault.resources.map((r: { id: string; name: string }) => [r.id, r.name])).toEqual([[disks[0], disks[0]], [extra, 'data']]);

    expect((await checkpoint(em, id)).status).toBe(200);
    expect((await call(em, 'GET', v3(`/backups?resource_id=${extra}`))).json.count).toBe(1);
    const remove = await call(em, 'POST', v3(`/vaults/${id}/removeresources`), { body: { resource_ids: [extra] } });
    expect([remove.status, remove.json]).toEqual([200, { remove_resource_ids: [extra] }]);
    expect((await call(em, 'GET', v3(`/backups?resource_id=${extra}`))).json.count).toBe(0);
    expect((await call(em, 'GET', v3(`/backups?resource_id=${disks[0]}`))).json.count).toBe(1);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/removeresources`), { body: { resource_ids: [extra] } }))).toEqual([400, 'BackupService.6135']);
    // The removed disk may now join another vault.
    expect((await call(em, 'POST', v3(`/vaults/${other.id}/addresources`), { body: { resources: [{ id: extra, type: 'OS::Cinder::Volume' }] } })).status).toBe(200);
    const tasks = (await call(em, 'GET', v3('/operation-logs?operation_type=remove_resource'))).json.operation_logs;
    expect(tasks.map((t: { status: string; extra_info: { remove_resources: unknown } }) => [t.status, t.extra_info.remove_resources])).toEqual([['success', { fail_count: 0, total_count: 1 }]]);
  });

  test('V5 takes the vault\'s backups and checkpoints with it and leaves a vault_delete task', async () => {
    const { id, disks } = await createVault(em);
    const c = await checkpoint(em, id);
    const checkpointId = c.json.checkpoint.id;
    expect((await call(em, 'GET', v3(`/backups?vault_id=${id}`))).json.count).toBe(2);
    expect((await call(em, 'DELETE', v3(`/vaults/${id}`))).status).toBe(204);
    expect((await call(em, 'GET', v3(`/backups?vault_id=${id}`))).json.count).toBe(0);
    expect(cbrCode(await call(em, 'GET', v3(`/checkpoints/${checkpointId}`)))).toEqual([404, 'BackupService.6217']);
    const task = (await call(em, 'GET', v3('/operation-logs?operation_type=vault_delete'))).json.operation_logs[0];
    expect([task.vault_id, task.status, task.extra_info.vault_delete]).toEqual([id, 'success', { fail_count: 0, total_count: 2 }]);
    // Its disks are free again.
    expect((await createVault(em, 'again', disks)).disks).toEqual(disks);
  });

  test('V8 applies a policy (replacing the previous one), V9 removes it (another policy: 404 6002); GET /policies?vault_id finds it', async () => {
    const { id } = await createVault(em);
    const first = await createCbrPolicy(em, 'first');
    const second = await createCbrPolicy(em, 'second');
    const a = await call(em, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: { policy_id: first } });
    expect([a.status, a.json]).toEqual([200, { associate_policy: { vault_id: id, policy_id: first } }]);
    expect((await call(em, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: { policy_id: second } })).status).toBe(200);
    const bound = await call(em, 'GET', v3(`/policies?vault_id=${id}`));
    expect(bound.json.policies.map((p: { id: string; associated_vaults: unknown }) => [p.id, p.associated_vaults])).toEqual([[second, [{ vault_id: id, destination_vault_id: '' }]]]);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/dissociatepolicy`), { body: { policy_id: first } }))).toEqual([404, 'BackupService.6002']);
    const d = await call(em, 'POST', v3(`/vaults/${id}/dissociatepolicy`), { body: { policy_id: second } });
    expect([d.status, d.json]).toEqual([200, { dissociate_policy: { vault_id: id, policy_id: second } }]);
    expect((await call(em, 'GET', v3(`/policies?vault_id=${id}`))).json.count).toBe(0);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: { policy_id: randomUUID() } }))).toEqual([404, 'BackupService.6000']);
    expect(cbrCode(await call(em, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: {} }))).toEqual([400, 'BackupService.9900']);
  });

  test('unknown routes and methods under /v3 are 404 APIGW.0101 in the gateway shape', async () => {
    for (const [method, path] of [['PATCH', '/vaults'], ['GET', '/checkpoints'], ['POST', '/vaults/x/unknown'], ['GET', '/things']] as const) {
      const r = await call(em, method, v3(path));
      expect([method, path, r.status, r.json.error_code, typeof r.json.request_id]).toEqual([method, path, 404, 'APIGW.0101', 'string']);
    }
  });
});
