import * as fs from 'node:fs';
import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { fw, stackFor } from './framework';

/**
 * The hook executor (ADR 1): one bundled file, `lib/hook/vbs-backup-hook.js`, built by
 * `npm run build`, shipped into each stack's output once as a Terraform asset, so the
 * synthesized directory only needs `node` where `terraform apply` runs.
 */

/** File name of the bundled executor. */
export const HOOK_EXECUTOR_FILE = 'vbs-backup-hook.js';

/** Construct id of the per-stack asset, a direct child of the stack. */
export const HOOK_ASSET_ID = 'VbsBackupHookExecutor';

/** File name of the portable runtime's POSIX `sh` launcher (src/hook/vbs-backup-hook.sh, ADR 16). */
export const HOOK_LAUNCHER_FILE = 'vbs-backup-hook.sh';

/** Construct id of the per-stack launcher asset (stacks with a `HookRuntime.PORTABLE` hook only). */
export const HOOK_LAUNCHER_ASSET_ID = 'VbsBackupHookLauncher';

/**
 * Where the bundled executor may be, relative to this module: from `src/core` (tests and
 * ts-node) it is `../../lib/hook`, from the compiled `lib/core` it is `../hook`.
 */
export function defaultExecutorCandidates(): string[] {
  return [
    path.resolve(__dirname, '..', 'hook', HOOK_EXECUTOR_FILE),
    path.resolve(__dirname, '..', '..', 'lib', 'hook', HOOK_EXECUTOR_FILE),
  ];
}

/**
 * Where the launcher may be, relative to this module: `../hook` both from `src/core` (the
 * source, src/hook) and from the compiled `lib/core` (lib/hook, copied there by the build).
 */
export function defaultLauncherCandidates(): string[] {
  return [path.resolve(__dirname, '..', 'hook', HOOK_LAUNCHER_FILE)];
}

/**
 * The first candidate that exists, as an absolute path. Absolute on the synth machine only:
 * the asset copies the file into the stack output and the JSON refers to the copy.
 *
 * @throws when none exists, naming every place looked at and how to build the file
 */
export function locateHookExecutor(candidates: readonly string[] = defaultExecutorCandidates(), file = HOOK_EXECUTOR_FILE): string {
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(
    `cdktf-vbs-backup: the hook executor ${file} was not found (looked at ${candidates
      .map((c) => JSON.stringify(c))
      .join(', ')}); run \`npm run build\` in the cdktf-vbs-backup package to bundle it into lib/hook/`,
  );
}

/** Per stack and asset id: the file's path as a provisioner `interpreter` argument. */
const assetPaths = new WeakMap<IConstruct, Map<string, string>>();

/**
 * The executor's path for a `local-exec` interpreter, relative to the stack directory
 * (`${path.module}/assets/...`), adding the asset to `scope`'s stack on first use. One asset
 * per stack whatever the number of hooks.
 */
export function hookExecutorPath(scope: IConstruct): string {
  return stackAssetPath(scope, HOOK_ASSET_ID, () => locateHookExecutor());
}

/**
 * The portable runtime's launcher path for a `local-exec` interpreter (`sh <launcher>
 * <executor> <command>`), relative to the stack directory like {@link hookExecutorPath}: a
 * second file asset, added to the stack only when one of its hooks uses `HookRuntime.PORTABLE`,
 * so a `HookRuntime.NODE` stack's output is unchanged.
 */
export function hookLauncherPath(scope: IConstruct): string {
  return stackAssetPath(scope, HOOK_LAUNCHER_ASSET_ID, () => locateHookExecutor(defaultLauncherCandidates(), HOOK_LAUNCHER_FILE));
}

function stackAssetPath(scope: IConstruct, id: string, locate: () => string): string {
  const module = fw(scope);
  const stack = stackFor(scope);
  const known = assetPaths.get(stack) ?? new Map<string, string>();
  assetPaths.set(stack, known);
  const cached = known.get(id);
  if (cached !== undefined) {
    return cached;
  }
  let asset = stack.node.tryFindChild(id) as InstanceType<typeof module.TerraformAsset> | undefined;
  if (asset === undefined) {
    asset = new module.TerraformAsset(stack, id, { path: locate(), type: module.AssetType.FILE });
  }
  // `asset.path` is relative to the stack's output directory, which is Terraform's root
  // module: `${path.module}` keeps it working from any current directory.
  const file = `\${path.module}/${asset.path}`;
  known.set(id, file);
  return file;
}
