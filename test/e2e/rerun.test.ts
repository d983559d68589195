/**
 * Real Terraform, offline: how often a trigger runs its policy. Every count is the number of
 * executes the emulator answered 204 (its request log), never what the hooks say they did.
 */
import * as cdktn from 'cdktn';
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from '../../src';
import { VbsClient } from '../../src/client';
import { Emulator } from '../../src/emulator';
import { VOLUMES, apiClient, apiEnv, emulatorAndClientForFile, ok, policyNamed, withStack } from './harness';
import { FRAMEWORKS } from '../../examples/support/frameworks';

jest.setTimeout(120_000);

let emulator: Emulator;
let client: VbsClient;

emulatorAndClientForFile({}, apiClient, (em, c) => {
  emulator = em;
  client = c;
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

test.each([
  { framework: 'cdktf', output: 'json' },
  { framework: 'cdktn', output: 'hcl' },
] as const)('Rerun.whenChanged(migration), $framework $output: once per change of the migration (update or replace), never on a plain re-apply, never the before-destroy', async (flavour) => {
  /** The migration: a change of its `input` updates it in place, of its `triggers_replace` replaces it. */
  const build = (schemaVersion: string, epoch = '1') => (stack: Construct): void => {
    const migration = new Construct(stack, 'Migration');
    const { TerraformResource } = FRAMEWORKS[stack instanceof cdktn.TerraformStack ? 'cdktn' : 'cdktf'];
    const job = new TerraformResource(migration, 'Job', { terraformResourceType: 'terraform_data' });
    job.addOverride('input', { schemaVersion });
    job.addOverride('triggers_replace', { epoch });
    const policy = new BackupPolicy(stack, 'Policy', {
      policyName,
      schedule: Schedule.daily(['02:00']),
      retention: Retention.count(7),
      volumeIds: [VOLUMES[0]],
    });
    new BackupPolicyTrigger(stack, 'AfterMigration', {
      policy,
      executeAfter: [migration],
      rerun: Rerun.whenChanged(migration),
      backupBeforeDestroy: true,
    });
  };
  const policyName = `e2e-when-changed-${flavour.output}`;
  await withStack(`rerun-when-changed-${flavour.output}`, apiEnv(emulator), build('v2'), async (sut) => {
    const counts: number[] = [];
    const outputs: string[] = [];
    const step = async (what: string) => {
      outputs.push(ok(await sut.apply(), what).output);
      counts.push(emulator.executeCount(policyNamed(emulator, policyName).backup_policy_id));
    };
    await step('first apply (v2)');
    await step('re-apply (v2)');
    sut.resynth(build('v3'));
    await step('apply of the migration v2 -> v3 (an update in place)');
    await step('re-apply (v3)');
    sut.resynth(build('v3', '2'));
    await step('apply of a replaced migration');
    await step('re-apply');
    expect((await sut.plan()).code).toBe(0);
    // one run at first, one per change of the migration, none on a re-apply (a fired
    // before-destroy would add one at each re-run)
    expect(counts).toEqual([1, 1, 2, 2, 3, 3]);
    // each re-run starts once the migration's change is complete
    for (const [i, done] of [[2, 'Modifications complete'], [4, 'Creation complete']] as const) {
      const lines = outputs[i].split('\n');
      const migrated = lines.findIndex((l) => l.includes('Migration_Job') && l.includes(done));
      const run = lines.findIndex((l) => l.includes('AfterMigration_Run') && l.includes('Creating...'));
      expect({ step: i, migrated: migrated >= 0, runAfter: run > migrated }).toEqual({ step: i, migrated: true, runAfter: true });
    }
    for (const output of outputs) expect(output).not.toContain('before destroy');
    const id = policyNamed(emulator, policyName).backup_policy_id;
    expect(emulator.requests({ operation: 'createPolicy' }).filter((r) => r.policyId === id)).toHaveLength(1);
  }, flavour);
});
