/**
 * A busy policy (a run unfinished, AutoBackup.0225) against the real emulator over loopback:
 * each `whenBusy` mode with both statuses the API may use, the no-duplicate rule after a wait,
 * racing clients, throttling and the bound on the wait. Runs take an hour of emulator time; a
 * test ends them on cue (`finishJobs`, usually from the client's own `busy` event), so nothing
 * waits for a job time and nothing depends on how fast the machine is.
 */
import { BusyEvent, Credentials, VbsBusyError, VbsBusyTimeoutError, VbsClient } from '../../src/client';
import { FINAL_JOB_STATUSES } from '../../src/contract/wire';
import { isBusyError } from '../../src/client/busy';
import { TRANSPORTS, VbsTransport } from '../../src/client/transport';
import { Emulator, startEmulator } from '../../src/emulator';

const PROJECT = '0123456789abcdef0123456789abcdef';
const VOLUMES = ['vol-a', 'vol-b'];
const FAST_POLL = { initialMs: 50, maxMs: 200 };
/** A job time no test waits out. */
const HOUR = 3600;
const schedule = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

let emulator: Emulator | undefined;
const clients: VbsClient[] = [];
/** An `onBusy` that ends the run the client waits for as soon as it starts waiting. */
function endRunsWhenBusy(em: Emulator, events: BusyEvent[] = []): (e: BusyEvent) => void {
  return (e) => {
    events.push(e);
    if (e.kind === 'busy') em.finishJobs();
  };
}

/** The transport the clients of the running `describe.each` use. */
let transport: VbsTransport = 'undici';

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await emulator?.stop();
  emulator = undefined;
});

