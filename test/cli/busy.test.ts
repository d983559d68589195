/**
 * `vbs-backup execute --when-busy` and `hook-backup` of a policy with `VBS_HOOK_WHEN_BUSY`, as separate
 * processes against the real emulator: a scheduled run in progress, racing processes, the
 * messages a user reads, and usage errors. Runs take an hour of emulator time; a test ends them
 * (`finishJobs`) when a process says it waits for one, so nothing waits for a job time.
 */
import { Credentials, VbsClient } from '../../src/client';
import { FINAL_JOB_STATUSES } from '../../src/contract/wire';
import { Emulator, startEmulator } from '../../src/emulator';
import { HOUR, PROJECT_ID, TOKEN, buildCli, emulatorEnv, endJobsWhenWaiting, runCli, stoppedAfterEach } from './support';

jest.setTimeout(60_000);

const started = stoppedAfterEach<VbsClient>();

/** The progress line of a process that starts waiting for a run (or for another one after it). */
const WAITS_LINE = /is busy: .*waiting for it to finish|waiting for it too|joining it as this run/;

/** `runCli` options that end the emulator's running jobs whenever the process says it waits for them. */
const endRunsWhenWaiting = (em: Emulator) => endJobsWhenWaiting(em, WAITS_LINE);

const schedule = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

async function setup(o: { jobSeconds?: number; busyStatus?: 400 | 409 } = {}): Promise<{ em: Emulator; id: string }> {
  buildCli();
  const em = await startEmulator({ tokens: [TOKEN], jobSeconds: o.jobSeconds ?? 0, busyStatus: o.busyStatus });
  started.emulator = em;
  const client = new VbsClient({ endpoint: em.url, projectId: PROJECT_ID, credentials: Credentials.token(TOKEN), env: {} });
  started.client = client;
  const id = await client.createPolicy({ backup_policy_name: 'nightly-db', scheduled_policy: schedule });
  await client.associateVolumes(id, ['vol-a', 'vol-b']);
  return { em, id };
}

const BUSY_LINE = /^policy nightly-db \(id [0-9a-f-]{36}\) is busy: a run started at \S+Z is unfinished \(2 jobs: vol-[ab] (WAITING|RUNNING), vol-[ab] (WAITING|RUNNING)\)/m;

