/**
 * Real Terraform, offline: the hook resource across a move between frameworks, and the `moved`
 * switch. With no context at all (the default hook resource, `terraform_data` under both
 * frameworks), an app applied under cdktf and synthesized again under cdktn plans no change and
 * runs nothing. The `cdktf-vbs-backup:moveFromNullResource` switch writes `moved` blocks from
 * `null_resource`: its stacks validate (JSON and HCL) and apply; a state that really holds
 * `null_resource` hooks cannot be made here (the hashicorp/null provider cannot be downloaded),
 * so that move itself is left to Terraform's own `null_resource` -> `terraform_data` support
 * (Terraform >= 1.9), whose plan compares `triggers` with `triggers_replace` value for value.
 */
import { Construct } from 'constructs';
import { BackupPolicy, BackupPolicyTrigger, Rerun, Retention, Schedule } from '../../src';
import type { Emulator } from '../../src/emulator';
import { MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY } from '../../src/core/hook-kind';
import { Flavour, VOLUMES, apiEnv, ok, policyNamed, startE2eEmulator, withStack } from './harness';

jest.setTimeout(180_000);

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startE2eEmulator();
});

afterAll(() => emulator?.stop());

/** Every hook kind: a managed policy with volumes, a trigger with a run and a run-before-destroy. */
const build = (policyName: string) => (stack: Construct): void => {
  const policy = new BackupPolicy(stack, 'Policy', {
    policyName,
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    volumeIds: [VOLUMES[0], VOLUMES[1]],
  });
  new BackupPolicyTrigger(stack, 'Trigger', { policy, rerun: Rerun.onChange({ release: '1' }), backupBeforeDestroy: true });
};

/** No context: the hook resource is each framework's default. */
const CDKTF_DEFAULT: Flavour = { framework: 'cdktf', context: {} };
const CDKTN_DEFAULT: Flavour = { framework: 'cdktn', context: {} };

test('an app applied under cdktf (default hook resource), then synthesized under cdktn, plans no change and runs nothing', async () => {
  await withStack('move-cdktf-cdktn', apiEnv(emulator), build('e2e-move'), async (sut) => {
    // under cdktf with no context the hooks are terraform_data
    expect(JSON.parse(sut.synthesized()).resource).toEqual({ terraform_data: expect.any(Object) });
    ok(await sut.apply(), 'apply under cdktf');
    const id = policyNamed(emulator, 'e2e-move').backup_policy_id;
    expect(emulator.executeCount(id)).toBe(1);
    const addresses = (await sut.resources()).map((r) => r.address).sort();

    // the same app under cdktn
    sut.resynth(build('e2e-move'), CDKTN_DEFAULT);
    expect(sut.synthesized()).toContain('"terraform_data"');
    const plan = await sut.plan();
    expect({ code: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({ code: 0, output: '' });
    expect(plan.output).toContain('No changes');
    const callsBefore = emulator.requests().length;
    expect(ok(await sut.apply(), 'apply under cdktn').output).toContain('0 added, 0 changed, 0 destroyed');
    expect(emulator.requests().slice(callsBefore)).toEqual([]);
    expect(emulator.executeCount(id)).toBe(1);
    expect((await sut.resources()).map((r) => r.address).sort()).toEqual(addresses);
  }, CDKTF_DEFAULT);
});

describe.each(['json', 'hcl'] as const)('the moved switch, %s', (output) => {
  const flavour: Flavour = { framework: 'cdktf', output, context: { [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: true } };

  test('writes a moved block per hook resource; the stack validates, applies (no null_resource in the state: nothing to move) and re-plans no change', async () => {
    const name = `e2e-moved-${output}`;
    await withStack(`moved-${output}`, apiEnv(emulator), build(name), async (sut) => {
      const text = sut.synthesized();
      const moved = output === 'json'
        ? (JSON.parse(text).moved as { from: string; to: string }[]).map((m) => `${m.from} -> ${m.to}`)
        : [...text.matchAll(/moved \{\s*to = (\S+)\s*from = (\S+)\s*\}/g)].map((m) => `${m[2]} -> ${m[1]}`);
      expect(moved).toHaveLength(4);
      for (const line of moved) {
        expect(line).toMatch(/^null_resource\.(\w+) -> terraform_data\.\1$/);
      }
      ok(await sut.validate(), 'terraform validate with moved blocks');
      ok(await sut.apply(), 'apply');
      expect(emulator.executeCount(policyNamed(emulator, name).backup_policy_id)).toBe(1);
      expect((await sut.plan()).code).toBe(0);
    }, flavour);
  });
});
