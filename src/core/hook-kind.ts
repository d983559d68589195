import { IConstruct } from 'constructs';
import { resolveChoice } from './choice';
import { BackupValidationError } from './validation';

/**
 * The public face of the hook resources: which type carries the hooks, and what a hook
 * resource offers users. Types from `constructs` and this package only, so one declaration
 * serves cdktf and cdktn apps (docs/architecture.md, "one package, two frameworks").
 */

/**
 * Which Terraform resource carries the hooks' `local-exec` provisioners.
 */
export enum HookResource {
  /**
   * `null_resource` of the hashicorp/null provider, which the library adds to the stack once
   * (or reuses yours): for Terraform < 1.4, or by choice.
   */
  NULL_RESOURCE = 'null_resource',
  /**
   * Terraform's built-in `terraform_data` (Terraform >= 1.4, OpenTofu >= 1.6): no provider to
   * download. The default under cdktf and cdktn alike, so moving an app from one framework to
   * the other changes no resource address.
   */
  TERRAFORM_DATA = 'terraform_data',
}

/** Context key choosing the hook resource for a whole app (`cdktf.json` "context"). */
export const HOOK_RESOURCE_CONTEXT_KEY = 'cdktf-vbs-backup:hookResource';

/**
 * Context key (`true`) that writes a Terraform `moved` block from `null_resource.<id>` to
 * `terraform_data.<id>` for every `terraform_data` hook resource in its scope, so a stack whose
 * hooks were `null_resource`s (the default under cdktf before 0.1.0) keeps them, with no
 * replacement and no hook run (Terraform >= 1.9). Set it in `cdktf.json` "context" for an app,
 * or with `stack.node.setContext()` for one stack, before the constructs are made.
 */
export const MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY = 'cdktf-vbs-backup:moveFromNullResource';

/**
 * A hook resource the library made: a `TerraformResource` of the app's framework (cdktf or
 * cdktn), so it can be put in a `dependsOn` of that framework, or overridden.
 */
export interface IHookResource extends IConstruct {
  /** `null_resource` or `terraform_data`. */
  readonly terraformResourceType: string;
  /** The resource's logical id in the synthesized stack. */
  readonly friendlyUniqueId: string;
  /** The resource's address as a token of the app's framework (what `dependsOn` takes). */
  readonly fqn: string;
  /** The framework's escape hatch: sets `path` (dot-separated) of the resource's block to `value`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii's type for "any JSON value" (it has no `unknown`)
  addOverride(path: string, value: any): void;
}

/**
 * The hook resource for a construct: its prop if given, else the context key, else
 * `terraform_data` (under both frameworks).
 *
 * @throws BackupValidationError when the prop or the context value is not one of the allowed values
 */
export function resolveHookResource(scope: IConstruct, prop: HookResource | undefined): HookResource {
  return resolveChoice(scope, {
    prop: 'hookResource', enumName: 'HookResource', contextKey: HOOK_RESOURCE_CONTEXT_KEY,
    values: [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA], fallback: HookResource.TERRAFORM_DATA,
  }, prop);
}

/**
 * Whether `scope`'s hook resources of type `terraform_data` carry a `moved` block from
 * `null_resource` (the {@link MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY} context value).
 *
 * @throws BackupValidationError when the context value is neither a boolean nor "true"/"false"
 */
export function moveFromNullResource(scope: IConstruct): boolean {
  const value: unknown = scope.node.tryGetContext(MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY);
  if (value === undefined || value === null || value === false || value === 'false') {
    return false;
  }
  if (value === true || value === 'true') {
    return true;
  }
  throw new BackupValidationError(
    scope,
    `context "${MOVE_FROM_NULL_RESOURCE_CONTEXT_KEY}"`,
    value,
    'is not a boolean',
    'true (write moved blocks from null_resource) or false (set it in cdktf.json "context")',
  );
}