describe('vbs-backup execute --when-busy', () => {
  test.each([409, 400] as const)('default (wait), busy status %i: waits for the scheduled run, then runs; says what it waited for and how long', async (busyStatus) => {
    const { em, id } = await setup({ busyStatus });
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await runCli(['execute', '--policy-id', id], emulatorEnv(em.url), endRunsWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(BUSY_LINE);
    expect(r.stderr).toMatch(/; waiting for it to finish, then starting this run \(when busy: wait\)$/m);
    expect(r.stderr).toMatch(/^the run started at \S+Z is over; waited \d+\.\d s; starting this run$/m);
    expect(r.stderr).toMatch(/^started a backup run of policy nightly-db/m);
    expect(r.stdout).toMatch(new RegExp(`^${id} started \\S+Z\\n$`));
    expect(em.requests({ operation: 'executePolicy' }).map((x) => x.status)).toEqual([busyStatus, 204]);
    expect(em.executeCount(id)).toBe(1);
  });

  test('join --wait --json: the scheduled run counts, its jobs are reported, no execute counted', async () => {
    const { em, id } = await setup();
    const scheduled = em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await runCli(['execute', '--policy-id', id, '--when-busy', 'join', '--wait', '--json'], emulatorEnv(em.url), endRunsWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/; joining it as this run \(when busy: join\): no new run started$/m);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ policyId: id, joined: true, succeeded: true, attempts: 1 });
    expect(doc.jobs.map((j: { jobId: string }) => j.jobId).sort()).toEqual(scheduled.map((j) => j.job_id).sort());
    expect(em.executeCount(id)).toBe(0);
  });

  test('fail: exit 1, the message says the policy is busy, with which run, and the choices', async () => {
    const { em, id } = await setup();
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await runCli(['execute', '--policy-id', id, '--when-busy', 'fail'], emulatorEnv(em.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(
      `^error: executePolicy failed: HTTP 409 AutoBackup\\.0225: .*; policy ${id} is busy: a run started at \\S+Z is unfinished \\(2 jobs: .*\\)\\. ` +
      `--when-busy fail does not wait; --when-busy wait \\(the default\\) waits for that run, then runs; --when-busy join counts that run as this one$`, 'm'));
    expect(r.stdout).toBe('');
    expect(em.executeCount(id)).toBe(0);
  });

  test('the wait counts against --timeout: exit 1 naming the run it waited for', async () => {
    const { em, id } = await setup();
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await runCli(['execute', '--policy-id', id, '--timeout', '2'], emulatorEnv(em.url));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: executePolicy gave up waiting after \\d\\.\\d s: policy ${id} is busy: a run started at \\S+ is unfinished \\(2 jobs: .*\\) \\(bound: 2 s, --timeout\\)$`, 'm'));
    // the run lasts an hour and is still unfinished now: the process ended because of its bound,
    // not because the run ended (no wall-clock bound: the emulator's state is the oracle)
    const statuses = em.jobs(PROJECT_ID, id).map((j) => j.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => FINAL_JOB_STATUSES.includes(s))).toEqual([]);
    expect(em.executeCount(id)).toBe(0);
  });

  test('an unknown mode is a usage error (exit 2)', async () => {
    const r = await runCli(['execute', '--policy-id', '3b6c2e1a-4d5f-4a7b-8c9d-0e1f2a3b4c5d', '--when-busy', 'queue'], emulatorEnv('http://127.0.0.1:9'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("vbs-backup execute: --when-busy must be one of wait, join, fail, got 'queue'");
  });

  test('--help lists --when-busy with its default', async () => {
    const r = await runCli(['execute', '--help'], emulatorEnv('http://127.0.0.1:9'));
    expect(r.stdout).toMatch(/\[--when-busy wait\|join\|fail\]/);
    expect(r.stdout).toMatch(/--when-busy MODE +a run of the policy is unfinished \(AutoBackup\.0225\): wait \(default\)/);
  });
});

describe('racing processes on one policy', () => {
  test('wait: 3 processes started together all succeed, exactly 3 runs, one after another', async () => {
    const { em, id } = await setup({ jobSeconds: HOUR });
    // a process that finds a run unfinished ends it (finishJobs), so the runs follow each other
    const results = await Promise.all([0, 1, 2].map(() => runCli(['execute', '--policy-id', id, '--when-busy', 'wait'], emulatorEnv(em.url), { timeoutMs: 40_000, ...endRunsWhenWaiting(em) })));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(em.executeCount(id)).toBe(3);
    const runs = new Map<string, string | undefined>();
    for (const j of em.jobs(PROJECT_ID, id)) runs.set(j.created_at, j.finished_at);
    const ordered = [...runs].sort((a, b) => a[0].localeCompare(b[0]));
    expect(ordered).toHaveLength(3);
    // each run started once the one before it had ended: none overlapping another
    for (let i = 1; i < 3; i++) expect(ordered[i][0] >= (ordered[i - 1][1] as string)).toBe(true);
  });

  // With a run still going when the others arrive, both others join it: exactly one run. With
  // runs that end at once (job time 0) there is nothing to join: three runs. The count shows
  // which happened, so the first case's "one" can fail.
  test.each([[HOUR, 1], [0, 3]])('join, job time %i s: 3 processes started together all succeed, %i run(s)', async (jobSeconds, runs) => {
    const { em, id } = await setup({ jobSeconds });
    const results = await Promise.all([0, 1, 2].map(() => runCli(['execute', '--policy-id', id, '--when-busy', 'join'], emulatorEnv(em.url))));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const joined = results.filter((r) => / joined the run started /.test(r.stdout)).length;
    expect(em.executeCount(id)).toBe(runs);
    expect(joined).toBe(3 - runs);
  });
});

describe('hook-backup VBS_HOOK_WHEN_BUSY', () => {
  const hook = (em: Emulator, env: Record<string, string>, o: Parameters<typeof runCli>[2] = {}) => runCli(['hook-backup'], emulatorEnv(em.url, env), o);

  test('unset: waits (the default)', async () => {
    const { em, id } = await setup();
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await hook(em, { VBS_HOOK_POLICY_ID: id }, endRunsWhenWaiting(em));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(BUSY_LINE);
    expect(em.executeCount(id)).toBe(1);
  });

  test('fail: exit 1 with the construct choices; continue mode only warns', async () => {
    const { em, id } = await setup();
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await hook(em, { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WHEN_BUSY: 'fail' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is busy: a run started at .*whenBusy is WhenBusy\.FAIL, so the deployment does not wait; WhenBusy\.WAIT_THEN_RUN \(the default\) waits for that run, then runs; WhenBusy\.JOIN_RUNNING counts that run as this trigger's backup$/m);
    const c = await hook(em, { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WHEN_BUSY: 'fail', VBS_HOOK_FAILURE_MODE: 'continue' });
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/^WARNING: executePolicy failed: HTTP 409 AutoBackup\.0225: .*WhenBusy\.JOIN_RUNNING.*\(failure mode continue: the deployment carries on\)$/m);
    expect(em.executeCount(id)).toBe(0);
  });

  test('join: exit 0, no execute counted', async () => {
    const { em, id } = await setup();
    em.startScheduledRun(PROJECT_ID, id, { jobSeconds: HOUR });
    const r = await hook(em, { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WHEN_BUSY: 'join' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${id} joined the run started \\S+Z$`, 'm'));
    expect(em.executeCount(id)).toBe(0);
  });

  test('a wrong value is exit 2 naming the variable and the choices', async () => {
    const { em, id } = await setup();
    const r = await hook(em, { VBS_HOOK_POLICY_ID: id, VBS_HOOK_WHEN_BUSY: 'WAIT_THEN_RUN' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("VBS_HOOK_WHEN_BUSY must be one of wait, join, fail, got 'WAIT_THEN_RUN'");
  });
});
