/**
 * CBR backups (B1-B3) and tasks (T1, T2) in the emulator over raw HTTP: the documented list
 * filters, sort, paging and marker, the delete rules, and the operation logs.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, call } from './helpers';
import { cbrCode, checkpoint, createVault, v3 } from './cbr-support';

type Backup = { id: string; name: string; resource_id: string; status: string; checkpoint_id: string; vault_id: string; created_at: string };

describe('emulator: CBR backups and tasks', () => {
  let em: Emulator | undefined;
  afterEach(async () => {
    await em?.stop();
    em = undefined;
  });

  const list = async (e: Emulator, query: string): Promise<{ backups: Backup[]; count: number; limit: number; offset: number }> => {
    const r = await call(e, 'GET', v3(`/backups${query}`));
    if (r.status !== 200) throw new Error(`list ${query}: ${r.status} ${r.text}`);
    return r.json;
  };

  test('B1 filters: checkpoint_id, vault_id, resource_id, name (substring by default), status (repeatable OR), image_type, incremental', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const a = await createVault(em, 'a');
    const b = await createVault(em, 'b', [randomUUID()]);
    const c1 = (await checkpoint(em, a.id, { name: 'deploy-1' })).json.checkpoint.id;
    const c2 = (await checkpoint(em, a.id, { name: 'deploy-12', resources: [a.disks[1]] })).json.checkpoint.id;
    em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
    const c3 = (await checkpoint(em, b.id, { name: 'other' })).json.checkpoint.id;
    const ids = async (query: string) => (await list(em!, query)).backups.map((x) => [x.checkpoint_id, x.resource_id]);
    expect(await ids(`?checkpoint_id=${c2}`)).toEqual([[c2, a.disks[1]]]);
    expect(await ids(`?checkpoint_id=${c1}&sort=created_at:asc`)).toEqual([[c1, a.disks[0]], [c1, a.disks[1]]]);
    expect((await list(em, `?vault_id=${a.id}`)).count).toBe(3);
    expect(await ids(`?resource_id=${b.disks[0]}`)).toEqual([[c3, b.disks[0]]]);
    expect((await list(em, '?name=deploy-1')).count).toBe(3);
    expect((await list(em, '?name=deploy-12')).count).toBe(1);
    expect((await list(em, '?status=error')).count).toBe(1);
    expect((await list(em, '?status=available&status=error')).count).toBe(4);
    expect((await list(em, '?status=protecting')).count).toBe(0);
    expect((await list(em, '?image_type=backup')).count).toBe(4);
    expect((await list(em, '?image_type=replication')).count).toBe(0);
    expect(await ids('?incremental=true')).toEqual([[c2, a.disks[1]]]);
    expect((await list(em, `?resource_type=OS::Cinder::Volume&vault_id=${b.id}`)).count).toBe(1);
    for (const bad of ['?status=done', '?checkpoint_id=x', '?limit=0', '?limit=1001', '?offset=x', '?sort=size', '?sort=name:up', '?start_time=2020-01-01', '?incremental=yes', `?marker=${randomUUID()}`, '?own_type=mine']) {
      expect([bad, ...cbrCode(await call(em, 'GET', v3(`/backups${bad}`)))]).toEqual([bad, 400, 'BackupService.9900']);
    }
  });

  test('cbrNameFilter exact: the backup name filter matches whole names only', async () => {
    em = await startEmulator({ jobSeconds: 0, cbrNameFilter: 'exact' });
    const a = await createVault(em, 'a', [randomUUID()]);
    await checkpoint(em, a.id, { name: 'run-1' });
    await checkpoint(em, a.id, { name: 'run-12' });
    expect((await list(em, '?name=run-1')).backups.map((x) => x.name)).toEqual(['run-1']);
  });

  test('B1 order and paging: newest first by default; sort keys and directions; offset, limit and marker; count before paging', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const { id } = await createVault(em, 'p', [randomUUID()]);
    const names = ['c', 'a', 'd', 'b', 'e'];
    for (const name of names) await checkpoint(em, id, { name });
    const all = await list(em, '');
    expect([all.count, all.limit, all.offset]).toEqual([5, 1000, 0]);
    expect(all.backups.map((x) => x.name)).toEqual([...names].reverse());
    expect((await list(em, '?sort=created_at:asc')).backups.map((x) => x.name)).toEqual(names);
    expect((await list(em, '?sort=name')).backups.map((x) => x.name)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect((await list(em, '?sort=name:asc')).backups.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await list(em, '?sort=status:asc,name:asc')).backups.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const page = await list(em, '?sort=name:asc&limit=2&offset=1');
    expect([page.count, page.limit, page.offset, page.backups.map((x) => x.name)]).toEqual([5, 2, 1, ['b', 'c']]);
    const marker = page.backups[1].id;
    expect((await list(em, `?sort=name:asc&limit=2&marker=${marker}`)).backups.map((x) => x.name)).toEqual(['d', 'e']);
  });

  test('B1 start_time/end_time compare created_at, both inclusive (second precision)', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const { id } = await createVault(em, 't', [randomUUID()]);
    const made = (await list(em, `?checkpoint_id=${(await checkpoint(em, id)).json.checkpoint.id}`)).backups[0];
    const second = `${made.created_at.slice(0, 19)}Z`;
    const next = `${new Date(Date.parse(second) + 1000).toISOString().slice(0, 19)}Z`;
    const before = `${new Date(Date.parse(second) - 1000).toISOString().slice(0, 19)}Z`;
    expect((await list(em, `?start_time=${second}&end_time=${second}`)).count).toBe(1);
    expect((await list(em, `?start_time=${next}`)).count).toBe(0);
    expect((await list(em, `?end_time=${before}`)).count).toBe(0);
  });

  test('B2 shows a backup (404 6200 unknown); B3 deletes it synchronously and leaves a delete task', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const { id } = await createVault(em, 'd', [randomUUID()]);
    const c = (await checkpoint(em, id, { name: 'keep' })).json.checkpoint.id;
    const backup = (await list(em, `?checkpoint_id=${c}`)).backups[0];
    const shown = await call(em, 'GET', v3(`/backups/${backup.id}`));
    expect(shown.status).toBe(200);
    expect(shown.json.backup).toEqual(backup);
    expect(shown.json.backup).toMatchObject({ vault_id: id, project_id: PROJECT, image_type: 'backup', children: [], parent_id: null, provider_id: 'd1603440-187d-4516-af25-121250c7cc97' });
    const deleted = await call(em, 'DELETE', v3(`/backups/${backup.id}`));
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect(cbrCode(await call(em, 'GET', v3(`/backups/${backup.id}`)))).toEqual([404, 'BackupService.6200']);
    expect(cbrCode(await call(em, 'DELETE', v3(`/backups/${backup.id}`)))).toEqual([404, 'BackupService.6200']);
    const task = (await call(em, 'GET', v3('/operation-logs?operation_type=delete'))).json.operation_logs[0];
    expect([task.status, task.extra_info.delete]).toEqual(['success', { backup_id: backup.id, backup_name: 'keep' }]);
  });

  test('B3 refuses a protecting backup, and the newest finished backup of a resource while its next one runs (400 6201)', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const disk = randomUUID();
    const { id } = await createVault(em, 'r', [disk]);
    const older = (await list(em, `?checkpoint_id=${(await checkpoint(em, id)).json.checkpoint.id}`)).backups[0];
    const newest = (await list(em, `?checkpoint_id=${(await checkpoint(em, id)).json.checkpoint.id}`)).backups[0];
    const run = em.startScheduledRun({ projectId: PROJECT, vaultId: id, jobSeconds: 60 });
    const running = (await list(em, `?checkpoint_id=${run.id}`)).backups[0];
    expect(running.status).toBe('protecting');
    expect(cbrCode(await call(em, 'DELETE', v3(`/backups/${running.id}`)))).toEqual([400, 'BackupService.6201']);
    expect(cbrCode(await call(em, 'DELETE', v3(`/backups/${newest.id}`)))).toEqual([400, 'BackupService.6201']);
    expect((await call(em, 'DELETE', v3(`/backups/${older.id}`))).status).toBe(204);
  });

  test('T1 lists tasks newest first with filters and paging; T2 shows one (404 6500 with the documented message)', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const a = await createVault(em, 'alpha', [randomUUID()]);
    const b = await createVault(em, 'beta', [randomUUID()]);
    const ca = (await checkpoint(em, a.id)).json.checkpoint.id;
    const cb = (await checkpoint(em, b.id, { name: 'beta-run' })).json.checkpoint.id;
    const all = (await call(em, 'GET', v3('/operation-logs'))).json;
    expect([all.count, all.limit, all.offset]).toEqual([2, 1000, 0]);
    expect(all.operation_logs.map((t: { checkpoint_id: string }) => t.checkpoint_id)).toEqual([cb, ca]);
    const betaTask = all.operation_logs[0];
    expect(betaTask).toMatchObject({
      operation_type: 'backup', status: 'success', vault_id: b.id, vault_name: 'beta', project_id: PROJECT,
      extra_info: { resource: { id: b.disks[0], type: 'OS::Cinder::Volume' }, backup: { backup_name: 'beta-run', incremental: 'false' }, common: { progress: 100 } },
    });
    const query = async (q: string) => (await call(em!, 'GET', v3(`/operation-logs${q}`))).json.operation_logs.map((t: { vault_id: string }) => t.vault_id);
    expect(await query('?vault_name=alp')).toEqual([a.id]);
    expect(await query(`?resource_id=${b.disks[0]}`)).toEqual([b.id]);
    expect(await query('?status=running')).toEqual([]);
    expect(await query('?operation_type=backup&limit=1&offset=1')).toEqual([a.id]);
    const shown = await call(em, 'GET', v3(`/operation-logs/${betaTask.id}`));
    expect([shown.status, shown.json.operation_log]).toEqual([200, betaTask]);
    const missing = await call(em, 'GET', v3(`/operation-logs/${randomUUID()}`));
    expect([missing.status, missing.json]).toEqual([404, { error_code: 'BackupService.6500', error_msg: 'Operation log does not exist.' }]);
    for (const bad of ['?operation_type=copyx', '?status=ok', '?limit=0', '?vault_id=v']) {
      expect([bad, ...cbrCode(await call(em, 'GET', v3(`/operation-logs${bad}`)))]).toEqual([bad, 400, 'BackupService.9900']);
    }
  });

  test('a task is running while its backup is protecting, then success', async () => {
    em = await startEmulator({ jobSeconds: 3600 });
    const { id } = await createVault(em, 'slow', [randomUUID()]);
    await checkpoint(em, id);
    expect((await call(em, 'GET', v3('/operation-logs?status=running'))).json.count).toBe(1);
    expect((await call(em, 'GET', v3('/operation-logs?status=success'))).json.count).toBe(0);
    em.finishJobs();
    expect((await call(em, 'GET', v3('/operation-logs?status=success'))).json.count).toBe(1);
    const task = (await call(em, 'GET', v3('/operation-logs'))).json.operation_logs[0];
    expect(typeof task.ended_at).toBe('string');
  });
});
