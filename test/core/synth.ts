/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON, whose paths the tests read freely */
import { provider as nullProvider, resource as nullResource } from '@cdktf/provider-null';
import * as cdktf from 'cdktf';
import * as cdktn from 'cdktn';
import { Construct, IConstruct } from 'constructs';
import { FRAMEWORKS, FrameworkName } from '../../examples/support/frameworks';
import { FRAMEWORK_NAMES } from '../../src/core/framework';

export { FRAMEWORKS, FRAMEWORK_NAMES };
export type { FrameworkName };

/** A fresh app and stack of `framework`; `context` goes to the app like cdktf.json "context". */
export function newStack(context?: Record<string, unknown>, framework: FrameworkName = 'cdktf'): cdktf.TerraformStack {
  const { Testing, TerraformStack } = FRAMEWORKS[framework] as typeof cdktf;
  const app = Testing.app(context ? { context } : undefined);
  return new TerraformStack(app, 'stack');
}

/**
 * A null provider as a cdktn app has one: the class `cdktn get` generates for hashicorp/null
 * (there is no prebuilt provider package for cdktn). `@cdktf/provider-null`'s `NullProvider`
 * is the same class built on cdktf.
 */
class CdktnNullProvider extends cdktn.TerraformProvider {
  private _alias?: string;

  constructor(scope: Construct, id: string, config: { alias?: string } = {}) {
    super(scope, id, {
      terraformResourceType: 'null',
      terraformGeneratorMetadata: { providerName: 'null', providerVersionConstraint: '~> 3.0' },
      terraformProviderSource: 'null',
    });
    this._alias = config.alias;
  }

  public get alias(): string | undefined {
    return this._alias;
  }

  public set alias(value: string | undefined) {
    this._alias = value;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { alias: this._alias };
  }
}

/**
 * Terraform's built-in `terraform_data` as a cdktn app has it: the class `cdktn get`
 * generates for terraform.io/builtin/terraform. cdktn's own `DataResource` is the same
 * resource, but checks at every synth that `terraform version` is >= 1.4, a process per synth.
 */
class CdktnTerraformData extends cdktn.TerraformResource {
  public static readonly tfResourceType = 'terraform_data';

  constructor(scope: Construct, id: string) {
    super(scope, id, { terraformResourceType: CdktnTerraformData.tfResourceType });
  }

  public get id(): string {
    return this.getStringAttribute('id');
  }
}

/** A resource of the user's, with the `id` attribute every generated resource class has. */
export type UserResource = cdktf.TerraformResource & { readonly id: string };

/** What the synth tests need of one framework, so one test body runs under cdktf and under cdktn. */
export interface FrameworkUnderTest {
  readonly name: FrameworkName;
  /** The framework's module, for the elements a test builds itself (`TerraformVariable`, `Testing`, ...). */
  readonly module: typeof cdktf;
  /** A fresh app and stack of this framework; `context` goes to the app like cdktf.json "context". */
  newStack(context?: Record<string, unknown>): cdktf.TerraformStack;
  /**
   * The hook resource an app of this framework gets by default (src/core/hook-kind.ts):
   * `terraform_data` under both; `triggers` is the attribute holding its triggers, `self(key)`
   * a destroy-time reference to one of them.
   */
  readonly hook: {
    readonly type: 'terraform_data';
    readonly triggers: 'triggers_replace';
    self(key: string): string;
  };
  /**
   * A resource of the user's, as an app of this framework has one: `@cdktf/provider-null`'s
   * `null_resource` under cdktf, the built-in `terraform_data` under cdktn.
   */
  userResource(scope: Construct, id: string): UserResource;
  /** The Terraform type of {@link userResource}'s resources. */
  readonly userResourceType: 'null_resource' | 'terraform_data';
  /** The user's own null provider class: `@cdktf/provider-null`'s, or what `cdktn get` generates. */
  readonly NullProvider: new (scope: Construct, id: string, config?: { alias?: string }) => cdktf.TerraformProvider;
}

const stacksWithNullProvider = new WeakSet<IConstruct>();

