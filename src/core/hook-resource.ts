import { provider as nullProvider } from '@cdktf/provider-null';
import { ITerraformDependable, LocalExecProvisioner, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { hookExecutorPath } from './executor';
import {
  DataHookResource,
  dependencyAddress,
  HookValue,
  LateString,
  lateInputsOf,
  NullHookResource,
  producedString,
  splitLate,
} from './late';

export { LateString } from './late';
export type { HookValue } from './late';

/**
 * Which Terraform resource carries the hooks' `local-exec` provisioners.
 */
export enum HookResource {
  /** `null_resource` from the hashicorp/null provider, which the library adds to the stack once. */
  NULL_RESOURCE = 'null_resource',
  /** Terraform's built-in `terraform_data` (Terraform >= 1.4): no provider to download. */
  TERRAFORM_DATA = 'terraform_data',
}

/** Context key choosing the hook resource for a whole app (`cdktf.json` "context"). */
export const HOOK_RESOURCE_CONTEXT_KEY = 'cdktf-vbs-backup:hookResource';

const HOOK_RESOURCE_VALUES: readonly string[] = [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA];

/**
 * The hook resource for a construct: its prop if given, else the context key, else
 * `null_resource`.
 *
 * @throws when the context value is not one of the allowed values
 */
export function resolveHookResource(scope: IConstruct, prop: HookResource | undefined): HookResource {
  if (prop !== undefined) {
    if (!HOOK_RESOURCE_VALUES.includes(prop)) {
      throw new Error(
        `${scope.node.path}: hookResource ${JSON.stringify(prop)} is not supported; allowed: ${HOOK_RESOURCE_VALUES.map((v) => JSON.stringify(v)).join(' or ')}`,
      );
    }
    return prop;
  }
  const fromContext: unknown = scope.node.tryGetContext(HOOK_RESOURCE_CONTEXT_KEY);
  if (fromContext === undefined || fromContext === null) {
    return HookResource.NULL_RESOURCE;
  }
  if (typeof fromContext !== 'string' || !HOOK_RESOURCE_VALUES.includes(fromContext)) {
    throw new Error(
      `${scope.node.path}: context "${HOOK_RESOURCE_CONTEXT_KEY}" is ${JSON.stringify(fromContext)}; allowed: ${HOOK_RESOURCE_VALUES.map((v) => JSON.stringify(v)).join(' or ')} (set it in cdktf.json "context", or pass the hookResource prop)`,
    );
  }
  return fromContext as HookResource;
}

/** One `local-exec` run of the executor. */
export interface HookCommand {
  /** The hook command word, e.g. `hook-trigger` (one argv word, no shell). */
  readonly command: string;
  /** Every input of the hook; never a secret. A {@link LateString} is computed at synth. */
  readonly environment: Record<string, HookValue>;
  /** `destroy` for a destroy-time provisioner, which may only reference `self`. */
  readonly when?: 'destroy';
}

/** What a hook resource is made of. */
export interface HookResourceConfig {
  /** Which resource type to use. */
  readonly kind: HookResource;
  /**
   * Replacing values: any change replaces the resource, which runs its create hooks again.
   * A {@link LateString} is computed at synth.
   */
  readonly triggers: Record<string, HookValue>;
  /** The provisioners, in order. */
  readonly commands: readonly HookCommand[];
  /** Resources this one waits for. */
  readonly dependsOn?: ITerraformDependable[];
  /** `lifecycle { create_before_destroy = true }`. */
  readonly createBeforeDestroy?: boolean;
  /**
   * Makes the block a `for_each` over this map, computed at synth: keys must be known at synth
   * (literal strings), values may be tokens. Triggers and create-time provisioners may then use
   * `${each.key}` / `${each.value}`; destroy-time ones read `self` only.
   *
   * @default - a single instance
   */
  readonly forEach?: () => Record<string, string>;
}

/**
 * Makes a `null_resource` (with `triggers`) or a `terraform_data` (with `triggers_replace`)
 * whose provisioners run the bundled executor:
 * `interpreter = ["node", "${path.module}/assets/.../vbs-backup-hook.js"]`, `command` = the
 * hook word, `environment` = the inputs.
 */
export function createHookResource(scope: IConstruct, id: string, config: HookResourceConfig): TerraformResource {
  const executor = hookExecutorPath(scope);
  const lateEnvironments = new Map<number, Record<string, LateString>>();
  const provisioners: LocalExecProvisioner[] = config.commands.map((hook, index) => {
    const environment = splitLate(hook.environment);
    if (Object.keys(environment.late).length > 0) {
      lateEnvironments.set(index, environment.late);
    }
    return {
      type: 'local-exec',
      interpreter: ['node', executor],
      command: hook.command,
      environment: environment.now,
      ...(hook.when ? { when: hook.when } : {}),
    };
  });
  const triggers = splitLate(config.triggers);
  const meta = {
    dependsOn: config.dependsOn,
    lifecycle: config.createBeforeDestroy ? { createBeforeDestroy: true } : undefined,
    provisioners,
  };
  let resource: NullHookResource | DataHookResource;
  if (config.kind === HookResource.TERRAFORM_DATA) {
    resource = new DataHookResource(scope, id, { ...meta, triggersReplace: triggers.now });
  } else {
    ensureNullProvider(scope);
    resource = new NullHookResource(scope, id, { ...meta, triggers: triggers.now });
  }
  Object.assign(resource.late.triggers, triggers.late);
  resource.late.forEach = config.forEach;
  lateEnvironments.forEach((late, index) => resource.late.environments.set(index, late));
  return resource;
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
 * to embed in a larger Terraform expression. Plain strings rather than cdktf tokens: a
 * token records a stack trace, and a stack of hundreds of hooks would pay for each.
 */
export function selfTriggerExpression(kind: HookResource, key: string): string {
  const attribute = kind === HookResource.TERRAFORM_DATA ? 'triggers_replace' : 'triggers';
  return `self.${attribute}.${key}`;
}

/**
 * `resource` waits for `on` (a `depends_on` entry naming the logical id `on` has at synth),
 * once. A hook resource of this library keeps the entry itself; any other resource gets a
 * token.
 */
export function addDependency(resource: TerraformResource, on: TerraformResource): void {
  const marker = dependencyMarkers.get(resource) ?? new Set<TerraformResource>();
  if (marker.has(on) || resource === on) {
    return;
  }
  marker.add(on);
  dependencyMarkers.set(resource, marker);
  const late = lateInputsOf(resource);
  if (late !== undefined) {
    late.dependencies.push(on);
  } else {
    resource.dependsOn = [...(resource.dependsOn ?? []), producedString(on, dependencyAddress)];
  }
}

const dependencyMarkers = new WeakMap<TerraformResource, Set<TerraformResource>>();

/** Every Terraform resource inside `construct` (itself included), in tree order. */
export function resourcesIn(construct: IConstruct): TerraformResource[] {
  return construct.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
}

/** Construct id of the null provider the library adds when the stack has none. */
export const NULL_PROVIDER_ID = 'VbsBackupNullProvider';

const nullProviders = new WeakMap<TerraformStack, nullProvider.NullProvider>();

/**
 * The stack's default (un-aliased) null provider: the user's own if the stack has one,
 * otherwise one added once under the id `VbsBackupNullProvider`.
 */
export function ensureNullProvider(scope: IConstruct): nullProvider.NullProvider {
  const stack = TerraformStack.of(scope);
  const known = nullProviders.get(stack);
  if (known !== undefined) {
    return known;
  }
  const existing = defaultNullProviders(stack)[0];
  const chosen = existing ?? new nullProvider.NullProvider(stack, NULL_PROVIDER_ID, {});
  if (existing === undefined) {
    // A user provider added after our first construct would make two default null providers,
    // which Terraform rejects; say so at synth instead.
    chosen.node.addValidation({
      validate: () =>
        defaultNullProviders(stack).length > 1
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

function defaultNullProviders(stack: TerraformStack): nullProvider.NullProvider[] {
  return stack.node
    .findAll()
    .filter((c): c is nullProvider.NullProvider => c instanceof nullProvider.NullProvider && c.alias === undefined);
}
