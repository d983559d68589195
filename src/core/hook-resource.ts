import type * as cdktf from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { hookExecutorPath, hookLauncherPath } from './executor';
import { FrameworkModule, fw, stackFor } from './framework';
import { HookResource, moveFromNullResource } from './hook-kind';
import { HookRuntime } from './hook-runtime';
import { Addressable, dependencyAddress, DependencyReference, HookValue, LateMap, LateString, produceAll } from './late';

export { HOOK_RESOURCE_CONTEXT_KEY, HookResource, MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY, resolveHookResource } from './hook-kind';
export type { IHookResource } from './hook-kind';
export { LateMap, LateString } from './late';
export type { HookValue } from './late';

/**
 * The hook resources (docs/architecture.md ADR 5): a `TerraformResource` subclass of the app's
 * framework, of type `null_resource` or `terraform_data`, that writes its own block in
 * `synthesizeAttributes()` (JSON) and `synthesizeHclAttributes()` (HCL), the framework's public
 * extension points. Nothing runs at synth but the rendering: no `terraform` binary (cdktf's
 * `DataResource` runs `terraform version` for each one), no generated provider classes.
 */

/** One `local-exec` run of the executor. */
export interface HookCommand {
  /** The hook command word, e.g. `hook-trigger` (one argv word, no shell). */
  readonly command: string;
  /**
   * Every input of the hook; never a secret. A map (a {@link LateString} in it is computed at
   * synth), or one Terraform expression that evaluates to the map, such as
   * {@link environmentFromSelf}'s, so the inputs the triggers hold are written once.
   */
  readonly environment: Record<string, HookValue> | HookValue;
  /** `destroy` for a destroy-time provisioner, which may only reference `self`. */
  readonly when?: 'destroy';
}

/** What a hook resource is made of. */
export interface HookResourceConfig {
  /** Which resource type to use. */
  readonly kind: HookResource;
  /**
   * How the provisioners start the executor: `node <executor>` (`HookRuntime.NODE`), or the
   * portable launcher, `sh <launcher> <executor>` (`HookRuntime.PORTABLE`, ADR 16).
   *
   * @default HookRuntime.NODE
   */
  readonly runtime?: HookRuntime;
  /**
   * Replacing values: any change replaces the resource, which runs its create hooks again.
   * A {@link LateString} is computed at synth.
   */
  readonly triggers: Record<string, HookValue>;
  /** The provisioners, in order. */
  readonly commands: readonly HookCommand[];
  /** `lifecycle { create_before_destroy = true }`. */
  readonly createBeforeDestroy?: boolean;
  /**
   * Makes the block a `for_each` over this map, computed at synth: keys must be known at synth
   * (literal strings), values may be tokens. Triggers and create-time provisioners may then use
   * `${each.key}` / `${each.value}`; destroy-time ones read `self` only.
   *
   * @default - a single instance
   */
  readonly forEach?: Pick<LateMap, 'resolve' | 'creationStack' | 'toString'>;
  /**
   * `lifecycle { replace_triggered_by = [...] }`: the resource is replaced (so its create hooks
   * run again) whenever one of these resources is updated or replaced. Read at synth (the
   * caller may fill the list until then); each is named by the logical id it has then.
   *
   * @default - none
   */
  readonly replaceTriggeredBy?: readonly Addressable[];
}

/** The attribute holding the triggers: `triggers` (null_resource) or `triggers_replace` (terraform_data). */
export function triggersAttribute(kind: HookResource): string {
  return kind === HookResource.TERRAFORM_DATA ? 'triggers_replace' : 'triggers';
}

/** Whether the hook resource has a `replace_triggered_by` list to write. */
function watches(hook: HookResourceConfig): hook is HookResourceConfig & { readonly replaceTriggeredBy: readonly Addressable[] } {
  return hook.replaceTriggeredBy !== undefined;
}

/** A hook resource as the library sees it: a framework `TerraformResource` with its hook definition. */
export type HookTerraformResource = cdktf.TerraformResource & {
  readonly hook: HookResourceConfig & { readonly interpreter: readonly string[] };
};

type HookResourceClass = new (
  scope: IConstruct,
  id: string,
  hook: HookResourceConfig & { readonly interpreter: readonly string[] },
) => HookTerraformResource;

