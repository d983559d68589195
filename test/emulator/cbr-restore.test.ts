/**
 * The emulator's restore (`POST /v3/{project_id}/backups/{backup_id}/restore`): 202 with no
 * body, its documented refusals (backup status 2005, a disk already being restored 2010, a disk
 * being backed up 2002, bad input 9900, unknown backup 6200), the backup `restoring` for the job
 * time then `available`, a `restore` task in the operation log, faults and the request log.
 */
import { randomUUID } from 'node:crypto';
import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, call } from './helpers';
import { cbrCode, createVault, v3 } from './cbr-support';

/** A finished backup of each disk of the vault (a scheduled run with no job time). */
function finishedBackups(em: Emulator, vaultId: string, backupStatus?: 'available' | 'error'): Promise<{ id: string; resource_id: string }[]> {
  em.startScheduledRun({ projectId: PROJECT, vaultId, jobSeconds: 0, ...(backupStatus ? { backupStatus } : {}) });
  return call(em, 'GET', v3(`/backups?vault_id=${vaultId}`)).then((r) => r.json.backups);
}

const restore = (em: Emulator, backupId: string, body: unknown) => call(em, 'POST', v3(`/backups/${backupId}/restore`), { body });

describe('emulator: CBR restore', () => {
  let em: Emulator;
  beforeAll(async () => {
    // Long jobs: a restore stays running for the whole test unless it says otherwise.
    em = await startEmulator({ jobSeconds: 600 });
  });
  afterAll(() => em.stop());
  beforeEach(() => em.reset());

  test('202 with no body; the backup is restoring and a restore task runs, naming the backup and the target disk', async () => {
    const vault = await createVault(em, 'restore-a');
    const [b] = await finishedBackups(em, vault.id);
    const target = randomUUID();
    const r = await restore(em, b.id, { restore: { volume_id: target } });
    expect([r.status, r.text]).toEqual([202, '']);
    expect((await call(em, 'GET', v3(`/backups/${b.id}`))).json.backup.status).toBe('restoring');
    const tasks = (await call(em, 'GET', v3('/operation-logs?operation_type=restore'))).json.operation_logs;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      operation_type: 'restore', status: 'running', vault_id: vault.id, checkpoint_id: expect.any(String),
      extra_info: { restore: { backup_id: b.id, target_resource_id: target }, resource: { id: b.resource_id } },
    });
    const log = em.requests().filter((e) => e.operation === 'restoreBackup');
    expect(log).toEqual([expect.objectContaining({ status: 202, vaultId: vault.id, path: v3(`/backups/${b.id}/restore`) })]);
  });

  test('one restore of a disk at a time: a second restore onto it is 400 BackupService.2010, from any backup', async () => {
    const vault = await createVault(em, 'restore-b');
    const [b1, b2] = await finishedBackups(em, vault.id);
    const disk = b1.resource_id;
    expect((await restore(em, b1.id, { restore: { volume_id: disk } })).status).toBe(202);
    const again = await restore(em, b1.id, { restore: { volume_id: disk } });
    expect(cbrCode(again)).toEqual([400, 'BackupService.2010']);
    expect(again.json.error_msg).toContain(disk);
    expect(cbrCode(await restore(em, b2.id, { restore: { volume_id: disk } }))).toEqual([400, 'BackupService.2010']);
    // The backup being restored from cannot be restored elsewhere meanwhile (status restoring).
    expect(cbrCode(await restore(em, b1.id, { restore: { volume_id: randomUUID() } }))).toEqual([400, 'BackupService.2005']);
    // Another disk restores in parallel.
    expect((await restore(em, b2.id, { restore: { volume_id: b2.resource_id } })).status).toBe(202);
    expect((await call(em, 'GET', v3('/operation-logs?operation_type=restore'))).json.count).toBe(2);
  });

  test('only an available backup restores: protecting and error are 400 BackupService.2005; a disk being backed up is 400 2002', async () => {
    const vault = await createVault(em, 'restore-c');
    const failed = await finishedBackups(em, vault.id, 'error');
    const r = await restore(em, failed[0].id, { restore: { volume_id: failed[0].resource_id } });
    expect(cbrCode(r)).toEqual([400, 'BackupService.2005']);
    expect(r.json.error_msg).toContain('error');
    // A running checkpoint (jobs of 600 s): its backups are protecting, its disks busy.
    const cp = await call(em, 'POST', v3('/checkpoints'), { body: { checkpoint: { vault_id: vault.id } } });
    const running = (await call(em, 'GET', v3(`/backups?checkpoint_id=${cp.json.checkpoint.id}`))).json.backups;
    expect(cbrCode(await restore(em, running[0].id, { restore: { volume_id: randomUUID() } }))).toEqual([400, 'BackupService.2005']);
    expect(cbrCode(await restore(em, failed[0].id, { restore: { volume_id: running[0].resource_id } }))).toEqual([400, 'BackupService.2002']);
    expect(em.requests().filter((e) => e.operation === 'restoreBackup').map((e) => e.status)).toEqual([400, 400, 400]);
    expect((await call(em, 'GET', v3('/operation-logs?operation_type=restore'))).json.count).toBe(0);
  });

  test('bad input is 400 BackupService.9900 naming the field; an unknown backup is 404 6200', async () => {
    const vault = await createVault(em, 'restore-d');
    const [b] = await finishedBackups(em, vault.id);
    for (const body of [undefined, {}, { restore: {} }, { restore: { volume_id: 'disk-1' } }, { restore: { volume_id: b.resource_id, power_on: 'yes' } }]) {
      const r = await restore(em, b.id, body);
      expect([JSON.stringify(body), ...cbrCode(r)]).toEqual([JSON.stringify(body), 400, 'BackupService.9900']);
    }
    expect((await restore(em, b.id, { restore: {} })).json.error_msg).toContain('restore.volume_id is required');
    expect(cbrCode(await restore(em, randomUUID(), { restore: { volume_id: b.resource_id } }))).toEqual([404, 'BackupService.6200']);
    expect((await call(em, 'GET', v3(`/backups/${b.id}`))).json.backup.status).toBe('available');
  });

  test('faults: drop after processing restores once and leaves the answer unsent; status faults before processing restore nothing', async () => {
    const vault = await createVault(em, 'restore-e');
    const [b1, b2] = await finishedBackups(em, vault.id);
    em.addFault({ operation: 'restoreBackup', drop: 'after' });
    await expect(restore(em, b1.id, { restore: { volume_id: b1.resource_id } })).rejects.toThrow();
    expect((await call(em, 'GET', v3(`/backups/${b1.id}`))).json.backup.status).toBe('restoring');
    em.addFault({ operation: 'restoreBackup', status: 503 });
    expect((await restore(em, b2.id, { restore: { volume_id: b2.resource_id } })).status).toBe(503);
    expect((await call(em, 'GET', v3(`/backups/${b2.id}`))).json.backup.status).toBe('available');
    expect((await call(em, 'GET', v3('/operation-logs?operation_type=restore'))).json.count).toBe(1);
  });

  test('restoring until the job ends (finishJobs ends it), then available, the task success and the disk free again', async () => {
    const vault = await createVault(em, 'restore-f');
    const [b] = await finishedBackups(em, vault.id);
    expect((await restore(em, b.id, { restore: { volume_id: b.resource_id } })).status).toBe(202);
    expect((await call(em, 'GET', v3(`/backups/${b.id}`))).json.backup.status).toBe('restoring');
    expect(em.finishJobs({ vaultId: vault.id })).toMatchObject({ tasks: 1 });
    expect((await call(em, 'GET', v3(`/backups/${b.id}`))).json.backup.status).toBe('available');
    const [task] = (await call(em, 'GET', v3('/operation-logs?operation_type=restore'))).json.operation_logs;
    expect(task).toMatchObject({ status: 'success', extra_info: { common: { progress: 100 } } });
    expect((await restore(em, b.id, { restore: { volume_id: b.resource_id } })).status).toBe(202);
  });

  test('a fault with backupStatus error ends the restore task failed', async () => {
    const quick = await startEmulator({ jobSeconds: 0 });
    try {
      const vault = await createVault(quick, 'restore-g');
      quick.startScheduledRun({ projectId: PROJECT, vaultId: vault.id, jobSeconds: 0 });
      const [b] = (await call(quick, 'GET', v3(`/backups?vault_id=${vault.id}`))).json.backups;
      quick.addFault({ operation: 'restoreBackup', backupStatus: 'error', failReason: 'disk detached midway' });
      expect((await restore(quick, b.id, { restore: { volume_id: b.resource_id } })).status).toBe(202);
      const [task] = (await call(quick, 'GET', v3('/operation-logs?operation_type=restore'))).json.operation_logs;
      expect(task).toMatchObject({ status: 'failed', error_info: { message: 'disk detached midway' } });
      expect((await call(quick, 'GET', v3(`/backups/${b.id}`))).json.backup.status).toBe('available');
    } finally {
      await quick.stop();
    }
  });
});
