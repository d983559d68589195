import { Credentials, RetryInfo, VbsAbortError, VbsClient, VbsClientOptions, VbsTimeoutError, WireJob } from '../../src/client';
import { apiTime, closedAfterEach, drop, json, noContent, POLICY, PROJECT, Received, startServer } from './http-server';
import { ServerResponse } from 'node:http';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';

const { servers, clients } = closedAfterEach<VbsClient>();
/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

// Shapes the emulator cannot produce (an effect followed by a 503, exact job status sequences)
// are tested here; the emulator-backed cases live in emulator.test.ts.

/**
 * A tiny VBS stand-in: execute creates one job per volume; `onExecute` decides what the wire
 * does with each execute (answer, fail without effect, or take effect and drop the socket).
 */
async function fakeVbs(o: {
  volumes?: string[];
  jobs?: WireJob[];
  onExecute: (n: number) => 'ok' | 'effect-then-drop' | 'effect-then-503' | 'drop' | 503 | 429 | 409;
  jobStatus?: (job: WireJob, polls: number) => WireJob['status'];
}, clientOptions: Partial<VbsClientOptions> = {}) {
  const jobs: WireJob[] = [...(o.jobs ?? [])];
  const volumes = o.volumes ?? ['vol-1', 'vol-2'];
  let executes = 0;
  let jobPolls = 0;
  const run = (): void => {
    for (const v of volumes) {
      jobs.push({ job_id: `job-${jobs.length}`, status: 'WAITING', created_at: apiTime(new Date()), backup_name: 'autobk_abcd', resource_id: v, resource_type: 'volume' });
    }
  };
  const server = await startServer((r: Received, res: ServerResponse) => {
    if (r.path.endsWith('/action') && r.method === 'POST') {
      const what = o.onExecute(++executes);
      if (what === 'ok') return run(), noContent(res);
      if (what === 'effect-then-drop') return run(), drop(res);
      if (what === 'effect-then-503') return run(), json(res, 503, { error: { code: 'X', message: 'gateway lost it' } });
      if (what === 'drop') return drop(res);
      if (what === 409) return json(res, 409, { error: { code: 'AutoBackup.0225', message: 'the policy is being executed' } });
      return json(res, what, { error_code: 'APIGW.0308', error_msg: 'throttled' });
    }
    if (r.path.endsWith('/backuptasks')) {
      jobPolls++;
      const sorted = [...jobs].sort((a, b) => b.created_at.localeCompare(a.created_at));
      const limit = Number(r.url.searchParams.get('limit') ?? 20);
      const offset = Number(r.url.searchParams.get('offset') ?? 0);
      const tasks = sorted.slice(offset, offset + limit).map((j) => ({ ...j, status: o.jobStatus ? o.jobStatus(j, jobPolls) : j.status }));
      return json(res, 200, { tasks, count: jobs.length });
    }
    if (r.path === `/v2/${PROJECT}/backuppolicy`) {
      return json(res, 200, { backup_policies: [{ backup_policy_id: POLICY, backup_policy_name: 'p', scheduled_policy: {}, policy_resource_count: volumes.length }] });
    }
    return json(res, 404, { error: { code: 'AutoBackup.0205', message: 'not found' } });
  });
  servers.push(server);
  const retries: RetryInfo[] = [];
  const client = new VbsClient({ endpoint: server.url, projectId: PROJECT, env: {}, credentials: Credentials.token('t'), random: () => 0, onRetry: (i) => retries.push(i), transport, ...clientOptions });
  clients.push(client);
  const executesSent = (): number => server.count(/\/action$/, 'POST');
  const listCalls = (): number => server.count(/\/backuptasks$/);
  return { server, client, jobs, retries, executesSent, listCalls };
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  describe('executePolicy never starts two backups', () => {
    test('plain success: one request; a loopback server shares the clock, so startedAt is the local start', async () => {
      const { client, executesSent, listCalls } = await fakeVbs({ onExecute: () => 'ok' });
      const before = Date.now();
      const r = await client.executePolicy(POLICY);
      const after = Date.now();
      expect(r).toMatchObject({ policyId: POLICY, attempts: 1, alreadyStarted: false });
      expect(r.startedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(r.startedAt.getTime()).toBeLessThanOrEqual(after);
      expect(before - r.startedAt.getTime()).toBeLessThan(6000);
      expect([executesSent(), listCalls()]).toEqual([1, 0]);
    });

    test('a remote-style skew allowance is narrowed by the server Date: startedAt within a second of the start', async () => {
      const { client } = await fakeVbs({ onExecute: () => 'ok' }, { skewAllowanceMs: 5000 });
      const before = Date.now();
      const r = await client.executePolicy(POLICY);
      expect(r.startedAt.getTime()).toBeLessThanOrEqual(before + 5);
      expect(before - r.startedAt.getTime()).toBeLessThan(1100);
    });

    test('503 without effect two seconds after an earlier run (5 s allowance): the earlier jobs are no proof, sent again', async () => {
      const earlier = new Date(Date.now() - 2000);
      const done = (v: string): WireJob => ({ job_id: `old-${v}`, status: 'EXECUTE_SUCCESS', created_at: apiTime(earlier), backup_name: 'autobk_0000', resource_id: v, resource_type: 'volume' });
      const { client, executesSent } = await fakeVbs({ jobs: [done('vol-1'), done('vol-2')], onExecute: (n) => (n === 1 ? 503 : 'ok') }, { skewAllowanceMs: 5000 });
      const r = await client.executePolicy(POLICY);
      expect(r).toMatchObject({ attempts: 2, alreadyStarted: false });
      expect(executesSent()).toBe(2);
    });

    test('dropped after the server acted: finds the jobs and does not send again', async () => {
      const { client, executesSent, listCalls } = await fakeVbs({ onExecute: () => 'effect-then-drop' });
      const r = await client.executePolicy(POLICY);
      expect(r).toMatchObject({ attempts: 1, alreadyStarted: true });
      expect([executesSent(), listCalls()]).toEqual([1, 1]);
    });

    test('503 after the server acted: finds the jobs and does not send again', async () => {
      const { client, executesSent } = await fakeVbs({ onExecute: () => 'effect-then-503' });
      expect(await client.executePolicy(POLICY)).toMatchObject({ alreadyStarted: true });
      expect(executesSent()).toBe(1);
    });

    test('ambiguous failure without effect, right after an earlier run: sends again (old jobs are no proof)', async () => {
      const earlier = new Date(Date.now() - 60_000);
      const old: WireJob[] = ['vol-1', 'vol-2'].map((v, i) => ({
        job_id: `old-${i}`, status: 'EXECUTE_SUCCESS', created_at: apiTime(earlier), backup_name: 'autobk_0001', resource_id: v, resource_type: 'volume',
      }));
      const { client, executesSent, listCalls, jobs } = await fakeVbs({ jobs: old, onExecute: (n) => (n === 1 ? 'drop' : n === 2 ? 503 : 'ok') });
      const r = await client.executePolicy(POLICY);
      expect(r).toMatchObject({ attempts: 3, alreadyStarted: false });
      expect([executesSent(), listCalls()]).toEqual([3, 2]);
      expect(jobs).toHaveLength(4);
    });

    test('429 is retried without looking at jobs (the request was refused)', async () => {
      const { client, executesSent, listCalls } = await fakeVbs({ onExecute: (n) => (n === 1 ? 429 : 'ok') });
      expect(await client.executePolicy(POLICY)).toMatchObject({ attempts: 2, alreadyStarted: false });
      expect([executesSent(), listCalls()]).toEqual([2, 0]);
    });
  });

  describe('waitForJobs', () => {
    test('polls until every job of the run is final; ignores older jobs', async () => {
      const old: WireJob = { job_id: 'old', status: 'EXECUTE_FAIL', created_at: apiTime(new Date(Date.now() - 3_600_000)), backup_name: 'autobk_0', resource_id: 'vol-1', resource_type: 'volume' };
      const { client } = await fakeVbs({
        jobs: [old],
        onExecute: () => 'ok',
        jobStatus: (j, polls) => (j.job_id === 'old' ? j.status : polls < 3 ? 'RUNNING' : 'EXECUTE_SUCCESS'),
      });
      const run = await client.executePolicy(POLICY);
      const seen: number[] = [];
      const jobs = await client.waitForJobs(POLICY, { since: run.startedAt, pollIntervalMs: 10, onProgress: (j) => seen.push(j.filter((x) => x.final).length) });
      expect(jobs.map((j) => [j.resourceId, j.status, j.final]).sort()).toEqual([['vol-1', 'EXECUTE_SUCCESS', true], ['vol-2', 'EXECUTE_SUCCESS', true]]);
      expect(jobs.every((j) => j.createdAt >= run.startedAt)).toBe(true);
      expect(seen).toEqual([0, 0, 2]);
    });

    test('a policy without volumes resolves with [] after the grace period', async () => {
      const { client } = await fakeVbs({ volumes: [], onExecute: () => 'ok' });
      const run = await client.executePolicy(POLICY);
      expect(await client.waitForJobs(POLICY, { since: run.startedAt, pollIntervalMs: 10, graceMs: 50 })).toEqual([]);
    });

    test('times out with VbsTimeoutError when jobs stay running', async () => {
      const { client } = await fakeVbs({ onExecute: () => 'ok', jobStatus: () => 'RUNNING' });
      const run = await client.executePolicy(POLICY);
      const err = await client.waitForJobs(POLICY, { since: run.startedAt, pollIntervalMs: 20, timeoutSeconds: 0.2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VbsTimeoutError);
      expect((err as Error).message).toMatch(/still had 2 of 2 job\(s\) not final after 0.2 s/);
    });

    test('abort stops the wait', async () => {
      const { client } = await fakeVbs({ onExecute: () => 'ok', jobStatus: () => 'RUNNING' });
      const run = await client.executePolicy(POLICY);
      const ctl = new AbortController();
      const p = client.waitForJobs(POLICY, { since: run.startedAt, pollIntervalMs: 20, signal: ctl.signal, onProgress: () => ctl.abort() });
      await expect(p).rejects.toBeInstanceOf(VbsAbortError);
    });
  });
});