/** One hook resource class per framework module, made on first use. */
const hookClasses = new WeakMap<FrameworkModule, HookResourceClass>();

function hookResourceClass(module: FrameworkModule): HookResourceClass {
  const known = hookClasses.get(module);
  if (known !== undefined) {
    return known;
  }
  class VbsHookResource extends module.TerraformResource {
    constructor(
      scope: IConstruct,
      id: string,
      public readonly hook: HookResourceConfig & { readonly interpreter: readonly string[] },
    ) {
      super(scope as Construct, id, {
        terraformResourceType: hook.kind,
        terraformGeneratorMetadata: { providerName: hook.kind === HookResource.NULL_RESOURCE ? 'null' : 'terraform' },
        // With replace_triggered_by this class writes the whole lifecycle block; the framework's
        // must then be an empty object (an undefined one would delete ours when they are merged).
        lifecycle: watches(hook) ? {} : hook.createBeforeDestroy ? { createBeforeDestroy: true } : undefined,
        forEach:
          hook.forEach !== undefined
            ? module.TerraformIterator.fromMap(hook.forEach as unknown as Record<string, string>)
            : undefined,
        // The provisioners are in the block this class writes; an empty list here keeps the
        // framework from removing them (it merges its own list, or deletes the key for none).
        provisioners: [],
      });
    }

    protected synthesizeAttributes(): Record<string, unknown> {
      const hook = this.hook;
      return {
        // JSON: bare addresses (a "${...}" string is refused there).
        ...(watches(hook)
          ? {
              lifecycle: {
                ...(hook.createBeforeDestroy ? { create_before_destroy: true } : {}),
                replace_triggered_by: hook.replaceTriggeredBy.map(dependencyAddress),
              },
            }
          : {}),
        [triggersAttribute(hook.kind)]: produceAll(hook.triggers),
        provisioner: hook.commands.map((command) => ({
          'local-exec': {
            interpreter: [...hook.interpreter],
            command: command.command,
            environment: renderEnvironment(command.environment),
            ...(command.when ? { when: command.when } : {}),
          },
        })),
      };
    }

    protected synthesizeHclAttributes(): Record<string, unknown> {
      const hook = this.hook;
      // Typed values, so the HCL renderer writes every environment value as a quoted string
      // (untyped, it writes a JSON text such as the policy spec as an HCL object) and `when`
      // as a keyword.
      return {
        // HCL: bare references, a list written as an expression (a quoted "${address}" passes
        // `terraform validate` and is refused by `terraform plan`).
        ...(watches(hook)
          ? {
              lifecycle: {
                isBlock: true,
                type: 'simple',
                storageClassType: 'object',
                value: {
                  ...(hook.createBeforeDestroy
                    ? { create_before_destroy: { value: true, isBlock: false, type: 'simple', storageClassType: 'boolean' } }
                    : {}),
                  replace_triggered_by: {
                    value: `[${hook.replaceTriggeredBy.map(dependencyAddress).join(', ')}]`,
                    isBlock: false,
                    type: 'simple',
                    storageClassType: 'reference',
                  },
                },
              },
            }
          : {}),
        [triggersAttribute(hook.kind)]: { value: produceAll(hook.triggers), isBlock: false, type: 'map', storageClassType: 'stringMap' },
        provisioner: hook.commands.map((command) => ({
          'local-exec': {
            isBlock: true,
            type: 'list',
            storageClassType: 'object',
            value: {
              interpreter: { value: [...hook.interpreter], isBlock: false, type: 'list', storageClassType: 'stringList' },
              command: { value: command.command, isBlock: false, type: 'simple', storageClassType: 'string' },
              environment: isExpression(command.environment)
                ? { value: renderEnvironment(command.environment), isBlock: false, type: 'simple', storageClassType: 'string' }
                : { value: produceAll(command.environment), isBlock: false, type: 'map', storageClassType: 'stringMap' },
              ...(command.when ? { when: { value: command.when, isBlock: false, type: 'simple', storageClassType: 'reference' } } : {}),
            },
          },
        })),
      };
    }
  }
  hookClasses.set(module, VbsHookResource);
  return VbsHookResource;
}

