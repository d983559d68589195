import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf';
import {
  addDependency,
  createHookResource,
  environmentFromSelf,
  HOOK_RESOURCE_CONTEXT_KEY,
  HookResource,
  MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY,
  NULL_PROVIDER_ID,
  NULL_PROVIDER_VERSION,
  resolveHookResource,
  selfTrigger,
} from '../../src/core/hook-resource';
import { HOOK_ASSET_ID, locateHookExecutor } from '../../src/core/executor';
import { BackupErrors } from '../../src';
import { FRAMEWORK_NAMES, localExecs, resourceNamed, resourcesOf, synthHcl, synthJson, thrownBy, under } from './synth';

function hook(stack: TerraformStack, id: string, kind: HookResource) {
  return createHookResource(stack, id, {
    kind,
    triggers: { policy: 'name:nightly' },
    commands: [
      { command: 'hook-trigger', environment: { VBS_HOOK_POLICY_NAME: 'nightly' } },
      { command: 'hook-trigger', environment: { VBS_HOOK_POLICY_NAME: selfTrigger(kind, 'policy') }, when: 'destroy' },
    ],
  });
}

describe('the default hook resource', () => {
  test('under cdktf: terraform_data, with triggers_replace and no provider', () => {
    const stack = under('cdktf').newStack();
    hook(stack, 'Hook', resolveHookResource(stack, undefined));
    const json = synthJson(stack);
    expect(resourceNamed(json, 'terraform_data', 'Hook').triggers_replace).toEqual({ policy: 'name:nightly' });
    expect(json.provider).toBeUndefined();
    expect(resourcesOf(json, 'null_resource')).toEqual({});
    expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeUndefined();
  });

  test('under cdktn (no prebuilt null provider exists for it): terraform_data, with triggers_replace and no provider', () => {
    const stack = under('cdktn').newStack();
    hook(stack, 'Hook', resolveHookResource(stack, undefined));
    const json = synthJson(stack);
    expect(resourceNamed(json, 'terraform_data', 'Hook').triggers_replace).toEqual({ policy: 'name:nightly' });
    expect(json.provider).toBeUndefined();
    expect(resourcesOf(json, 'null_resource')).toEqual({});
    expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeUndefined();
  });
});

