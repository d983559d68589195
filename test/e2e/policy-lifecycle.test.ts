/**
 * Real Terraform, offline: a managed policy's life. Changed props update it in place (same
 * policy id, no run), destroy deletes it unless RETAIN, and a run-before-destroy fires on
 * destroy only, never on a mere re-run of its trigger.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, RemovalPolicy, Rerun, Retention, Schedule, Weekday } from '../../src';
import { Emulator } from '../../src/emulator';
import {
  PROJECT_ID, StackUnderTest, StateResource, VOLUMES, apiEnv, ok, policiesNamed, policyNamed, startE2eEmulator, withStack,
} from './harness';
import { MARKER_TAG_KEY } from '../../src/contract/hook';

jest.setTimeout(120_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator();
});

afterAll(() => emulator?.stop());

/** Requests of one operation on one policy. */
function calls(operation: 'createPolicy' | 'updatePolicy' | 'deletePolicy' | 'executePolicy', policyId: string) {
  return emulator.requests({ operation, policyId });
}

/** The policy's own hook resource (`Policy/Policy`, whose logical id cdktf shortens to `Policy_<hash>`), not its Volumes. */
async function policyResource(sut: StackUnderTest): Promise<StateResource> {
  const found = (await sut.resources()).filter((r) => r.type === 'terraform_data' && /^Policy_[0-9A-F]{8}$/.test(r.name));
  if (found.length !== 1) throw new Error(`expected one policy resource, found ${found.map((r) => r.address).join(', ') || 'none'}`);
  return found[0];
}

/** User tags of a policy as an object, the marker tag left out. */
function userTags(policyName: string): Record<string, string> {
  const tags = policyNamed(emulator, policyName).tags.filter((t) => t.key !== MARKER_TAG_KEY);
  return Object.fromEntries(tags.map((t) => [t.key, t.value]));
}

test('changed props (name, schedule, retention, status, tags, volumes) update the same policy in place, with no run', async () => {
  const before = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-props-a',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0], VOLUMES[1]],
      tags: { team: 'db', env: 'dev' },
    });
    new BackupPolicyTrigger(stack, 'Trigger', { policy });
  };
  const after = (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-props-b',
      schedule: Schedule.weekly([Weekday.MON, Weekday.THU], ['03:00', '15:00'], { timeZone: 'UTC+08:00' }),
      retention: Retention.days(30),
      enabled: false,
      retainFirstBackupOfMonth: true,
      volumeIds: [VOLUMES[1], VOLUMES[2]],
      tags: { team: 'ops', tier: 'gold' },
    });
    new BackupPolicyTrigger(stack, 'Trigger', { policy });
  };

  await withStack('policy-props', apiEnv(emulator), before, async (sut) => {
    ok(await sut.apply(), 'first apply');
    const original = policyNamed(emulator, 'e2e-props-a');
    const id = original.backup_policy_id;
    expect(original.scheduled_policy).toMatchObject({ start_time: '02:00', frequency: 1, rentention_num: 7, status: 'ON' });
    expect(userTags('e2e-props-a')).toEqual({ team: 'db', env: 'dev' });
    expect(original.tags.filter((t) => t.key === MARKER_TAG_KEY)).toHaveLength(1);
    expect(emulator.executeCount(id)).toBe(1);

    // when every prop changes, the name included
    sut.resynth(after);
    ok(await sut.apply(), 'apply with changed props');

    // then the same policy carries the new settings
    expect(policiesNamed(emulator, 'e2e-props-a')).toHaveLength(0);
    const updated = policyNamed(emulator, 'e2e-props-b');
    expect(updated.backup_policy_id).toBe(id);
    expect(updated.scheduled_policy).toMatchObject({
      start_time: '03:00,15:00', week_frequency: ['MON', 'THU'], rentention_day: 30,
      status: 'OFF', remain_first_backup_of_curMonth: 'Y',
    });
    expect(updated.scheduled_policy.rentention_num).toBeUndefined();
    expect(updated.time_zone).toBe('UTC+08:00');
    expect([...updated.volume_ids].sort()).toEqual([VOLUMES[1], VOLUMES[2]]);
    expect(userTags('e2e-props-b')).toEqual({ team: 'ops', tier: 'gold' });
    expect(updated.tags.filter((t) => t.key === MARKER_TAG_KEY)).toHaveLength(1);
    // one policy created, none deleted, and the trigger (Rerun.once) did not run again
    expect(calls('createPolicy', id)).toHaveLength(1);
    expect(calls('deletePolicy', id)).toHaveLength(0);
    expect(emulator.executeCount(id)).toBe(1);
    expect(emulator.policies(PROJECT_ID).filter((p) => p.tags.some((t) => t.key === MARKER_TAG_KEY))).toHaveLength(1);

    // and a re-apply is a no-op
    const plan = await sut.plan();
    expect(plan.code).toBe(0);
    ok(await sut.destroy(), 'destroy');
    expect(policiesNamed(emulator, 'e2e-props-b')).toHaveLength(0);
  });
});

