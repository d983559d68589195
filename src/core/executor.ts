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
 * The first candidate that exists, as an absolute path. Absolute on the synth machine only:
 * the asset copies the file into the stack output and the JSON refers to the copy.
 *
 * @throws when none exists, naming every place looked at and how to build the file
 */
export function locateHookExecutor(candidates: readonly string[] = defaultExecutorCandidates()): string {
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(
    `cdktf-vbs-backup: the hook executor ${HOOK_EXECUTOR_FILE} was not found (looked at ${candidates
      .map((c) => JSON.stringify(c))
      .join(', ')}); run \`npm run build\` in the cdktf-vbs-backup package to bundle it into lib/hook/`,
  );
}

/** Per stack: the executor's path as a provisioner `interpreter` argument. */
const executorPaths = new WeakMap<IConstruct, string>();

/**
 * The executor's path for a `local-exec` interpreter, relative to the stack directory
 * (`${path.module}/assets/...`), adding the asset to `scope`'s stack on first use. One asset
 * per stack whatever the number of hooks.
 */
export function hookExecutorPath(scope: IConstruct): string {
  const module = fw(scope);
  const stack = stackFor(scope);
  const cached = executorPaths.get(stack);
  if (cached !== undefined) {
    return cached;
  }
  let asset = stack.node.tryFindChild(HOOK_ASSET_ID) as InstanceType<typeof module.TerraformAsset> | undefined;
  if (asset === undefined) {
    asset = new module.TerraformAsset(stack, HOOK_ASSET_ID, {
      path: locateHookExecutor(),
      type: module.AssetType.FILE,
    });
  }
  // `asset.path` is relative to the stack's output directory, which is Terraform's root
  // module: `${path.module}` keeps it working from any current directory.
  const executor = `\${path.module}/${asset.path}`;
  executorPaths.set(stack, executor);
  return executor;
}