/**
 * Makes a `null_resource` (with `triggers`) or a `terraform_data` (with `triggers_replace`) of
 * `scope`'s framework whose provisioners run the bundled executor:
 * `interpreter = ["node", "${path.module}/assets/.../vbs-backup-hook.js"]` (or, with
 * `HookRuntime.PORTABLE`, `["sh", "<launcher>", "<executor>"]`), `command` = the hook word,
 * `environment` = the inputs. A `null_resource` makes sure the stack has a null provider.
 */
export function createHookResource(scope: IConstruct, id: string, config: HookResourceConfig): HookTerraformResource {
  const module = fw(scope);
  if (config.kind === HookResource.NULL_RESOURCE) {
    ensureNullProvider(scope);
  }
  const Hook = hookResourceClass(module);
  const executor = hookExecutorPath(scope);
  const interpreter = config.runtime === HookRuntime.PORTABLE ? ['sh', hookLauncherPath(scope), executor] : ['node', executor];
  const resource = new Hook(scope, id, { ...config, interpreter });
  if (config.kind === HookResource.TERRAFORM_DATA && moveFromNullResource(scope)) {
    // The framework's public move API writes `moved { from = null_resource.<id>, to =
    // terraform_data.<id> }` (JSON and HCL); Terraform >= 1.9 carries `triggers` over into
    // `triggers_replace`, so identical triggers plan no replacement.
    resource.moveFromId(`${HookResource.NULL_RESOURCE}.${resource.friendlyUniqueId}`);
  }
  return resource;
}

/** Whether an environment is one Terraform expression (a string, or one computed at synth) rather than a map. */
function isExpression(environment: Record<string, HookValue> | HookValue): environment is HookValue {
  return typeof environment === 'string' || environment instanceof LateString;
}

function renderEnvironment(environment: Record<string, HookValue> | HookValue): Record<string, string> | string {
  if (environment instanceof LateString) return environment.produce();
  return typeof environment === 'string' ? environment : produceAll(environment);
}

/** What may follow `=` in {@link environmentFromSelf}'s literal entries: words, numbers, never user text. */
const LITERAL_WORD = /^[A-Za-z0-9_.-]+$/;

/**
 * Whether `value` can be a literal entry of {@link environmentFromSelf}: a plain word known at
 * synth (a number token, encoded as a huge double such as `-8.1e+298`, is not one).
 */
export function isLiteralWord(scope: IConstruct, value: string): boolean {
  return LITERAL_WORD.test(value) && !fw(scope).Token.isUnresolved(value);
}

/**
 * A provisioner `environment` that is the resource's own triggers (`${self.triggers_replace}`,
 * `${self.triggers}` for `null_resource`), so each input the triggers hold is written once,
 * with entries merged on top that must not replace the resource when they change:
 * `literals` (words such as `true`, `600`, `destroy`, quoted here: never user text, so never
 * a quoting problem) and `expressions` (Terraform expressions, e.g. over `self.id`). The trigger
 * keys are the hook variable names, so the map is the hook's environment as it is.
 *
 * @throws Error when a literal is not a plain word (a bug of the caller, not of the user)
 */
export function environmentFromSelf(kind: HookResource, literals: Record<string, string> = {}, expressions: Record<string, string> = {}): string {
  const entries: string[] = [];
  for (const [name, value] of Object.entries(literals)) {
    if (!LITERAL_WORD.test(value)) {
      throw new Error(`cdktf-vbs-backup: ${name} "${value}" cannot be written into an expression`);
    }
    entries.push(`${name} = "${value}"`);
  }
  for (const [name, expression] of Object.entries(expressions)) {
    entries.push(`${name} = ${expression}`);
  }
  const self = `self.${triggersAttribute(kind)}`;
  return entries.length === 0 ? `\${${self}}` : `\${merge(${self}, {${entries.join(', ')}})}`;
}

/**
 * A reference to one of the resource's own trigger values, for destroy-time provisioners:
 * `${self.triggers.<key>}` (null_resource) or `${self.triggers_replace.<key>}` (terraform_data).
 */
export function selfTrigger(kind: HookResource, key: string): string {
  return `\${${selfTriggerExpression(kind, key)}}`;
}