/** {@link FrameworkUnderTest} for `name`. */
export function under(name: FrameworkName): FrameworkUnderTest {
  const module = FRAMEWORKS[name] as typeof cdktf;
  const hook = { type: 'terraform_data', triggers: 'triggers_replace' } as const;
  return {
    name,
    module,
    newStack: (context) => newStack(context, name),
    hook: { ...hook, self: (key) => `\${self.${hook.triggers}.${key}}` },
    userResource: (scope, id) => {
      if (name === 'cdktn') return new CdktnTerraformData(scope, id) as unknown as UserResource;
      // A user's null_resource needs the user's null provider (the hooks are terraform_data).
      const stack = cdktf.TerraformStack.of(scope);
      if (!stacksWithNullProvider.has(stack)) {
        stacksWithNullProvider.add(stack);
        new nullProvider.NullProvider(stack, 'UserNullProvider');
      }
      return new nullResource.Resource(scope, id);
    },
    userResourceType: name === 'cdktf' ? 'null_resource' : 'terraform_data',
    NullProvider: name === 'cdktf' ? nullProvider.NullProvider : (CdktnNullProvider as unknown as FrameworkUnderTest['NullProvider']),
  };
}

/** The framework module of `stack`'s app. */
function frameworkOf(stack: IConstruct): typeof cdktf {
  return (stack instanceof cdktn.TerraformStack ? cdktn : cdktf) as typeof cdktf;
}

/** The stack's synthesized JSON, parsed. Runs validations, as `cdktf synth` does. */
export function synthJson(stack: IConstruct): any {
  return JSON.parse(frameworkOf(stack).Testing.synth(stack as cdktf.TerraformStack, true));
}

/** The stack's synthesized HCL. */
export function synthHcl(stack: IConstruct): string {
  return frameworkOf(stack).Testing.synthHcl(stack as cdktf.TerraformStack, true);
}

/** Every resource of a type, by logical id. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of `type` whose logical id contains `part`. */
export function resourceNamed(json: any, type: string, part: string): any {
  const matches = Object.entries(resourcesOf(json, type)).filter(([id]) => id.includes(part));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} matching ${part}, found ${matches.map(([id]) => id).join(', ') || 'none'}`);
  }
  return matches[0][1];
}

/**
 * The environment a local-exec block gives its hook, as Terraform evaluates it: a map as is, or
 * the resource's own triggers (`${self.triggers_replace}`) with the entries of a
 * `${merge(self.triggers_replace, {NAME = "word", NAME = expression})}` on top (a literal word
 * unquoted, an expression as its text). `self.id` and `each.*` stay as the text Terraform sees.
 */
export function hookEnvironment(resource: any, exec: any): Record<string, string> {
  const env = exec.environment;
  if (typeof env !== 'string') return env;
  const whole = /^\$\{self\.(triggers|triggers_replace)\}$/.exec(env);
  if (whole) return { ...resource[whole[1]] };
  const merged = /^\$\{merge\(self\.(triggers|triggers_replace), \{(.*)\}\)\}$/.exec(env);
  if (!merged) throw new Error(`unexpected environment expression: ${env}`);
  const extra: Record<string, string> = {};
  for (const m of merged[2].matchAll(/([A-Z][A-Z_]*) = (?:"([A-Za-z0-9_.-]*)"|(.+?))(?=, [A-Z][A-Z_]* = |$)/g)) {
    extra[m[1]] = m[2] ?? m[3];
  }
  return { ...resource[merged[1]], ...extra };
}

/** The local-exec blocks of a synthesized resource. */
export function localExecs(resource: any): any[] {
  return (resource.provisioner ?? []).map((p: any) => p['local-exec']);
}

export const VOLUME_A = '0b9a6d40-4c1f-4c5e-9a58-0d4f1e2a7c11';
export const VOLUME_B = '7d3e2f10-9b8a-4e6d-8c1b-2a4f6e8d0c22';
export const POLICY_ID = 'af8a20b0-117d-4fc3-ae53-aa3968a4f870';
export const PROJECT_ID = 'e9993fc787d94b6c886cbaa340f9c0f4';

/** What `fn` throws (a test failure when it throws nothing). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}