test('destroy deletes a policy (RemovalPolicy.DESTROY, the default) and keeps a RETAIN one; destroy runs nothing', async () => {
  const build = (stack: Construct): void => {
    const deleted = new BackupPolicy(stack, 'Deleted', {
      policyName: 'e2e-destroyed',
      schedule: Schedule.everyNDays(3, ['04:00']),
      retention: Retention.count(2),
      volumeIds: [VOLUMES[0]],
    });
    new BackupPolicy(stack, 'Kept', {
      policyName: 'e2e-retained',
      schedule: Schedule.daily(['05:00']),
      retention: Retention.count(2),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    deleted.addTrigger('Trigger');
  };
  await withStack('policy-destroy', apiEnv(emulator), build, async (sut) => {
    ok(await sut.apply(), 'apply');
    const deletedId = policyNamed(emulator, 'e2e-destroyed').backup_policy_id;
    const keptId = policyNamed(emulator, 'e2e-retained').backup_policy_id;
    expect(policyNamed(emulator, 'e2e-destroyed').scheduled_policy).toMatchObject({ frequency: 3, start_time: '04:00' });
    expect(emulator.executeCount(deletedId)).toBe(1);

    ok(await sut.destroy(), 'destroy');
    expect(policiesNamed(emulator, 'e2e-destroyed')).toHaveLength(0);
    expect(calls('deletePolicy', deletedId).map((r) => r.status)).toEqual([204]);
    expect(policyNamed(emulator, 'e2e-retained').backup_policy_id).toBe(keptId);
    expect(calls('deletePolicy', keptId)).toHaveLength(0);
    expect(emulator.executeCount(deletedId)).toBe(1);
    expect(emulator.executeCount(keptId)).toBe(0);
    expect(await sut.resources()).toEqual([]);
  });
});

test('backupBeforeDestroy runs once on destroy, before the policy is deleted, and not when the trigger re-runs', async () => {
  const build = (release: string) => (stack: Construct): void => {
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-before-destroy',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0]],
    });
    new BackupPolicyTrigger(stack, 'Trigger', { policy, rerun: Rerun.onChange({ release }), backupBeforeDestroy: true });
  };
  await withStack('policy-before-destroy', apiEnv(emulator), build('1'), async (sut) => {
    ok(await sut.apply(), 'first apply');
    const id = policyNamed(emulator, 'e2e-before-destroy').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(1);

    // a re-run of the trigger replaces its run resource only
    sut.resynth(build('2'));
    const rerun = ok(await sut.apply(), 'apply with a new release');
    expect(rerun.output).toContain('1 added, 0 changed, 1 destroyed');
    expect(rerun.output).not.toContain('before destroy');
    expect(emulator.executeCount(id)).toBe(2);

    // destroy: one more run, then the policy is deleted
    const destroy = ok(await sut.destroy(), 'destroy');
    expect(destroy.output).toContain('before destroy');
    expect(emulator.executeCount(id)).toBe(3);
    const executes = calls('executePolicy', id).filter((r) => r.status === 204);
    const deletes = calls('deletePolicy', id);
    expect(deletes.map((r) => r.status)).toEqual([204]);
    expect(executes[executes.length - 1].seq).toBeLessThan(deletes[0].seq);
    expect(policiesNamed(emulator, 'e2e-before-destroy')).toHaveLength(0);
  });
});

test('terraform apply -replace of the policy resource keeps the same policy (create before destroy, marker check)', async () => {
  const build = (stack: Construct): void => {
    new BackupPolicy(stack, 'Policy', {
      policyName: 'e2e-replaced',
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0]],
      tags: { owner: 'e2e' },
    });
  };
  await withStack('policy-replace', apiEnv(emulator), build, async (sut) => {
    ok(await sut.apply(), 'apply');
    const id = policyNamed(emulator, 'e2e-replaced').backup_policy_id;
    const resource = await policyResource(sut);

    const replaced = ok(await sut.apply([`-replace=${resource.address}`]), 'apply -replace');
    expect(replaced.output).toContain('1 added, 0 changed, 1 destroyed');
    const policy = policyNamed(emulator, 'e2e-replaced');
    expect(policy.backup_policy_id).toBe(id);
    expect(policy.volume_ids).toEqual([VOLUMES[0]]);
    expect(userTags('e2e-replaced')).toEqual({ owner: 'e2e' });
    expect(calls('deletePolicy', id)).toHaveLength(0);
    expect(calls('createPolicy', id)).toHaveLength(1);
    expect((await policyResource(sut)).values.id).not.toBe(resource.values.id);

    ok(await sut.destroy(), 'destroy');
    expect(policiesNamed(emulator, 'e2e-replaced')).toHaveLength(0);
  });
});