/**
 * The bare expression for one of the resource's own trigger values (`self.triggers.<key>`),
 * to embed in a larger Terraform expression. Plain strings rather than tokens: nothing to
 * register, nothing to resolve.
 */
export function selfTriggerExpression(kind: HookResource, key: string): string {
  return `self.${triggersAttribute(kind)}.${key}`;
}

/**
 * `resource` waits for `on`, once: a `depends_on` entry naming the logical id `on` has at
 * synth (see {@link DependencyReference}).
 */
export function addDependency(resource: cdktf.TerraformResource, on: IConstruct & Addressable): void {
  const marker = dependencyMarkers.get(resource) ?? new Set<IConstruct>();
  if (marker.has(on) || resource === on) {
    return;
  }
  marker.add(on);
  dependencyMarkers.set(resource, marker);
  // The framework resolves the entry at synth; typed `string[]` there, any resolvable is allowed.
  resource.dependsOn = [...(resource.dependsOn ?? []), new DependencyReference(on) as unknown as string];
}

const dependencyMarkers = new WeakMap<IConstruct, Set<IConstruct>>();

/** Every Terraform resource inside `construct` (itself included), in tree order. */
export function resourcesIn(scope: IConstruct, construct: IConstruct): cdktf.TerraformResource[] {
  const module = fw(scope);
  return construct.node.findAll().filter((c): c is cdktf.TerraformResource => module.TerraformResource.isTerraformResource(c));
}

/** Construct id of the null provider the library adds when the stack has none. */
export const NULL_PROVIDER_ID = 'VbsBackupNullProvider';

/** The hashicorp/null versions the added provider accepts. */
export const NULL_PROVIDER_VERSION = '~> 3.2';

const nullProviders = new WeakMap<IConstruct, cdktf.TerraformProvider>();

/** A plain `TerraformProvider` of type `null` (no generated provider package needed). */
const nullProviderClasses = new WeakMap<FrameworkModule, new (scope: Construct, id: string) => cdktf.TerraformProvider>();

function nullProviderClass(module: FrameworkModule): new (scope: Construct, id: string) => cdktf.TerraformProvider {
  const known = nullProviderClasses.get(module);
  if (known !== undefined) {
    return known;
  }
  class VbsNullProvider extends module.TerraformProvider {
    constructor(scope: Construct, id: string) {
      super(scope, id, {
        terraformResourceType: 'null',
        terraformGeneratorMetadata: { providerName: 'null', providerVersionConstraint: NULL_PROVIDER_VERSION },
        terraformProviderSource: 'hashicorp/null',
      });
    }
  }
  nullProviderClasses.set(module, VbsNullProvider);
  return VbsNullProvider;
}

/**
 * The stack's default (un-aliased) null provider: the user's own if the stack has one (any
 * provider whose `terraformResourceType` is `null`, e.g. `@cdktf/provider-null`'s), otherwise
 * one added once under the id `VbsBackupNullProvider`.
 */
export function ensureNullProvider(scope: IConstruct): cdktf.TerraformProvider {
  const module = fw(scope);
  const stack = stackFor(scope);
  const known = nullProviders.get(stack);
  if (known !== undefined) {
    return known;
  }
  const existing = defaultNullProviders(module, stack)[0];
  const chosen = existing ?? new (nullProviderClass(module))(stack, NULL_PROVIDER_ID);
  if (existing === undefined) {
    // A user provider added after our first construct would make two default null providers,
    // which Terraform rejects; say so at synth instead.
    chosen.node.addValidation({
      validate: () =>
        defaultNullProviders(module, stack).length > 1
          ? [
              `${stack.node.path}: the stack has more than one null provider without an alias; ` +
                `cdktf-vbs-backup added "${NULL_PROVIDER_ID}" because none existed when its first hook was created. ` +
                'Create your NullProvider before any BackupPolicy or BackupPolicyTrigger, or give yours an alias.',
            ]
          : [],
    });
  }
  nullProviders.set(stack, chosen);
  return chosen;
}

function defaultNullProviders(module: FrameworkModule, stack: IConstruct): cdktf.TerraformProvider[] {
  return stack.node
    .findAll()
    .filter(
      (c): c is cdktf.TerraformProvider =>
        module.TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'null' && c.alias === undefined,
    );
}