async function start(busyStatus: 400 | 409 = 409, jobSeconds = HOUR): Promise<{ em: Emulator; c: VbsClient; id: string }> {
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
      em.startScheduledRun(PROJECT, id);
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
      em.startScheduledRun(PROJECT, id);
      const events: BusyEvent[] = [];
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL, onBusy: endRunsWhenBusy(em, events) });
      expect(r.joined).toBe(false);
      expect(r.waitedMs).toBeGreaterThan(0);
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
      expect(em.finishJobs().jobs).toBe(2);
      const ours = await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
      expect(ours.map((j) => j.jobId).sort()).toEqual(jobs.slice(2).map((j) => j.job_id).sort());
    });

    test('whenBusy join: the unfinished run counts; no execute counted; waitForJobs reports that run', async () => {
      const { em, c, id } = await start(busyStatus);
      const scheduled = em.startScheduledRun(PROJECT, id);
      const r = await c.executePolicy(id, { whenBusy: 'join', busyPoll: FAST_POLL });
      expect(r.joined).toBe(true);
      expect(r.joinedRun?.jobs.map((j) => j.jobId).sort()).toEqual(scheduled.map((j) => j.job_id).sort());
      expect(em.executeCount(id)).toBe(0);
      expect(em.finishJobs().jobs).toBe(2);
      const jobs = await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
      expect(jobs.map((j) => [j.jobId, j.status]).sort()).toEqual(scheduled.map((j) => [j.job_id, 'EXECUTE_SUCCESS']).sort());
    });
  });

  test('a free policy: every mode just runs it (one execute each)', async () => {
    const { em, c, id } = await start();
    for (const whenBusy of ['fail', 'wait', 'join'] as const) {
      const r = await c.executePolicy(id, { whenBusy });
      expect({ joined: r.joined, waitedMs: r.waitedMs, attempts: r.attempts }).toEqual({ joined: false, waitedMs: 0, attempts: 1 });
      expect(em.finishJobs().jobs).toBe(2);
      await c.waitForJobs(id, { since: r.startedAt, pollIntervalMs: 50 });
    }
    expect(em.executeCount(id)).toBe(3);
    expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([204, 204, 204]);
  });

  test('checkFirst: a run seen in the jobs is waited for without an execute being refused', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id);
    const r = await c.executePolicy(id, { whenBusy: 'wait', checkFirst: true, busyPoll: FAST_POLL, onBusy: endRunsWhenBusy(em) });
    expect(r.attempts).toBe(1);
    expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([204]);
    expect(em.executeCount(id)).toBe(1);
  });

  describe('no duplicate after a wait: the execute that follows the wait hits an ambiguous failure', () => {
    test('dropped after processing (checkFirst): the jobs since its own start show it ran, it is not sent again', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id);
      em.addFault({ operation: 'executePolicy', drop: 'after' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', checkFirst: true, busyPoll: FAST_POLL, onBusy: endRunsWhenBusy(em) });
      expect(r.alreadyStarted).toBe(true);
      expect(em.requests({ operation: 'executePolicy' })).toHaveLength(1);
      expect(em.executeCount(id)).toBe(1);
    });

    test('refused, then dropped after processing: the run waited for is not taken as ours, ours is not sent twice', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id);
      em.addFault({ operation: 'executePolicy' }); // the first execute is served normally (refused as busy)
      em.addFault({ operation: 'executePolicy', drop: 'after' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL, onBusy: endRunsWhenBusy(em) });
      expect(r.alreadyStarted).toBe(true);
      expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([409, 204]);
      expect(em.executeCount(id)).toBe(1);
    });

    test('dropped before processing: sent again once, one run', async () => {
      const { em, c, id } = await start();
      em.startScheduledRun(PROJECT, id);
      em.addFault({ operation: 'executePolicy' });
      em.addFault({ operation: 'executePolicy', drop: 'before' });
      const r = await c.executePolicy(id, { whenBusy: 'wait', busyPoll: FAST_POLL, onBusy: endRunsWhenBusy(em) });
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
    const { em, id } = await start();
    em.setThrottle(20);
    const racers = Array.from({ length: 5 }, () => client(em));
    // each racer that finds a run unfinished ends it (finishJobs), so the runs follow each other
    const results = await Promise.all(racers.map((c) => c.executePolicy(id, { whenBusy: 'wait', busyPoll: { initialMs: 100, maxMs: 400 }, onBusy: endRunsWhenBusy(em) })));
    expect(results.every((r) => !r.joined)).toBe(true);
    expect(em.executeCount(id)).toBe(5);
    // five runs, each started once the one before it had ended: none overlapping another
    const runs = new Map<string, string | undefined>();
    for (const j of em.jobs(PROJECT, id)) runs.set(j.created_at, j.finished_at);
    const ordered = [...runs].sort((a, b) => a[0].localeCompare(b[0]));
    expect(ordered).toHaveLength(5);
    for (let i = 1; i < ordered.length; i++) expect(ordered[i][0] >= (ordered[i - 1][1] as string)).toBe(true);
    expect(ordered[4][1]).toBeUndefined(); // the last run is still going: nobody waited for it
  });

  // With a run still going when the others arrive, all but the first join it: exactly one run.
  // With runs that end at once (job time 0) nothing is left to join: five runs. Same code, same
  // racers: the count shows which happened, so the first case's "one" can fail.
  test.each([[HOUR, 1], [0, 5]])('racing clients with join, job time %i s: %i run(s) started, the rest joined it', async (jobSeconds, runs) => {
    const { em, id } = await start(409, jobSeconds);
    const racers = Array.from({ length: 5 }, () => client(em));
    const results = await Promise.all(racers.map((c) => c.executePolicy(id, { whenBusy: 'join' })));
    const started = results.filter((r) => !r.joined);
    expect(started).toHaveLength(runs);
    expect(em.executeCount(id)).toBe(runs);
    // every joiner joined the run the one starter made: its jobs are the policy's only jobs
    const jobsOfRun = em.jobs(PROJECT, id).slice(0, VOLUMES.length).map((j) => j.job_id).sort();
    for (const r of results.filter((x) => x.joined)) expect(r.joinedRun?.jobs.map((j) => j.jobId).sort()).toEqual(jobsOfRun);
  });

  test('the wait is bounded by timeoutMs: VbsBusyTimeoutError names the run', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id);
    const err = await c.executePolicy(id, { whenBusy: 'wait', timeoutMs: 800, busyPoll: FAST_POLL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VbsBusyTimeoutError);
    expect((err as Error).message).toMatch(new RegExp(`^executePolicy gave up waiting after 0\\.\\d s: policy ${id} is busy: a run started at \\S+ is unfinished \\(2 jobs`));
    // the run lasts an hour and is still unfinished now: the call ended because of its bound,
    // not because the run ended (no wall-clock bound: the emulator's state is the oracle)
    const statuses = em.jobs(PROJECT, id).map((j) => j.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => FINAL_JOB_STATUSES.includes(s))).toEqual([]);
    expect(em.executeCount(id)).toBe(0);
  });

  test('an abort during the wait is an abort, not a timeout', async () => {
    const { em, c, id } = await start();
    em.startScheduledRun(PROJECT, id);
    const ac = new AbortController();
    const onBusy = (e: BusyEvent): void => {
      if (e.kind === 'busy') ac.abort(new Error('user stop'));
    };
    const err = await c.executePolicy(id, { whenBusy: 'wait', signal: ac.signal, busyPoll: FAST_POLL, onBusy }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(em.executeCount(id)).toBe(0);
  });
});
