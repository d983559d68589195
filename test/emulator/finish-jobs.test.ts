/**
 * The emulator's time under a test's control: `finishJobs()` and `POST /__emulator/finish-jobs`
 * end the running work now, so tests start jobs with a long job time and end them on cue
 * instead of sleeping (src/emulator/server.ts `finishJobs`).
 */
import { Emulator, startEmulator } from '../../src/emulator';
import { OTHER_PROJECT, PROJECT, associate, call, code, createPolicy } from './helpers';
import { checkpoint, createVault, v3 } from './cbr-support';

/** Long enough that nothing ends by itself while a test runs. */
const HOUR = 3600;

describe('emulator: finishJobs ends running jobs and backups on cue', () => {
  let em: Emulator;
  afterEach(() => em.stop());

  const exec = (id: string, project = PROJECT) => call(em, 'POST', `/v2/${project}/backuppolicy/${id}/action`, {});
  const statuses = (project: string, id: string) => em.jobs(project, id).map((j) => j.status);

  test('VBS: the unfinished jobs take their final status now (a fault\'s included); the policy can run again at once', async () => {
    em = await startEmulator({ jobSeconds: HOUR });
    const ok = await createPolicy(em, 'ok');
    const failing = await createPolicy(em, 'failing');
    await associate(em, ok, ['vol-1', 'vol-2']);
    await associate(em, failing, ['vol-3']);
    em.addFault({ operation: 'executePolicy', policyId: failing, jobStatus: 'EXECUTE_FAIL', failReason: 'disk gone' });
    expect((await exec(ok)).status).toBe(204);
    expect((await exec(failing)).status).toBe(204);
    expect(code(await exec(ok))).toBe('AutoBackup.0225');
    expect(statuses(PROJECT, ok)).toEqual(['WAITING', 'WAITING']);

    expect(em.finishJobs()).toEqual({ jobs: 3, checkpoints: 0, backups: 0, tasks: 0 });
    expect(statuses(PROJECT, ok)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS']);
    expect(em.jobs(PROJECT, failing)).toMatchObject([{ status: 'EXECUTE_FAIL', fail_reason: 'disk gone' }]);
    const listed = (await call(em, 'GET', `/v2/${PROJECT}/backuppolicy/${ok}/backuptasks`)).json.tasks;
    expect(listed.map((t: { status: string; finished_at?: string }) => [t.status, typeof t.finished_at])).toEqual([['EXECUTE_SUCCESS', 'string'], ['EXECUTE_SUCCESS', 'string']]);
    expect((await exec(ok)).status).toBe(204);
    expect(statuses(PROJECT, ok)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS', 'WAITING', 'WAITING']);
    expect(em.finishJobs()).toEqual({ jobs: 2, checkpoints: 0, backups: 0, tasks: 0 });
    expect(em.finishJobs()).toEqual({ jobs: 0, checkpoints: 0, backups: 0, tasks: 0 });
  });

  test('a filter ends only what it names: one policy, one project, one vault', async () => {
    em = await startEmulator({ jobSeconds: HOUR });
    const a = await createPolicy(em, 'a');
    const b = await createPolicy(em, 'b');
    const other = await createPolicy(em, 'other', OTHER_PROJECT);
    for (const [id, project] of [[a, PROJECT], [b, PROJECT], [other, OTHER_PROJECT]]) {
      await associate(em, id, ['vol-1'], project);
      expect((await exec(id, project)).status).toBe(204);
    }
    const first = await createVault(em, 'first');
    const second = await createVault(em, 'second');
    expect((await checkpoint(em, first.id)).status).toBe(200);
    expect((await checkpoint(em, second.id)).status).toBe(200);

    expect(em.finishJobs({ policyId: a })).toEqual({ jobs: 1, checkpoints: 0, backups: 0, tasks: 0 });
    expect([statuses(PROJECT, a), statuses(PROJECT, b)]).toEqual([['EXECUTE_SUCCESS'], ['WAITING']]);
    expect(em.finishJobs({ vaultId: first.id.toUpperCase() })).toEqual({ jobs: 0, checkpoints: 1, backups: 2, tasks: 2 });
    expect(em.backups(PROJECT, first.id).map((x) => x.status)).toEqual(['available', 'available']);
    expect(em.backups(PROJECT, second.id).map((x) => x.status)).toEqual(['protecting', 'protecting']);
    expect(em.finishJobs({ projectId: OTHER_PROJECT })).toEqual({ jobs: 1, checkpoints: 0, backups: 0, tasks: 0 });
    expect(statuses(PROJECT, b)).toEqual(['WAITING']);
    expect(em.finishJobs({ projectId: PROJECT })).toEqual({ jobs: 1, checkpoints: 1, backups: 2, tasks: 2 });
  });

  test('CBR over HTTP: a protecting checkpoint, its backups and tasks end; its resources are free for the next checkpoint', async () => {
    em = await startEmulator({ jobSeconds: HOUR });
    const { id } = await createVault(em, 'vault', undefined);
    const made = (await checkpoint(em, id)).json.checkpoint;
    expect(made.status).toBe('protecting');
    expect(code(await checkpoint(em, id))).toBe('BackupService.6125');

    const finished = await call(em, 'POST', '/__emulator/finish-jobs', { body: { vaultId: id }, token: null });
    expect([finished.status, finished.json]).toEqual([200, { finished: { jobs: 0, checkpoints: 1, backups: 2, tasks: 2 } }]);
    expect((await call(em, 'GET', v3(`/checkpoints/${made.id}`))).json.checkpoint.status).toBe('available');
    const tasks = (await call(em, 'GET', v3(`/operation-logs?vault_id=${id}`))).json.operation_logs;
    expect(tasks.map((t: { status: string }) => t.status)).toEqual(['success', 'success']);
    expect((await checkpoint(em, id)).json.checkpoint.vault.skipped_resources).toEqual([]);
    // no body: everything
    const all = await call(em, 'POST', '/__emulator/finish-jobs', { token: null });
    expect([all.status, all.json.finished.backups]).toEqual([200, 2]);
  });

  test('bad filters are refused naming the field', async () => {
    em = await startEmulator();
    const array = await call(em, 'POST', '/__emulator/finish-jobs', { body: ['x'], token: null });
    expect([array.status, array.json.error.message]).toEqual([400, expect.stringMatching(/finish-jobs takes an optional JSON object/)]);
    const number = await call(em, 'POST', '/__emulator/finish-jobs', { body: { vaultId: 7 }, token: null });
    expect([number.status, number.json.error.message]).toEqual([400, 'finishJobs: vaultId must be a string, got 7']);
    expect(() => em.finishJobs({ projectId: 5 as unknown as string })).toThrow(/projectId must be a string, got 5/);
    const listed = (await call(em, 'GET', '/__emulator/', { token: null })).json.calls;
    expect(listed).toContainEqual(expect.objectContaining({ method: 'POST', path: '/__emulator/finish-jobs' }));
  });
});
