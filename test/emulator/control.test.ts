import { Emulator, startEmulator } from '../../src/emulator';
import { PROJECT, associate, call, code, createPolicy } from './helpers';

describe('emulator: faults, request log, throttling, reset', () => {
  let em: Emulator;
  let id: string;
  beforeEach(async () => {
    em = await startEmulator({ jobSeconds: 0 });
    id = await createPolicy(em);
    await associate(em, id, ['vol-1']);
  });
  afterEach(() => em.stop());

  const exec = (policyId = id) => call(em, 'POST', `/v2/${PROJECT}/backuppolicy/${policyId}/action`);

  test('a status fault answers instead of processing, `times` times, then normal service resumes', async () => {
    em.addFault({ operation: 'executePolicy', status: 503, times: 2 });
    const first = await exec();
    expect(first.status).toBe(503);
    expect(first.json.error.code).toBe('AutoBackup.0009');
    expect((await exec()).status).toBe(503);
    expect(em.jobs(PROJECT, id)).toHaveLength(0);
    expect((await exec()).status).toBe(204);
    expect(em.executeCount(id)).toBe(1);
  });

  test('a fault body is sent as given; 429 defaults to the gateway shape', async () => {
    em.addFault({ operation: 'listPolicies', status: 500, body: { error: { code: 'X.1', message: 'boom' } } });
    em.addFault({ operation: 'listPolicies', status: 429 });
    expect((await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)).json).toEqual({ error: { code: 'X.1', message: 'boom' } });
    const throttled = await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`);
    expect(throttled.status).toBe(429);
    expect(throttled.json.error_code).toBe('APIGW.0308');
    expect(throttled.headers.get('retry-after')).toBeNull();
  });

  test('a fault limited to a policy leaves other policies alone', async () => {
    const other = await createPolicy(em, 'other');
    em.addFault({ operation: 'executePolicy', policyId: other, status: 500 });
    expect((await exec(id)).status).toBe(204);
    expect((await exec(other)).status).toBe(500);
  });

  test('delayMs delays the answer', async () => {
    em.addFault({ operation: 'listPolicies', delayMs: 300 });
    const started = Date.now();
    const r = await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test('drop before: the connection closes and nothing happens', async () => {
    em.addFault({ operation: 'executePolicy', drop: 'before' });
    await expect(exec()).rejects.toThrow();
    expect(em.executeCount(id)).toBe(0);
    expect(em.jobs(PROJECT, id)).toHaveLength(0);
    expect(em.requests({ operation: 'executePolicy' })).toEqual([expect.objectContaining({ status: 0, policyId: id })]);
  });

  test('drop after: the execute happens but the client gets no answer', async () => {
    em.addFault({ operation: 'executePolicy', drop: 'after' });
    await expect(exec()).rejects.toThrow();
    expect(em.executeCount(id)).toBe(1);
    expect(em.jobs(PROJECT, id)).toHaveLength(1);
    expect((await call(em, 'GET', `/v2/${PROJECT}/backuppolicy/${id}/backuptasks`)).json.count).toBe(1);
  });

  test('addFault rejects invalid faults with a clear message', () => {
    expect(() => em.addFault({ operation: 'nope' as never })).toThrow(/operation must be one of .*executePolicy/);
    expect(() => em.addFault({ operation: 'executePolicy', drop: 'sideways' as never })).toThrow(/drop/);
    expect(() => em.addFault({ operation: 'listPolicies', jobStatus: 'EXECUTE_FAIL' })).toThrow(/executePolicy/);
    expect(() => em.addFault({ operation: 'listPolicies', times: 0 })).toThrow(/times/);
  });

  test('clearFaults removes pending faults', async () => {
    em.addFault({ operation: 'executePolicy', status: 500, times: 5 });
    em.clearFaults();
    expect((await exec()).status).toBe(204);
  });

  test('the request log records operation, project, policy and status in order', async () => {
    await exec();
    await call(em, 'GET', '/v2/x/nothing-here');
    const log = em.requests();
    expect(log.map((r) => r.operation)).toEqual(['createPolicy', 'associateVolumes', 'executePolicy', 'unknown']);
    expect(log[0]).toMatchObject({ seq: 1, method: 'POST', path: `/v2/${PROJECT}/backuppolicy`, projectId: PROJECT, policyId: id, status: 200 });
    expect(log[1]).toMatchObject({ policyId: id, status: 200 });
    expect(log[2]).toMatchObject({ seq: 3, policyId: id, status: 204 });
    expect(log[3]).toMatchObject({ status: 404 });
    expect(new Date(log[0].time).toISOString()).toBe(log[0].time);
    expect(em.requests({ operation: 'executePolicy', policyId: id })).toHaveLength(1);
    expect(em.requests({ policyId: 'other' })).toEqual([]);
  });

  test('throttling: over the rate 429 APIGW.0308; 0 turns it off', async () => {
    em.setThrottle(2);
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0].json.error_code).toBe('APIGW.0308');
    expect(limited[0].json.error_msg).toContain('limit:2');
    em.setThrottle(0);
    const after = await Promise.all(Array.from({ length: 6 }, () => call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)));
    expect(after.every((r) => r.status === 200)).toBe(true);
  });

  test('reset clears policies, jobs, log, faults and throttle but keeps working', async () => {
    await exec();
    em.addFault({ operation: 'listPolicies', status: 500 });
    em.setThrottle(1);
    em.reset();
    expect(em.requests()).toEqual([]);
    expect(em.executeCount()).toBe(0);
    expect(em.policies(PROJECT)).toEqual([]);
    const list = await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`);
    expect(list.status).toBe(200);
    expect(list.json.backup_policies).toHaveLength(1);
    expect((await call(em, 'GET', `/v2/${PROJECT}/backuppolicy`)).status).toBe(200);
  });

  describe('over HTTP under /__emulator/ (no auth)', () => {
    const control = (method: string, path: string, body?: unknown) => call(em, method, `/__emulator/${path}`, { body, token: null });

    test('faults, requests, state, throttle, reset', async () => {
      const added = await control('POST', 'faults', { operation: 'executePolicy', status: 502 });
      expect(added.status).toBe(201);
      expect((await exec()).status).toBe(502);
      await control('POST', 'faults', { operation: 'executePolicy', status: 502 });
      expect((await control('DELETE', 'faults')).status).toBe(204);
      expect((await exec()).status).toBe(204);

      const requests = await control('GET', `requests?operation=executePolicy&policyId=${id}`);
      expect(requests.status).toBe(200);
      expect(requests.json.requests.map((r: { status: number }) => r.status)).toEqual([502, 204]);

      const state = await control('GET', 'state');
      const policy = state.json.projects[PROJECT].policies.find((p: { backup_policy_id: string }) => p.backup_policy_id === id);
      expect(policy).toMatchObject({ volume_ids: ['vol-1'], tags: [] });
      expect(policy.jobs).toHaveLength(1);

      expect((await control('POST', 'throttle', { perSecond: 1 })).json).toEqual({ perSecond: 1 });
      await control('POST', 'throttle', { perSecond: 0 });
      expect((await control('POST', 'reset')).status).toBe(204);
      expect(em.requests()).toEqual([]);
    });

    test('GET /__emulator/ lists the control calls; each one listed exists, and an unknown call names them', async () => {
      const index = await control('GET', '');
      expect(index.status).toBe(200);
      const calls = index.json.calls as { method: string; path: string; description: string }[];
      expect(calls.length).toBeGreaterThanOrEqual(7);
      const unknown = await control('GET', 'nothing');
      for (const c of calls) {
        expect(c.description.length).toBeGreaterThan(5);
        expect(unknown.json.error_msg).toContain(`${c.method} ${c.path}`);
        // An empty JSON body: a call that needs one answers 400, never 404.
        const r = await call(em, c.method, c.path, { body: c.method === 'POST' ? {} : undefined, token: null });
        expect({ call: `${c.method} ${c.path}`, status: r.status }).not.toEqual({ call: `${c.method} ${c.path}`, status: 404 });
        expect(r.status).toBeLessThan(500);
      }
    });

    test('bad control calls are 4xx with a message', async () => {
      const bad = await control('POST', 'faults', { operation: 'bogus' });
      expect(bad.status).toBe(400);
      expect(code(bad)).toBe('EMULATOR.0001');
      expect((await control('POST', 'throttle', { perSecond: -1 })).status).toBe(400);
      const unknown = await control('GET', 'nothing');
      expect(unknown.status).toBe(404);
      expect(code(unknown)).toBe('APIGW.0101');
      expect((await call(em, 'POST', '/__emulator/faults', { raw: '{', headers: { 'Content-Type': 'application/json' }, token: null })).status).toBe(400);
    });
  });
});
