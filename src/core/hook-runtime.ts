import { IConstruct } from 'constructs';
import { resolveChoice } from './choice';

/**
 * How a hook finds `node` where `terraform apply` runs (docs/architecture.md ADR 16). Chosen
 * like the hook resource (src/core/hook-kind.ts): a prop, else the context key, else the default.
 */
export enum HookRuntime {
  /**
   * `node` from the PATH of the process that runs `terraform apply` (Node >= 20.18), on every
   * platform Windows included: the default.
   */
  NODE = 'node',
  /**
   * A POSIX `sh` launcher shipped beside the executor takes `VBS_HOOK_NODE`, else a `node` >=
   * 20.18 on the PATH, else a Node it fetched before (`VBS_HOOK_CACHE`), else fetches the pinned
   * Node 22 build of the runner's OS and CPU from the npm registry (`VBS_HOOK_NODE_REGISTRY` for
   * a mirror), checks its sha512, and runs the hook with it. For runners without `node` (Linux
   * with glibc and macOS, x64 and arm64); not for Windows.
   */
  PORTABLE = 'portable',
}

/** Context key choosing the hook runtime for a whole app (`cdktf.json` "context"): `node` or `portable`. */
export const HOOK_RUNTIME_CONTEXT_KEY = 'cdktf-vbs-backup:hookRuntime';

/**
 * The hook runtime for a construct: its prop if given, else the context key, else `node`.
 *
 * @throws BackupValidationError when the prop or the context value is not one of the allowed values
 */
export function resolveHookRuntime(scope: IConstruct, prop: HookRuntime | undefined): HookRuntime {
  return resolveChoice(scope, {
    prop: 'hookRuntime', enumName: 'HookRuntime', contextKey: HOOK_RUNTIME_CONTEXT_KEY,
    values: [HookRuntime.NODE, HookRuntime.PORTABLE], fallback: HookRuntime.NODE,
  }, prop);
}
