import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { resource as nullResource } from '@cdktf/provider-null';
import {
  App,
  DataResource,
  DefaultTokenResolver,
  Fn,
  LocalExecProvisioner,
  StringConcat,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from 'cdktf';
import { addDependency, createHookResource, HookResource, LateString, selfTrigger } from '../../src/core/hook-resource';
import { BackupPolicy, BackupPolicyTrigger, Retention, Schedule } from '../../src';
import { localExecs, newStack, resourceNamed, synthJson, VOLUME_A, VOLUME_B } from './synth';

/**
 * Hook resources render their literal blocks without cdktf's resolver and keep late inputs
 * themselves (src/core/literal.ts, src/core/late.ts): the JSON must be exactly what cdktf
 * renders for the same values, tokens must still resolve, and overrides must still apply.
 */

const KINDS = [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA];
const TYPE = { [HookResource.NULL_RESOURCE]: 'null_resource', [HookResource.TERRAFORM_DATA]: 'terraform_data' };

function withoutMetadata(block: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(block).filter(([key]) => key !== '//'));
}

function sampleHook(stack: TerraformStack, id: string, kind: HookResource, environment: Record<string, string> = {}) {
  return createHookResource(stack, id, {
    kind,
    createBeforeDestroy: true,
    triggers: { identity: 'abc', revision: new LateString(() => 'r1') },
    commands: [
      { command: 'hook-policy-apply', environment: { VBS_HOOK_IDENTITY: 'abc', VBS_HOOK_SPEC: new LateString(() => '{"a":"<&>"}'), ...environment } },
      { command: 'hook-policy-destroy', when: 'destroy', environment: { VBS_HOOK_IDENTITY: selfTrigger(kind, 'identity') } },
    ],
  });
}

