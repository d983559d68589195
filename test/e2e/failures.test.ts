/**
 * Real Terraform, offline: failed runs. FailureMode.FAIL fails the apply and leaves the run
 * resource tainted so the next apply tries again; FailureMode.CONTINUE warns and carries on;
 * waitForCompletion reports a failed job with its reason.
 */
import { Construct } from 'constructs';
import {
  BackupPolicy, BackupPolicyTrigger, BackupPolicyTriggerOptions, FailureMode, Rerun, Retention, Schedule, WhenBusy,
} from '../../src';
import { Emulator } from '../../src/emulator';
import {
  PROJECT_ID, StackUnderTest, VOLUMES, apiEnv, failed, hookLines, ok, policyNamed, startE2eEmulator, withStack,
} from './harness';

jest.setTimeout(120_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator({ jobSeconds: 1 });
});

afterEach(() => emulator.clearFaults());

afterAll(() => emulator?.stop());

function stackWith(policyName: string, options: BackupPolicyTriggerOptions = {}) {
  return (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName,
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(3),
      volumeIds: [VOLUMES[0], VOLUMES[1]],
    });
    new BackupPolicyTrigger(stack, 'Trigger', { policy, timeoutSeconds: 60, ...options });
  };
}

/** Asserts the trigger's run resource is (or is not) tainted, in `show -json` and the raw state. */
async function expectRunTainted(sut: StackUnderTest, tainted: boolean): Promise<void> {
  const run = await sut.resource('_Run_');
  expect(run.tainted === true).toBe(tainted);
  const raw = JSON.parse(sut.rawState()) as { resources: { type: string; name: string; instances: { status?: string }[] }[] };
  const entry = raw.resources.find((r) => r.type === 'terraform_data' && r.name === run.name);
  expect(entry?.instances[0]?.status === 'tainted').toBe(tainted);
}

test('execute answering 500 on every retry fails the apply and taints the run; the next apply executes once', async () => {
  await withStack('fail-500', apiEnv(emulator), stackWith('e2e-fail-500'), async (sut) => {
    // given executes that keep failing with 500 (more times than the client retries)
    emulator.addFault({ operation: 'executePolicy', status: 500, times: 20 });

    // when applying: the policy is created, its run fails
    const first = failed(await sut.apply(), 'apply with failing executes');
    const id = policyNamed(emulator, 'e2e-fail-500').backup_policy_id;
    expect(first.output).toMatch(/executePolicy/);
    expect(first.output).toMatch(/\b500\b/);
    expect(emulator.executeCount(id)).toBe(0);
    const attempts = emulator.requests({ operation: 'executePolicy', policyId: id });
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.every((r) => r.status === 500)).toBe(true);
    await expectRunTainted(sut, true);
    const plan = await sut.plan();
    expect(plan.code).toBe(2);
    expect(plan.output).toMatch(/tainted/);

    // then, the fault cleared, the next apply runs the policy exactly once
    emulator.clearFaults();
    ok(await sut.apply(), 'apply after the fault is cleared');
    expect(emulator.executeCount(id)).toBe(1);
    await expectRunTainted(sut, false);
    ok(await sut.apply(), 'apply once more');
    expect(emulator.executeCount(id)).toBe(1);
  });
});

test('execute answering AutoBackup.0205 (unknown policy) fails the apply at once and taints the run; the next apply executes once', async () => {
  await withStack('fail-0205', apiEnv(emulator), stackWith('e2e-fail-0205'), async (sut) => {
    emulator.addFault({
      operation: 'executePolicy',
      status: 404,
      body: { error: { code: 'AutoBackup.0205', message: 'The backup policy does not exist.' } },
    });
    const first = failed(await sut.apply(), 'apply with an unknown-policy answer');
    const id = policyNamed(emulator, 'e2e-fail-0205').backup_policy_id;
    expect(first.output).toContain('AutoBackup.0205');
    // not retried: a 404 is not a transient failure
    expect(emulator.requests({ operation: 'executePolicy', policyId: id })).toHaveLength(1);
    expect(emulator.executeCount(id)).toBe(0);
    await expectRunTainted(sut, true);

    ok(await sut.apply(), 'apply after the fault is used up');
    expect(emulator.executeCount(id)).toBe(1);
    await expectRunTainted(sut, false);
  });
});

