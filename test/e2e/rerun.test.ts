/**
 * Real Terraform, offline: how often a trigger runs its policy. Every count is the number of
 * executes the emulator answered 204 (its request log), never what the hooks say they did.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import {
  VOLUMES, apiClient, apiEnv, ok, policyNamed, startE2eEmulator, withStack,
} from './harness';

jest.setTimeout(120_000);

let emulator: Emulator;
let client: VbsClient;

beforeAll(async () => {
  emulator = await startE2eEmulator();
  client = apiClient(emulator);
});

afterAll(async () => {
  await client?.close();
  await emulator?.stop();
});

function policyWithTrigger(policyName: string, rerun?: Rerun) {
  return (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName,
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0], VOLUMES[1]],
    });
    new BackupPolicyTrigger(stack, 'Trigger', { policy, rerun });
  };
}

test('Rerun.once: the first apply executes once, an unchanged re-apply does not, and plan sees no changes', async () => {
  await withStack('rerun-once', apiEnv(emulator), policyWithTrigger('e2e-once'), async (sut) => {
    // given a fresh stack: the first apply creates the policy and runs it once
    ok(await sut.apply(), 'first apply');
    const policy = policyNamed(emulator, 'e2e-once');
    expect(policy.volume_ids.sort()).toEqual([VOLUMES[0], VOLUMES[1]]);
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    expect(emulator.requests({ operation: 'executePolicy' }).filter((r) => r.policyId === policy.backup_policy_id)).toHaveLength(1);

    // when nothing changed: plan reports no changes (exit 0 with -detailed-exitcode)
    const plan = await sut.plan();
    expect({ code: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({ code: 0, output: '' });
    expect(plan.output).toContain('No changes');

    // and a re-apply runs nothing: no hook, not a single API call
    const callsBefore = emulator.requests().length;
    const again = ok(await sut.apply(), 'unchanged re-apply');
    expect(again.output).toContain('0 added, 0 changed, 0 destroyed');
    expect(emulator.executeCount(policy.backup_policy_id)).toBe(1);
    expect(emulator.requests().slice(callsBefore)).toEqual([]);
  });
});

test('Rerun.onChange: a changed value executes once more, the same value does not', async () => {
  const build = (release: string) => policyWithTrigger('e2e-onchange', Rerun.onChange({ release }));
  await withStack('rerun-onchange', apiEnv(emulator), build('1.0.0'), async (sut) => {
    ok(await sut.apply(), 'first apply');
    const id = policyNamed(emulator, 'e2e-onchange').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(1);

    // when the watched value changes
    sut.resynth(build('1.0.1'));
    ok(await sut.apply(), 'apply with release 1.0.1');
    expect(emulator.executeCount(id)).toBe(2);

    // when it stays the same
    ok(await sut.apply(), 're-apply with release 1.0.1');
    expect(emulator.executeCount(id)).toBe(2);
    expect(policyNamed(emulator, 'e2e-onchange').backup_policy_id).toBe(id);
  });
});

test('Rerun.everyApply: every apply executes once', async () => {
  await withStack('rerun-every', apiEnv(emulator), policyWithTrigger('e2e-every', Rerun.everyApply()), async (sut) => {
    ok(await sut.apply(), 'apply 1');
    const id = policyNamed(emulator, 'e2e-every').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(1);
    ok(await sut.apply(), 'apply 2');
    expect(emulator.executeCount(id)).toBe(2);
    ok(await sut.apply(), 'apply 3');
    expect(emulator.executeCount(id)).toBe(3);
    // the policy itself is untouched by the re-runs
    expect(emulator.requests({ operation: 'createPolicy' }).filter((r) => r.policyId === id)).toHaveLength(1);
  });
});

test('Rerun.once runs again when the trigger points at another policy, and only then', async () => {
  const [first, second] = await Promise.all(['e2e-switch-1', 'e2e-switch-2'].map((name) => client.createPolicy({
    backup_policy_name: name,
    scheduled_policy: { start_time: '01:00', frequency: 1, rentention_num: 2, remain_first_backup_of_curMonth: 'N', status: 'ON' },
  })));
  const build = (policyId: string) => (stack: Construct): void => {
    BackupPolicy.fromPolicyId(stack, 'Existing', policyId).addTrigger('Trigger');
  };
  await withStack('rerun-switch', apiEnv(emulator), build(first), async (sut) => {
    ok(await sut.apply(), 'apply on the first policy');
    expect([emulator.executeCount(first), emulator.executeCount(second)]).toEqual([1, 0]);
    ok(await sut.apply(), 're-apply on the first policy');
    expect([emulator.executeCount(first), emulator.executeCount(second)]).toEqual([1, 0]);

    sut.resynth(build(second));
    ok(await sut.apply(), 'apply on the second policy');
    expect([emulator.executeCount(first), emulator.executeCount(second)]).toEqual([1, 1]);
  });
});
