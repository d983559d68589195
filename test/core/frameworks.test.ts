import { Construct } from 'constructs';
import { BackupPolicy, HookResource, Retention, Schedule } from '../../src';
import { MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY } from '../../src/core/hook-kind';
import { frameworkOf } from '../../src/core/framework';
import { NULL_PROVIDER_ID, NULL_PROVIDER_VERSION } from '../../src/core/hook-resource';
import { everyHookKind } from './stacks';
import { FRAMEWORKS, newStack, resourcesOf, synthHcl, synthJson } from './synth';

/** The synthesized JSON without the framework's metadata block (it names the framework's version). */
function withoutMetadata(json: Record<string, unknown>): unknown {
  const rest = { ...json };
  delete rest['//'];
  return JSON.parse(sameAssetHash(JSON.stringify(rest)));
}

/** The frameworks name the executor's asset folder by different hashes of the same file. */
function sameAssetHash(text: string): string {
  return text.replace(/VbsBackupHookExecutor\/[0-9A-F]+\//g, 'VbsBackupHookExecutor/HASH/');
}

describe('one package, two frameworks (docs/architecture.md)', () => {
  test.each(['cdktf', 'cdktn'] as const)('a %s stack is found to be of %s', (name) => {
    const stack = newStack(undefined, name);
    expect(frameworkOf(stack).name).toBe(name);
    expect(frameworkOf(stack).module).toBe(FRAMEWORKS[name]);
  });

  test('under cdktn the default hook resource is terraform_data: no provider at all', () => {
    const stack = newStack(undefined, 'cdktn');
    everyHookKind(stack, 'cdktn');
    const json = synthJson(stack);
    expect(Object.keys(resourcesOf(json, 'terraform_data'))).toHaveLength(8);
    expect(resourcesOf(json, 'null_resource')).toEqual({});
    expect(json.provider).toBeUndefined();
  });

  test('under cdktf the default is terraform_data too: no provider, the same addresses as under cdktn', () => {
    const stack = newStack(undefined, 'cdktf');
    everyHookKind(stack, 'cdktf');
    const json = synthJson(stack);
    const cdktnStack = newStack(undefined, 'cdktn');
    everyHookKind(cdktnStack, 'cdktn');
    expect(Object.keys(resourcesOf(json, 'terraform_data'))).toHaveLength(8);
    expect(Object.keys(resourcesOf(json, 'terraform_data'))).toEqual(Object.keys(resourcesOf(synthJson(cdktnStack), 'terraform_data')));
    expect(resourcesOf(json, 'null_resource')).toEqual({});
    expect(json.provider).toBeUndefined();
    expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeUndefined();
  });

  test('cdktn with the context key set to null_resource gets the same provider, made through cdktn', () => {
    const stack = newStack({ 'cdktf-vbs-backup:hookResource': 'null_resource' }, 'cdktn');
    everyHookKind(stack, 'cdktn');
    const provider = stack.node.tryFindChild(NULL_PROVIDER_ID);
    expect(provider).toBeInstanceOf(FRAMEWORKS.cdktn.TerraformProvider);
    expect(provider).not.toBeInstanceOf(FRAMEWORKS.cdktf.TerraformProvider);
    expect(synthJson(stack).terraform.required_providers.null).toEqual({ source: 'hashicorp/null', version: NULL_PROVIDER_VERSION });
  });

  test.each([HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA])(
    'with %s, cdktf and cdktn synthesize the same JSON and the same HCL',
    (kind) => {
      const cdktf = newStack(undefined, 'cdktf');
      const cdktn = newStack(undefined, 'cdktn');
      everyHookKind(cdktf, 'cdktf', kind);
      everyHookKind(cdktn, 'cdktn', kind);
      expect(withoutMetadata(synthJson(cdktn))).toEqual(withoutMetadata(synthJson(cdktf)));
      const hclOf = (stack: Construct) => sameAssetHash(synthHcl(stack));
      expect(hclOf(cdktn)).toBe(hclOf(cdktf));
    },
  );

  test('null_resource and terraform_data hooks have the same addresses and the same triggers, and the moved switch maps one onto the other', () => {
    // what makes the moved switch plan no replacement: Terraform moves `triggers` into
    // `triggers_replace` as is, and compares it with the configuration's value
    const asNull = newStack(undefined, 'cdktf');
    const asData = newStack({ [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: true }, 'cdktf');
    everyHookKind(asNull, 'cdktf', HookResource.NULL_RESOURCE);
    everyHookKind(asData, 'cdktf', HookResource.TERRAFORM_DATA);
    const nulls = resourcesOf(synthJson(asNull), 'null_resource');
    const json = synthJson(asData);
    const datas = resourcesOf(json, 'terraform_data');
    expect(Object.keys(datas).sort()).toEqual(Object.keys(nulls).sort());
    for (const id of Object.keys(nulls)) {
      expect({ id, triggers: datas[id].triggers_replace }).toEqual({ id, triggers: nulls[id].triggers });
    }
    const moved = (json.moved as { from: string; to: string }[]).map((m) => `${m.from} -> ${m.to}`).sort();
    expect(moved).toEqual(Object.keys(nulls).sort().map((id) => `null_resource.${id} -> terraform_data.${id}`));
  });

  test('every element the library adds to a cdktn stack is a cdktn element', () => {
    const stack = newStack({ 'cdktf-vbs-backup:hookResource': 'null_resource' }, 'cdktn');
    everyHookKind(stack, 'cdktn');
    const elements = stack.node.findAll().filter((c) => c instanceof FRAMEWORKS.cdktn.TerraformElement);
    expect(elements.length).toBeGreaterThan(5);
    expect(stack.node.findAll().filter((c) => c instanceof FRAMEWORKS.cdktf.TerraformElement)).toEqual([]);
  });

  test("a cdktn app uses the constructs with cdktn's own types: hook resources in its dependsOn, its resources in executeBefore", () => {
    const { App, TerraformResource, TerraformStack } = FRAMEWORKS.cdktn;
    const stack = new TerraformStack(new App(), 'app');
    const policy = new BackupPolicy(stack, 'Nightly', { policyName: 'nightly', schedule: Schedule.daily(['02:00']), retention: Retention.count(7) });
    const traffic = new TerraformResource(stack, 'Traffic', { terraformResourceType: 'terraform_data', dependsOn: [policy.resource] });
    policy.addTrigger('BeforeSwitch', { executeBefore: [traffic] });
    const json = synthJson(stack);
    const ids = Object.keys(resourcesOf(json, 'terraform_data'));
    const id = (part: string) => ids.find((candidate) => candidate.includes(part));
    expect(resourcesOf(json, 'terraform_data')[id('Traffic')!].depends_on).toEqual([
      `terraform_data.${id('Nightly_Policy')}`,
      `terraform_data.${id('BeforeSwitch_Run')}`,
    ]);
  });

  test('a construct outside any TerraformStack is a clear error', () => {
    const app = new FRAMEWORKS.cdktn.App();
    expect(
      () => new BackupPolicy(app, 'Orphan', { policyName: 'orphan', schedule: Schedule.daily(['02:00']), retention: Retention.count(7) }),
    ).toThrow('Orphan: cdktf-vbs-backup constructs must be created inside a TerraformStack of cdktf or cdktn (CDK Terrain)');
  });

  test('a stack of a framework copy the library cannot load is a clear error, not a broken synth', () => {
    class ForeignStack extends Construct {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        Object.defineProperty(this, Symbol.for('cdktf/TerraformStack'), { value: true });
      }
    }
    const stack = new ForeignStack(new Construct(undefined as unknown as Construct, ''), 'other');
    expect(() => frameworkOf(stack)).toThrow(
      /other: this TerraformStack is not from a cdktf or cdktn that cdktf-vbs-backup can find \(tried cdktf at .*\).*npm ls cdktf cdktn constructs/,
    );
  });
});
