/**
 * A busy policy (a run unfinished, AutoBackup.0225) against the real emulator over loopback:
 * each `whenBusy` mode with both statuses the API may use, the no-duplicate rule after a wait,
 * racing clients, throttling and the bound on the wait.
 */
import { BusyEvent, Credentials, VbsBusyError, VbsBusyTimeoutError, VbsClient } from '../../src/client';
import { isBusyError } from '../../src/client/busy';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import { Emulator, startEmulator } from '../../src/emulator';

const PROJECT = '0123456789abcdef0123456789abcdef';
const VOLUMES = ['vol-a', 'vol-b'];
const FAST_POLL = { initialMs: 50, maxMs: 200 };
const schedule = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

let emulator: Emulator | undefined;
const clients: VbsClient[] = [];
/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.stop();
  emulator = undefined;
});

async function start(busyStatus: 400 | 409 = 409, jobSeconds = 0.3): Promise<{ em: Emulator; c: VbsClient; id: string }> {
  const em = await startEmulator({ jobSeconds, busyStatus, tokens: ['t0ken'] });
  emulator = em;
  const c = client(em);
  const id = await c.createPolicy({ backup_policy_name: 'nightly', scheduled_policy: schedule });
  await c.associateVolumes(id, VOLUMES);
  return { em, c, id };
}

function client(em: Emulator): VbsClient {
  const c = new VbsClient({ endpoint: em.url, projectId: PROJECT, env: {}, credentials: Credentials.token('t0ken'), transport });
  clients.push(c);
  return c;
}

