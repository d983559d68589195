/**
 * CBR checkpoints in the emulator (C1, C2) over raw HTTP: one backup per resource moving
 * `protecting` -> `available` over the job time, busy resources skipped, the error when all
 * are, automatic (scheduled) runs, faults and the request log.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, call } from './helpers';
import { cbrCode, checkpoint, createCbrPolicy, createVault, v3 } from './cbr-support';

type Backup = { id: string; name: string; resource_id: string; status: string; checkpoint_id: string; extend_info: { auto_trigger: boolean; incremental: boolean } };

describe('emulator: CBR checkpoints', () => {
  let em: Emulator | undefined;
  afterEach(async () => {
    await em?.stop();
    em = undefined;
  });
  const start = async (options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> => {
    em = await startEmulator({ jobSeconds: 0, ...options });
    return em;
  };
  const backupsOf = async (e: Emulator, checkpointId: string): Promise<Backup[]> => (await call(e, 'GET', v3(`/backups?checkpoint_id=${checkpointId}&sort=created_at:asc`))).json.backups;

  test('C1 without resources backs up the whole vault: one backup and one task per resource, protecting then available together', async () => {
    const e = await start({ jobSeconds: 3600 });
    const { id, disks } = await createVault(e, 'whole');
    const r = await checkpoint(e, id);
    expect(r.status).toBe(200);
    const c = r.json.checkpoint;
    expect(c).toMatchObject({
      project_id: PROJECT, status: 'protecting',
      vault: { id, name: 'whole', skipped_resources: [], resources: disks.map((d) => ({ id: d, type: 'OS::Cinder::Volume', protect_status: 'protecting', resource_size: 10 })) },
      extra_info: { retention_duration: -1 },
    });
    expect(c.extra_info.name).toMatch(/^manualbk_[0-9a-f]{4}$/);
    const first = await backupsOf(e, c.id);
    expect(first.map((b) => [b.resource_id, b.status, b.name, b.checkpoint_id])).toEqual(disks.map((d) => [d, 'protecting', c.extra_info.name, c.id]));
    const tasks = (await call(e, 'GET', v3(`/operation-logs?vault_id=${id}`))).json.operation_logs;
    expect(tasks.map((t: { status: string; checkpoint_id: string }) => [t.status, t.checkpoint_id])).toEqual([['running', c.id], ['running', c.id]]);
    expect(e.finishJobs({ vaultId: id })).toEqual({ jobs: 0, checkpoints: 1, backups: 2, tasks: 2 });
    const done = (await call(e, 'GET', v3(`/checkpoints/${c.id}`))).json.checkpoint;
    expect(done.status).toBe('available');
    expect(done.vault.resources.map((x: { protect_status: string }) => x.protect_status)).toEqual(['available', 'available']);
    expect((await backupsOf(e, c.id)).map((b) => b.status)).toEqual(['available', 'available']);
    const after = (await call(e, 'GET', v3(`/operation-logs?vault_id=${id}`))).json.operation_logs;
    expect(after.map((t: { status: string; extra_info: { common: { progress: number } } }) => [t.status, t.extra_info.common.progress])).toEqual([['success', 100], ['success', 100]]);
    expect(e.checkpointCount(id)).toBe(1);
    expect(e.backups(PROJECT, id).map((b) => b.status)).toEqual(['available', 'available']);
  });

  test('resources and resource_details are united; a resource outside the vault is 400 6135; an empty vault 400 0001; unknown vault 404 6105', async () => {
    const e = await start();
    const disks = [randomUUID(), randomUUID(), randomUUID()];
    const { id } = await createVault(e, 'three', disks);
    const r = await checkpoint(e, id, { resources: [disks[2]], resource_details: [{ id: disks[0], type: 'OS::Cinder::Volume' }, { id: disks[2], type: 'OS::Cinder::Volume' }] });
    expect(r.status).toBe(200);
    expect(r.json.checkpoint.vault.resources.map((x: { id: string }) => x.id)).toEqual([disks[0], disks[2]]);
    const stranger = randomUUID();
    const outside = await checkpoint(e, id, { resources: [disks[1], stranger] });
    expect(cbrCode(outside)).toEqual([400, 'BackupService.6135']);
    expect(outside.json.error_msg).toContain(stranger);
    const empty = await createVault(e, 'empty', []);
    expect(cbrCode(await checkpoint(e, empty.id))).toEqual([400, 'BackupService.0001']);
    expect(cbrCode(await checkpoint(e, randomUUID()))).toEqual([404, 'BackupService.6105']);
    for (const bad of [{ checkpoint: {} }, { checkpoint: { vault_id: 'vault-1' } }, { checkpoint: { vault_id: id, parameters: { name: 'has space' } } },
      { checkpoint: { vault_id: id, parameters: { resources: ['vol-1'] } } }, { checkpoint: { vault_id: id, parameters: { incremental: 'yes' } } },
      { checkpoint: { vault_id: id, parameters: { resource_details: [{ id: disks[0], type: 'OS::Disk' }] } } },
      { checkpoint: { vault_id: id, parameters: { resources: [] } } }, {}]) {
      expect([JSON.stringify(bad), ...cbrCode(await call(e, 'POST', v3('/checkpoints'), { body: bad }))]).toEqual([JSON.stringify(bad), 400, 'BackupService.9900']);
    }
    expect(cbrCode(await call(e, 'GET', v3(`/checkpoints/${randomUUID()}`)))).toEqual([404, 'BackupService.6217']);
    expect(cbrCode(await call(e, 'GET', v3('/checkpoints/not-a-uuid')))).toEqual([404, 'BackupService.6217']);
  });

  test('names: a given name on every backup of the checkpoint; auto_trigger makes autobk_ automatic backups; the first backup of a resource is full', async () => {
    const e = await start();
    const { id, disks } = await createVault(e);
    const named = await checkpoint(e, id, { name: 'deploy-42_a', description: 'before the migration', incremental: true });
    expect(named.json.checkpoint.extra_info).toEqual({ name: 'deploy-42_a', description: 'before the migration', retention_duration: -1 });
    const b1 = await backupsOf(e, named.json.checkpoint.id);
    expect(b1.map((b) => [b.name, b.extend_info.auto_trigger, b.extend_info.incremental])).toEqual([['deploy-42_a', false, false], ['deploy-42_a', false, false]]);
    const auto = await checkpoint(e, id, { auto_trigger: true });
    expect(auto.json.checkpoint.extra_info.name).toMatch(/^autobk_[0-9a-f]{4}$/);
    expect((await backupsOf(e, auto.json.checkpoint.id)).map((b) => [b.extend_info.auto_trigger, b.extend_info.incremental])).toEqual([[true, true], [true, true]]);
    const full = await checkpoint(e, id, { incremental: false, resources: [disks[0]] });
    expect((await backupsOf(e, full.json.checkpoint.id)).map((b) => b.extend_info.incremental)).toEqual([false]);
    expect(full.json.checkpoint.vault.resources[0].backup_count).toBe(3);
  });

  describe('busy resources', () => {
    test('a resource being backed up is skipped (code 6125); when every resource is, 400 6125 names the resources and their running backups', async () => {
      const e = await start({ jobSeconds: 60 });
      const { id, disks } = await createVault(e);
      const first = await checkpoint(e, id, { resources: [disks[0]] });
      const running = (await backupsOf(e, first.json.checkpoint.id))[0];
      const second = await checkpoint(e, id);
      expect(second.status).toBe(200);
      expect(second.json.checkpoint.vault.skipped_resources).toEqual([
        { id: disks[0], type: 'OS::Cinder::Volume', name: disks[0], code: 'BackupService.6125', reason: 'the resource is being backed up' },
      ]);
      expect(second.json.checkpoint.vault.resources.map((r: { id: string }) => r.id)).toEqual([disks[1]]);
      expect((await call(e, 'GET', v3(`/backups?resource_id=${disks[0]}`))).json.count).toBe(1);
      const third = await checkpoint(e, id);
      expect(cbrCode(third)).toEqual([400, 'BackupService.6125']);
      expect(third.json.error_msg).toContain(`${disks[0]} (backup ${running.id} of checkpoint ${first.json.checkpoint.id})`);
      expect(third.json.error_msg).toContain(disks[1]);
      expect(e.checkpointCount(id)).toBe(2);
      // Refused checkpoints are logged with their vault too.
      expect(e.requests({ operation: 'createCheckpoint', vaultId: id }).map((r) => [r.status, r.checkpointId !== undefined])).toEqual([[200, true], [200, true], [400, false]]);
      // The vault shows who is busy.
      const vault = (await call(e, 'GET', v3(`/vaults/${id}`))).json.vault;
      expect(vault.resources.map((r: { protect_status: string }) => r.protect_status)).toEqual(['protecting', 'protecting']);
    });

    test.each([['0001', 400], ['0002', 500], ['6125', 400], ['6203', 400]] as const)('cbrAllBusy %s: every resource busy answers BackupService.<that code> at HTTP %i', async (codeOption, status) => {
      const e = await start({ cbrAllBusy: codeOption });
      const { id } = await createVault(e);
      e.startScheduledRun({ projectId: PROJECT, vaultId: id, jobSeconds: 60 });
      expect(cbrCode(await checkpoint(e, id))).toEqual([status, `BackupService.${codeOption}`]);
      expect(() => e.startScheduledRun({ projectId: PROJECT, vaultId: id })).toThrow(/being backed up/);
    });

    test('a finished backup frees the resource', async () => {
      const e = await start();
      const { id } = await createVault(e, 'short', [randomUUID()]);
      e.startScheduledRun({ projectId: PROJECT, vaultId: id, jobSeconds: 3600 });
      expect(cbrCode(await checkpoint(e, id))).toEqual([400, 'BackupService.6125']);
      e.finishJobs({ vaultId: id });
      const ok = await checkpoint(e, id);
      expect(ok.status).toBe(200);
      expect(ok.json.checkpoint.vault.skipped_resources).toEqual([]);
    });
  });

  describe('automatic (scheduled) backups', () => {
    test('startScheduledRun({projectId, vaultId}) makes autobk_ backups carrying the vault\'s policy; it is not an API request', async () => {
      const e = await start();
      const { id, disks } = await createVault(e);
      const policy = await createCbrPolicy(e);
      await call(e, 'POST', v3(`/vaults/${id}/associatepolicy`), { body: { policy_id: policy } });
      const before = e.requests().length;
      const c = e.startScheduledRun({ projectId: PROJECT, vaultId: id });
      expect(c.status).toBe('available');
      expect(c.extra_info?.name).toMatch(/^autobk_[0-9a-f]{4}$/);
      expect(c.vault.resources.map((r) => r.id)).toEqual(disks);
      expect(e.requests().length).toBe(before);
      expect(e.checkpointCount()).toBe(0);
      const backups = e.backups(PROJECT, id);
      expect(backups.map((b) => [b.checkpoint_id, b.extend_info?.auto_trigger])).toEqual([[c.id, true], [c.id, true]]);
      const tasks = (await call(e, 'GET', v3(`/operation-logs?vault_id=${id}`))).json.operation_logs;
      expect(tasks.map((t: { policy_id: string }) => t.policy_id)).toEqual([policy, policy]);
    });

    test('POST /__emulator/scheduled-run with a vault: 201 {checkpoint}; backupStatus error fails its backups; unknown vault 404 6105', async () => {
      const e = await start();
      const { id } = await createVault(e);
      const r = await call(e, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, vaultId: id, backupStatus: 'error' }, token: null });
      expect(r.status).toBe(201);
      expect(r.json.checkpoint.status).toBe('error');
      expect(e.backups(PROJECT, id).map((b) => b.status)).toEqual(['error', 'error']);
      const unknown = await call(e, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, vaultId: randomUUID() }, token: null });
      expect(cbrCode(unknown)).toEqual([404, 'BackupService.6105']);
      const bad = await call(e, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, vaultId: id, jobSeconds: -1 }, token: null });
      expect(bad.status).toBe(400);
      expect(e.requests()).toEqual(expect.not.arrayContaining([expect.objectContaining({ operation: 'createCheckpoint' })]));
    });
  });

  describe('faults and the request log', () => {
    test('backupStatus error: the checkpoint and its backups end error, the tasks failed with the reason', async () => {
      const e = await start();
      const { id } = await createVault(e);
      e.addFault({ operation: 'createCheckpoint', backupStatus: 'error', failReason: 'disk detached' });
      const c = (await checkpoint(e, id)).json.checkpoint;
      expect([c.status, c.vault.resources.map((r: { protect_status: string }) => r.protect_status)]).toEqual(['error', ['error', 'error']]);
      expect((await backupsOf(e, c.id)).map((b) => b.status)).toEqual(['error', 'error']);
      const tasks = (await call(e, 'GET', v3('/operation-logs?status=failed'))).json.operation_logs;
      expect(tasks.map((t: { error_info: unknown }) => t.error_info)).toEqual([
        { code: 'BackupService.9910', message: 'disk detached' }, { code: 'BackupService.9910', message: 'disk detached' },
      ]);
      // Used up: the next checkpoint succeeds.
      expect((await checkpoint(e, id)).json.checkpoint.status).toBe('available');
      expect(() => e.addFault({ operation: 'listBackups', backupStatus: 'error' })).toThrow(/only applies to operations createCheckpoint \(its backups end error\) and restoreBackup/);
    });

    test('status faults answer in CBR\'s shape unless a body is given; vaultId limits a fault to one vault (read from the checkpoint body)', async () => {
      const e = await start();
      const a = await createVault(e, 'a');
      const b = await createVault(e, 'b');
      e.addFault({ operation: 'createCheckpoint', vaultId: b.id, status: 500, body: { error_code: 'BackupService.0002', error_msg: 'busy' } });
      e.addFault({ operation: 'showVault', status: 503 });
      expect((await checkpoint(e, a.id)).status).toBe(200);
      expect(cbrCode(await checkpoint(e, b.id))).toEqual([500, 'BackupService.0002']);
      expect((await checkpoint(e, b.id)).status).toBe(200);
      const unavailable = await call(e, 'GET', v3(`/vaults/${a.id}`));
      expect([unavailable.status, Object.keys(unavailable.json).sort(), unavailable.json.error_code]).toEqual([503, ['error_code', 'error_msg'], 'BackupService.9910']);
      expect([e.checkpointCount(a.id), e.checkpointCount(b.id), e.checkpointCount()]).toEqual([1, 1, 2]);
    });

    test('dropped after processing: the checkpoint is made and counted, the client hears nothing; dropped before: nothing is made', async () => {
      const e = await start();
      const { id } = await createVault(e);
      e.addFault({ operation: 'createCheckpoint', drop: 'after' });
      await expect(checkpoint(e, id)).rejects.toThrow();
      expect(e.backups(PROJECT, id)).toHaveLength(2);
      e.addFault({ operation: 'createCheckpoint', drop: 'before' });
      await expect(checkpoint(e, id)).rejects.toThrow();
      expect(e.backups(PROJECT, id)).toHaveLength(2);
      expect(e.checkpointCount(id)).toBe(1);
      e.addFault({ operation: 'createCheckpoint', status: 502, afterProcessing: true });
      expect((await checkpoint(e, id)).status).toBe(502);
      expect(e.backups(PROJECT, id)).toHaveLength(4);
      expect(e.requests({ operation: 'createCheckpoint' }).map((r) => r.status)).toEqual([200, 0, 200]);
    });

    test('log entries carry the vault and checkpoint ids; the log filters by them (in process and over HTTP)', async () => {
      const e = await start();
      const { id } = await createVault(e);
      const c = (await checkpoint(e, id)).json.checkpoint;
      await call(e, 'GET', v3(`/checkpoints/${c.id}`));
      const backup = (await backupsOf(e, c.id))[0];
      await call(e, 'GET', v3(`/backups/${backup.id}`));
      const byCheckpoint = e.requests({ checkpointId: c.id });
      expect(byCheckpoint.map((r) => [r.operation, r.vaultId])).toEqual([['createCheckpoint', id], ['showCheckpoint', id], ['listBackups', undefined], ['showBackup', id]]);
      expect(e.requests({ vaultId: id }).map((r) => r.operation)).toEqual(['createVault', 'createCheckpoint', 'showCheckpoint', 'showBackup']);
      const http = await call(e, 'GET', `/__emulator/requests?vaultId=${id}&operation=createCheckpoint`, { token: null });
      expect(http.json.requests.map((r: { checkpointId: string }) => r.checkpointId)).toEqual([c.id]);
      expect(() => e.addFault({ operation: 'backupNow' as never })).toThrow(/createCheckpoint/);
    });
  });
});
