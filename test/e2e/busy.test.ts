/**
 * Real Terraform, offline: a busy policy (a run unfinished, AutoBackup.0225). A scheduled run in
 * progress when the apply starts; three stacks applied in parallel (three terraform processes)
 * with triggers on one policy; and WhenBusy.FAIL keeping today's outcome. Every count is the
 * number of executes the emulator answered 204 (scheduled runs are not executes). Runs last an
 * hour of emulator time: the test ends a run once a hook is seen waiting for it
 * (`endRunsWhenWaitedFor`), so no hook can miss a busy policy on a slow machine and none waits
 * out a job time.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, WhenBusy } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import {
  HOUR, PROJECT_ID, StackUnderTest, VOLUMES, apiClient, apiEnv, emulatorAndClientForFile, endRunsWhenWaitedFor, failed, hookLines, ok, withStack,
} from './harness';

jest.setTimeout(180_000);

let emulator: Emulator;
let client: VbsClient;

emulatorAndClientForFile({ jobSeconds: HOUR }, apiClient, (em, c) => {
  emulator = em;
  client = c;
});

const schedule = { start_time: '02:00', frequency: 1, rentention_num: 7, remain_first_backup_of_curMonth: 'N' as const, status: 'ON' as const };

/** A policy that exists outside the stacks (as a shared, scheduled one would), with two volumes. */
async function sharedPolicy(name: string): Promise<string> {
  const id = await client.createPolicy({ backup_policy_name: name, scheduled_policy: schedule });
  await client.associateVolumes(id, [VOLUMES[0], VOLUMES[1]]);
  return id;
}

function triggerOn(policyId: string, whenBusy?: WhenBusy) {
  return (stack: Construct): void => {
    const policy = BackupPolicy.fromPolicyId(stack, 'Shared', policyId);
    new BackupPolicyTrigger(stack, 'Trigger', { policy, whenBusy, timeoutSeconds: 120 });
  };
}

/** The instants (epoch ms) the policy's runs started, oldest first. */
function runStarts(policyId: string): number[] {
  return [...new Set(emulator.jobs(PROJECT_ID, policyId).map((j) => Date.parse(`${j.created_at}Z`)))].sort((a, b) => a - b);
}

