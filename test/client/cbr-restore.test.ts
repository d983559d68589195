/**
 * CbrClient's way back against the real emulator: a vault trigger's runs (newest first, the
 * backup to restore per disk, runs before destroy marked, other triggers' backups left out),
 * restoreBackup + waitForRestore, a refusal not retried, and a restore whose answer is lost
 * in transit not sent twice.
 */
import { CbrClient, Credentials, VbsApiError, vaultTriggerId } from '../../src/client';
import { BEFORE_DESTROY_DESCRIPTION, vaultCheckpointPrefix } from '../../src/contract/checkpoint';
import { Emulator, startEmulator } from '../../src/emulator';

const PROJECT = '0123456789abcdef0123456789abcdef';
const DISKS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
const TRIGGER = vaultTriggerId('app/Vault/BeforeMigration');
const OTHER = vaultTriggerId('app/Vault/Nightly');
let em: Emulator;
let c: CbrClient;

beforeAll(async () => {
  em = await startEmulator({ jobSeconds: 0, tokens: ['emu-token'] });
});
afterAll(() => em.stop());
beforeEach(() => {
  c = new CbrClient({ endpoint: em.url, projectId: PROJECT, env: {}, credentials: Credentials.token('emu-token'), transport: 'node-http' });
});
afterEach(async () => {
  await c.close();
  em.clearFaults();
  em.reset();
});

async function vault(): Promise<string> {
  const v = await c.createVault({
    vault: { name: 'db', billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 }, resources: DISKS.map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) },
  });
  return v.id;
}

/** One run of a trigger, as the hook makes it (same names). */
async function run(vaultId: string, triggerId: string, key: string, o: { description?: string; resourceIds?: string[] } = {}): Promise<string> {
  const r = await c.backupVault(vaultId, { name: vaultCheckpointPrefix('app-BeforeMigration', triggerId, key), ...o });
  return r.checkpoints[0].checkpointId;
}

test('triggerRuns: newest first, the newest available backup per disk, before-destroy runs marked, other triggers left out', async () => {
  const v = await vault();
  const first = await run(v, TRIGGER, 'aaaaaaa1');
  await run(v, OTHER, 'bbbbbbb1');
  // The second run: a failed checkpoint of one disk, then the retry of the same run key.
  em.addFault({ operation: 'createCheckpoint', backupStatus: 'error' });
  const failed = await run(v, TRIGGER, 'aaaaaaa2', { resourceIds: [DISKS[0]] });
  const retry = await run(v, TRIGGER, 'aaaaaaa2');
  const destroy = await run(v, TRIGGER, 'daaaaaaa', { description: BEFORE_DESTROY_DESCRIPTION });
  const runs = await c.triggerRuns(v, TRIGGER);
  expect(runs.map((r) => [r.run, r.beforeDestroy])).toEqual([['daaaaaaa', true], ['aaaaaaa2', false], ['aaaaaaa1', false]]);
  expect(runs[2].checkpointIds).toEqual([first]);
  expect(runs[0].checkpointIds).toEqual([destroy]);
  const second = runs[1];
  expect(second.checkpointIds).toEqual([failed, retry]);
  expect(second.resources.map((r) => [r.resourceId, r.backup?.checkpoint_id, r.backups.map((b) => b.status)])).toEqual([
    [DISKS[0], retry, ['available', 'error']],
    [DISKS[1], retry, ['available']],
  ]);
  expect(await c.triggerRuns(v, vaultTriggerId('app/Vault/Nobody'))).toEqual([]);
  await expect(c.triggerRuns(v, 'app/Vault/BeforeMigration')).rejects.toThrow('is not 12 lower-case hex digits');
});

test('restoreBackup then waitForRestore: one restore request, the task ends success', async () => {
  const v = await vault();
  await run(v, TRIGGER, 'aaaaaaa1');
  const [{ backup }] = (await c.triggerRuns(v, TRIGGER))[0].resources;
  const started = await c.restoreBackup(backup!.id, { volumeId: DISKS[0] });
  expect(started).toMatchObject({ backupId: backup!.id, volumeId: DISKS[0], alreadySent: false, attempts: 1 });
  const outcome = await c.waitForRestore(started, { pollIntervalMs: 20, timeoutSeconds: 30 });
  expect(outcome).toMatchObject({ status: 'success', task: { operation_type: 'restore', extra_info: { restore: { backup_id: backup!.id, target_resource_id: DISKS[0] } } } });
  expect(em.requests().filter((e) => e.operation === 'restoreBackup').map((e) => e.status)).toEqual([202]);
});

test('a restore whose answer is lost in transit is not sent twice: the client finds it and carries on', async () => {
  const v = await vault();
  await run(v, TRIGGER, 'aaaaaaa1');
  const [{ backup }] = (await c.triggerRuns(v, TRIGGER))[0].resources;
  em.addFault({ operation: 'restoreBackup', drop: 'after' });
  const started = await c.restoreBackup(backup!.id, { volumeId: DISKS[0] });
  expect(started).toMatchObject({ alreadySent: true });
  expect(em.requests().filter((e) => e.operation === 'restoreBackup')).toHaveLength(1);
  expect((await c.waitForRestore(started, { pollIntervalMs: 20 })).status).toBe('success');
});

test('a refusal (the disk is already being restored, 2010) is a VbsApiError, sent once and not retried; a 503 before processing is sent again', async () => {
  const slow = await startEmulator({ jobSeconds: 600, tokens: ['emu-token'] });
  const s = new CbrClient({ endpoint: slow.url, projectId: PROJECT, env: {}, credentials: Credentials.token('emu-token'), transport: 'node-http', retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  try {
    const v = await s.createVault({
      vault: { name: 'db', billing: { consistent_level: 'crash_consistent', object_type: 'disk', protect_type: 'backup', size: 100 }, resources: DISKS.map((id) => ({ id, type: 'OS::Cinder::Volume' as const })) },
    });
    slow.startScheduledRun({ projectId: PROJECT, vaultId: v.id, jobSeconds: 0 });
    slow.startScheduledRun({ projectId: PROJECT, vaultId: v.id, jobSeconds: 0 });
    const backups = (await s.listBackups({ vault_id: v.id, resource_id: DISKS[0] })).backups;
    await s.restoreBackup(backups[0].id, { volumeId: DISKS[0] });
    const e = await s.restoreBackup(backups[1].id, { volumeId: DISKS[0] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VbsApiError);
    expect(e).toMatchObject({ status: 400, code: 'BackupService.2010', operation: 'restoreBackup' });
    expect(slow.requests().filter((r) => r.operation === 'restoreBackup').map((r) => r.status)).toEqual([202, 400]);
    const other = (await s.listBackups({ vault_id: v.id, resource_id: DISKS[1] })).backups[0];
    slow.addFault({ operation: 'restoreBackup', status: 503 });
    expect(await s.restoreBackup(other.id, { volumeId: DISKS[1] })).toMatchObject({ alreadySent: false, attempts: 2 });
    expect(slow.requests().filter((r) => r.operation === 'restoreBackup').map((r) => r.status)).toEqual([202, 400, 503, 202]);
  } finally {
    await s.close();
    await slow.stop();
  }
});
