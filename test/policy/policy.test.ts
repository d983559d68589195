import { createHash } from 'node:crypto';
import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import type { TerraformStack } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // the types of cdktf's jest matchers, loaded as cdktf's project template does
import { HookResource } from '../../src/core';
import { BackupPolicy, RemovalPolicy, Retention, Schedule, Weekday } from '../../src/policy';
import { BackupPolicyProps } from '../../src/policy/policy';
import { terraformJson } from '../../src/policy/spec';
import { FRAMEWORK_NAMES, hookEnvironment, localExecs, POLICY_ID, PROJECT_ID, resourceNamed, synthJson, under, VOLUME_A, VOLUME_B } from '../core/synth';

function policy(stack: TerraformStack, props: Partial<BackupPolicyProps> = {}, id = 'Nightly'): BackupPolicy {
  return new BackupPolicy(stack, id, {
    policyName: 'nightly-db',
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
    ...props,
  });
}

/** The class a user's jest matcher names the hook resource by: a prebuilt provider's under cdktf, the built-in one under cdktn. */
const HOOK_CLASS = { cdktf: cdktf.DataResource, cdktn: cdktn.DataResource };

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack, hook, module, userResource } = under(framework);
  module.Testing.setupJest();

  /**
   * The per-instance revision the hooks get: the spec's revision (first 16 hex of its sha256, as
   * Terraform computes it from the spec trigger) joined with the resource's own id, from self.
   */
  function revisionOf(triggers: string = hook.triggers): string {
    return `substr(sha256(join("/", [substr(sha256(self.${triggers}.VBS_HOOK_SPEC), 0, 16), self.id])), 0, 16)`;
  }

  /** The managed policy's resource, its two provisioners and their environments, and the spec's JSON text. */
  function managed(stack: TerraformStack, kind: string = hook.type) {
    const json = synthJson(stack);
    const res = resourceNamed(json, kind, 'Nightly_Policy');
    const [apply, destroy] = localExecs(res);
    const triggers = res[kind === 'null_resource' ? 'triggers' : 'triggers_replace'];
    return {
      json, res, apply, destroy,
      applyEnv: hookEnvironment(res, apply), destroyEnv: hookEnvironment(res, destroy),
      spec: triggers.VBS_HOOK_SPEC as string,
    };
  }

  describe('managed BackupPolicy: the hook resource (ADR 2)', () => {
    test(`a ${hook.type} with create_before_destroy and identity, revision and removal triggers`, () => {
      const stack = newStack();
      const p = policy(stack);
      expect(module.Testing.synth(stack)).toHaveResourceWithProperties(HOOK_CLASS[framework], {
        lifecycle: { create_before_destroy: true },
      });
      const { res } = managed(stack);
      expect(res[hook.triggers]).toEqual({
        VBS_HOOK_IDENTITY: p.identity,
        VBS_HOOK_SPEC: expect.stringMatching(/^\{"name":"nightly-db",/),
        VBS_HOOK_REMOVAL: 'destroy',
      });
    });

    test('identity is the first 16 hex of sha256 of the construct path', () => {
      const stack = newStack();
      const p = policy(stack);
      const other = policy(stack, { policyName: 'other' }, 'Other');
      expect(p.identity).toBe(createHash('sha256').update('stack/Nightly').digest('hex').slice(0, 16));
      expect(other.identity).not.toBe(p.identity);
      expect(p.policyName).toBe('nightly-db');
      expect(p.policyId).toBeUndefined();
    });

    test('a trigger names the policy by its identity and waits for its two resources (no public member carries hook variables)', () => {
      const stack = newStack();
      const p = policy(stack);
      p.addTrigger('Backup');
      const json = synthJson(stack);
      const run = resourceNamed(json, hook.type, 'Backup_Run');
      expect(run[hook.triggers]).toEqual({ VBS_HOOK_POLICY_IDENTITY: p.identity });
      expect(run.depends_on).toEqual([`${hook.type}.${p.resource.friendlyUniqueId}`, `${hook.type}.${p.volumesResource.friendlyUniqueId}`]);
      expect(p).not.toHaveProperty('policyReference');
      expect(p).not.toHaveProperty('policyIdentity');
      expect(p).not.toHaveProperty('hookResources');
    });

    test('create runs hook-policy-apply with identity, a per-instance revision and the spec', () => {
      const stack = newStack();
      const p = policy(stack);
      const { apply, applyEnv, destroy } = managed(stack);
      expect(apply.command).toBe('hook-policy-apply');
      expect(apply.when).toBeUndefined();
      expect(applyEnv).toEqual({
        VBS_HOOK_IDENTITY: p.identity,
        VBS_HOOK_REVISION: revisionOf(),
        VBS_HOOK_SPEC: expect.stringMatching(/^\{"name":"nightly-db",/),
        VBS_HOOK_REMOVAL: 'destroy',
      });
      // each input written once: both hooks read the triggers
      expect(apply.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_REVISION = ${revisionOf()}})}`);
      expect(destroy.environment).toBe(apply.environment);
    });

    test('destroy runs hook-policy-destroy reading everything from self', () => {
      const stack = newStack();
      policy(stack, { connection: { endpoint: 'http://127.0.0.1:8787', projectId: PROJECT_ID } });
      const { destroy, destroyEnv } = managed(stack);
      expect(destroy.command).toBe('hook-policy-destroy');
      expect(destroy.when).toBe('destroy');
      expect(destroyEnv).toMatchObject({
        VBS_HOOK_REVISION: revisionOf(),
        VBS_HOOK_REMOVAL: 'destroy',
        VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787',
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
      });
      const refs = (destroy.environment as string).match(/\b(?:null_resource|terraform_data|var|local|data)\.\w+/g);
      expect(refs).toBeNull();
    });

    test.each([
      [HookResource.TERRAFORM_DATA, 'triggers_replace', 0],
      [HookResource.NULL_RESOURCE, 'triggers', 1],
    ])('hookResource %s reads its triggers back from self.%s; null providers: %d', (kind, triggers, nullProviders) => {
      const stack = newStack();
      policy(stack, { hookResource: kind });
      const { res, destroy, destroyEnv, json } = managed(stack, kind);
      expect(res.lifecycle).toEqual({ create_before_destroy: true });
      expect(Object.keys(res[triggers]).sort()).toEqual(['VBS_HOOK_IDENTITY', 'VBS_HOOK_REMOVAL', 'VBS_HOOK_SPEC']);
      expect(destroy.environment).toMatch(new RegExp(`^\\$\\{merge\\(self\\.${triggers}, `));
      expect(destroyEnv.VBS_HOOK_REVISION).toBe(revisionOf(triggers));
      expect(json.provider?.null ?? []).toHaveLength(nullProviders);
    });

    test('RemovalPolicy.RETAIN goes into the removal trigger', () => {
      const stack = newStack();
      const p = policy(stack, { removalPolicy: RemovalPolicy.RETAIN });
      expect(p.removalPolicy).toBe(RemovalPolicy.RETAIN);
      expect(managed(stack).res[hook.triggers].VBS_HOOK_REMOVAL).toBe('retain');
    });

    test('a connection goes into the triggers and the apply environment', () => {
      const stack = newStack();
      policy(stack, { connection: { region: 'eu-de', projectId: PROJECT_ID, endpoint: 'http://127.0.0.1:8787' } });
      const { res, applyEnv } = managed(stack);
      expect(res[hook.triggers]).toMatchObject({ VBS_HOOK_REGION: 'eu-de', VBS_HOOK_PROJECT_ID: PROJECT_ID, VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787' });
      expect(applyEnv).toMatchObject({
        VBS_HOOK_REGION: 'eu-de',
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
        VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787',
      });
    });
  });

  describe('managed BackupPolicy: the spec', () => {
    /** The literal spec, parsed, and the revision Terraform computes from it (first 16 hex of sha256). */
    function literalSpec(stack: TerraformStack) {
      const { spec } = managed(stack);
      return { spec: JSON.parse(spec), text: spec, revision: createHash('sha256').update(spec).digest('hex').slice(0, 16) };
    }

    test('defaults: enabled, not keeping the first monthly backup, no volumes, no tags', () => {
      const stack = newStack();
      policy(stack);
      expect(literalSpec(stack).spec).toEqual({
        name: 'nightly-db',
        scheduled_policy: {
          start_time: '02:00',
          frequency: 1,
          rentention_num: 7,
          remain_first_backup_of_curMonth: 'N',
          status: 'ON',
        },
        tags: {},
      });
    });

    test("a literal spec is Terraform's jsonencode text, in the triggers (a change replaces the resource)", () => {
      const stack = newStack();
      policy(stack, { tags: { team: 'db' } });
      const { text, revision } = literalSpec(stack);
      expect(text).toBe(
        '{"name":"nightly-db","scheduled_policy":{"frequency":1,"remain_first_backup_of_curMonth":"N","rentention_num":7,' +
          '"start_time":"02:00","status":"ON"},"tags":{"team":"db"}}',
      );
      expect(revision).toMatch(/^[0-9a-f]{16}$/);
    });

    test('the revision changes with the spec', () => {
      const one = newStack();
      const two = newStack();
      policy(one);
      policy(two, { retention: Retention.count(8) });
      expect(literalSpec(one).revision).not.toBe(literalSpec(two).revision);
    });

    test('enabled false, retainFirstBackupOfMonth, Retention.days, tags', () => {
      const stack = newStack();
      policy(stack, { enabled: false, retainFirstBackupOfMonth: true, retention: Retention.days(30), tags: { team: 'db', env: 'prod' } });
      const { spec } = literalSpec(stack);
      expect(spec.scheduled_policy).toEqual({
        start_time: '02:00',
        frequency: 1,
        rentention_day: 30,
        remain_first_backup_of_curMonth: 'Y',
        status: 'OFF',
      });
      expect(spec.tags).toEqual({ team: 'db', env: 'prod' });
    });

    test('everyNDays sets the frequency', () => {
      const stack = newStack();
      policy(stack, { schedule: Schedule.everyNDays(3, ['14:00', '02:00']) });
      expect(literalSpec(stack).spec.scheduled_policy).toMatchObject({ start_time: '02:00,14:00', frequency: 3 });
    });

    test('weekly sets week_frequency in wire order and no frequency', () => {
      const stack = newStack();
      policy(stack, { schedule: Schedule.weekly([Weekday.THU, Weekday.SUN, Weekday.MON], ['02:00']) });
      const { scheduled_policy } = literalSpec(stack).spec;
      expect(scheduled_policy.week_frequency).toEqual(['SUN', 'MON', 'THU']);
      expect(scheduled_policy).not.toHaveProperty('frequency');
    });

    test('a time zone is sent and start times are ordered by local time', () => {
      const stack = newStack();
      policy(stack, { schedule: Schedule.daily(['00:00', '02:00', '22:00'], { timeZone: 'UTC+02:00' }) });
      const { spec } = literalSpec(stack);
      expect(spec.scheduled_policy.start_time).toBe('22:00,00:00,02:00');
      expect(spec.time_zone).toBe('UTC+02:00');
    });

    test('volumes (literal, token, added later) are not in the spec: a volume change never replaces the policy resource', () => {
      const one = newStack();
      const two = newStack();
      policy(one);
      const volume = userResource(two, 'Volume');
      policy(two, { volumeIds: [VOLUME_A, volume.id] }).addVolume(VOLUME_B);
      expect(literalSpec(two).spec).not.toHaveProperty('volume_ids');
      expect(literalSpec(two).text).toBe(literalSpec(one).text);
      expect(literalSpec(two).revision).toBe(literalSpec(one).revision);
    });
  });

  describe('existing policies', () => {
    test('fromPolicyId: referenced by id, nothing created', () => {
      const stack = newStack();
      const p = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID, { region: 'eu-de' });
      expect(p.policyId).toBe(POLICY_ID);
      expect(p.policyName).toBeUndefined();
      expect(p.connection).toEqual({ region: 'eu-de' });
      expect(synthJson(stack).resource).toBeUndefined();
      p.addTrigger('Backup');
      const run = resourceNamed(synthJson(stack), hook.type, 'Backup_Run');
      expect(run[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID, VBS_HOOK_REGION: 'eu-de' });
      expect(run.depends_on).toBeUndefined();
    });

    test('fromPolicyName: referenced by name; a "default" name is fine for an existing policy', () => {
      const stack = newStack();
      const p = BackupPolicy.fromPolicyName(stack, 'Existing', 'default_policy');
      expect(p.policyName).toBe('default_policy');
      expect(p.policyId).toBeUndefined();
      expect(p.connection).toBeUndefined();
      p.addTrigger('Backup');
      expect(resourceNamed(synthJson(stack), hook.type, 'Backup_Run')[hook.triggers]).toEqual({ VBS_HOOK_POLICY_NAME: 'default_policy' });
    });

    test('a policy id token is not checked', () => {
      const stack = newStack();
      const other = userResource(stack, 'Other');
      expect(() => BackupPolicy.fromPolicyId(stack, 'Existing', other.id)).not.toThrow();
    });
  });
});

describe('terraformJson', () => {
  test("matches Terraform's jsonencode: sorted keys, compact, <>& escaped as Go does", () => {
    expect(terraformJson({ b: [2, { z: 'a<b>&c', a: null }], a: 'x' })).toBe(
      '{"a":"x","b":[2,{"a":null,"z":"a\\u003cb\\u003e\\u0026c"}]}',
    );
  });
});
