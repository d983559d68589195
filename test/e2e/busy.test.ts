/**
 * Real Terraform, offline: a busy policy (a run unfinished, AutoBackup.0225). A scheduled run in
 * progress when the apply starts; three stacks applied in parallel (three terraform processes)
 * with triggers on one policy; and WhenBusy.FAIL keeping today's outcome. Every count is the
 * number of executes the emulator answered 204 (scheduled runs are not executes).
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, WhenBusy } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import {
  PROJECT_ID, StackUnderTest, VOLUMES, apiClient, apiEnv, failed, hookLines, ok, startE2eEmulator, withStack,
} from './harness';

jest.setTimeout(180_000);

let emulator: Emulator;
let client: VbsClient;

beforeAll(async () => {
  emulator = await startE2eEmulator({ jobSeconds: 3 });
  client = apiClient(emulator);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
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
    const scheduled = emulator.startScheduledRun(PROJECT_ID, id, { jobSeconds: 4 });
    const apply = ok(await sut.apply(), 'apply while a scheduled run is in progress');
    const lines = hookLines(apply.output);
    expect(lines.some((l) => /is busy: a run started at \S+Z is unfinished \(2 jobs: .*\); waiting for it to finish, then starting this run \(when busy: wait\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^the run started at \S+Z is over; waited \d+\.\d s; starting this run$/.test(l))).toBe(true);
    expect(emulator.executeCount(id)).toBe(1);
    // our execute was accepted only after the scheduled run's jobs were final
    const accepted = emulator.requests({ operation: 'executePolicy', policyId: id }).filter((r) => r.status === 204);
    const scheduledEnd = Date.parse(`${scheduled[0].created_at}Z`) + 4000;
    expect(Date.parse(accepted[0].time)).toBeGreaterThanOrEqual(scheduledEnd);
    expect(runStarts(id)).toHaveLength(2);
    const run = await sut.resource('_Run_');
    expect(run.tainted === true).toBe(false);
  });
});

/** Polls the emulator until every job of the policy is final (fails after `timeoutMs`). */
async function untilFinal(policyId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!emulator.jobs(PROJECT_ID, policyId).every((j) => j.status === 'EXECUTE_SUCCESS')) {
    if (Date.now() > deadline) throw new Error(`the jobs of ${policyId} were not final after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Applies three stacks, each with a trigger on `policyId`, as three parallel terraform processes. */
async function applyInParallel(prefix: string, policyId: string, whenBusy: WhenBusy): Promise<{ codes: number[]; outputs: string[] }> {
  const stacks: StackUnderTest[] = [];
  try {
    for (const n of [1, 2, 3]) stacks.push(await StackUnderTest.create(`${prefix}-${n}`, apiEnv(emulator), triggerOn(policyId, whenBusy)));
    const results = await Promise.all(stacks.map((s) => s.apply()));
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
  const starts = runStarts(id);
  expect(starts).toHaveLength(3);
  for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(3000);
  // the applies overlapped: at least one hook found the policy busy and waited
  const waited = outputs.filter((o) => hookLines(o).some((l) => /is busy: a run started at .*; waiting for it to finish/.test(l))).length;
  expect(waited).toBeGreaterThanOrEqual(1);
  process.stdout.write(`\nWAIT_THEN_RUN, 3 parallel applies: ${emulator.executeCount(id)} executes, ${waited} hook(s) waited\n`);
});

test('(b) three stacks applied in parallel, JOIN_RUNNING: all pass, at most 3 executes', async () => {
  const id = await sharedPolicy('e2e-busy-parallel-join');
  const { codes, outputs } = await applyInParallel('busy-join', id, WhenBusy.JOIN_RUNNING);
  expect({ codes, outputs: codes.every((c) => c === 0) ? [] : outputs }).toEqual({ codes: [0, 0, 0], outputs: [] });
  const joined = outputs.filter((o) => hookLines(o).some((l) => / joined the run started /.test(l) || /joining it as this run/.test(l))).length;
  expect(emulator.executeCount(id)).toBeGreaterThanOrEqual(1);
  expect(emulator.executeCount(id)).toBeLessThanOrEqual(3);
  expect(emulator.executeCount(id)).toBe(3 - joined);
  expect(joined).toBeGreaterThanOrEqual(1);
  process.stdout.write(`\nJOIN_RUNNING, 3 parallel applies: ${emulator.executeCount(id)} execute(s), ${joined} hook(s) joined\n`);
});

test('(c) WhenBusy.FAIL keeps today\'s outcome: exit 1, run tainted, the message says busy and the choices; the next apply runs once', async () => {
  const id = await sharedPolicy('e2e-busy-fail');
  await withStack('busy-fail', apiEnv(emulator), triggerOn(id, WhenBusy.FAIL), async (sut) => {
    const scheduled = emulator.startScheduledRun(PROJECT_ID, id, { jobSeconds: 3 });
    const apply = failed(await sut.apply(), 'apply with WhenBusy.FAIL while a scheduled run is in progress');
    expect(apply.output).toMatch(/Error: local-exec provisioner error/);
    const error = hookLines(apply.output).find((l) => l.startsWith('error: '));
    expect(error).toMatch(new RegExp(`^error: executePolicy failed: HTTP 409 AutoBackup\\.0225: .*; policy ${id} is busy: a run started at \\S+Z is unfinished \\(2 jobs: .*\\)\\. ` +
      'whenBusy is WhenBusy\\.FAIL, so the deployment does not wait; WhenBusy\\.WAIT_THEN_RUN \\(the default\\) waits for that run, then runs; WhenBusy\\.JOIN_RUNNING counts that run as this trigger\'s backup$'));
    expect(emulator.executeCount(id)).toBe(0);
    expect((await sut.resource('_Run_')).tainted).toBe(true);

    // once the scheduled run is over, the next apply runs the policy exactly once
    await untilFinal(id, 10_000);
    expect(emulator.jobs(PROJECT_ID, id).map((j) => j.job_id)).toEqual(scheduled.map((j) => j.job_id));
    ok(await sut.apply(), 'apply after the scheduled run');
    expect(emulator.executeCount(id)).toBe(1);
    expect((await sut.resource('_Run_')).tainted === true).toBe(false);
  });
});