describe.each(FRAMEWORK_NAMES)('under %s', (framework) => {
  const { newStack, module, NullProvider } = under(framework);

  describe('hook resource kind', () => {
    test('terraform_data with triggers_replace and no provider', () => {
      const stack = newStack();
      hook(stack, 'Hook', HookResource.TERRAFORM_DATA);
      const json = synthJson(stack);
      const resource = resourceNamed(json, 'terraform_data', 'Hook');
      expect(resource.triggers_replace).toEqual({ policy: 'name:nightly' });
      expect(json.provider).toBeUndefined();
    });

    test(`null_resource with triggers and the plain hashicorp/null provider, made through ${framework}`, () => {
      const stack = newStack();
      hook(stack, 'Hook', HookResource.NULL_RESOURCE);
      const json = synthJson(stack);
      expect(resourceNamed(json, 'null_resource', 'Hook').triggers).toEqual({ policy: 'name:nightly' });
      expect(json.provider).toEqual({ null: [{}] });
      expect(json.terraform.required_providers).toEqual({ null: { source: 'hashicorp/null', version: NULL_PROVIDER_VERSION } });
      expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeInstanceOf(module.TerraformProvider);
    });

    test.each([HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE])('the context key chooses %s for the app', (kind) => {
      const stack = newStack({ [HOOK_RESOURCE_CONTEXT_KEY]: kind });
      expect(resolveHookResource(stack, undefined)).toBe(kind);
    });

    test.each([
      [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA],
      [HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE],
    ])('a prop (%s) wins over the context (%s)', (fromProp, fromContext) => {
      const stack = newStack({ [HOOK_RESOURCE_CONTEXT_KEY]: fromContext });
      expect(resolveHookResource(stack, fromProp)).toBe(fromProp);
    });

    test('an invalid context value is a clear error', () => {
      const stack = newStack({ [HOOK_RESOURCE_CONTEXT_KEY]: 'local_exec' });
      expect(BackupErrors.isValidationError(thrownBy(() => resolveHookResource(stack, undefined)))).toBe(true);
      expect(() => resolveHookResource(stack, undefined)).toThrow(
        'stack: context "cdktf-vbs-backup:hookResource" "local_exec" is not supported; allowed: "null_resource" or "terraform_data" (set it in cdktf.json "context", or pass the hookResource prop)',
      );
    });

    test('an invalid prop value is a clear error', () => {
      const stack = newStack();
      expect(BackupErrors.isValidationError(thrownBy(() => resolveHookResource(stack, 'shell' as HookResource)))).toBe(true);
      expect(() => resolveHookResource(stack, 'shell' as HookResource)).toThrow(
        'stack: hookResource "shell" is not supported; allowed: "null_resource" or "terraform_data"',
      );
    });
  });

  describe('the moved switch (context cdktf-vbs-backup:moveFromNullResource)', () => {
    test('true: every terraform_data hook gets a moved block from null_resource of the same logical id, JSON and HCL', () => {
      const stack = newStack({ [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: true });
      hook(stack, 'First', HookResource.TERRAFORM_DATA);
      hook(stack, 'Second', HookResource.TERRAFORM_DATA);
      const json = synthJson(stack);
      expect(json.moved).toEqual([
        { from: 'null_resource.First', to: 'terraform_data.First' },
        { from: 'null_resource.Second', to: 'terraform_data.Second' },
      ]);
      // the resources are still written, with the same triggers a null_resource had
      expect(resourceNamed(json, 'terraform_data', 'First').triggers_replace).toEqual({ policy: 'name:nightly' });
      const hcl = synthHcl(stack);
      expect(hcl).toMatch(/moved \{\s*to = terraform_data\.First\s*from = null_resource\.First\s*\}/);
      expect(hcl).toMatch(/moved \{\s*to = terraform_data\.Second\s*from = null_resource\.Second\s*\}/);
    });

    test.each([undefined, false, 'false'])('%s: no moved block', (value) => {
      const stack = newStack(value === undefined ? undefined : { [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: value });
      hook(stack, 'Hook', HookResource.TERRAFORM_DATA);
      expect(synthJson(stack).moved).toBeUndefined();
    });

    test('a null_resource hook stays as it is (nothing to move), "true" as a string counts', () => {
      const stack = newStack({ [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: 'true' });
      hook(stack, 'Kept', HookResource.NULL_RESOURCE);
      hook(stack, 'Moved', HookResource.TERRAFORM_DATA);
      expect(synthJson(stack).moved).toEqual([{ from: 'null_resource.Moved', to: 'terraform_data.Moved' }]);
    });

    test('a value that is not a boolean is a clear error', () => {
      const stack = newStack({ [MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY]: 'yes' });
      expect(() => hook(stack, 'Hook', HookResource.TERRAFORM_DATA)).toThrow(
        'stack: context "cdktf-vbs-backup:moveFromNullResource" "yes" is not a boolean; allowed: true (write moved blocks from null_resource) or false (set it in cdktf.json "context")',
      );
    });
  });

  describe('environmentFromSelf: each input once', () => {
    test.each([
      [HookResource.TERRAFORM_DATA, 'triggers_replace'],
      [HookResource.NULL_RESOURCE, 'triggers'],
    ])('%s: the triggers themselves, or merged with literal words and expressions; JSON and HCL', (kind, triggers) => {
      expect(environmentFromSelf(kind)).toBe(`\${self.${triggers}}`);
      expect(environmentFromSelf(kind, { VBS_HOOK_WAIT: 'true', VBS_HOOK_TIMEOUT: '600' }, { VBS_HOOK_REVISION: 'substr(self.id, 0, 4)' })).toBe(
        `\${merge(self.${triggers}, {VBS_HOOK_WAIT = "true", VBS_HOOK_TIMEOUT = "600", VBS_HOOK_REVISION = substr(self.id, 0, 4)})}`,
      );
      const stack = newStack();
      createHookResource(stack, 'Hook', {
        kind,
        triggers: { VBS_HOOK_POLICY_NAME: 'nightly' },
        commands: [{ command: 'hook-trigger', when: 'destroy', environment: environmentFromSelf(kind, { VBS_HOOK_PHASE: 'destroy' }) }],
      });
      const res = resourceNamed(synthJson(stack), kind, 'Hook');
      expect(res[triggers]).toEqual({ VBS_HOOK_POLICY_NAME: 'nightly' });
      expect(localExecs(res)[0].environment).toBe(`\${merge(self.${triggers}, {VBS_HOOK_PHASE = "destroy"})}`);
      expect(synthHcl(stack)).toContain(`environment = "\${merge(self.${triggers}, {VBS_HOOK_PHASE = "destroy"})}"`);
    });

    test('a literal that is not a plain word never goes into an expression', () => {
      expect(() => environmentFromSelf(HookResource.TERRAFORM_DATA, { VBS_HOOK_WAIT: 'a"b' })).toThrow(
        'cdktf-vbs-backup: VBS_HOOK_WAIT "a"b" cannot be written into an expression',
      );
    });
  });

  describe('replace_triggered_by', () => {
    test.each([HookResource.TERRAFORM_DATA, HookResource.NULL_RESOURCE])('%s: bare addresses in JSON, one interpolation each in HCL, named by the logical id at synth', (kind) => {
      const stack = newStack();
      const watched = new module.TerraformResource(stack, 'Migration', { terraformResourceType: 'terraform_data' });
      createHookResource(stack, 'Run', { kind, triggers: {}, commands: [], replaceTriggeredBy: [watched] });
      watched.overrideLogicalId('migration');
      expect(resourceNamed(synthJson(stack), kind, 'Run').lifecycle).toEqual({ replace_triggered_by: ['terraform_data.migration'] });
      expect(synthHcl(stack)).toMatch(/lifecycle \{\s*replace_triggered_by = \[terraform_data\.migration\]\s*\}/);
    });

    test('with create_before_destroy: both in one lifecycle', () => {
      const stack = newStack();
      const watched = new module.TerraformResource(stack, 'Migration', { terraformResourceType: 'terraform_data' });
      createHookResource(stack, 'Run', { kind: HookResource.TERRAFORM_DATA, triggers: {}, commands: [], createBeforeDestroy: true, replaceTriggeredBy: [watched] });
      expect(resourceNamed(synthJson(stack), 'terraform_data', 'Run').lifecycle).toEqual({
        create_before_destroy: true,
        replace_triggered_by: ['terraform_data.Migration'],
      });
      expect(synthHcl(stack)).toMatch(/lifecycle \{\s*create_before_destroy = true\s*replace_triggered_by = \[terraform_data\.Migration\]\s*\}/);
    });
  });

  describe('provisioners', () => {
    test.each([
      [HookResource.NULL_RESOURCE, '${self.triggers.policy}'],
      [HookResource.TERRAFORM_DATA, '${self.triggers_replace.policy}'],
    ])('%s: node runs the asset with the command word and the inputs in the environment', (kind, selfRef) => {
      const stack = newStack();
      hook(stack, 'Hook', kind);
      const [create, destroy] = localExecs(resourceNamed(synthJson(stack), kind, 'Hook'));
      expect(create.command).toBe('hook-trigger');
      expect(create.environment).toEqual({ VBS_HOOK_POLICY_NAME: 'nightly' });
      expect(create.when).toBeUndefined();
      expect(create.interpreter).toEqual([
        'node',
        expect.stringMatching(/^\$\{path\.module\}\/assets\/VbsBackupHookExecutor\/[0-9A-F]+\/vbs-backup-hook\.js$/),
      ]);
      expect(destroy.when).toBe('destroy');
      expect(destroy.environment).toEqual({ VBS_HOOK_POLICY_NAME: selfRef });
    });

    test('create_before_destroy and depends_on are passed through', () => {
      const stack = newStack();
      const first = hook(stack, 'First', HookResource.TERRAFORM_DATA);
      const second = createHookResource(stack, 'Second', {
        kind: HookResource.TERRAFORM_DATA,
        triggers: {},
        commands: [],
        createBeforeDestroy: true,
      });
      addDependency(second, first);
      const block = resourceNamed(synthJson(stack), 'terraform_data', 'Second');
      expect(block.lifecycle).toEqual({ create_before_destroy: true });
      expect(block.depends_on).toEqual(['terraform_data.First']);
      expect(first.terraformResourceType).toBe('terraform_data');
    });
  });

  describe('null provider', () => {
    test('is added once for many hooks', () => {
      const stack = newStack();
      for (let i = 0; i < 3; i++) hook(stack, `Hook${i}`, HookResource.NULL_RESOURCE);
      const json = synthJson(stack);
      expect(json.provider.null).toHaveLength(1);
      expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeDefined();
    });

    test("reuses the user's own", () => {
      const stack = newStack();
      const mine = new NullProvider(stack, 'Mine');
      hook(stack, 'Hook', HookResource.NULL_RESOURCE);
      const json = synthJson(stack);
      expect(json.provider.null).toHaveLength(1);
      expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeUndefined();
      expect(stack.node.findAll().filter((c) => c instanceof NullProvider)).toEqual([mine]);
    });

    test("an aliased provider of the user's is not the default one: ours is added", () => {
      const stack = newStack();
      new NullProvider(stack, 'Aliased', { alias: 'other' });
      hook(stack, 'Hook', HookResource.NULL_RESOURCE);
      expect(synthJson(stack).provider.null).toHaveLength(2);
      expect(stack.node.tryFindChild(NULL_PROVIDER_ID)).toBeDefined();
    });

    test('a default provider added after the first hook fails validation with advice', () => {
      const stack = newStack();
      hook(stack, 'Hook', HookResource.NULL_RESOURCE);
      new NullProvider(stack, 'Late');
      expect(() => synthJson(stack)).toThrow(
        /the stack has more than one null provider without an alias; .*Create your NullProvider before any BackupPolicy or BackupPolicyTrigger/,
      );
    });
  });

  describe('executor asset', () => {
    test('one asset per stack, however many hooks', () => {
      const stack = newStack();
      for (let i = 0; i < 3; i++) hook(stack, `Hook${i}`, HookResource.TERRAFORM_DATA);
      const assets = stack.node.children.filter((c) => c.node.id === HOOK_ASSET_ID);
      expect(assets).toHaveLength(1);
      const interpreters = new Set(
        Object.values(resourcesOf(synthJson(stack), 'terraform_data')).flatMap((r) => localExecs(r).map((l) => l.interpreter[1])),
      );
      expect(interpreters.size).toBe(1);
    });

    test('each stack of an app gets its own', () => {
      const app = module.Testing.app();
      const one = new module.TerraformStack(app, 'one');
      const two = new module.TerraformStack(app, 'two');
      hook(one, 'Hook', HookResource.TERRAFORM_DATA);
      hook(two, 'Hook', HookResource.TERRAFORM_DATA);
      expect(one.node.tryFindChild(HOOK_ASSET_ID)).toBeDefined();
      expect(two.node.tryFindChild(HOOK_ASSET_ID)).toBeDefined();
    });

    test('the synthesized JSON holds no absolute machine path', () => {
      const stack = newStack();
      hook(stack, 'Hook', HookResource.NULL_RESOURCE);
      const text = module.Testing.synth(stack);
      const root = path.resolve(__dirname, '..', '..');
      expect(text).not.toContain(root);
      expect(text).not.toContain(os.tmpdir());
      expect(text).not.toMatch(/"\/[^"]*"/);
    });

    test('a full synth copies the executor into the stack directory, where the interpreter path points', () => {
      const stack = newStack();
      hook(stack, 'Hook', HookResource.TERRAFORM_DATA);
      const outdir = module.Testing.fullSynth(stack);
      try {
        const stackDir = path.join(outdir, 'stacks', 'stack');
        const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
        const [create] = localExecs(resourceNamed(json, 'terraform_data', 'Hook'));
        const copied = path.join(stackDir, create.interpreter[1].replace('${path.module}/', ''));
        expect(fs.readFileSync(copied)).toEqual(fs.readFileSync(locateHookExecutor()));
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });

  });
});

describe('executor asset, whichever the framework', () => {
  test('a missing executor says where it looked and to run npm run build', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'vbs-backup-hook.js');
    expect(() => locateHookExecutor([missing])).toThrow(
      `cdktf-vbs-backup: the hook executor vbs-backup-hook.js was not found (looked at ${JSON.stringify(missing)}); run \`npm run build\``,
    );
  });
});

