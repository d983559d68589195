import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, associate, call, code, createPolicy } from './helpers';

describe('emulator: scheduled runs and the busy status', () => {
  let em: Emulator | undefined;
  afterEach(async () => {
    await em?.stop();
    em = undefined;
  });

  const exec = (e: Emulator, id: string) => call(e, 'POST', `/v2/${PROJECT}/backuppolicy/${id}/action`);

  test('a scheduled run (in process) starts jobs, is not an execute, and makes an execute 409 AutoBackup.0225', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1', 'vol-2']);
    const jobs = em.startScheduledRun(PROJECT, id, { jobSeconds: 30 });
    expect(jobs.map((j) => [j.resource_id, j.status])).toEqual([['vol-1', 'WAITING'], ['vol-2', 'WAITING']]);
    expect(em.executeCount(id)).toBe(0);
    expect(em.requests({ operation: 'executePolicy' })).toEqual([]);
    const busy = await exec(em, id);
    expect([busy.status, code(busy)]).toEqual([409, 'AutoBackup.0225']);
    expect(() => em!.startScheduledRun(PROJECT, id)).toThrow(/is being executed/);
    expect(em.executeCount(id)).toBe(0);
  });

  test('busyStatus 400: the same code with status 400; a finished scheduled run frees the policy', async () => {
    em = await startEmulator({ jobSeconds: 0, busyStatus: 400 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
    em.startScheduledRun(PROJECT, id, { jobSeconds: 30 });
    const busy = await exec(em, id);
    expect([busy.status, code(busy)]).toEqual([400, 'AutoBackup.0225']);
    const other = await createPolicy(em, 'other');
    await associate(em, other, ['vol-9']);
    expect(em.startScheduledRun(PROJECT, other, { jobSeconds: 0 })[0].status).toBe('EXECUTE_SUCCESS');
    expect((await exec(em, other)).status).toBe(204);
    expect(em.executeCount(other)).toBe(1);
  });

  test('over HTTP: POST /__emulator/scheduled-run; bad bodies and unknown policies are clear errors', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
    const started = await call(em, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, policyId: id, jobSeconds: 30 }, token: null });
    expect(started.status).toBe(201);
    expect(started.json.jobs).toHaveLength(1);
    expect(started.json.jobs[0]).toMatchObject({ resource_id: 'vol-1', status: 'WAITING' });
    expect(em.executeCount()).toBe(0);
    const again = await call(em, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, policyId: id }, token: null });
    expect([again.status, code(again)]).toEqual([409, 'AutoBackup.0225']);
    const bad = await call(em, 'POST', '/__emulator/scheduled-run', { body: { policyId: id }, token: null });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/scheduled-run needs \{"projectId"/);
    const badTime = await call(em, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, policyId: id, jobSeconds: -1 }, token: null });
    expect(badTime.json.error.message).toMatch(/jobSeconds must be a number from 0 to 86400/);
    const missing = await call(em, 'POST', '/__emulator/scheduled-run', { body: { projectId: PROJECT, policyId: 'nope' }, token: null });
    expect([missing.status, code(missing)]).toEqual([404, 'AutoBackup.0205']);
  });

  test('busyStatus other than 400 or 409 is refused at start', async () => {
    await expect(startEmulator({ busyStatus: 500 as never })).rejects.toThrow(/busyStatus must be 400 or 409, got 500/);
  });
});
