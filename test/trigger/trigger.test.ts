import { TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { HOOK_RESOURCE_CONTEXT_KEY, HookResource } from '../../src/core/hook-kind';
import { NULL_PROVIDER_VERSION } from '../../src/core/hook-resource';
import { BackupPolicy, Retention, Schedule } from '../../src/policy';
import { BackupPolicyTrigger, FailureMode, Rerun, WhenBusy } from '../../src/trigger';
import * as root from '../../src';
import { WHEN_BUSY_CHOICES } from '../../src/contract/hook';
import { BackupPolicyTriggerOptions } from '../../src/trigger/trigger';
import { FRAMEWORK_NAMES, hookEnvironment, localExecs, POLICY_ID, PROJECT_ID, resourceNamed, resourcesOf, synthHcl, synthJson, UserResource, under } from '../core/synth';

function managedPolicy(stack: TerraformStack) {
  return new BackupPolicy(stack, 'Nightly', {
    policyName: 'nightly-db',
    schedule: Schedule.daily(['02:00']),
    retention: Retention.count(7),
  });
}

function trigger(stack: TerraformStack, options: BackupPolicyTriggerOptions = {}) {
  const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
  return new BackupPolicyTrigger(stack, 'Backup', { policy, ...options });
}

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack, module, hook, userResource, userResourceType } = under(framework);

  function run(stack: TerraformStack, kind: string = hook.type) {
    const res = resourceNamed(synthJson(stack), kind, 'Backup_Run');
    const exec = localExecs(res)[0];
    return { res, exec, env: hookEnvironment(res, exec) };
  }

  describe('BackupPolicyTrigger: the run resource', () => {
    test("defaults: create-time hook-trigger; the environment is the triggers (each input once), the executor's defaults not written", () => {
      const stack = newStack();
      trigger(stack);
      const { res, exec, env } = run(stack);
      expect(exec.command).toBe('hook-trigger');
      expect(exec.when).toBeUndefined();
      // no wait, 1800 s, fail, wait when busy, deploy phase: the executor's defaults (src/cli/hook-env.ts)
      expect(exec.environment).toBe(`\${self.${hook.triggers}}`);
      expect(env).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
      expect(Object.keys(resourcesOf(synthJson(stack), hook.type)).filter((id) => id.includes('BeforeDestroy'))).toEqual([]);
    });

    test('waitForCompletion, timeoutSeconds and failureMode reach the environment, not the triggers', () => {
      const stack = newStack();
      trigger(stack, { waitForCompletion: true, timeoutSeconds: 600, failureMode: FailureMode.CONTINUE });
      const { res, exec, env } = run(stack);
      expect(exec.environment).toBe(
        `\${merge(self.${hook.triggers}, {VBS_HOOK_WAIT = "true", VBS_HOOK_TIMEOUT = "600", VBS_HOOK_FAILURE_MODE = "continue"})}`,
      );
      expect(env).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID, VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '600', VBS_HOOK_FAILURE_MODE: 'continue' });
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
    });

    test.each([
      [WhenBusy.WAIT_THEN_RUN, 'wait'],
      [WhenBusy.JOIN_RUNNING, 'join'],
      [WhenBusy.FAIL, 'fail'],
    ])('whenBusy %s reaches the environment as %s, not the triggers', (whenBusy, value) => {
      const stack = newStack();
      trigger(stack, { whenBusy, backupBeforeDestroy: true });
      const { res, env } = run(stack);
      // the executor's default (wait) is not written
      const written = value === 'wait' ? undefined : value;
      expect(env.VBS_HOOK_WHEN_BUSY).toBe(written);
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
      const before = resourceNamed(synthJson(stack), hook.type, 'Backup_BeforeDestroy');
      expect(hookEnvironment(before, localExecs(before)[0]).VBS_HOOK_WHEN_BUSY).toBe(written);
    });

    test('whenBusy: a value that is not a WhenBusy is refused, naming the trigger and the choices', () => {
      const stack = newStack();
      expect(() => trigger(stack, { whenBusy: 'queue' as WhenBusy })).toThrow(
        /stack\/Backup: whenBusy "queue" is not a WhenBusy value; allowed: WhenBusy\.WAIT_THEN_RUN, WhenBusy\.JOIN_RUNNING or WhenBusy\.FAIL/,
      );
    });

    test('a managed policy is referenced by identity, and the trigger waits for it', () => {
      const stack = newStack();
      const policy = managedPolicy(stack);
      new BackupPolicyTrigger(stack, 'Backup', { policy });
      const { res, env } = run(stack);
      expect(env.VBS_HOOK_POLICY_IDENTITY).toBe(policy.identity);
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_IDENTITY: policy.identity });
      expect(res.depends_on).toEqual([
        `${hook.type}.${policy.resource.friendlyUniqueId}`,
        `${hook.type}.${policy.volumesResource.friendlyUniqueId}`,
      ]);
    });

    test('a policy by name', () => {
      const stack = newStack();
      const policy = BackupPolicy.fromPolicyName(stack, 'Existing', 'weekly');
      new BackupPolicyTrigger(stack, 'Backup', { policy });
      expect(run(stack).env).toEqual({ VBS_HOOK_POLICY_NAME: 'weekly' });
    });

    test("policy.addTrigger makes a trigger under the policy, options passed through", () => {
      const stack = newStack();
      const policy = managedPolicy(stack);
      const t = policy.addTrigger('Backup', { waitForCompletion: true });
      expect(t.node.path).toBe('stack/Nightly/Backup');
      expect(t.policy).toBe(policy);
      const res = resourceNamed(synthJson(stack), hook.type, 'Nightly_Backup_Run');
      expect(hookEnvironment(res, localExecs(res)[0]).VBS_HOOK_WAIT).toBe('true');
    });

    test("the trigger's connection wins field by field over the policy's, in triggers and environment", () => {
      const stack = newStack();
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID, { region: 'eu-de', projectId: PROJECT_ID });
      new BackupPolicyTrigger(stack, 'Backup', { policy, connection: { endpoint: 'http://127.0.0.1:8787', region: 'cn-north-4' } });
      const { res, env } = run(stack);
      const expected = {
        VBS_HOOK_POLICY_ID: POLICY_ID,
        VBS_HOOK_ENDPOINT: 'http://127.0.0.1:8787',
        VBS_HOOK_REGION: 'cn-north-4',
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
      };
      expect(res[hook.triggers]).toEqual(expected);
      expect(env).toEqual(expected);
    });

    test.each([
      { kind: HookResource.TERRAFORM_DATA, triggers: 'triggers_replace', what: 'no provider', provider: undefined, required: undefined },
      {
        kind: HookResource.NULL_RESOURCE, triggers: 'triggers', what: 'the null provider',
        provider: { null: [{}] }, required: { source: 'hashicorp/null', version: NULL_PROVIDER_VERSION },
      },
    ])('hookResource prop: $kind with $triggers, and $what', ({ kind, triggers, provider, required }) => {
      const stack = newStack();
      trigger(stack, { hookResource: kind, backupBeforeDestroy: true });
      const json = synthJson(stack);
      expect(resourceNamed(json, kind, 'Backup_Run')[triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
      const before = resourceNamed(json, kind, 'Backup_BeforeDestroy');
      expect(localExecs(before)[0].environment).toBe(`\${merge(self.${triggers}, {VBS_HOOK_PHASE = "destroy"})}`);
      expect(json.provider).toEqual(provider);
      expect(json.terraform?.required_providers?.null).toEqual(required);
    });

    test.each([
      [HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE],
      [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA],
    ])('the context key chooses %s; a prop (%s) wins over it', (fromContext, fromProp) => {
      const stack = newStack({ [HOOK_RESOURCE_CONTEXT_KEY]: fromContext });
      const policy = BackupPolicy.fromPolicyId(stack, 'Existing', POLICY_ID);
      new BackupPolicyTrigger(stack, 'Backup', { policy });
      new BackupPolicyTrigger(stack, 'Other', { policy, hookResource: fromProp });
      const json = synthJson(stack);
      expect(resourceNamed(json, fromContext, 'Backup_Run')).toBeDefined();
      expect(resourceNamed(json, fromProp, 'Other_Run')).toBeDefined();
      expect(Object.keys(resourcesOf(json, fromContext))).toHaveLength(1);
      expect(Object.keys(resourcesOf(json, fromProp))).toHaveLength(1);
    });
  });

  describe('rerun rules', () => {
    test('once: only the policy identity', () => {
      const stack = newStack();
      trigger(stack, { rerun: Rerun.once() });
      expect(run(stack).res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
    });

    test('onChange: one rerun_<key> per value, tokens allowed', () => {
      const stack = newStack();
      const release = userResource(stack, 'Release');
      trigger(stack, { rerun: Rerun.onChange({ release: '1.4.2', image: release.id }) });
      expect(run(stack).res[hook.triggers]).toEqual({
        VBS_HOOK_POLICY_ID: POLICY_ID,
        rerun_release: '1.4.2',
        rerun_image: `\${${userResourceType}.Release.id}`,
      });
    });

    test('everyApply: a timestamp() trigger', () => {
      const stack = newStack();
      trigger(stack, { rerun: Rerun.everyApply() });
      expect(run(stack).res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID, rerun_every_apply: '${timestamp()}' });
    });
  });

  describe('backupBeforeDestroy', () => {
    test('a destroy-time hook-trigger whose triggers exclude the rerun values and read back from self', () => {
      const stack = newStack();
      trigger(stack, {
        backupBeforeDestroy: true,
        rerun: Rerun.everyApply(),
        waitForCompletion: true,
        connection: { projectId: PROJECT_ID },
      });
      const before = resourceNamed(synthJson(stack), hook.type, 'Backup_BeforeDestroy');
      expect(before[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID, VBS_HOOK_PROJECT_ID: PROJECT_ID });
      const [exec] = localExecs(before);
      expect(exec.command).toBe('hook-trigger');
      expect(exec.when).toBe('destroy');
      // only self: a destroy-time provisioner may reference nothing else
      expect(exec.environment).toBe(`\${merge(self.${hook.triggers}, {VBS_HOOK_WAIT = "true", VBS_HOOK_PHASE = "destroy"})}`);
      expect(hookEnvironment(before, exec)).toEqual({
        VBS_HOOK_POLICY_ID: POLICY_ID,
        VBS_HOOK_PROJECT_ID: PROJECT_ID,
        VBS_HOOK_WAIT: 'true',
        VBS_HOOK_PHASE: 'destroy',
      });
    });

    test('for a managed policy it holds the identity', () => {
      const stack = newStack();
      const policy = managedPolicy(stack);
      const t = new BackupPolicyTrigger(stack, 'Backup', { policy, backupBeforeDestroy: true });
      expect(t.beforeDestroyResource).toBeDefined();
      const before = resourceNamed(synthJson(stack), hook.type, 'Backup_BeforeDestroy');
      expect(before[hook.triggers]).toEqual({ VBS_HOOK_POLICY_IDENTITY: policy.identity });
      expect(hookEnvironment(before, localExecs(before)[0])).toEqual({ VBS_HOOK_POLICY_IDENTITY: policy.identity, VBS_HOOK_PHASE: 'destroy' });
    });
  });

  describe('Rerun.whenChanged', () => {
    class Migration extends Construct {
      public readonly job: UserResource;
      public readonly schema: TerraformResource;
      constructor(scope: Construct, id: string) {
        super(scope, id);
        this.job = userResource(this, 'Job');
        this.schema = userResource(new Construct(this, 'Nested'), 'Schema');
        // a data source inside is read, never updated: not watched
        new module.TerraformDataSource(this, 'Lookup', { terraformResourceType: 'terraform_remote_state' });
      }
    }

    test('the run resource is replaced when any resource inside changes (nested included), and runs after them; nothing else rides on it', () => {
      const stack = newStack();
      const migration = new Migration(stack, 'Migration');
      const t = trigger(stack, { rerun: Rerun.whenChanged(migration), backupBeforeDestroy: true });
      const json = synthJson(stack);
      const watched = [`${userResourceType}.${migration.job.friendlyUniqueId}`, `${userResourceType}.${migration.schema.friendlyUniqueId}`];
      const { res } = run(stack);
      expect(res.lifecycle).toEqual({ replace_triggered_by: watched });
      expect(res.depends_on).toEqual(watched);
      // no rerun value in the triggers: only a change of the watched resources replaces it
      expect(res[hook.triggers]).toEqual({ VBS_HOOK_POLICY_ID: POLICY_ID });
      // ADR 3: a re-run never fires the run-before-destroy
      const before = resourceNamed(json, hook.type, 'Backup_BeforeDestroy');
      expect(before.lifecycle).toBeUndefined();
      expect(before.depends_on).toBeUndefined();
      expect(t.beforeDestroyResource).toBeDefined();
    });

    test('several constructs, a resource given directly, and each resource once', () => {
      const stack = newStack();
      const a = userResource(stack, 'A');
      const migration = new Migration(stack, 'Migration');
      trigger(stack, { rerun: Rerun.whenChanged(a, migration, a) });
      expect(run(stack).res.lifecycle.replace_triggered_by).toEqual([
        `${userResourceType}.A`,
        `${userResourceType}.${migration.job.friendlyUniqueId}`,
        `${userResourceType}.${migration.schema.friendlyUniqueId}`,
      ]);
    });

    test('watching a managed policy: its hook resources are resources like any other', () => {
      const stack = newStack();
      const policy = managedPolicy(stack);
      new BackupPolicyTrigger(stack, 'Backup', { policy, rerun: Rerun.whenChanged(policy) });
      expect(run(stack).res.lifecycle.replace_triggered_by).toEqual([
        `${hook.type}.${policy.resource.friendlyUniqueId}`,
        `${hook.type}.${policy.volumesResource.friendlyUniqueId}`,
      ]);
    });

    test.each([HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA])('%s: the same lifecycle', (kind) => {
      const stack = newStack();
      const migration = new Migration(stack, 'Migration');
      trigger(stack, { rerun: Rerun.whenChanged(migration), hookResource: kind });
      expect(resourceNamed(synthJson(stack), kind, 'Backup_Run').lifecycle.replace_triggered_by).toHaveLength(2);
    });
  });

  describe('ordering', () => {
    class Database extends Construct {
      public readonly server: UserResource;
      public readonly migration: TerraformResource;
      constructor(scope: Construct, id: string) {
        super(scope, id);
        this.server = userResource(this, 'Server');
        this.migration = userResource(new Construct(this, 'Nested'), 'Migration');
      }
    }

    test('executeAfter (prop): the trigger resources depend on every resource inside, nested ones included', () => {
      const stack = newStack();
      const db = new Database(stack, 'Db');
      trigger(stack, { executeAfter: [db], backupBeforeDestroy: true });
      const json = synthJson(stack);
      for (const part of ['Backup_Run', 'Backup_BeforeDestroy']) {
        expect(resourceNamed(json, hook.type, part).depends_on).toEqual([
          `${userResourceType}.${db.server.friendlyUniqueId}`,
          `${userResourceType}.${db.migration.friendlyUniqueId}`,
        ]);
      }
    });

    test('executeBefore (prop): every resource inside depends on the trigger resources', () => {
      const stack = newStack();
      const db = new Database(stack, 'Db');
      const t = trigger(stack, { executeBefore: [db], backupBeforeDestroy: true });
      const json = synthJson(stack);
      const expected = [
        `${hook.type}.${t.runResource.friendlyUniqueId}`,
        `${hook.type}.${t.beforeDestroyResource!.friendlyUniqueId}`,
      ];
      expect(resourceNamed(json, userResourceType, 'Db_Server').depends_on).toEqual(expected);
      expect(resourceNamed(json, userResourceType, 'Migration').depends_on).toEqual(expected);
    });

    test('the methods add ordering after construction, once per pair', () => {
      const stack = newStack();
      const before = userResource(stack, 'Before');
      const after = userResource(stack, 'After');
      const t = trigger(stack);
      t.executeAfter(before);
      t.executeAfter(before);
      t.executeBefore(after);
      const json = synthJson(stack);
      expect(run(stack).res.depends_on).toEqual([`${userResourceType}.Before`]);
      expect(resourceNamed(json, userResourceType, 'After').depends_on).toEqual([`${hook.type}.${t.runResource.friendlyUniqueId}`]);
    });

    test("a construct holding the trigger itself never makes it depend on its own resources", () => {
      const stack = newStack();
      const t = trigger(stack);
      const other = userResource(stack, 'Other');
      t.executeAfter(stack);
      expect(run(stack).res.depends_on).toEqual([`${userResourceType}.Other`]);
      expect(other.dependsOn).toBeUndefined();
    });

    describe('resources added to a named construct after the call are taken at synth (JSON and HCL)', () => {
      /** A stack whose trigger names three constructs before anything is added to them. */
      function lateStack() {
        const stack = newStack();
        const [after, before, watched] = ['After', 'Before', 'Watched'].map((id) => new Construct(stack, id));
        const early = userResource(after, 'Early');
        const t = trigger(stack, { executeAfter: [after], executeBefore: [before], rerun: Rerun.whenChanged(watched, after), backupBeforeDestroy: true });
        const lateAfter = userResource(new Construct(after, 'Nested'), 'Late');
        const lateBefore = userResource(before, 'Late');
        const lateWatched = userResource(watched, 'Late');
        const later = new Construct(stack, 'Later');
        t.executeAfter(later);
        const laterStill = userResource(later, 'Resource');
        return { stack, t, early, lateAfter, lateBefore, lateWatched, laterStill };
      }

      test('JSON: in depends_on and replace_triggered_by', () => {
        const { stack, t, early, lateAfter, lateWatched, laterStill } = lateStack();
        const address = (r: { friendlyUniqueId: string }, type = userResourceType) => `${type}.${r.friendlyUniqueId}`;
        const json = synthJson(stack);
        const runRes = resourceNamed(json, hook.type, 'Backup_Run');
        expect(runRes.lifecycle.replace_triggered_by).toEqual([address(lateWatched), address(early), address(lateAfter)]);
        expect(runRes.depends_on).toEqual(expect.arrayContaining([address(early), address(lateAfter), address(lateWatched), address(laterStill)]));
        expect(runRes.depends_on).toHaveLength(4);
        expect(resourceNamed(json, hook.type, 'Backup_BeforeDestroy').depends_on).toEqual([address(early), address(lateAfter), address(laterStill)]);
        expect(resourceNamed(json, userResourceType, 'Before_Late').depends_on).toEqual([address(t.runResource, hook.type), address(t.beforeDestroyResource!, hook.type)]);
        // the run key covers the watched resources known at synth
        expect(hookEnvironment(runRes, localExecs(runRes)[0])).not.toHaveProperty('VBS_HOOK_RUN'); // a policy trigger has none
      });

      test('HCL: the same references', () => {
        const { stack, t, early, lateAfter, lateBefore, lateWatched, laterStill } = lateStack();
        const hcl = synthHcl(stack);
        const block = (type: string, id: string) => {
          const at = hcl.indexOf(`resource "${type}" "${id}" {`);
          expect(at).toBeGreaterThanOrEqual(0);
          const next = hcl.indexOf('\nresource "', at + 1);
          return hcl.slice(at, next < 0 ? undefined : next);
        };
        const runBlock = block(hook.type, t.runResource.friendlyUniqueId);
        expect(runBlock).toContain(`replace_triggered_by = [${userResourceType}.${lateWatched.friendlyUniqueId}, ${userResourceType}.${early.friendlyUniqueId}, ${userResourceType}.${lateAfter.friendlyUniqueId}]`);
        for (const r of [early, lateAfter, lateWatched, laterStill]) expect(runBlock).toContain(`"${userResourceType}.${r.friendlyUniqueId}"`);
        expect(block(userResourceType, lateBefore.friendlyUniqueId)).toContain(`"${hook.type}.${t.beforeDestroyResource!.friendlyUniqueId}"`);
      });

      test('a construct still empty at synth is refused then, naming it', () => {
        const stack = newStack();
        const empty = new Construct(stack, 'Empty');
        trigger(stack, { rerun: Rerun.whenChanged(empty) });
        expect(() => synthJson(stack)).toThrow('stack/Backup: rerun: Rerun.whenChanged "stack/Empty" holds no Terraform resource');
        const now = userResource(empty, 'Now');
        expect(run(stack).res.lifecycle.replace_triggered_by).toEqual([`${userResourceType}.${now.friendlyUniqueId}`]);
      });
    });

    test('executeAfter on a scope holding the managed policy does not repeat its dependency', () => {
      const stack = newStack();
      const policy = managedPolicy(stack);
      const t = new BackupPolicyTrigger(stack, 'Backup', { policy });
      t.executeAfter(stack);
      expect(run(stack).res.depends_on).toEqual([
        `${hook.type}.${policy.resource.friendlyUniqueId}`,
        `${hook.type}.${policy.volumesResource.friendlyUniqueId}`,
      ]);
    });
  });
});

describe('WhenBusy', () => {
  test('is exported from the package root, its values are the hook contract', () => {
    expect(root.WhenBusy).toBe(WhenBusy);
    expect(Object.values(WhenBusy)).toEqual([...WHEN_BUSY_CHOICES]);
  });
});