describe.each(TRANSPORTS)('over the %s transport', (kind) => {
  beforeAll(() => {
    transport = kind;
  });

  describe.each([409, 400] as const)('busy status %i', (busyStatus) => {
    test('whenBusy fail (the client default): a VbsBusyError naming the run, one execute sent, none counted', async () => {
      const { em, c, id } = await start(busyStatus);
      em.startScheduledRun(PROJECT, id, { jobSeconds: 30 });
      const err = await c.executePolicy(id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VbsBusyError);
      expect(isBusyError(err)).toBe(true);
      const busy = err as VbsBusyError;
      expect([busy.status, busy.code, busy.policyId]).toEqual([busyStatus, 'AutoBackup.0225', id]);
      expect(busy.run?.jobs.map((j) => j.resourceId).sort()).toEqual(VOLUMES);
      expect(busy.message).toMatch(new RegExp(`^executePolicy failed: HTTP ${busyStatus} AutoBackup\\.0225: .*; policy ${id} is busy: a run started at \\S+Z is unfinished \\(2 jobs: vol-[ab] (WAITING|RUNNING), vol-[ab] (WAITING|RUNNING)\\)$`));
      expect(em.requests({ operation: 'executePolicy' }).map((r) => r.status)).toEqual([busyStatus]);
      expect(em.executeCount(id)).toBe(0);
    });

    test('whenBusy wait: waits for the scheduled run, then starts its own run, exactly one execute counted', async () => {
      const { em, c, id } = await start(busyStatus);
      em.startScheduledRun(PROJECT, id, { jobSeconds: 1 });
      const events: BusyEvent[] = [];
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL, onBusy: (e) => events.push(e) });
      expect(r.joined).toBe(false);
      expect(r.waitedMs).toBeGreaterThan(500);
      expect(events.map((e) => e.kind)).toEqual(['busy', 'free']);
      const execs = em.requests({ operation: 'executePolicy' });
      expect(execs.map((x) => x.status)).toEqual([busyStatus, 204]);
      expect(em.executeCount(id)).toBe(1);
      // our execute reached the server only after the scheduled run (the first two jobs) was over
      const jobs = em.jobs(PROJECT, id);
      expect(jobs).toHaveLength(4);
      const scheduledEnd = Math.max(...jobs.slice(0, 2).map((j) => Date.parse(`${j.finished_at}Z`)));
      expect(Date.parse(execs[1].time)).toBeGreaterThanOrEqual(scheduledEnd);
      // waitForJobs from the result sees this run's jobs only
      const ours = await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
      expect(ours.map((j) => j.jobId).sort()).toEqual(jobs.slice(2).map((j) => j.job_id).sort());
    });

    test('whenBusy join: the unfinished run counts; no execute counted; waitForJobs reports that run', async () => {
      const { em, c, id } = await start(busyStatus);
      const scheduled = em.startScheduledRun(PROJECT, id, { jobSeconds: 0.5 });
      const r = await c.executePolicy(id, { whenBusy: 'join', busyPoll: FAST_POLL });
      expect(r.joined).toBe(true);
      expect(r.joinedRun?.jobs.map((j) => j.jobId).sort()).toEqual(scheduled.map((j) => j.job_id).sort());
      expect(em.executeCount(id)).toBe(0);
      const jobs = await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
      expect(jobs.map((j) => [j.jobId, j.status]).sort()).toEqual(scheduled.map((j) => [j.job_id, 'EXECUTE_SUCCESS']).sort());
    });
  });

  test('a free policy: every mode just runs it (one execute each)', async () => {
    const { em, c, id } = await start();
    for (const whenBusy of ['fail', 'wait', 'join'] as const) {
      const r = await c.executePolicy(id, { whenBusy });
      expect({ joined: r.joined, waitedMs: r.waitedMs, attempts: r.attempts }).toEqual({ joined: false, waitedMs: 0, attempts: 1 });
      await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
    }
    expect(em.executeCount(id)).toBe(3);
    expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([204, 204, 204]);
  });

  test('checkFirst: a run seen in the jobs is waited for without an execute being refused', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id, { jobSeconds: 0.6 });
    const r = await c.executePolicy(id, { whenBusy: 'wait', checkFirst: true, busyPoll: FAST_POLL });
    expect(r.attempts).toBe(1);
    expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([204]);
    expect(em.executeCount(id)).toBe(1);
  });

  describe('no duplicate after a wait: the execute that follows the wait hits an ambiguous failure', () => {
    test('dropped after processing (checkFirst): the jobs since its own start show it ran, it is not sent again', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id, { jobSeconds: 0.6 });
      em.addFault({ operation: 'executePolicy', drop: 'after' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', checkFirst: true, busyPoll: FAST_POLL });
      expect(r.alreadyStarted).toBe(true);
      expect(em.requests({ operation: 'executePolicy' })).toHaveLength(1);
      expect(em.executeCount(id)).toBe(1);
    });

    test('refused, then dropped after processing: the run waited for is not taken as ours, ours is not sent twice', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id, { jobSeconds: 0.6 });
      em.addFault({ operation: 'executePolicy' }); // the first execute is served normally (refused as busy)
      em.addFault({ operation: 'executePolicy', drop: 'after' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL });
      expect(r.alreadyStarted).toBe(true);
      expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([409, 204]);
      expect(em.executeCount(id)).toBe(1);
    });

    test('dropped before processing: sent again once, one run', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id, { jobSeconds: 0.6 });
      em.addFault({ operation: 'executePolicy' });
      em.addFault({ operation: 'executePolicy', drop: 'before' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL });
      expect(r.alreadyStarted).toBe(false);
      expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([409, 0, 204]);
      expect(em.executeCount(id)).toBe(1);
    });
  });

  test('refused as busy with no unfinished job listed: pauses, looks again, then runs', async () => {
    const { em, c, id } = await start();
    em.addFault({ operation: 'executePolicy', status: 400, body: { error: { code: 'AutoBackup.0225', message: 'The backup policy is being executed.' } } });
    const events: BusyEvent[] = [];
    const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL, onBusy: (e) => events.push(e) });
    expect(events.map((e) => e.kind)).toEqual(['refused']);
    expect(r.attempts).toBe(2);
    expect(em.executeCount(id)).toBe(1);
  });

  test('racing clients on one policy, throttled API: wait gives each its own run, one after another', async () => {
    const { em, id } = await start(409, 0.2);
    em.setThrottle(20);
    const racers = Array.from({ length: 5 }, () => client(em));
    const results = await Promise.all(racers.map((c) => c.executePolicy(id, { whenBusy: 'wait', busyPoll: { initialMs: 100, maxMs: 400 } })));
    expect(results.every((r) => !r.joined)).toBe(true);
    expect(em.executeCount(id)).toBe(5);
    // five runs, none overlapping another
    const runs = new Map<string, number>();
    for (const j of em.jobs(PROJECT, id)) runs.set(j.created_at, Date.parse(`${j.finished_at}Z`));
    const starts = [...runs.keys()].map((t) => Date.parse(`${t}Z`)).sort((a, b) => a - b);
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1] + 200);
  });

  test('racing clients with join: none fails, at most one run each', async () => {
    const { em, id } = await start(409, 0.5);
    const racers = Array.from({ length: 5 }, () => client(em));
    const results = await Promise.all(racers.map((c) => c.executePolicy(id, { whenBusy: 'join' })));
    const started = results.filter((r) => !r.joined).length;
    expect(em.executeCount(id)).toBe(started);
    expect(started).toBeGreaterThanOrEqual(1);
    expect(started).toBeLessThanOrEqual(5);
  });

  test('the wait is bounded by timeoutMs: VbsBusyTimeoutError names the run', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id, { jobSeconds: 30 });
    const started = Date.now();
    const err = await c.executePolicy(id, { whenBusy: 'wait', timeoutMs: 800, busyPoll: FAST_POLL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsBusyTimeoutError);
    expect((err as Error).message).toMatch(new RegExp(`^executePolicy gave up waiting after 0\\.\\d s: policy ${id} is busy: a run started at \\S+ is unfinished \\(2 jobs`));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(em.executeCount(id)).toBe(0);
  });

  test('an abort during the wait is an abort, not a timeout', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id, { jobSeconds: 30 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user stop')), 300);
    const err = await c.executePolicy(id, { whenBusy: 'wait', signal: ac.signal, busyPoll: FAST_POLL }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });
});