test('waitForCompletion with a job ending EXECUTE_FAIL fails the apply with the job\'s reason; the retry succeeds', async () => {
  const reason = 'snapshot quota of the disk exceeded';
  await withStack('fail-job', apiEnv(emulator), stackWith('e2e-fail-job', { waitForCompletion: true }), async (sut) => {
    emulator.addFault({ operation: 'executePolicy', jobStatus: 'EXECUTE_FAIL', failReason: reason });

    const first = failed(await sut.apply(), 'apply whose backup jobs fail');
    const policy = policyNamed(emulator, 'e2e-fail-job');
    expect(first.output).toContain(reason);
    expect(first.output).toContain('EXECUTE_FAIL');
    // the run itself was accepted once; its jobs failed
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    const jobs = emulator.jobs(PROJECT_ID, policy.backup_policy_id);
    expect(jobs.map((j) => j.status)).toEqual(['EXECUTE_FAIL', 'EXECUTE_FAIL']);
    await expectRunTainted(sut, true);

    // the next apply runs again, waits, and succeeds
    const second = ok(await sut.apply(), 'apply after the failed jobs');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(2);
    expect(hookLines(second.output).join('\n')).toMatch(/EXECUTE_SUCCESS|finished/);
  });
});

test('FailureMode.CONTINUE: a failed run only warns, the apply succeeds and the run is not retried', async () => {
  const build = stackWith('e2e-continue', { failureMode: FailureMode.CONTINUE, waitForCompletion: true });
  await withStack('fail-continue', apiEnv(emulator), build, async (sut) => {
    emulator.addFault({ operation: 'executePolicy', jobStatus: 'EXECUTE_FAIL', failReason: 'volume is being detached' });

    const apply = ok(await sut.apply(), 'apply in continue mode');
    const id = policyNamed(emulator, 'e2e-continue').backup_policy_id;
    const warning = hookLines(apply.output).find((l) => l.startsWith('WARNING:'));
    expect(warning).toBeDefined();
    expect(warning).toContain('volume is being detached');
    expect(apply.output).not.toMatch(/^Error:/m);
    expect(emulator.executeCount(id)).toBe(1);
    await expectRunTainted(sut, false);

    // carried on: the next apply has nothing to do
    ok(await sut.apply(), 're-apply in continue mode');
    expect(emulator.executeCount(id)).toBe(1);
  });
});

test('FailureMode.CONTINUE: an API error (non-retryable) also only warns', async () => {
  // WhenBusy.FAIL: a busy refusal is then an API error like any other (the default would wait).
  const build = stackWith('e2e-continue-api', { failureMode: FailureMode.CONTINUE, whenBusy: WhenBusy.FAIL });
  await withStack('fail-continue-api', apiEnv(emulator), build, async (sut) => {
    emulator.addFault({
      operation: 'executePolicy',
      status: 400,
      body: { error: { code: 'AutoBackup.0225', message: 'The backup policy is being executed.' } },
    });
    const apply = ok(await sut.apply(), 'apply in continue mode with an API error');
    const warning = hookLines(apply.output).find((l) => l.startsWith('WARNING:'));
    expect(warning).toContain('AutoBackup.0225');
    expect(emulator.executeCount(policyNamed(emulator, 'e2e-continue-api').backup_policy_id)).toBe(0);
  });
});

test('an execute that keeps failing with 500 right after an earlier run is not mistaken for that run', async () => {
  // Rerun.everyApply: the second apply must run the policy again, or fail.
  await withStack('fail-after-run', apiEnv(emulator), stackWith('e2e-fail-after-run', { rerun: Rerun.everyApply() }), async (sut) => {
    ok(await sut.apply(), 'first apply');
    const id = policyNamed(emulator, 'e2e-fail-after-run').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(1);
    const earlier = emulator.requests({ operation: 'executePolicy', policyId: id })[0];

    // when every execute of the next apply is answered 500 (none is processed)
    emulator.addFault({ operation: 'executePolicy', status: 500, times: 20 });
    const second = await sut.apply();
    const attempts = emulator.requests({ operation: 'executePolicy', policyId: id }).filter((r) => r.seq > earlier.seq);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((r) => r.status === 500)).toBe(true);

    // then no backup was started, so the apply must not report one
    expect(emulator.executeCount(id)).toBe(1);
    expect(hookLines(second.output).filter((l) => l.includes('already started by an earlier attempt'))).toEqual([]);
    failed(second, 'apply whose executes all failed');
  });
});
