import { IConstruct } from 'constructs';
import { frameworkOf } from './framework';
import { VbsValidationError } from './validation';

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
   * (or reuses yours). The default under cdktf.
   */
  NULL_RESOURCE = 'null_resource',
  /**
   * Terraform's built-in `terraform_data` (Terraform >= 1.4, OpenTofu >= 1.6): no provider to
   * download. The default under cdktn.
   */
  TERRAFORM_DATA = 'terraform_data',
}

/** Context key choosing the hook resource for a whole app (`cdktf.json` "context"). */
export const HOOK_RESOURCE_CONTEXT_KEY = 'cdktf-vbs-backup:hookResource';

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
  addOverride(path: string, value: unknown): void;
}

const HOOK_RESOURCE_VALUES: readonly string[] = [HookResource.NULL_RESOURCE, HookResource.TERRAFORM_DATA];
const ALLOWED = HOOK_RESOURCE_VALUES.map((v) => JSON.stringify(v)).join(' or ');

/**
 * The hook resource for a construct: its prop if given, else the context key, else the
 * framework's default (`null_resource` under cdktf, `terraform_data` under cdktn).
 *
 * @throws VbsValidationError when the prop or the context value is not one of the allowed values
 */
export function resolveHookResource(scope: IConstruct, prop: HookResource | undefined): HookResource {
  if (prop !== undefined) {
    if (!HOOK_RESOURCE_VALUES.includes(prop)) {
      throw new VbsValidationError(scope, 'hookResource', prop, 'is not supported', `${ALLOWED} (the HookResource enum)`);
    }
    return prop;
  }
  const fromContext: unknown = scope.node.tryGetContext(HOOK_RESOURCE_CONTEXT_KEY);
  if (fromContext === undefined || fromContext === null) {
    return frameworkOf(scope).name === 'cdktn' ? HookResource.TERRAFORM_DATA : HookResource.NULL_RESOURCE;
  }
  if (typeof fromContext !== 'string' || !HOOK_RESOURCE_VALUES.includes(fromContext)) {
    throw new VbsValidationError(
      scope,
      `context "${HOOK_RESOURCE_CONTEXT_KEY}"`,
      fromContext,
      'is not supported',
      `${ALLOWED} (set it in cdktf.json "context", or pass the hookResource prop)`,
    );
  }
  return fromContext as HookResource;
}