describe.each(KINDS)('a %s hook block', (kind) => {
  test('is exactly what cdktf renders for the same values', () => {
    const stack = newStack();
    const hook = sampleHook(stack, 'Hook', kind);
    const first = resourceNamed(synthJson(stack), TYPE[kind], 'Hook');
    const interpreter = localExecs(first)[0].interpreter;
    const provisioners: LocalExecProvisioner[] = [
      { type: 'local-exec', interpreter, command: 'hook-policy-apply', environment: { VBS_HOOK_IDENTITY: 'abc', VBS_HOOK_SPEC: '{"a":"<&>"}' } },
      { type: 'local-exec', interpreter, command: 'hook-policy-destroy', when: 'destroy', environment: { VBS_HOOK_IDENTITY: selfTrigger(kind, 'identity') } },
    ];
    const plain = { lifecycle: { createBeforeDestroy: true }, provisioners };
    const triggers = { identity: 'abc', revision: 'r1' };
    const other = newStack();
    const reference: TerraformResource =
      kind === HookResource.TERRAFORM_DATA
        ? new DataResource(other, 'Plain', { ...plain, triggersReplace: triggers })
        : new nullResource.Resource(other, 'Plain', { ...plain, triggers });
    const expected = resourceNamed(JSON.parse(Testing.synth(other)), TYPE[kind], 'Plain');
    expect(withoutMetadata(resourceNamed(synthJson(stack), TYPE[kind], 'Hook'))).toEqual(withoutMetadata(expected));
    expect(hook.terraformResourceType).toBe(reference.terraformResourceType);
  });

  test('resolves tokens inside with cdktf, numbers in strings included', () => {
    const stack = newStack();
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const count = new TerraformVariable(stack, 'count', { type: 'number' });
    sampleHook(stack, 'Hook', kind, {
      NAME: name.stringValue,
      JOINED: Fn.join('-', ['a', name.stringValue]),
      COUNT: `n=${count.numberValue}`,
      LITERAL_EXPONENT: 'x1e+5',
    });
    const [apply] = localExecs(resourceNamed(synthJson(stack), TYPE[kind], 'Hook'));
    expect(apply.environment).toEqual({
      VBS_HOOK_IDENTITY: 'abc',
      VBS_HOOK_SPEC: '{"a":"<&>"}',
      NAME: '${var.name}',
      JOINED: '${join("-", ["a", var.name])}',
      COUNT: 'n=${var.count}',
      LITERAL_EXPONENT: 'x1e+5',
    });
  });

  test("takes the resource's own overrides and the stack's overrides under it", () => {
    const stack = newStack();
    const hook = sampleHook(stack, 'Hook', kind);
    hook.addOverride('provisioner.0.local-exec.environment.EXTRA', 'x');
    hook.addOverride('count', 1);
    stack.addOverride(`resource.${TYPE[kind]}.${hook.friendlyUniqueId}.lifecycle.prevent_destroy`, true);
    const block = resourceNamed(synthJson(stack), TYPE[kind], 'Hook');
    expect(block.count).toBe(1);
    expect(localExecs(block)[0].environment.EXTRA).toBe('x');
    expect(block.lifecycle).toEqual({ create_before_destroy: true, prevent_destroy: true });
    expect(localExecs(block)[0].command).toBe('hook-policy-apply');
  });

  test('late values are computed at every synth and leave the resource as it was', () => {
    const stack = newStack();
    let revision = 'r1';
    const first = createHookResource(stack, 'First', { kind, triggers: {}, commands: [] });
    const second = createHookResource(stack, 'Second', {
      kind,
      triggers: { fixed: 'f', revision: new LateString(() => revision) },
      commands: [{ command: 'hook-trigger', environment: { LATE: new LateString(() => `v-${revision}`) } }],
    });
    addDependency(second, first);
    // cdktf fixes a logical id once read, so this is before the first synth but after the dependency.
    first.overrideLogicalId('renamed');
    const triggerKey = kind === HookResource.TERRAFORM_DATA ? 'triggers_replace' : 'triggers';
    const before = resourceNamed(synthJson(stack), TYPE[kind], 'Second');
    expect(before[triggerKey]).toEqual({ fixed: 'f', revision: 'r1' });
    expect(before.depends_on).toEqual([`${TYPE[kind]}.renamed`]);

    revision = 'r2';
    const after = resourceNamed(synthJson(stack), TYPE[kind], 'Second');
    expect(after[triggerKey]).toEqual({ fixed: 'f', revision: 'r2' });
    expect(localExecs(after)[0].environment).toEqual({ LATE: 'v-r2' });
    expect(after.depends_on).toEqual([`${TYPE[kind]}.renamed`]);
    expect(second.dependsOn).toBeUndefined();
    expect(second.provisioners?.[0]).toMatchObject({ environment: {} });
  });

  test('late values reach the HCL output too', () => {
    const stack = newStack();
    const first = createHookResource(stack, 'First', { kind, triggers: {}, commands: [] });
    const second = sampleHook(stack, 'Second', kind);
    addDependency(second, first);
    const hcl: string = Testing.synthHcl(stack);
    expect(hcl).toContain('revision = "r1"');
    expect(hcl).toMatch(/VBS_HOOK_SPEC\s*=.*<&>/);
    expect(hcl).toContain(`${TYPE[kind]}.First`);
  });

  test('resolved on its own, the element still serialises to its block', () => {
    const stack = newStack();
    const hook = sampleHook(stack, 'Hook', kind);
    const resolved = Tokenization.resolve(hook.toTerraform(), { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
    const alone = JSON.parse(JSON.stringify(resolved));
    expect(withoutMetadata(alone.resource[TYPE[kind]][hook.friendlyUniqueId])).toEqual(
      withoutMetadata(resourceNamed(synthJson(stack), TYPE[kind], 'Hook')),
    );
  });
});

describe('memory', () => {
  function gcFunction(): () => void {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  }

  function synthesizedApp(): WeakRef<App> {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    for (let i = 0; i < 5; i++) {
      const policy = new BackupPolicy(stack, `P${i}`, {
        policyName: `p-${i}`,
        schedule: Schedule.daily(['02:00']),
        retention: Retention.count(7),
        volumeIds: [VOLUME_A],
      });
      policy.addVolume(VOLUME_B);
      new BackupPolicyTrigger(stack, `T${i}`, { policy });
    }
    Testing.synth(stack);
    return new WeakRef(app);
  }

  test('a synthesized app is not kept alive by the library (no process-wide tokens per construct)', async () => {
    const gc = gcFunction();
    const app = synthesizedApp();
    // A WeakRef's target is kept until the current job ends; then a full collection frees it.
    const deadline = Date.now() + 5000;
    while (app.deref() !== undefined && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(app.deref()).toBeUndefined();
  });
});
