import { resource as nullResource } from '@cdktf/provider-null';
import { DataResource, Fn, LocalExecProvisioner, TerraformResource, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { addDependency, createHookResource, HookResource, LateMap, LateString, selfTrigger } from '../../src/core/hook-resource';
import { localExecs, newStack, resourceNamed, synthHcl, synthJson } from './synth';

/**
 * Hook resources write their own blocks (src/core/hook-resource.ts): the JSON must be exactly
 * what cdktf renders for the same values with its own classes, tokens must still resolve,
 * overrides must still apply, and late values must be computed at every synth.
 */

const KINDS = [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA];
const TYPE = { [HookResource.NULL_RESOURCE]: 'null_resource', [HookResource.TERRAFORM_DATA]: 'terraform_data' };

function withoutMetadata(block: any): any {
  const { ['//']: _metadata, ...rest } = block;
  return rest;
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
  test("is exactly what cdktf's own class renders for the same values", () => {
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

  test('late values are computed at every synth; a dependency names the logical id the target has then', () => {
    const stack = newStack();
    let revision = 'r1';
    let keys = ['a'];
    const first = createHookResource(stack, 'First', { kind, triggers: {}, commands: [] });
    const second = createHookResource(stack, 'Second', {
      kind,
      triggers: { fixed: 'f', revision: new LateString(() => revision) },
      commands: [{ command: 'hook-trigger', environment: { LATE: new LateString(() => `v-${revision}`) } }],
      forEach: new LateMap(stack, () => Object.fromEntries(keys.map((k) => [k, `id-${k}`]))),
    });
    addDependency(second, first);
    // cdktf fixes a logical id once read, so this is before the first synth but after the dependency.
    first.overrideLogicalId('renamed');
    const triggerKey = kind === HookResource.TERRAFORM_DATA ? 'triggers_replace' : 'triggers';
    const before = resourceNamed(synthJson(stack), TYPE[kind], 'Second');
    expect(before[triggerKey]).toEqual({ fixed: 'f', revision: 'r1' });
    expect(before.depends_on).toEqual([`${TYPE[kind]}.renamed`]);
    expect(before.for_each).toEqual({ a: 'id-a' });

    revision = 'r2';
    keys = ['a', 'b'];
    const after = resourceNamed(synthJson(stack), TYPE[kind], 'Second');
    expect(after[triggerKey]).toEqual({ fixed: 'f', revision: 'r2' });
    expect(localExecs(after)[0].environment).toEqual({ LATE: 'v-r2' });
    expect(after.depends_on).toEqual([`${TYPE[kind]}.renamed`]);
    expect(after.for_each).toEqual({ a: 'id-a', b: 'id-b' });
  });

  test('a dependency is added once, and a resource never depends on itself', () => {
    const stack = newStack();
    const first = createHookResource(stack, 'First', { kind, triggers: {}, commands: [] });
    const second = createHookResource(stack, 'Second', { kind, triggers: {}, commands: [] });
    addDependency(second, first);
    addDependency(second, first);
    addDependency(second, second);
    expect(resourceNamed(synthJson(stack), TYPE[kind], 'Second').depends_on).toEqual([`${TYPE[kind]}.First`]);
  });

  test('late values reach the HCL output, every environment value a quoted string', () => {
    const stack = newStack();
    const first = createHookResource(stack, 'First', { kind, triggers: {}, commands: [] });
    const second = sampleHook(stack, 'Second', kind);
    addDependency(second, first);
    const hcl = synthHcl(stack);
    expect(hcl).toContain('revision = "r1"');
    expect(hcl).toContain('VBS_HOOK_SPEC = "{\\"a\\":\\"<&>\\"}"');
    expect(hcl).toContain(`"${TYPE[kind]}.First"`);
    expect(hcl).toMatch(/\n\s*when = destroy\n/);
  });
});
