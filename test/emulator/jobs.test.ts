import { Emulator, startEmulator } from '../../src/emulator';
import { jobStatus } from '../../src/emulator/jobs';
import { PROJECT, associate, call, code, createPolicy } from './helpers';

const JOB_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;

describe('emulator: execute and backup jobs', () => {
  let em: Emulator;
  afterEach(() => em.stop());

  const exec = (id: string) => call(em, 'POST', `/v2/${PROJECT}/backuppolicy/${id}/action`);
  const tasks = (id: string, query = '') => call(em, 'GET', `/v2/${PROJECT}/backuppolicy/${id}/backuptasks${query}`);

  test('execute: 204 without body, one job per volume, WAITING until the test ends it (finishJobs), then EXECUTE_SUCCESS', async () => {
    em = await startEmulator({ jobSeconds: 3600 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1', 'vol-2']);
    const started = Date.now();
    const r = await exec(id);
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    const seen: string[] = [];
    const first = await tasks(id);
    expect(first.json.count).toBe(2);
    seen.push(first.json.tasks[0].status);
    const job = first.json.tasks[0];
    expect(job.created_at).toMatch(JOB_TIME);
    expect(Math.abs(Date.parse(`${job.created_at}Z`) - started)).toBeLessThan(5000);
    expect(job.backup_name).toMatch(/^autobk_[0-9a-f]{4}$/);
    expect(job.resource_type).toBe('volume');
    expect(job.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.finished_at).toBeUndefined();
    expect(em.finishJobs({ policyId: id }).jobs).toBe(2);
    seen.push((await tasks(id)).json.tasks[0].status);
    expect(seen).toEqual(['WAITING', 'EXECUTE_SUCCESS']);
    const done = await tasks(id);
    expect(done.json.tasks.every((t: { status: string; finished_at: string }) => t.status === 'EXECUTE_SUCCESS' && JOB_TIME.test(t.finished_at))).toBe(true);
    expect(new Set(done.json.tasks.map((t: { resource_id: string }) => t.resource_id))).toEqual(new Set(['vol-1', 'vol-2']));
    expect(em.executeCount(id)).toBe(1);
  });

  test('a second execute while jobs run is 409 AutoBackup.0225; allowed again once they finish', async () => {
    em = await startEmulator({ jobSeconds: 3600 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
    expect((await exec(id)).status).toBe(204);
    const busy = await exec(id);
    expect(busy.status).toBe(409);
    expect(code(busy)).toBe('AutoBackup.0225');
    em.finishJobs();
    expect((await exec(id)).status).toBe(204);
    expect(em.executeCount(id)).toBe(2);
    expect(em.jobs(PROJECT, id)).toHaveLength(2);
  });

  test('no volumes: 204 and no jobs; an OFF policy can be executed; unknown policy 404', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const id = await createPolicy(em);
    expect((await exec(id)).status).toBe(204);
    expect((await tasks(id)).json).toEqual({ tasks: [], count: 0 });
    await call(em, 'PUT', `/v2/${PROJECT}/backuppolicy/${id}`, { body: { scheduled_policy: { status: 'OFF' } } });
    await associate(em, id, ['vol-1']);
    expect((await exec(id)).status).toBe(204);
    expect((await tasks(id)).json.tasks[0].status).toBe('EXECUTE_SUCCESS');
    const missing = await exec('11111111-1111-1111-1111-111111111111');
    expect(missing.status).toBe(404);
    expect(code(missing)).toBe('AutoBackup.0205');
    expect(code(await tasks('11111111-1111-1111-1111-111111111111'))).toBe('AutoBackup.0205');
  });

  test('a jobStatus fault ends the run EXECUTE_FAIL with fail_reason', async () => {
    em = await startEmulator({ jobSeconds: 0 });
    const id = await createPolicy(em);
    await associate(em, id, ['vol-1', 'vol-2']);
    em.addFault({ operation: 'executePolicy', jobStatus: 'EXECUTE_FAIL', failReason: 'snapshot quota exceeded' });
    expect((await exec(id)).status).toBe(204);
    const t = await tasks(id);
    expect(t.json.tasks.map((x: { status: string }) => x.status)).toEqual(['EXECUTE_FAIL', 'EXECUTE_FAIL']);
    expect(t.json.tasks[0].fail_reason).toBe('snapshot quota exceeded');
    expect((await exec(id)).status).toBe(204);
    expect((await tasks(id, '?status=EXECUTE_SUCCESS')).json.count).toBe(2);
  });

  describe('backuptasks query parameters', () => {
    let id: string;
    let ids: string[];
    beforeEach(async () => {
      em = await startEmulator({ jobSeconds: 0 });
      id = await createPolicy(em);
      await associate(em, id, ['vol-1']);
      for (let i = 0; i < 5; i++) {
        if (i === 2) em.addFault({ operation: 'executePolicy', jobStatus: 'EXECUTE_FAIL' });
        expect((await exec(id)).status).toBe(204);
      }
      ids = em.jobs(PROJECT, id).map((j) => j.job_id); // oldest first
    });

    test('default order is newest first, limit 20', async () => {
      const r = await tasks(id);
      expect(r.json.count).toBe(5);
      expect(r.json.tasks.map((t: { job_id: string }) => t.job_id)).toEqual([...ids].reverse());
    });

    test('sort_dir=asc, sort_key=created_at, limit and offset page', async () => {
      const r = await tasks(id, '?sort_key=created_at&sort_dir=asc&limit=2&offset=1');
      expect(r.json.count).toBe(5);
      expect(r.json.tasks.map((t: { job_id: string }) => t.job_id)).toEqual(ids.slice(1, 3));
    });

    test('marker starts after the given job; job_id and status filter', async () => {
      const after = await tasks(id, `?sort_dir=asc&marker=${ids[1]}`);
      expect(after.json.tasks.map((t: { job_id: string }) => t.job_id)).toEqual(ids.slice(2));
      const one = await tasks(id, `?job_id=${ids[3]}`);
      expect(one.json).toMatchObject({ count: 1, tasks: [{ job_id: ids[3] }] });
      const failed = await tasks(id, '?status=EXECUTE_FAIL');
      expect(failed.json.count).toBe(1);
      expect(failed.json.tasks[0].job_id).toBe(ids[2]);
    });

    test.each([
      ['sort_key=name'], ['sort_dir=up'], ['limit=0'], ['limit=1001'], ['limit=abc'], ['offset=-1'],
      ['status=DONE'], ['marker=unknown'], ['limit=1&limit=2'], [`job_id=${'x'.repeat(300)}`], [`limit=${'9'.repeat(40)}`],
    ])('invalid %s is 400 AutoBackup.0001', async (query) => {
      const r = await tasks(id, `?${query}`);
      expect(r.status).toBe(400);
      expect(code(r)).toBe('AutoBackup.0001');
      expect(r.json.error.message.length).toBeLessThan(400);
    });
  });
});

describe('a job\'s status over its job time', () => {
  test('WAITING for the first quarter, RUNNING for the rest, then its final status (computed from the times, no timer)', () => {
    const job = { job_id: 'j', vbs_job_id: 'v', backup_name: 'autobk_0000', resource_id: 'vol-1', created: 1_000, duration: 4_000, final: 'EXECUTE_SUCCESS' as const };
    expect([1_000, 1_999, 2_000, 4_999, 5_000, 9_000].map((now) => jobStatus(job, now))).toEqual(['WAITING', 'WAITING', 'RUNNING', 'RUNNING', 'EXECUTE_SUCCESS', 'EXECUTE_SUCCESS']);
    expect(jobStatus({ ...job, duration: 0 }, 1_000)).toBe('EXECUTE_SUCCESS');
  });
});
