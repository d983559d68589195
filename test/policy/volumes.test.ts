import { createHash } from 'node:crypto';
import { TerraformStack } from 'cdktf';
import { HookResource } from '../../src/core';
import { BackupPolicy, RemovalPolicy, Retention, Schedule } from '../../src/policy';
import { BackupPolicyProps } from '../../src/policy/policy';
import { BackupPolicyTrigger } from '../../src/trigger';
import { FRAMEWORK_NAMES, localExecs, PROJECT_ID, resourceNamed, resourcesOf, synthHcl, synthJson, under, VOLUME_A, VOLUME_B, hookEnvironment } from '../core/synth';

const VOLUME_C = '3c5d7e90-1a2b-4c3d-8e4f-5a6b7c8d9e33';

function policy(stack: TerraformStack, props: Partial<BackupPolicyProps> = {}): BackupPolicy {
  return new BackupPolicy(stack, 'Nightly', {
    policyName: 'nightly-db',
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    ...props,
  });
}

/** `v` + 12 hex of sha256 of what a token resolves to. */
function tokenKey(expression: string): string {
  return `v${createHash('sha256').update(expression).digest('hex').slice(0, 12)}`;
}

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack, hook, userResource, userResourceType } = under(framework);

  /** The synthesized Volumes block (and the Policy block) of the `Nightly` policy. */
  function volumesBlock(stack: TerraformStack, kind: string = hook.type) {
    const json = synthJson(stack);
    const volumes = resourceNamed(json, kind, 'Nightly_Volumes');
    const [attach, detach] = localExecs(volumes);
    return { json, volumes, attach, detach, policyId: Object.keys(resourcesOf(json, kind)).find((id) => id.startsWith('Nightly_Policy'))! };
  }

  describe('managed BackupPolicy: the Volumes resource (ADR 7)', () => {
    test('for_each over literal ids keyed by the id itself; volumes added later included', () => {
      const stack = newStack();
      const p = policy(stack, { volumeIds: [VOLUME_A] });
      p.addVolume(VOLUME_B);
      const { volumes } = volumesBlock(stack);
      expect(volumes.for_each).toEqual({ [VOLUME_A]: VOLUME_A, [VOLUME_B]: VOLUME_B });
    });

    test('a token is keyed by v + 12 hex of sha256 of its resolved expression, never a placeholder or an index', () => {
      const stack = newStack();
      const disk = userResource(stack, 'Disk');
      policy(stack, { volumeIds: [VOLUME_A, disk.id] });
      const { volumes } = volumesBlock(stack);
      const key = tokenKey(`\${${userResourceType}.Disk.id}`);
      expect(volumes.for_each).toEqual({ [VOLUME_A]: VOLUME_A, [key]: `\${${userResourceType}.Disk.id}` });
      expect(key).toMatch(/^v[0-9a-f]{12}$/);
      // a second synth of the same app gives the same keys
      expect(volumesBlock(stack).volumes.for_each).toEqual(volumes.for_each);
    });

    test('keys are stable across two synths of the same app, and do not move when a volume is removed', () => {
      const build = (withA: boolean) => {
        const stack = newStack();
        const disk = userResource(stack, 'Disk');
        const other = userResource(stack, 'Other');
        policy(stack, { volumeIds: [...(withA ? [VOLUME_A] : []), disk.id, other.id, VOLUME_B] });
        return volumesBlock(stack).volumes.for_each as Record<string, string>;
      };
      const first = build(true);
      const second = build(true);
      const without = build(false);
      expect(second).toEqual(first);
      expect(Object.keys(first)).toHaveLength(4);
      const { [VOLUME_A]: removed, ...rest } = first;
      expect(removed).toBe(VOLUME_A);
      expect(without).toEqual(rest);
    });

    test('each instance: triggers identity, volume = each.value, removal and connection keys', () => {
      const stack = newStack();
      const p = policy(stack, {
        volumeIds: [VOLUME_A],
        removalPolicy: RemovalPolicy.RETAIN,
        connection: { endpoint: 'http://127.0.0.1:8787', projectId: PROJECT_ID },
      });
      const { volumes } = volumesBlock(stack);
      expect(volumes[hook.triggers]).toEqual({
        VBS_HOOK_IDENTITY: p.identity,
        VBS_HOOK_VOLUME: '${each.value}',
        VBS_HOOK_REMOVAL: 'retain',
        VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787',
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
      });
      expect(volumes.lifecycle).toBeUndefined();
    });

    test('create runs hook-volume-attach with identity, each.value and the connection overrides', () => {
      const stack = newStack();
      const p = policy(stack, { volumeIds: [VOLUME_A], connection: { region: 'eu-de' } });
      const { volumes, attach } = volumesBlock(stack);
      expect(attach.command).toBe('hook-volume-attach');
      expect(attach.when).toBeUndefined();
      expect(attach.interpreter).toEqual(['node', expect.stringMatching(/^\$\{path\.module\}\/assets\/.*\/vbs-backup-hook\.js$/)]);
      // each input once: the environment is the instance's triggers
      expect(attach.environment).toBe(`\${self.${hook.triggers}}`);
      expect(hookEnvironment(volumes, attach)).toEqual({
        VBS_HOOK_IDENTITY: p.identity, VBS_HOOK_VOLUME: '${each.value}', VBS_HOOK_REMOVAL: 'destroy', VBS_HOOK_REGION: 'eu-de',
      });
    });

    test('destroy runs hook-volume-detach reading everything from self', () => {
      const stack = newStack();
      policy(stack, { volumeIds: [VOLUME_A], connection: { region: 'eu-de', endpoint: 'http://127.0.0.1:1' } });
      const { volumes, detach } = volumesBlock(stack);
      expect(detach.command).toBe('hook-volume-detach');
      expect(detach.when).toBe('destroy');
      expect(detach.environment).toBe(`\${self.${hook.triggers}}`);
      expect(hookEnvironment(volumes, detach)).toMatchObject({ VBS_HOOK_ENDPOINT: 'http://127.0.0.1:1', VBS_HOOK_REGION: 'eu-de', VBS_HOOK_REMOVAL: 'destroy' });
      expect(detach.environment).not.toMatch(/\beach\.|\b(?:null_resource|terraform_data|var|local|data)\.\w+/);
    });

    test.each([
      [HookResource.TERRAFORM_DATA, 'triggers_replace', HookResource.NULL_RESOURCE, 'triggers'],
      [HookResource.NULL_RESOURCE, 'triggers', HookResource.TERRAFORM_DATA, 'triggers_replace'],
    ])('hookResource %s: %s, read back from self; no %s', (kind, triggers, otherKind, otherTriggers) => {
      const stack = newStack();
      policy(stack, { volumeIds: [VOLUME_A], hookResource: kind });
      const { volumes, detach, json } = volumesBlock(stack, kind);
      expect(volumes.for_each).toEqual({ [VOLUME_A]: VOLUME_A });
      expect(volumes[triggers]).toMatchObject({ VBS_HOOK_VOLUME: '${each.value}', VBS_HOOK_REMOVAL: 'destroy' });
      expect(volumes[otherTriggers]).toBeUndefined();
      expect(detach.environment).toBe(`\${self.${triggers}}`);
      expect(resourcesOf(json, otherKind)).toEqual({});
    });

    test('depends on the policy resource; a trigger (run and before-destroy) depends on both', () => {
      const stack = newStack();
      const p = policy(stack, { volumeIds: [VOLUME_A] });
      const trigger = new BackupPolicyTrigger(stack, 'Trigger', { policy: p, backupBeforeDestroy: true });
      const { json, volumes, policyId } = volumesBlock(stack);
      const volumesId = Object.keys(resourcesOf(json, hook.type)).find((id) => id.startsWith('Nightly_Volumes'))!;
      expect(volumes.depends_on).toEqual([`${hook.type}.${policyId}`]);
      expect(resourcesOf(json, hook.type)[policyId].depends_on).toBeUndefined();
      for (const part of ['Trigger_Run', 'Trigger_BeforeDestroy']) {
        expect(resourceNamed(json, hook.type, part).depends_on).toEqual(
          expect.arrayContaining([`${hook.type}.${policyId}`, `${hook.type}.${volumesId}`]),
        );
      }
      expect(trigger.beforeDestroyResource).toBeDefined();
    });

    test('no volumes: the block is there (so removing the last volume still detaches it) with an empty map', () => {
      const stack = newStack();
      policy(stack);
      const { volumes } = volumesBlock(stack);
      expect(volumes.for_each).toEqual({});
    });

    test('HCL output renders for_each too', () => {
      const stack = newStack();
      policy(stack, { volumeIds: [VOLUME_A, VOLUME_C] });
      const hcl = synthHcl(stack);
      expect(hcl).toMatch(new RegExp(`for_each = \\{[^}]*"${VOLUME_A}" = "${VOLUME_A}"`, 's'));
      expect(hcl).toContain('hook-volume-attach');
    });

    test('the same volume twice through two tokens is refused at synth, naming the expression', () => {
      const stack = newStack();
      const disk = userResource(stack, 'Disk');
      policy(stack, { volumeIds: [disk.id, disk.id] });
      expect(() => synthJson(stack)).toThrow(
        new RegExp(`stack/Nightly: volume id "\\$\\{${userResourceType}\\.Disk\\.id\\}" is in the policy twice .*; allowed: each volume once`),
      );
    });
  });
});