test('(a) a scheduled run in progress when the apply starts: the apply waits for it and passes, exactly 1 execute', async () => {
  const id = await sharedPolicy('e2e-busy-scheduled');
  await withStack('busy-scheduled', apiEnv(emulator), triggerOn(id), async (sut) => {
    const scheduled = emulator.startScheduledRun(PROJECT_ID, id);
    const apply = ok(await endRunsWhenWaitedFor(emulator, { policyId: id }, sut.apply()), 'apply while a scheduled run is in progress');
    const lines = hookLines(apply.output);
    expect(lines.some((l) => /is busy: a run started at \S+Z is unfinished \(2 jobs: .*\); waiting for it to finish, then starting this run \(when busy: wait\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^the run started at \S+Z is over; waited \d+\.\d s; starting this run$/.test(l))).toBe(true);
    expect(emulator.executeCount(id)).toBe(1);
    // our execute was accepted only after the scheduled run's jobs were final
    const accepted = emulator.requests({ operation: 'executePolicy', policyId: id }).filter((r) => r.status === 204);
    const ended = emulator.jobs(PROJECT_ID, id).filter((j) => scheduled.some((x) => x.job_id === j.job_id));
    expect(ended.map((j) => j.status)).toEqual(['EXECUTE_SUCCESS', 'EXECUTE_SUCCESS']);
    expect(Date.parse(accepted[0].time)).toBeGreaterThanOrEqual(Date.parse(`${ended[0].finished_at}Z`));
    expect(runStarts(id)).toHaveLength(2);
    const run = await sut.resource('_Run_');
    expect(run.tainted === true).toBe(false);
  });
});

/** Applies three stacks, each with a trigger on `policyId`, as three parallel terraform processes. */
async function applyInParallel(prefix: string, policyId: string, whenBusy: WhenBusy): Promise<{ codes: number[]; outputs: string[] }> {
  const stacks: StackUnderTest[] = [];
  try {
    for (const n of [1, 2, 3]) stacks.push(await StackUnderTest.create(`${prefix}-${n}`, apiEnv(emulator), triggerOn(policyId, whenBusy)));
    const applies = Promise.all(stacks.map((s) => s.apply()));
    // a joining hook lists the jobs too, but must find the run still going: nothing ends it then
    const results = await (whenBusy === WhenBusy.JOIN_RUNNING ? applies : endRunsWhenWaitedFor(emulator, { policyId }, applies));
    return { codes: results.map((r) => r.code ?? -1), outputs: results.map((r) => r.output) };
  } finally {
    for (const s of stacks) s.dispose();
  }
}

test('(b) three stacks applied in parallel, WAIT_THEN_RUN: all pass, exactly 3 executes, one run after another', async () => {
  const id = await sharedPolicy('e2e-busy-parallel-wait');
  const { codes, outputs } = await applyInParallel('busy-wait', id, WhenBusy.WAIT_THEN_RUN);
  expect({ codes, outputs: codes.every((c) => c === 0) ? [] : outputs }).toEqual({ codes: [0, 0, 0], outputs: [] });
  expect(emulator.executeCount(id)).toBe(3);
  expect(runStarts(id)).toHaveLength(3);
  // one run after another: each began once the one before it had ended
  const runs = new Map<string, string | undefined>();
  for (const j of emulator.jobs(PROJECT_ID, id)) runs.set(j.created_at, j.finished_at);
  const ordered = [...runs].sort((a, b) => a[0].localeCompare(b[0]));
  for (let i = 1; i < ordered.length; i++) expect(ordered[i][0] >= (ordered[i - 1][1] as string)).toBe(true);
  // a run lasts until a hook waits for it: the first run was unfinished for the next hook to come,
  // which waited (the third may come between two runs and not wait)
  const waited = outputs.filter((o) => hookLines(o).some((l) => /is busy: a run started at .*; waiting for it to finish/.test(l))).length;
  expect(waited).toBeGreaterThanOrEqual(1);
  process.stdout.write(`\nWAIT_THEN_RUN, 3 parallel applies: ${emulator.executeCount(id)} executes, ${waited} hook(s) waited\n`);
});

test('(b) three stacks applied in parallel, JOIN_RUNNING: all pass, exactly 1 execute, the two others joined it', async () => {
  const id = await sharedPolicy('e2e-busy-parallel-join');
  const { codes, outputs } = await applyInParallel('busy-join', id, WhenBusy.JOIN_RUNNING);
  expect({ codes, outputs: codes.every((c) => c === 0) ? [] : outputs }).toEqual({ codes: [0, 0, 0], outputs: [] });
  const joined = outputs.filter((o) => hookLines(o).some((l) => / joined the run started /.test(l) || /joining it as this run/.test(l))).length;
  // the first run lasts an hour unless a hook waits for it, and a joining hook does not wait
  expect(emulator.executeCount(id)).toBe(1);
  expect(joined).toBe(2);
  process.stdout.write(`\nJOIN_RUNNING, 3 parallel applies: ${emulator.executeCount(id)} execute(s), ${joined} hook(s) joined\n`);
});

test('(c) WhenBusy.FAIL keeps today\'s outcome: exit 1, run tainted, the message says busy and the choices; the next apply runs once', async () => {
  const id = await sharedPolicy('e2e-busy-fail');
  await withStack('busy-fail', apiEnv(emulator), triggerOn(id, WhenBusy.FAIL), async (sut) => {
    const scheduled = emulator.startScheduledRun(PROJECT_ID, id);
    const apply = failed(await sut.apply(), 'apply with WhenBusy.FAIL while a scheduled run is in progress');
    expect(apply.output).toMatch(/Error: local-exec provisioner error/);
    const error = hookLines(apply.output).find((l) => l.startsWith('error: '));
    expect(error).toMatch(new RegExp(`^error: executePolicy failed: HTTP 409 AutoBackup\\.0225: .*; policy ${id} is busy: a run started at \\S+Z is unfinished \\(2 jobs: .*\\)\\. ` +
      'whenBusy is WhenBusy\\.FAIL, so the deployment does not wait; WhenBusy\\.WAIT_THEN_RUN \\(the default\\) waits for that run, then runs; WhenBusy\\.JOIN_RUNNING counts that run as this trigger\'s backup$'));
    expect(emulator.executeCount(id)).toBe(0);
    expect((await sut.resource('_Run_')).tainted).toBe(true);

    // once the scheduled run is over, the next apply runs the policy exactly once
    expect(emulator.finishJobs({ policyId: id }).jobs).toBe(2);
    expect(emulator.jobs(PROJECT_ID, id).map((j) => j.job_id)).toEqual(scheduled.map((j) => j.job_id));
    ok(await sut.apply(), 'apply after the scheduled run');
    expect(emulator.executeCount(id)).toBe(1);
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
  });
});
